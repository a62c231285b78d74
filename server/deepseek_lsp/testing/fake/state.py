"""Shared, thread-safe state of the fake DeepSeek server.

The server's asyncio loop runs in its own thread while tests read and script it from theirs (sync
or async), so every field sits behind one condition variable. Waiting is event-driven: sync
callers block on the condition, async callers get a future resolved from the server thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from deepseek_lsp.testing.fake.payloads import PrefixCache
from deepseek_lsp.testing.fake.types import FakeConfig, FakeReply, RecordedRequest

T = TypeVar("T")
# A predicate returns None while unmet, or a 1-tuple holding the value to hand back.
Predicate = Callable[[], tuple[T] | None]


class FakeState:
    """Config, scripted replies, recorded requests and prefix cache behind one lock."""

    def __init__(self, config: FakeConfig) -> None:
        self._initial = copy.deepcopy(config)
        self.config = config
        self.cache = PrefixCache()
        self._cond = threading.Condition()
        self._scripts: list[FakeReply] = []
        self._requests: list[RecordedRequest] = []
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[Any], Predicate[Any]]]
        self._waiters = []

    # Scripts and records ---------------------------------------------------------------------

    def script(self, *replies: FakeReply) -> None:
        """Queue replies, consumed in order by the requests they match."""
        with self._cond:
            self._scripts.extend(replies)

    def take_script(self, endpoint: str, body: Any, prompt: str) -> FakeReply | None:
        """Remove and return the first queued reply matching this request."""
        with self._cond:
            for i, reply in enumerate(self._scripts):
                if reply.matches(endpoint, body, prompt):
                    return self._scripts.pop(i)
        return None

    def pending_scripts(self) -> int:
        """How many scripted replies are still queued."""
        with self._cond:
            return len(self._scripts)

    def record(self, request: RecordedRequest) -> None:
        """Add a received request."""
        with self._cond:
            self._requests.append(request)
        self.changed()

    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the list (the records themselves are live)."""
        with self._cond:
            return list(self._requests)

    def reset(self) -> None:
        """Forget requests, scripts and cache; restore the initial config."""
        with self._cond:
            self._requests.clear()
            self._scripts.clear()
            self.config = copy.deepcopy(self._initial)
            self.cache.clear()
        self.changed()

    # Waiting ----------------------------------------------------------------------------------

    def changed(self) -> None:
        """Wake every waiter whose condition may now hold."""
        with self._cond:
            self._cond.notify_all()
            for waiter in list(self._waiters):
                loop, future, predicate = waiter
                found = predicate()
                if found is not None:
                    self._waiters.remove(waiter)
                    with contextlib.suppress(RuntimeError):  # the waiter's loop is closed
                        loop.call_soon_threadsafe(_resolve, future, found[0])

    def wait(self, predicate: Predicate[T], timeout: float, what: str) -> T:
        """Block until ``predicate`` holds; ``TimeoutError`` naming ``what`` otherwise."""
        with self._cond:
            found = self._cond.wait_for(predicate, timeout)
        if found is None:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        return found[0]

    async def wait_async(self, predicate: Predicate[T], timeout: float, what: str) -> T:
        """Like ``wait`` without blocking the caller's event loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._cond:
            found = predicate()
            if found is not None:
                return found[0]
            waiter = (loop, future, predicate)
            self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}") from None
        finally:
            with self._cond, contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    def requests_predicate(self, n: int, finished: bool) -> Predicate[list[RecordedRequest]]:
        """Holds once ``n`` requests arrived (and, if ``finished``, were answered or hung up)."""

        def check() -> tuple[list[RecordedRequest]] | None:
            done = [r for r in self._requests if not finished or _settled(r)]
            return (list(self._requests),) if len(done) >= n else None

        return check

    def hangup_predicate(self) -> Predicate[RecordedRequest]:
        """Holds once some request was hung up on by its client."""

        def check() -> tuple[RecordedRequest] | None:
            hung = [r for r in self._requests if r.hung_up]
            return (hung[0],) if hung else None

        return check


def _settled(request: RecordedRequest) -> bool:
    """Whether the server is done with this request."""
    return request.finished_at is not None or request.hung_up


def _resolve(future: asyncio.Future[Any], value: Any) -> None:
    """Set a waiter's result unless it was cancelled meanwhile."""
    if not future.done():
        future.set_result(value)
