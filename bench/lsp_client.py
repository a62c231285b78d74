"""A minimal JSON-RPC/LSP client over a server's stdio, for the benchmark.

Hand-rolled on asyncio subprocess pipes so that timings are as close to the wire as Python
allows: a request's send time is taken just before its bytes are written, its receive time just
after its response is parsed, both with ``time.perf_counter``. Server-to-client requests are
answered with ``null`` (one ``null`` per item for ``workspace/configuration``), so the server never
waits on us; ``window/showMessage`` notifications are kept for the report.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
SERVER_ARGS = ("-m", "deepseek_lsp", "--stdio")


class RpcError(Exception):
    """A JSON-RPC error answer."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = int(error.get("code", 0))


@dataclass
class Reply:
    """A response and when it was sent and received (``time.perf_counter``)."""

    id: int
    sent_at: float
    received_at: float = 0.0
    result: Any = None
    error: dict[str, Any] | None = None

    @property
    def rtt(self) -> float:
        """Round trip, seconds."""
        return self.received_at - self.sent_at


@dataclass
class Pending:
    """A request on its way: its id, send time and the future its reply resolves."""

    id: int
    sent_at: float
    future: asyncio.Future[Reply] = field(repr=False)


class LspClient:
    """One server process and the conversation with it."""

    def __init__(self, proc: asyncio.subprocess.Process, stderr_path: str) -> None:
        self.proc = proc
        self.stderr_path = stderr_path
        self.messages: list[dict[str, Any]] = []  # window/showMessage params
        self._next_id = 0
        self._pending: dict[int, Pending] = {}
        self._reader = asyncio.create_task(self._read_loop())

    @classmethod
    async def spawn(cls, env: dict[str, str]) -> LspClient:
        """Start ``python -m deepseek_lsp --stdio`` with ``env`` added to ours."""
        fd, stderr_path = tempfile.mkstemp(prefix="deepseek-lsp-bench-", suffix=".log")
        proc = await asyncio.create_subprocess_exec(
            str(PYTHON),
            *SERVER_ARGS,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=fd,
            env={**os.environ, **env},
            limit=64 * 1024 * 1024,
        )
        os.close(fd)
        return cls(proc, stderr_path)

    # Sending -----------------------------------------------------------------------------------

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message, separators=(",", ":")).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def send(self, method: str, params: Any = None) -> Pending:
        """Send a request now; await ``pending.future`` for its ``Reply``."""
        self._next_id += 1
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        message = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
        if params is not None:
            message["params"] = params
        pending = Pending(self._next_id, time.perf_counter(), future)
        self._pending[pending.id] = pending
        self._write(message)
        return pending

    async def request(self, method: str, params: Any = None, timeout: float = 30.0) -> Reply:
        """Send a request and wait for its reply."""
        pending = self.send(method, params)
        await self.drain()
        return await asyncio.wait_for(pending.future, timeout)

    async def call(self, method: str, params: Any = None) -> Any:
        """The result of a request, or ``RpcError``."""
        reply = await self.request(method, params)
        if reply.error is not None:
            raise RpcError(reply.error)
        return reply.result

    def notify(self, method: str, params: Any = None) -> None:
        """Send a notification (buffered; ``drain`` to push it out)."""
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._write(message)

    def cancel(self, request_id: int) -> None:
        """``$/cancelRequest`` for an earlier request."""
        self.notify("$/cancelRequest", {"id": request_id})

    async def drain(self) -> None:
        """Wait until the pipe accepted what was written."""
        assert self.proc.stdin is not None
        await self.proc.stdin.drain()

    # Receiving ---------------------------------------------------------------------------------

    async def _read_loop(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while True:
                header = await stdout.readuntil(b"\r\n\r\n")
                length = 0
                for line in header.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                message = json.loads(await stdout.readexactly(length))
                self._dispatch(message, time.perf_counter())
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            for pending in self._pending.values():
                if not pending.future.done():
                    pending.future.set_exception(ConnectionError("server closed its output"))

    def _dispatch(self, message: dict[str, Any], now: float) -> None:
        if "method" not in message:
            pending = self._pending.pop(message.get("id", -1), None)
            if pending is not None and not pending.future.done():
                reply = Reply(pending.id, pending.sent_at, now, message.get("result"))
                reply.error = message.get("error")
                pending.future.set_result(reply)
            return
        method = message["method"]
        if method == "window/showMessage":
            self.messages.append(message.get("params") or {})
        if "id" in message:  # a request from the server: answer at once
            result: Any = None
            if method == "workspace/configuration":
                result = [None for _ in (message.get("params") or {}).get("items", [])]
            self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})

    # Life cycle --------------------------------------------------------------------------------

    def rss_kib(self) -> int:
        """The server's resident set size (VmRSS) in KiB."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS in /proc status")

    def stderr_tail(self, chars: int = 2000) -> str:
        """The end of the server's log, for error reports."""
        return Path(self.stderr_path).read_text(errors="replace")[-chars:]

    async def close(self) -> None:
        """``shutdown`` and ``exit``, or kill the process if it does not go."""
        try:
            if self.proc.returncode is None:
                await asyncio.wait_for(self.request("shutdown"), 2.0)
                self.notify("exit")
                await self.drain()
                await asyncio.wait_for(self.proc.wait(), 2.0)
        except (asyncio.TimeoutError, ConnectionError, BrokenPipeError):
            pass
        finally:
            if self.proc.returncode is None:
                self.proc.kill()
                await self.proc.wait()
            self._reader.cancel()
            Path(self.stderr_path).unlink(missing_ok=True)


def initialize_params(options: dict[str, Any] | None = None) -> dict[str, Any]:
    """What VS Code sends, reduced to what the server looks at."""
    return {
        "processId": os.getpid(),
        "initializationOptions": options or {},
        "rootUri": None,
        "capabilities": {
            "textDocument": {
                "synchronization": {"dynamicRegistration": False},
                "inlineCompletion": {"dynamicRegistration": False},
                "completion": {"completionItem": {"snippetSupport": True}},
            },
            "workspace": {"configuration": True},
            "window": {"workDoneProgress": True},
        },
        "clientInfo": {"name": "deepseek-lsp-bench", "version": "0"},
    }
