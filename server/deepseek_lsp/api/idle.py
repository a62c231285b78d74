"""One timer per stream for its idle and total limits, instead of a timeout per event.

`asyncio.timeout` around each event's wait schedules and cancels a timer for every event (about
13 µs each; a completion has a handful, all on the way to the editor). The watchdog keeps one
timer and moves it only when it fires before the deadline, which moves at each delta.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")
RECHECK_SECONDS = 0.01  # the consumer was busy when the deadline passed: look again this soon


class Watchdog:
    """Cancels the current task while it waits past `deadline`; `wait` then raises TimeoutError.

    Time the consumer spends between waits counts, as it did with a timeout per wait.
    """

    def __init__(self, deadline: float) -> None:
        self._loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("Watchdog needs a task")
        self._task = task
        self._cancelling = task.cancelling()
        self.deadline = deadline
        self._waiting = False
        self._expired = False
        self._handle = self._loop.call_at(deadline, self._fire)

    async def wait(self, awaitable: Awaitable[T]) -> T:
        """`await awaitable`, or TimeoutError once the deadline has passed."""
        if self._loop.time() >= self.deadline:
            _close(awaitable)
            raise TimeoutError
        self._waiting = True
        try:
            return await awaitable
        except asyncio.CancelledError:
            if self._expired and self._task.uncancel() <= self._cancelling:
                raise TimeoutError from None
            raise
        finally:
            self._waiting = False
            self._expired = False

    def close(self) -> None:
        """Stop the timer (the stream is done)."""
        self._handle.cancel()

    def _fire(self) -> None:
        now = self._loop.time()
        if now < self.deadline:
            self._handle = self._loop.call_at(self.deadline, self._fire)
        elif self._waiting:
            self._expired = True
            self._task.cancel()
        else:
            self._handle = self._loop.call_at(now + RECHECK_SECONDS, self._fire)


def _close(awaitable: Awaitable[object]) -> None:
    """Close a coroutine that will never be awaited (no 'never awaited' warning)."""
    close = getattr(awaitable, "close", None)
    if callable(close):
        close()
