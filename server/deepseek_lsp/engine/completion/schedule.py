"""One in-flight request per slot, shared identical work, and cancellation that is immediate.

* A `run` on a slot (say `(uri, "inline")`) supersedes the previous `run` on that slot: the
  previous caller gets `Superseded` and leaves its work at once.
* Work is shared by key (single-flight): concurrent callers with the same key await ONE call of
  the factory. The work is cancelled as soon as its last waiter leaves, whether superseded or
  cancelled (LSP `$/cancelRequest` cancels the caller's task), so an abandoned upstream stream
  is closed at once instead of running to its end.
* The debounce delay is waited inside `run`, before any work starts: a request superseded while
  waiting never reaches upstream. When identical work is already in flight, the caller joins it
  without waiting: no new request would be made anyway.
* With `linger`, work whose last waiter left is cancelled after that many seconds instead of at
  once, so the request that follows a keystroke can join it (`run` with the same key) when the
  user typed what the answer is likely to start with. `drop` cancels lingering work at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


class Superseded(Exception):
    """A newer request on the same slot replaced this one; its result would be stale."""


@dataclass(eq=False)
class _Work:
    """One execution of a factory, and how many callers still wait for it."""

    key: Hashable
    task: asyncio.Future[Any]
    waiters: int = 0
    wakes: list[asyncio.Future[None]] = field(default_factory=list)  # set as the work ends


@dataclass(eq=False)
class _Ticket:
    """One caller of `run`: woken early when superseded."""

    superseded: bool = False
    wake: asyncio.Future[None] | None = None  # what `run` awaits now, set early on supersede
    work: _Work | None = None
    left: bool = False


class Scheduler:
    """Per-slot superseding, per-key sharing; `sleep` is injectable for tests."""

    def __init__(
        self, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep, linger: float = 0.0
    ) -> None:
        self._sleep = sleep
        self._linger = linger
        self._slots: dict[Hashable, _Ticket] = {}
        self._work: dict[Hashable, _Work] = {}

    async def run(
        self,
        slot: Hashable,
        key: Hashable,
        factory: Callable[[], Awaitable[T]],
        *,
        delay: float = 0.0,
    ) -> T:
        """The result of `factory()` (shared by `key`), unless a newer run on `slot` comes first.

        Raises `Superseded` when replaced, `CancelledError` when the caller is cancelled, and
        whatever the factory raised.
        """
        ticket = _Ticket()
        in_flight = self._work.get(key)
        if in_flight is not None:
            self._join(ticket, in_flight)  # before superseding, so shared work stays alive
        self.supersede(slot)
        self._slots[slot] = ticket
        try:
            if ticket.work is None and delay > 0:
                await self._until_superseded(ticket, asyncio.ensure_future(self._sleep(delay)))
            if ticket.work is None:
                self._join(ticket, self._work.get(key) or self._start(key, factory))
            assert ticket.work is not None
            return await self._until_superseded(ticket, ticket.work.task)
        finally:
            self._leave(ticket)
            if self._slots.get(slot) is ticket:
                del self._slots[slot]

    def supersede(self, slot: Hashable) -> None:
        """Make the current caller on `slot`, if any, give up now (it raises `Superseded`)."""
        previous = self._slots.pop(slot, None)
        if previous is None:
            return
        previous.superseded = True
        if previous.wake is not None and not previous.wake.done():
            previous.wake.set_result(None)
        self._leave(previous)

    def running(self, key: Hashable) -> bool:
        """Whether work for `key` is in flight (and can still be joined)."""
        return key in self._work

    def drop(self, key: Hashable) -> None:
        """Cancel the work for `key` now if nobody waits for it (ends a linger early)."""
        work = self._work.get(key)
        if work is not None and work.waiters == 0:
            self._cancel(work)

    @property
    def in_flight(self) -> int:
        """How many distinct pieces of work are running."""
        return len(self._work)

    async def _until_superseded(self, ticket: _Ticket, work: asyncio.Future[T]) -> T:
        """`work`'s result; raises `Superseded` as soon as the ticket is superseded.

        One future woken by whichever comes first (`asyncio.wait` does the same with a set,
        a counter and a callback per future, on the way to every answer).
        """
        wake = ticket.wake = asyncio.get_running_loop().create_future()

        def woken(_: object) -> None:
            if not wake.done():
                wake.set_result(None)

        work.add_done_callback(woken)  # always, so even work cancelled unstarted wakes us
        watched = ticket.work if ticket.work is not None and work is ticket.work.task else None
        if watched is not None:
            watched.wakes.append(wake)
        try:
            if not ticket.superseded:
                await wake
        finally:
            work.remove_done_callback(woken)
            if watched is not None:
                watched.wakes.remove(wake)
            ticket.wake = None
            if ticket.work is None or work is not ticket.work.task:
                work.cancel()  # the debounce sleep: never outlives its caller
        if ticket.superseded:
            raise Superseded
        return work.result()

    def _start(self, key: Hashable, factory: Callable[[], Awaitable[T]]) -> _Work:
        box: list[_Work] = []
        work = _Work(key, asyncio.ensure_future(self._waking(box, factory)))
        box.append(work)
        self._work[key] = work
        work.task.add_done_callback(lambda task: self._finished(work, task))
        return work

    async def _waking(self, box: list[_Work], factory: Callable[[], Awaitable[T]]) -> T:
        """`factory()`; as it ends, the work is no longer joinable and its waiters are woken.

        The task is done by the time they run, one loop pass sooner than its done callbacks
        would wake them: a pass is ~50 µs of cold code on the way to the editor.
        """
        try:
            return await factory()
        finally:
            work = box[0]
            if self._work.get(work.key) is work:
                del self._work[work.key]
            for wake in work.wakes:
                if not wake.done():
                    wake.set_result(None)

    def _finished(self, work: _Work, task: asyncio.Future[Any]) -> None:
        if self._work.get(work.key) is work:
            del self._work[work.key]
        if not task.cancelled():
            task.exception()  # retrieved here; every waiter still gets it from `result()`

    @staticmethod
    def _join(ticket: _Ticket, work: _Work) -> None:
        ticket.work = work
        work.waiters += 1

    def _leave(self, ticket: _Ticket) -> None:
        """The caller stops waiting; the last one to leave unfinished work cancels it."""
        work = ticket.work
        if work is None or ticket.left:
            return
        ticket.left = True
        work.waiters -= 1
        if work.waiters == 0 and not work.task.done():
            if self._linger > 0:
                loop = asyncio.get_running_loop()
                loop.call_later(self._linger, lambda: work.waiters == 0 and self._cancel(work))
            else:
                self._cancel(work)

    def _cancel(self, work: _Work) -> None:
        work.task.cancel()
        if self._work.get(work.key) is work:
            del self._work[work.key]  # a new caller must not join cancelled work
