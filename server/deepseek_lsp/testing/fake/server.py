"""A fake DeepSeek API server on loopback, for tests, benchmarks and the CLI's ``--offline`` mode.

It is a real HTTP/1.1 server (asyncio streams, its own loop in a daemon thread) that follows
``DEEPSEEK_API.md``: chat, FIM and prefix completion (streaming and not), models, balance, errors,
usage with a simulated prefix cache. Tests script replies and faults, and read back what was sent::

    with FakeDeepSeek() as server:
        server.script(FakeReply(text="return 1", chunk_delay=0.01))
        ...  # point the client at server.base_url
        [request] = server.wait_for_requests(1)

As a subprocess: ``python -m deepseek_lsp.testing.fake --port 0`` prints
``listening on http://127.0.0.1:PORT`` first; ``/_fake/...`` endpoints then script it over HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import Iterable
from types import TracebackType

from deepseek_lsp.testing.fake.routes import handle_connection
from deepseek_lsp.testing.fake.state import FakeState
from deepseek_lsp.testing.fake.types import (
    DEFAULT_MODELS,
    RETIRED_MODELS,
    FakeConfig,
    FakeReply,
    RecordedRequest,
    UsagePlacement,
)

START_TIMEOUT = 10.0


class FakeDeepSeek:
    """The fake server. ``start()`` returns once it listens; ``stop()`` joins its thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        valid_keys: Iterable[str] | None = None,
        unavailable_models: Iterable[str] = RETIRED_MODELS,
        models: Iterable[str] = DEFAULT_MODELS,
        first_token_delay: float = 0.0,
        chunk_delay: float = 0.0,
        miss_token_delay: float = 0.0,
        hit_token_delay: float = 0.0,
        chunk_size: int = 8,
        usage_placement: UsagePlacement = "last_chunk",
    ) -> None:
        config = FakeConfig(
            valid_keys=None if valid_keys is None else frozenset(valid_keys),
            unavailable_models=frozenset(unavailable_models),
            models=tuple(models),
            first_token_delay=first_token_delay,
            chunk_delay=chunk_delay,
            miss_token_delay=miss_token_delay,
            hit_token_delay=hit_token_delay,
            chunk_size=chunk_size,
            usage_placement=usage_placement,
        )
        self.host = host
        self.port = port
        self._state = FakeState(config)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # Lifecycle ----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (the real port once started)."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeDeepSeek:
        """Start listening in a daemon thread; return once connections are accepted."""
        if self._thread is not None:
            raise RuntimeError("FakeDeepSeek already started")
        self._ready.clear()
        self._thread = threading.Thread(target=self._run, name="fake-deepseek", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT) or self._error is not None:
            self._thread.join(1.0)
            self._thread = None
            raise RuntimeError(f"FakeDeepSeek failed to start: {self._error}")
        return self

    def stop(self) -> None:
        """Close every connection, stop the loop and join the thread. Idempotent."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None or loop is None or stopping is None:
            return
        with contextlib.suppress(RuntimeError):  # loop already closed
            loop.call_soon_threadsafe(stopping.set)
        thread.join()
        self._thread = None

    def __enter__(self) -> FakeDeepSeek:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        """The server thread."""
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to start(); never kills the process
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        """Listen until ``stop()``, then cancel every connection."""
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        tasks: set[asyncio.Task[None]] = set()

        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.add(task)
            try:
                await handle_connection(self._state, reader, writer)
            except asyncio.CancelledError:
                pass  # stop() cancelled it; ending cancelled upsets asyncio's callback on 3.11
            finally:
                tasks.discard(task)

        server = await asyncio.start_server(on_connect, self.host, self.port)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stopping.wait()
            server.close()
            for task in list(tasks):
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    # Scripting and configuration ------------------------------------------------------------

    def script(self, *replies: FakeReply) -> None:
        """Queue replies; each is consumed by the first later request it matches."""
        self._state.script(*replies)

    def configure(self, **changes: object) -> None:
        """Change server-wide settings (the keyword names of ``__init__``) while running."""
        self._state.config.update_from_json(changes)

    @property
    def config(self) -> FakeConfig:
        """The current server-wide settings."""
        return self._state.config

    def reset(self) -> None:
        """Forget requests, scripts and the prefix cache; restore the initial settings."""
        self._state.reset()

    # Observation ----------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """The API requests received so far (control requests excluded)."""
        return self._state.requests()

    def wait_for_requests(
        self, n: int, timeout: float = 5.0, *, finished: bool = False
    ) -> list[RecordedRequest]:
        """Block until ``n`` requests arrived (``finished``: and were answered or hung up)."""
        return self._state.wait(
            self._state.requests_predicate(n, finished), timeout, f"{n} requests"
        )

    def wait_for_hangup(self, timeout: float = 5.0) -> RecordedRequest:
        """Block until a client closed a connection mid-response; return that request."""
        return self._state.wait(self._state.hangup_predicate(), timeout, "a hang-up")

    async def wait_for_requests_async(
        self, n: int, timeout: float = 5.0, *, finished: bool = False
    ) -> list[RecordedRequest]:
        """``wait_for_requests`` for async tests (does not block their loop)."""
        return await self._state.wait_async(
            self._state.requests_predicate(n, finished), timeout, f"{n} requests"
        )

    async def wait_for_hangup_async(self, timeout: float = 5.0) -> RecordedRequest:
        """``wait_for_hangup`` for async tests (does not block their loop)."""
        return await self._state.wait_async(self._state.hangup_predicate(), timeout, "a hang-up")


def main(argv: list[str] | None = None) -> int:
    """Run the fake server in the foreground until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(description="Fake DeepSeek API server (loopback only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--key", action="append", help="accepted API key (repeatable; default any)")
    parser.add_argument("--first-token-delay", type=float, default=0.0)
    parser.add_argument("--chunk-delay", type=float, default=0.0)
    parser.add_argument("--chunk-size", type=int, default=8)
    parser.add_argument("--miss-token-delay", type=float, default=0.0, help="s per missed token")
    parser.add_argument("--hit-token-delay", type=float, default=0.0, help="s per cached token")
    args = parser.parse_args(argv)
    server = FakeDeepSeek(
        args.host,
        args.port,
        valid_keys=args.key,
        first_token_delay=args.first_token_delay,
        chunk_delay=args.chunk_delay,
        miss_token_delay=args.miss_token_delay,
        hit_token_delay=args.hit_token_delay,
        chunk_size=args.chunk_size,
    )
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    server.start()
    from deepseek_lsp.console import out

    out(f"listening on {server.base_url}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
