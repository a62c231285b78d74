"""Superseding, single-flight sharing and immediate cancellation, driven by events (no sleeps)."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from deepseek_lsp.engine.completion.schedule import Scheduler, Superseded

WAIT = 2.0  # generous bound for conditions that should hold within a few loop iterations


class FakeWork:
    """A factory whose calls block until released, and which records its own cancellation."""

    def __init__(self, result: str = "ok") -> None:
        self.result = result
        self.calls = 0
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.cancelled = asyncio.Event()

    async def __call__(self) -> str:
        self.calls += 1
        self.started.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        return self.result


class FakeSleep:
    """An injected debounce sleep that lasts until the test says so."""

    def __init__(self) -> None:
        self.requested: list[float] = []
        self.waiting = asyncio.Event()
        self.done = asyncio.Event()
        self.cancelled = 0

    async def __call__(self, seconds: float) -> None:
        self.requested.append(seconds)
        self.waiting.set()
        try:
            await self.done.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise


async def wait_for(event: asyncio.Event) -> None:
    await asyncio.wait_for(event.wait(), WAIT)


async def test_returns_factory_result() -> None:
    work = FakeWork("hello")
    work.release.set()
    assert await Scheduler().run("slot", "k", work) == "hello"
    assert work.calls == 1


async def test_new_run_on_same_slot_supersedes_and_cancels_previous_work() -> None:
    scheduler = Scheduler()
    first, second = FakeWork("old"), FakeWork("new")
    old = asyncio.create_task(scheduler.run(("a.py", "inline"), "k1", first))
    await wait_for(first.started)

    new = asyncio.create_task(scheduler.run(("a.py", "inline"), "k2", second))
    with pytest.raises(Superseded):
        await asyncio.wait_for(old, WAIT)
    await wait_for(first.cancelled)
    await wait_for(second.started)
    second.release.set()
    assert await new == "new"


async def test_superseding_cancels_previous_work_synchronously() -> None:
    scheduler = Scheduler()
    upstream = PendingUpstream()
    old = asyncio.create_task(scheduler.run("slot", "k1", upstream))
    await wait_for(upstream.started)

    scheduler.supersede("slot")
    assert upstream.future.cancelled()  # before the superseded caller even resumed
    with pytest.raises(Superseded):
        await old
    assert scheduler.in_flight == 0


class PendingUpstream:
    """A factory returning a bare future: whether it was cancelled is visible synchronously."""

    def __init__(self) -> None:
        self.future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.started = asyncio.Event()

    def __call__(self) -> asyncio.Future[str]:
        self.started.set()
        return self.future


def first_task(scheduler: Scheduler) -> asyncio.Future[object]:
    (work,) = scheduler._work.values()
    return work.task


async def test_other_slots_are_independent() -> None:
    scheduler = Scheduler()
    a, b = FakeWork("a"), FakeWork("b")
    task_a = asyncio.create_task(scheduler.run(("a.py", "inline"), "ka", a))
    task_b = asyncio.create_task(scheduler.run(("b.py", "inline"), "kb", b))
    await wait_for(a.started)
    await wait_for(b.started)
    a.release.set()
    b.release.set()
    assert await task_a == "a"
    assert await task_b == "b"


async def test_identical_concurrent_requests_share_one_execution() -> None:
    scheduler = Scheduler()
    work = FakeWork("shared")
    one = asyncio.create_task(scheduler.run("slot1", "same", work))
    two = asyncio.create_task(scheduler.run("slot2", "same", work))
    await wait_for(work.started)
    work.release.set()
    assert await one == "shared"
    assert await two == "shared"
    assert work.calls == 1


async def test_shared_work_survives_until_last_waiter_leaves() -> None:
    scheduler = Scheduler()
    work = FakeWork("shared")
    one = asyncio.create_task(scheduler.run("slot1", "same", work))
    two = asyncio.create_task(scheduler.run("slot2", "same", work))
    await wait_for(work.started)

    one.cancel()
    with pytest.raises(asyncio.CancelledError):
        await one
    assert not work.cancelled.is_set()
    assert not first_task(scheduler).done()

    two.cancel()
    with pytest.raises(asyncio.CancelledError):
        await two
    await wait_for(work.cancelled)
    assert scheduler.in_flight == 0


async def test_cancelled_caller_cancels_its_work_at_once() -> None:
    scheduler = Scheduler()
    upstream = PendingUpstream()
    seen_by_caller: list[bool] = []

    async def caller() -> None:
        try:
            await scheduler.run("slot", "k", upstream)
        finally:
            seen_by_caller.append(upstream.future.cancelled())

    task = asyncio.create_task(caller())
    await wait_for(upstream.started)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen_by_caller == [True]  # cancelled before `run` even returned to its caller


async def test_superseded_caller_keeps_shared_work_when_new_run_has_same_key() -> None:
    scheduler = Scheduler()
    work = FakeWork("same answer")
    old = asyncio.create_task(scheduler.run("slot", "k", work))
    await wait_for(work.started)
    new = asyncio.create_task(scheduler.run("slot", "k", work, delay=5.0))
    with pytest.raises(Superseded):
        await old
    work.release.set()
    assert await new == "same answer"
    assert work.calls == 1
    assert not work.cancelled.is_set()


async def test_superseded_during_debounce_never_starts_work() -> None:
    sleep = FakeSleep()
    scheduler = Scheduler(sleep=sleep)
    first, second = FakeWork(), FakeWork("second")
    old = asyncio.create_task(scheduler.run("slot", "k1", first, delay=0.15))
    await wait_for(sleep.waiting)
    assert sleep.requested == [0.15]

    second.release.set()
    new = asyncio.create_task(scheduler.run("slot", "k2", second))
    with pytest.raises(Superseded):
        await old
    assert await new == "second"
    assert first.calls == 0
    assert sleep.cancelled == 1


async def test_work_starts_after_debounce_elapses() -> None:
    sleep = FakeSleep()
    scheduler = Scheduler(sleep=sleep)
    work = FakeWork("done")
    work.release.set()
    caller = asyncio.create_task(scheduler.run("slot", "k", work, delay=0.1))
    await wait_for(sleep.waiting)
    assert work.calls == 0
    sleep.done.set()
    assert await asyncio.wait_for(caller, WAIT) == "done"
    assert work.calls == 1


async def test_cancel_during_debounce_never_starts_work() -> None:
    sleep = FakeSleep()
    scheduler = Scheduler(sleep=sleep)
    work = FakeWork()
    caller = asyncio.create_task(scheduler.run("slot", "k", work, delay=0.1))
    await wait_for(sleep.waiting)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    sleep.done.set()
    assert work.calls == 0
    assert sleep.cancelled == 1


async def test_real_tiny_delay_is_waited() -> None:
    work = FakeWork("late")
    work.release.set()
    assert await Scheduler().run("slot", "k", work, delay=0.001) == "late"


async def test_factory_error_reaches_every_waiter() -> None:
    scheduler = Scheduler()
    started, gate = asyncio.Event(), asyncio.Event()
    calls = []

    async def failing() -> str:
        calls.append(1)
        started.set()  # both callers have joined by now: they ran before this task
        await gate.wait()
        raise ValueError("boom")

    one = asyncio.create_task(scheduler.run("s1", "k", failing))
    two = asyncio.create_task(scheduler.run("s2", "k", failing))
    await wait_for(started)
    gate.set()
    for task in (one, two):
        with pytest.raises(ValueError, match="boom"):
            await task
    assert scheduler.in_flight == 0
    assert len(calls) == 1


async def test_finished_work_is_not_reused() -> None:
    scheduler = Scheduler()
    work = FakeWork("x")
    work.release.set()
    await scheduler.run("slot", "k", work)
    await scheduler.run("slot", "k", work)
    assert work.calls == 2


async def test_superseded_is_not_a_cancelled_error() -> None:
    assert not issubclass(Superseded, asyncio.CancelledError)


async def test_linger_keeps_abandoned_work_joinable_then_cancels_it() -> None:
    scheduler = Scheduler(linger=0.05)
    started = 0
    release = asyncio.Event()
    cancelled = asyncio.Event()

    async def work() -> str:
        nonlocal started
        started += 1
        try:
            await release.wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "answer"

    first = asyncio.ensure_future(scheduler.run("slot", "k", work))
    await asyncio.sleep(0)
    first.cancel()  # the editor cancelled the request: the work lingers
    with contextlib.suppress(asyncio.CancelledError):
        await first
    assert scheduler.running("k") and not cancelled.is_set()
    second = asyncio.ensure_future(scheduler.run("slot", "k", work))  # a follow-up joins it
    await asyncio.sleep(0)
    release.set()
    assert await second == "answer"
    assert started == 1

    release.clear()
    third = asyncio.ensure_future(scheduler.run("slot", "k2", work))
    await asyncio.sleep(0)
    third.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await third
    await asyncio.wait_for(cancelled.wait(), 1.0)  # nobody joined: cancelled after the linger
    assert not scheduler.running("k2")


async def test_drop_ends_a_linger_at_once() -> None:
    scheduler = Scheduler(linger=10.0)
    cancelled = asyncio.Event()

    async def work() -> str:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return ""

    task = asyncio.ensure_future(scheduler.run("slot", "k", work))
    await asyncio.sleep(0)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    scheduler.drop("k")
    await asyncio.wait_for(cancelled.wait(), 1.0)
    assert not scheduler.running("k")
