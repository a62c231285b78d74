"""A byte-level LSP client for hostile-input tests: send any bytes, read every byte that comes back.

pytest-lsp can only send well-formed messages; these tests need broken framing, bad envelopes and
replies of the wrong shape. Everything the server writes to stdout is parsed strictly: anything
that is not a well-framed JSON message is recorded in `stray`, which tests assert stays empty.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HEADER = re.compile(rb"Content-Length: (\d+)\r\n(?:[A-Za-z-]+: [^\r\n]*\r\n)*\r\n")
CAPABILITIES: dict[str, Any] = {
    "workspace": {
        "applyEdit": True,
        "configuration": True,
        "workspaceEdit": {"documentChanges": True},
    },
    "textDocument": {
        "inlineCompletion": {},
        "codeAction": {"resolveSupport": {"properties": ["edit"]}},
    },
    "window": {"workDoneProgress": True},
}


def frame(message: Any) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class Wire:
    """The real server as a subprocess; `messages` holds everything it sent, in order."""

    def __init__(self, env: dict[str, str] | None = None, answer: Callable | None = None) -> None:
        server_env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPSEEK_")}
        server_env.update(env or {})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deepseek_lsp", "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=server_env,
            cwd=str(Path(__file__).resolve().parents[2]),
        )
        self.messages: list[dict[str, Any]] = []
        self.stray: list[bytes] = []
        self.answer = answer  # (request from the server) -> reply dict, or None to stay silent
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._stderr: list[bytes] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # --- reading ---------------------------------------------------------------------------------

    def _read_stdout(self) -> None:
        buf = b""
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read1(1 << 16):
            buf += chunk
            while True:
                match = HEADER.match(buf)
                if match is None:
                    prefix = b"Content-Length: "
                    if buf[: len(prefix)] != prefix[: len(buf)]:
                        self.stray.append(buf)
                        buf = b""
                    break
                length = int(match.group(1))
                if len(buf) < match.end() + length:
                    break
                body, buf = buf[match.end() : match.end() + length], buf[match.end() + length :]
                self._got(json.loads(body))
        with self._cond:
            self._cond.notify_all()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        while line := self.proc.stderr.readline():
            self._stderr.append(line)

    def _got(self, message: dict[str, Any]) -> None:
        with self._cond:
            self.messages.append(message)
            self._cond.notify_all()
        if "method" in message and "id" in message and self.answer is not None:
            reply = self.answer(message)
            if reply is not None:
                self.send({"jsonrpc": "2.0", "id": message["id"], **reply})

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> Any:
        """The first message matching `predicate`; AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in self.messages:
                    if predicate(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no such message; got {self.messages[-5:]!r}")
                self._cond.wait(min(left, 0.2))

    def answers(self, msg_id: Any) -> list[dict[str, Any]]:
        """Every response the server sent for `msg_id`."""
        with self._cond:
            return [m for m in self.messages if m.get("id") == msg_id and "method" not in m]

    def response(self, msg_id: Any, timeout: float = 10.0) -> dict[str, Any]:
        return self.wait_for(lambda m: m.get("id") == msg_id and "method" not in m, timeout)

    @property
    def stderr(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")

    # --- writing ---------------------------------------------------------------------------------

    def raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: Any) -> None:
        self.raw(frame(message))

    def request(self, method: str, params: Any = None, **extra: Any) -> Any:
        """Send a request; return its id."""
        msg_id = next(self._ids)
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send({**message, **extra})
        return msg_id

    def call(self, method: str, params: Any = None, timeout: float = 10.0) -> dict[str, Any]:
        return self.response(self.request(method, params), timeout)

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params or {}})

    def initialize(self, options: dict[str, Any] | None = None) -> dict[str, Any]:
        reply = self.call(
            "initialize",
            {
                "processId": None,
                "rootUri": None,
                "capabilities": CAPABILITIES,
                "initializationOptions": options or {},
            },
        )
        self.notify("initialized", {})
        return reply

    def open(self, uri: str, text: str, language: str = "python") -> None:
        item = {"uri": uri, "languageId": language, "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": item})

    def close(self, timeout: float = 10.0) -> int:
        """Shut down politely if still running; the exit code."""
        if self.proc.poll() is None:
            try:
                self.call("shutdown", timeout=timeout)
                self.notify("exit")
            except (AssertionError, BrokenPipeError, OSError):
                pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
