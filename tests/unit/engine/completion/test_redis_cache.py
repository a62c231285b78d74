"""The Redis second level against a real redis-server: sharing, TTL, and every fault."""

import asyncio
import time

import pytest

from deepseek_lsp.engine.completion.postprocess.draft import Draft
from deepseek_lsp.engine.completion.redis_cache import (
    NAMESPACE,
    SLOW_STREAK,
    Breaker,
    RedisCache,
    decode,
    encode,
    redacted_url,
)
from deepseek_lsp.settings import CacheSettings
from deepseek_lsp.testing.services import RedisServer, missing, wait_until

pytestmark = pytest.mark.skipif(
    bool(missing("redis-server", "redis-cli")), reason="needs scripts/setup-services.sh"
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


def make(url: str, clock: Clock | None = None, ttl: float = 60.0, budget_ms: int = 2000):
    # A generous budget unless the budget is what is tested: this machine is shared.
    reports: list[str] = []
    cache = RedisCache(
        CacheSettings(redis_url=url, ttl_seconds=ttl, redis_timeout_ms=budget_ms),
        report=reports.append,
        timer=clock or Clock(),
    )
    return cache, reports


async def test_put_is_shared_with_another_client_under_a_namespaced_key_with_the_ttl(redis_server):
    writer, _ = make(redis_server.url(), ttl=120)
    reader, reports = make(redis_server.url())
    writer.put("abc123", Draft("return x + 1"))
    await writer.aclose()  # waits for the background write
    assert redis_server.cli("GET", NAMESPACE + "abc123") == "0:return x + 1"
    assert 0 < int(redis_server.cli("PTTL", NAMESPACE + "abc123")) <= 120_000
    assert await reader.get("abc123") == Draft("return x + 1")
    assert await reader.get("missing") is None
    assert reports == []
    await reader.aclose()


async def test_entries_expire_after_ttl_seconds(redis_server):
    cache, _ = make(redis_server.url(), ttl=0.3)
    cache.put("k", Draft("soon gone"))
    await cache.aclose()
    assert await cache.get("k") == Draft("soon gone")
    wait_until(lambda: redis_server.cli("EXISTS", NAMESPACE + "k") == "0", 5, "expiry")
    assert await cache.get("k") is None
    await cache.aclose()


async def test_unix_socket_and_password_from_the_url():
    server = RedisServer(password="s3cret", unix_socket=True).start()
    try:
        cache, reports = make(server.url(db=2))
        cache.put("k", Draft("over the socket"))
        await cache.aclose()
        assert await cache.get("k") == Draft("over the socket")
        assert server.cli("-n", "2", "GET", NAMESPACE + "k") == "0:over the socket"
        assert reports == []
        await cache.aclose()
    finally:
        server.stop()


async def test_down_at_start_reports_once_and_stops_asking_until_the_backoff():
    clock = Clock()
    server = RedisServer()  # its port is free: nothing listens yet
    cache, reports = make(server.url(), clock)
    cache.probe()
    await asyncio.sleep(0)
    wait_for = time.monotonic() + 5
    while not reports and time.monotonic() < wait_for:
        await asyncio.sleep(0.005)
    assert len(reports) == 1 and "cannot be reached" in reports[0]
    started = time.perf_counter()
    for _ in range(50):  # the breaker is open: no connection attempts at all
        assert await cache.get("k") is None
    assert time.perf_counter() - started < 0.05
    assert len(reports) == 1
    server.start()
    try:
        server.cli("SET", NAMESPACE + "k", "0:after the outage")
        assert await cache.get("k") is None  # still within the backoff
        clock.now += 1.5
        assert await cache.get("k") == Draft("after the outage")  # the probe closes the breaker
        assert cache.breaker.closed and len(reports) == 1
        await cache.aclose()
    finally:
        server.stop()


async def test_killed_mid_session_then_back(redis_server):
    clock = Clock()
    cache, reports = make(redis_server.url(), clock)
    cache.put("k", Draft("v"))
    await cache.aclose()
    assert await cache.get("k") == Draft("v")
    redis_server.kill()
    assert await cache.get("k") is None
    assert len(reports) == 1 and "cannot be reached" in reports[0]
    clock.now += 1.5
    assert await cache.get("k") is None  # a failed probe: open again, for longer
    clock.now += 1.5
    assert await cache.get("k") is None and not cache.breaker.allow()
    redis_server.start()  # same port, empty
    clock.now += 2.0
    cache.put("k", Draft("again"))  # the write is the probe
    await cache.aclose()
    assert cache.breaker.closed
    assert await cache.get("k") == Draft("again")
    assert len(reports) == 1
    await cache.aclose()


async def test_a_slowed_redis_costs_a_few_budgets_then_nothing(redis_server):
    cache, reports = make(redis_server.url(), budget_ms=25)
    assert await cache.get("warm") is None  # connects
    redis_server.pause()
    try:
        budgeted = []
        for _ in range(SLOW_STREAK):
            started = time.perf_counter()
            assert await cache.get("k") is None
            budgeted.append(time.perf_counter() - started)
        assert len(reports) == 1 and "did not answer within 25 ms" in reports[0]
        started = time.perf_counter()
        for _ in range(20):
            assert await cache.get("k") is None
        after = time.perf_counter() - started
    finally:
        redis_server.resume()
    assert all(0.02 <= t < 0.2 for t in budgeted), budgeted
    assert after < 0.01, after  # the breaker is open: no waiting at all
    assert len(reports) == 1
    await cache.aclose()


async def test_wrong_password_is_reported_without_the_password():
    server = RedisServer(password="right-one").start()
    try:
        cache, reports = make(server.url(password="wrong-one"))
        assert await cache.get("k") is None
        assert len(reports) == 1
        assert "refused the password" in reports[0]
        assert "wrong-one" not in reports[0] and ":***@" in reports[0]
        nopass, more = make(server.url(password=""))
        assert await nopass.get("k") is None
        assert "refused the password" in more[0]
        await cache.aclose()
        await nopass.aclose()
    finally:
        server.stop()


async def test_a_database_that_does_not_exist(redis_server):
    cache, reports = make(redis_server.url(db=99))
    assert await cache.get("k") is None
    assert len(reports) == 1 and "no such database" in reports[0]
    await cache.aclose()


def test_breaker_backoff_doubles_and_resets():
    clock = Clock()
    breaker = Breaker(clock, 1.0)
    assert breaker.allow() and breaker.closed
    assert breaker.failed() is True  # closed -> open: report
    assert breaker.failed() is False  # another command of the same outage: no stretch
    assert not breaker.allow()
    clock.now += 1.0
    assert breaker.allow() and not breaker.allow()  # one probe at a time
    assert breaker.failed() is False  # failed probe: 2 s now
    clock.now += 1.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.allow()
    assert breaker.succeeded() is True and breaker.closed
    assert breaker.failed() is True
    clock.now += 1.0
    assert breaker.allow()  # back to the first backoff after a success


def test_late_success_does_not_close_an_open_breaker():
    breaker = Breaker(Clock(), 1.0)
    breaker.failed()
    assert breaker.succeeded() is False and not breaker.closed


def test_redacted_url():
    assert redacted_url("redis://:pw@host:6379/1") == "redis://:***@host:6379/1"
    assert redacted_url("rediss://user:pw@host/0") == "rediss://user:***@host/0"
    assert redacted_url("redis://host:6379/0") == "redis://host:6379/0"
    assert redacted_url("unix:///r.sock?db=1&password=pw") == "unix:///r.sock?db=1&password=***"


def test_values_carry_the_replaced_length_and_nothing_else():
    assert encode(Draft("a + b)", 1, "stop")) == "1:a + b)"
    assert decode("1:a + b)") == Draft("a + b)", 1)
    assert decode("0:x:y") == Draft("x:y")
    assert decode("no count") is None and decode(None) is None and decode("-1:x") is None
