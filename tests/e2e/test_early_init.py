"""`initialize` answered before the server is loaded gives exactly the full server's answer."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

VSCODE = {
    "general": {"positionEncodings": ["utf-16"], "markdown": {"parser": "marked"}},
    "workspace": {"configuration": True, "workspaceFolders": True, "applyEdit": True},
    "textDocument": {
        "synchronization": {"dynamicRegistration": True, "willSave": True, "didSave": True},
        "inlineCompletion": {"dynamicRegistration": True},
        "completion": {"completionItem": {"snippetSupport": True}},
        "codeAction": {"resolveSupport": {"properties": ["edit"]}},
    },
    "window": {"workDoneProgress": True},
}
NEOVIM = {
    "general": {"positionEncodings": ["utf-8", "utf-16", "utf-32"]},
    "workspace": {"configuration": True, "didChangeWatchedFiles": {"dynamicRegistration": True}},
    "textDocument": {"completion": {"completionItem": {"snippetSupport": True}}},
    "window": {"workDoneProgress": True, "showDocument": {"support": True}},
}
EMACS = {
    "general": {"positionEncodings": ["utf-32", "utf-8", "utf-16"]},
    "workspace": {"applyEdit": True, "workspaceEdit": {"documentChanges": True}},
    "textDocument": {"synchronization": {"willSave": True, "willSaveWaitUntil": True}},
}
OLD_CLIENT: dict[str, Any] = {"textDocument": {}}


def _send(proc: Any, message: dict[str, Any]) -> None:
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


async def _read(proc: Any) -> Any:
    header = await asyncio.wait_for(proc.stdout.readuntil(b"\r\n\r\n"), 30.0)
    assert header.startswith(b"Content-Length: ")
    length = int(header.split(b"\r\n")[0].split(b":")[1])
    return json.loads(await proc.stdout.readexactly(length))


async def _initialize(env: dict[str, str], capabilities: dict[str, Any], log: Path) -> Any:
    """Spawn the server, send initialize, return its answer (stdout must be protocol only)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "deepseek_lsp",
        "--stdio",
        "--log-level",
        "info",
        "--log-file",
        str(log),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    params = {"processId": os.getpid(), "rootUri": None, "capabilities": capabilities}
    _send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
    try:
        answer = await _read(proc)
        _send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        assert (await _read(proc))["id"] == 2, "the next message on stdout is the shutdown answer"
        _send(proc, {"jsonrpc": "2.0", "method": "exit"})
        assert await asyncio.wait_for(proc.stdout.read(), 30.0) == b"", "nothing but protocol"
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()
    assert answer["id"] == 1 and "error" not in answer
    return answer["result"]


@pytest.mark.parametrize(
    "capabilities", [VSCODE, NEOVIM, EMACS, OLD_CLIENT], ids=["vscode", "neovim", "emacs", "old"]
)
async def test_early_answer_is_the_full_servers_answer(tmp_path, capabilities):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPSEEK_")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), DEEPSEEK_API_KEY="sk-test")
    full = await _initialize({**env, "DEEPSEEK_LSP_EARLY_INIT": "0"}, capabilities, tmp_path / "0")
    assert not (tmp_path / "cache").exists(), "turned off, it stores nothing either"
    primed = await _initialize(env, capabilities, tmp_path / "1.log")
    assert "answered early" not in (tmp_path / "1.log").read_text()
    early = await _initialize(env, capabilities, tmp_path / "2.log")
    log = (tmp_path / "2.log").read_text()
    assert "answered early" in log and "differed" not in log
    assert early == primed == full
    stored = json.loads((tmp_path / "cache" / "deepseek-lsp" / "initialize.json").read_text())
    assert stored["disabled"] is False


async def test_a_stale_stored_answer_is_caught_and_turned_off(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPSEEK_")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), DEEPSEEK_API_KEY="sk-test")
    full = await _initialize(env, VSCODE, tmp_path / "1.log")
    path = tmp_path / "cache" / "deepseek-lsp" / "initialize.json"
    stored = json.loads(path.read_text())
    stored["result"]["capabilities"]["hoverProvider"] = True  # as if the code had changed
    path.write_text(json.dumps(stored))
    wrong = await _initialize(env, VSCODE, tmp_path / "2.log")
    assert wrong["capabilities"]["hoverProvider"] is True  # answered early, as stored
    assert "differed" in (tmp_path / "2.log").read_text()
    assert json.loads(path.read_text())["disabled"] is True
    assert await _initialize(env, VSCODE, tmp_path / "3.log") == full
