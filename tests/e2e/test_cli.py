"""The command line against the fake DeepSeek server over real loopback HTTP."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from deepseek_lsp import __version__
from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import API_KEY

# The CLI's spend ledger and system policy: never the user's own.
STATE_DIR = tempfile.mkdtemp(prefix="deepseek-lsp-cli-state-")
atexit.register(shutil.rmtree, STATE_DIR, True)

SOURCE = "import math\n\n\ndef area(r):\n    return \n\n\nprint(area(2))\n"


def run_cli(fake, *args: str, env: dict[str, str] | None = None, key: str | None = API_KEY, **kw):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPSEEK_")}
    full_env["DEEPSEEK_LSP_STATE_DIR"] = STATE_DIR
    full_env["DEEPSEEK_LSP_POLICY"] = os.path.join(STATE_DIR, "no-system-policy.json")
    if fake is not None:
        full_env["DEEPSEEK_BASE_URL"] = fake.base_url
    if key:
        full_env["DEEPSEEK_API_KEY"] = key
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "deepseek_lsp", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=30,
        **kw,
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "geometry.py"
    path.write_text(SOURCE)
    return path


def fim(fake):
    return [r for r in fake.requests if r.path.endswith("/beta/completions")]


def test_version():
    result = run_cli(None, "--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_complete_sends_the_documented_body_and_prints_the_suggestion(fake, source):
    fake.script(FakeReply(text="math.pi * r ** 2"))
    result = run_cli(fake, "complete", f"{source}:5:12")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "math.pi * r ** 2\n"
    assert "ms; tokens: prompt" in result.stderr
    (request,) = fim(fake)
    body = request.body
    assert request.headers.get("authorization") == f"Bearer {API_KEY}"
    assert body["model"] == "deepseek-flash"
    assert body["prompt"].endswith("def area(r):\n    return ")
    assert body["suffix"] == "\n\n\nprint(area(2))\n"
    assert body["stream"] is True
    assert body["max_tokens"] == 128


def test_show_prompt_prints_what_is_sent_after_redaction(fake, source):
    source.write_text('TOKEN = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"\n' + SOURCE)
    result = run_cli(fake, "complete", f"{source}:6:12", "--show-prompt")
    assert result.returncode == 0, result.stderr
    assert "--- prompt" in result.stderr and "<CURSOR>" in result.stderr
    assert "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ" not in result.stderr
    assert "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ" not in fim(fake)[0].body["prompt"]


def test_no_key_falls_back_to_offline_and_says_so(source):
    result = run_cli(None, "complete", f"{source}:5:12", key=None)
    assert result.returncode == 0, result.stderr
    assert "offline" in result.stderr
    assert result.stdout.strip()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing.py:1:1", "No such file"),
        ("{src}:99:1", "Line 99"),
        ("{src}:5:80", "Column 80"),
        ("{src}:x:1", "FILE:LINE:COL"),
    ],
)
def test_bad_arguments_exit_2_with_one_sentence(fake, source, target, message):
    result = run_cli(fake, "complete", target.format(src=source))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert fim(fake) == []


def test_rate_limit_is_retried_no_sooner_than_retry_after(fake, source):
    fake.script(FakeReply(status=429, retry_after=1), FakeReply(text="3.14 * r * r"))
    result = run_cli(fake, "complete", f"{source}:5:12")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3.14 * r * r"
    first, second = fim(fake)
    assert second.received_at - first.received_at >= 1.0


@pytest.mark.parametrize(("status", "word"), [(401, "key"), (402, "balance")])
def test_auth_and_balance_errors_are_not_retried(fake, source, status, word):
    fake.script(FakeReply(status=status))
    result = run_cli(fake, "complete", f"{source}:5:12")
    assert result.returncode == 1
    assert word in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert len(fim(fake)) == 1


@pytest.mark.parametrize(
    "reply",
    [
        FakeReply(text="x" * 40, drop_after_chunks=2),
        FakeReply(text="y" * 40, malformed_after_chunks=1),
    ],
)
def test_dropped_connection_and_malformed_chunk_give_a_clear_error(fake, source, reply):
    fake.script(reply)
    result = run_cli(fake, "complete", f"{source}:5:12")
    assert result.returncode == 1
    assert "DeepSeek" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_server_is_one_sentence(source):
    result = run_cli(
        None, "complete", f"{source}:5:12", env={"DEEPSEEK_BASE_URL": "http://127.0.0.1:9"}
    )
    assert result.returncode == 1
    assert "127.0.0.1:9" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_single_line_position_asks_for_one_line_only(fake, source):
    # The cursor is mid-line (text follows), so one line is wanted: a stop sequence saves tokens.
    source.write_text("def area(r):\n    return  # area\n")
    fake.script(FakeReply(text="r * r\nprint('more')\n"))
    result = run_cli(fake, "complete", f"{source}:2:12")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "r * r\n"
    assert fim(fake)[0].body["stop"] == ["\n"]


def test_interrupt_mid_stream_hangs_up(fake, source):
    fake.script(FakeReply(text="slow " * 50, chunk_size=2, first_token_delay=0.1, chunk_delay=0.5))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPSEEK_")}
    env.update(DEEPSEEK_BASE_URL=fake.base_url, DEEPSEEK_API_KEY=API_KEY)
    proc = subprocess.Popen(
        [sys.executable, "-m", "deepseek_lsp", "complete", f"{source}:5:12"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    fake.wait_for_requests(1, timeout=10)
    time.sleep(0.3)  # the stream is open and trickling
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert fake.wait_for_hangup(timeout=5).hung_up
    assert proc.returncode == 130
    assert "Traceback" not in err


def test_doctor_reports_ok_and_problems(fake):
    ok = run_cli(fake, "doctor")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "All good" in ok.stdout
    missing = run_cli(fake, "doctor", key=None)
    assert missing.returncode == 1
    assert "DEEPSEEK_API_KEY" in missing.stderr
    fake.configure(valid_keys=["sk-other"])
    rejected = run_cli(fake, "doctor")
    assert rejected.returncode == 1
    assert "401" in rejected.stderr


def test_stdout_is_only_protocol_even_with_a_stray_print(tmp_path, fake):
    """A library printing to stdout at start-up must not corrupt the LSP stream."""
    (tmp_path / "sitecustomize.py").write_text(
        "import os, sys\n"
        "class Noisy:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'deepseek_lsp.lsp.server':\n"
        "            print('stray output from a library')\n"
        "            os.write(1, b'stray bytes on fd 1')\n"
        "sys.meta_path.insert(0, Noisy())\n"
    )
    env = {"PYTHONPATH": str(tmp_path), "DEEPSEEK_BASE_URL": fake.base_url}
    body = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
    message = f"Content-Length: {len(body)}\r\n\r\n{body}"
    exit_body = '{"jsonrpc":"2.0","method":"exit"}'
    message += f"Content-Length: {len(exit_body)}\r\n\r\n{exit_body}"
    result = run_cli(fake, "--stdio", input=message, env=env)
    assert result.stdout.startswith("Content-Length:"), result.stdout[:200]
    assert "stray" not in result.stdout
    assert "stray output from a library" in result.stderr
