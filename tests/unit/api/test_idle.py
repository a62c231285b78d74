"""The stream watchdog: one timer for idle and total limits, exact about whose cancel it is."""

from __future__ import annotations

import asyncio

import pytest

from deepseek_lsp.api.idle import Watchdog


async def test_a_wait_past_the_deadline_raises_timeout_error() -> None:
    loop = asyncio.get_running_loop()
    watch = Watchdog(loop.time() + 0.05)
    started = loop.time()
    with pytest.raises(TimeoutError):
        await watch.wait(asyncio.sleep(5))
    assert 0.04 <= loop.time() - started < 1.0
    watch.close()


async def test_moving_the_deadline_keeps_a_stream_alive() -> None:
    loop = asyncio.get_running_loop()
    watch = Watchdog(loop.time() + 0.05)
    for _ in range(4):  # each "delta" moves the deadline on; 0.12 s in all, past the first one
        watch.deadline = loop.time() + 0.05
        await watch.wait(asyncio.sleep(0.03))
    with pytest.raises(TimeoutError):
        await watch.wait(asyncio.sleep(5))
    watch.close()


async def test_time_spent_between_waits_counts() -> None:
    loop = asyncio.get_running_loop()
    watch = Watchdog(loop.time() + 0.02)
    await asyncio.sleep(0.05)  # the consumer, busy past the deadline: not cancelled for it
    with pytest.raises(TimeoutError):
        await watch.wait(asyncio.sleep(5))
    watch.close()


async def test_someone_elses_cancel_stays_a_cancel() -> None:
    loop = asyncio.get_running_loop()

    async def reader() -> None:
        watch = Watchdog(loop.time() + 10)
        try:
            await watch.wait(asyncio.sleep(5))
        finally:
            watch.close()

    task = asyncio.ensure_future(reader())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()
