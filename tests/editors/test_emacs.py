"""Emacs 28 with eglot and with lsp-mode (Debian's emacs-nox, elpa-eglot, elpa-lsp-mode) in batch.

The documented configurations (``tests/editors/emacs/deepseek-eglot.el`` and
``deepseek-lsp-mode.el``, quoted verbatim by ``docs/editors.md``) must start the server, get a
completion from the fake DeepSeek server and apply a code action. ``scripts/setup-editors.sh``
installs Emacs and both clients; without them the tests skip (fail under ``CI``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deepseek_lsp.testing.fake.server import FakeDeepSeek
from deepseek_lsp.testing.fake.types import FakeReply

HERE = Path(__file__).resolve().parent
EMACS_DIR = HERE / "emacs"
DOC = HERE.parents[1] / "docs" / "editors.md"
BIN = Path(sys.executable).parent
ELPA = Path("/usr/share/emacs/site-lisp/elpa")

pytestmark = [pytest.mark.timeout(120)]


def _require_emacs(package: str = "eglot") -> str:
    emacs = shutil.which("emacs")
    if emacs is None or not any(ELPA.glob(f"{package}-*")):
        message = f"emacs with {package} not installed: run scripts/setup-editors.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return emacs


@pytest.fixture
def fake() -> Iterator[FakeDeepSeek]:
    with FakeDeepSeek() as server:
        yield server


def run_emacs(
    tmp_path: Path,
    fake: FakeDeepSeek,
    text: str,
    line: int,
    *,
    client: str = "eglot",
    **scenario: str,
) -> dict[str, Any]:
    """Open a file holding `text` in batch Emacs with a documented config; the results."""
    emacs = _require_emacs(client)
    config, driver = {
        "eglot": ("deepseek-eglot.el", "run.el"),
        "lsp-mode": ("deepseek-lsp-mode.el", "run-lsp-mode.el"),
    }[client]
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    path = project / "calc.py"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "result.json"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "DEEPSEEK_LSP_STATE_DIR": str(tmp_path / "state"),
        "DEEPSEEK_BASE_URL": fake.base_url,
        "DEEPSEEK_API_KEY": "sk-test-emacs",
        "DEEPSEEK_EMACS_OUT": str(out),
        "DEEPSEEK_EMACS_FILE": str(path),
        "DEEPSEEK_EMACS_LINE": str(line),
        **{f"DEEPSEEK_EMACS_{key.upper()}": value for key, value in scenario.items()},
    }
    command = [
        emacs,
        "--batch",  # no init file, but Debian's site-start (which puts elpa-eglot on the path)
        "-f",
        "package-activate-all",  # the autoloads an interactive Emacs loads at start-up
        "-l",
        str(EMACS_DIR / config),
        "-l",
        str(EMACS_DIR / driver),
    ]
    proc = subprocess.run(
        command,
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert out.exists(), f"emacs wrote no result (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
    result = json.loads(out.read_text())
    assert result["ok"] is True, f"{result['error']}\n{proc.stderr[-4000:]}"
    return result["results"]


def test_eglot_config_starts_the_server_and_completes(tmp_path: Path, fake: FakeDeepSeek):
    fake.script(FakeReply(text="a + b", endpoint="fim"))
    text = "def add(a, b):\n    return \n\n\nprint(add(1, 2))\n"
    got = run_emacs(tmp_path, fake, text, line=2)
    assert got["server"].startswith("EGLOT"), got
    assert any("a + b" in c for c in got["candidates"]), got
    assert "def add(a, b):\n    return a + b\n" in got["text"], got["text"]
    fim = [r.body for r in fake.requests if r.endpoint == "fim"]
    assert fim and fim[0]["prompt"].endswith("def add(a, b):\n    return ")


def test_eglot_code_action_runs_as_a_command_and_edits(tmp_path: Path, fake: FakeDeepSeek):
    # eglot 1.9 cannot resolve code actions: the server must hand it commands that apply edits.
    fake.script(FakeReply(text="Add two numbers.", endpoint="chat"))
    text = "def add(a, b):\n    return a + b\n"
    got = run_emacs(
        tmp_path, fake, text, line=1, scenario="action", action="DeepSeek: add a docstring"
    )
    assert "DeepSeek: add a docstring" in got["titles"], got
    lines = got["text"].splitlines()
    assert lines[0] == "def add(a, b):"
    assert "Add two numbers." in lines[1], lines
    assert lines[-1] == "    return a + b"


def test_lsp_mode_config_starts_the_server_and_completes(tmp_path: Path, fake: FakeDeepSeek):
    fake.script(FakeReply(text="a + b", endpoint="fim"))
    text = "def add(a, b):\n    return \n\n\nprint(add(1, 2))\n"
    got = run_emacs(tmp_path, fake, text, line=2, client="lsp-mode")
    assert got["servers"] == ["deepseek-lsp"], got
    assert any("a + b" in c for c in got["candidates"]), got
    assert "def add(a, b):\n    return a + b\n" in got["text"], got["text"]


def test_lsp_mode_code_action_adds_a_docstring(tmp_path: Path, fake: FakeDeepSeek):
    fake.script(FakeReply(text="Add two numbers.", endpoint="chat"))
    text = "def add(a, b):\n    return a + b\n"
    got = run_emacs(
        tmp_path,
        fake,
        text,
        line=1,
        client="lsp-mode",
        scenario="action",
        action="DeepSeek: add a docstring",
    )
    assert "DeepSeek: add a docstring" in got["titles"], got
    lines = got["text"].splitlines()
    assert lines[0] == "def add(a, b):"
    assert "Add two numbers." in lines[1], lines
    assert lines[-1] == "    return a + b"


@pytest.mark.parametrize("name", ["deepseek-eglot.el", "deepseek-lsp-mode.el"])
def test_docs_quote_the_emacs_configs(name: str):
    body = (EMACS_DIR / name).read_text(encoding="utf-8").strip()
    assert body in DOC.read_text(encoding="utf-8"), f"docs/editors.md must quote {name}"
