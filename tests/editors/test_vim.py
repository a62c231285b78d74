"""Real Vim 9 with ALE (Debian's vim-nox + vim-ale), typed at through tmux, against deepseek-lsp.

Each test starts Vim in a private tmux server with ``~/.vimrc`` = ``tests/editors/vim/
deepseek-ale.vim`` (quoted verbatim by ``docs/editors.md``) and a harness (``vim/harness.vim``)
that reports Vim's state to a JSON file every 50 ms; the test sends keys as a user would and
polls that file (and the screen) for what the user would see. The fake DeepSeek server answers.
``scripts/setup-editors.sh`` installs Vim, ALE and tmux; without them the test skips (fails
under ``CI``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from deepseek_lsp.testing import FakeDeepSeek, FakeReply

HERE = Path(__file__).resolve().parent
VIM_DIR = HERE / "vim"
CONFIG = VIM_DIR / "deepseek-ale.vim"
DOC = HERE.parents[1] / "docs" / "editors.md"
BIN = Path(sys.executable).parent
ALE = Path("/usr/share/vim-ale")
DEADLINE = 60.0  # seconds for each wait; a loaded 2-core machine starts Vim and the server slowly

pytestmark = [pytest.mark.timeout(240)]


def _require_vim() -> tuple[str, str]:
    vim, tmux = shutil.which("vim"), shutil.which("tmux")
    if vim is None or tmux is None or not ALE.is_dir():
        message = "vim, vim-ale or tmux not installed: run scripts/setup-editors.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return vim, tmux


class VimSession:
    """Vim in a tmux server of its own: keys in, screen and reported state out."""

    def __init__(self, tmux: str, socket: str, state: Path) -> None:
        self.tmux, self.socket, self.state_file = tmux, socket, state

    def _run(self, *args: str) -> str:
        proc = subprocess.run(
            [self.tmux, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return proc.stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self._run("send-keys", "-t", "vim", *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self._run("capture-pane", "-p", "-t", "vim")

    def state(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def wait(self, what: str, pred: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Poll the reported state until `pred` holds; fail with the screen after DEADLINE."""
        deadline = time.monotonic() + DEADLINE
        while True:
            state = self.state()
            if state is not None and pred(state):
                return state
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}\nstate: {state}\n{self.screen()}")
            time.sleep(0.05)

    def wait_screen(self, what: str, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + DEADLINE
        while True:
            screen = self.screen()
            if found := re.search(pattern, screen, re.MULTILINE):
                return found
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}\n{screen}")
            time.sleep(0.05)

    def close(self) -> None:
        subprocess.run(
            [self.tmux, "-L", self.socket, "kill-server"], capture_output=True, check=False
        )


@pytest.fixture(scope="module")
def _fake_server() -> Iterator[FakeDeepSeek]:
    with FakeDeepSeek() as server:
        yield server


@pytest.fixture
def fake(_fake_server: FakeDeepSeek) -> FakeDeepSeek:
    _fake_server.reset()
    return _fake_server


@pytest.fixture
def open_vim(tmp_path: Path, fake: FakeDeepSeek) -> Iterator[Callable[[str], VimSession]]:
    vim, tmux = _require_vim()
    sessions: list[VimSession] = []

    def start(text: str) -> VimSession:
        home = tmp_path / "home"
        home.mkdir()
        shutil.copy(CONFIG, home / ".vimrc")
        project = tmp_path / "project"
        (project / ".git").mkdir(parents=True)
        (project / "calc.py").write_text(text, encoding="utf-8")
        state = tmp_path / "state.json"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TMUX", "DEEPSEEK_"))},
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(home),
            "TERM": "xterm-256color",
            "DEEPSEEK_BASE_URL": fake.base_url,
            "DEEPSEEK_API_KEY": "sk-test-vim",
            "DEEPSEEK_VIM_STATE": str(state),
        }
        session = VimSession(tmux, f"deepseek-vim-{uuid.uuid4().hex[:12]}", state)
        sessions.append(session)
        harness = VIM_DIR / "harness.vim"
        tmux_args = ["-f", "/dev/null", "new-session", "-d", "-s", "vim", "-x", "150", "-y", "45"]
        vim_args = [vim, "-c", f"source {harness}", "calc.py"]
        subprocess.run(
            [tmux, "-L", session.socket, *tmux_args, "-c", str(project), *vim_args],
            env=env,
            check=True,
            timeout=30,
        )
        return session

    yield start
    for session in sessions:
        session.close()


def server_ready(state: dict[str, Any]) -> bool:
    return any(c["running"] and c["initialized"] for c in state["connections"])


def started(session: VimSession) -> dict[str, Any]:
    """Wait for what the documented config promises once a Python file is open."""
    state = session.wait("Vim to open calc.py", lambda s: s["filetype"] == "python")
    assert "deepseek" in state["linters"], state  # ALE's default Python list names it too
    assert state["omnifunc"] == "ale#completion#OmniFunc", state  # not python3complete
    return session.wait("ALE to start deepseek-lsp", server_ready)


def test_ale_starts_the_server_and_omni_completion_inserts_multiline(open_vim, fake):
    # ALE cuts an item at its first "(" and Vim inserts newlines as NULs: the whole text must land.
    suggestion = "total = max(a, b)\n    return total"
    fake.script(FakeReply(text=suggestion, endpoint="fim"))
    text = "def biggest(a, b):\n    \n"
    vim = open_vim(text)
    started(vim)
    vim.keys("2G", "A")
    vim.wait("insert mode", lambda s: s["mode"].startswith("i"))
    vim.keys("C-x", "C-o")
    vim.wait("the completion menu", lambda s: s["pum"] == 1)
    vim.keys("C-y")
    expected = ("def biggest(a, b):\n    " + suggestion).split("\n")
    state = vim.wait("the suggestion in the buffer", lambda s: s["lines"] == expected)
    assert "\x00" not in "".join(state["lines"])
    assert state["mode"].startswith("i")
    assert state["cursor"] == [len(expected), len(expected[-1]) + 1]  # after the suggestion
    fim = [r.body for r in fake.requests if r.endpoint == "fim"]
    assert fim and fim[0]["prompt"].endswith("def biggest(a, b):\n    ")


def test_ale_code_action_adds_a_docstring(open_vim, fake):
    fake.script(FakeReply(text="Add two numbers.", endpoint="chat"))
    vim = open_vim("def add(a, b):\n    return a + b\n")
    started(vim)
    vim.keys("1G")
    vim.keys("\\da", literal=True)  # <leader>da with the default leader
    menu = vim.wait_screen("ALE's list of code actions", r"Type number and <Enter>")
    number = re.search(r"^(\d+)\) DeepSeek: add a docstring$", vim.screen(), re.MULTILINE)
    assert number, f"no docstring action in:\n{vim.screen()}"
    assert menu
    vim.keys(number.group(1), "Enter")
    # ALE applies the server's workspace/applyEdit (it never answers it): the user sees the text.
    state = vim.wait("the docstring in the buffer", lambda s: len(s["lines"]) > 2)
    assert state["lines"][0] == "def add(a, b):"
    assert "Add two numbers." in state["lines"][1], state["lines"]
    assert state["lines"][-1] == "    return a + b"


def test_docs_quote_the_vim_config():
    body = CONFIG.read_text(encoding="utf-8").strip()
    assert body in DOC.read_text(encoding="utf-8"), "docs/editors.md must quote deepseek-ale.vim"
