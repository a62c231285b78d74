"""The shared Redis cache end to end: two real servers over stdio, one real redis-server."""

from __future__ import annotations

import asyncio
import time

import pytest

from deepseek_lsp.engine.completion.redis_cache import NAMESPACE
from deepseek_lsp.testing.fake.types import FakeReply
from deepseek_lsp.testing.services import RedisServer, missing

from .conftest import as_dict, inline_params, lsp_session, open_doc, raw_request

pytestmark = pytest.mark.skipif(
    bool(missing("redis-server", "redis-cli")), reason="needs scripts/setup-services.sh"
)

URI = "file:///work/proj/shared.py"
TEXT = "import os\n\ndef add(a, b):\n    return \n\nprint(add(1, 2))\n"


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


def fim_requests(fake):
    return [r for r in fake.requests if r.path.endswith("/beta/completions")]


async def usage(client):
    return as_dict(await raw_request(client, "deepseek/usage", None))


async def until(condition, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {timeout} s"
        await asyncio.sleep(0.01)


def shared_keys(server: RedisServer) -> list[str]:
    return [k for k in server.cli("KEYS", NAMESPACE + "*").splitlines() if k]


def connected(server: RedisServer) -> list[str]:
    return [line for line in server.cli("CLIENT", "LIST").splitlines() if line.strip()]


def redis_messages(client):
    return [m.message for m in client.messages if "shared cache" in m.message]


async def suggest(client, line: int = 3, char: int = 11) -> list[str]:
    result = await client.text_document_inline_completion_async(inline_params(URI, line, char))
    return [item.insert_text for item in result.items]


async def test_the_second_server_gets_the_first_ones_suggestion_without_upstream(
    fake, redis_server
):
    fake.script(FakeReply(text="a + b"))
    options = {"cache": {"redisUrl": redis_server.url(), "ttlSeconds": 600}}
    async with lsp_session(fake, init_options=options) as first:
        open_doc(first, URI, TEXT)
        assert await suggest(first) == ["a + b"]
        await until(lambda: len(shared_keys(redis_server)) == 1, what="the background write")
    async with lsp_session(fake, init_options=options) as second:
        open_doc(second, URI, TEXT)
        # The second server's start-up probe has connected (its PING is in), so its first read
        # does not pay for importing redis-py and connecting, which can pass the 25 ms budget on
        # a loaded machine (a miss then, by design).
        await until(lambda: any("cmd=ping" in c for c in connected(redis_server)), what="a probe")
        assert await suggest(second) == ["a + b"]
        assert len(fim_requests(fake)) == 1  # only the first server asked DeepSeek
        counters = await usage(second)
        assert counters["redisHits"] == 1 and counters["requests"] == 0
        assert await suggest(second) == ["a + b"]  # promoted: now a first-level hit
        counters = await usage(second)
        assert counters["cacheHits"] == 1 and counters["redisHits"] == 1
        assert redis_messages(second) == []
    (key,) = shared_keys(redis_server)
    assert redis_server.cli("GET", key) == "0:a + b"  # the suggestion and nothing else
    assert "def add" not in key and len(key) == len(NAMESPACE) + 40
    assert 0 < int(redis_server.cli("TTL", key)) <= 600


async def test_entries_expire_and_then_go_upstream_again(fake, redis_server):
    fake.script(FakeReply(text="a + b"), FakeReply(text="a + b"))
    options = {"cache": {"redisUrl": redis_server.url(), "ttlSeconds": 1}}
    async with lsp_session(fake, init_options=options) as first:
        open_doc(first, URI, TEXT)
        assert await suggest(first) == ["a + b"]
        await until(lambda: len(shared_keys(redis_server)) == 1, what="the background write")
    await until(lambda: not shared_keys(redis_server), what="expiry after ttlSeconds")
    async with lsp_session(fake, init_options=options) as second:
        open_doc(second, URI, TEXT)
        assert await suggest(second) == ["a + b"]
        assert len(fim_requests(fake)) == 2
        assert (await usage(second))["redisHits"] == 0


async def test_redis_down_at_start_gives_one_message_and_completion_goes_on(fake):
    missing = RedisServer()  # a free port: nothing listens
    fake.script(FakeReply(text="a + b"), FakeReply(text="a - b"))
    options = {"cache": {"redisUrl": missing.url()}}
    async with lsp_session(fake, init_options=options) as client:
        open_doc(client, URI, TEXT)
        assert await suggest(client) == ["a + b"]
        await until(lambda: redis_messages(client), what="the Redis message")
        assert await suggest(client, 5, 0) == ["a - b"]
        assert len(redis_messages(client)) == 1
        assert "cannot be reached" in redis_messages(client)[0]
    missing.stop()


async def test_redis_killed_mid_session_gives_one_message_and_completion_goes_on(
    fake, redis_server
):
    fake.script(FakeReply(text="a + b"), FakeReply(text="a - b"), FakeReply(text="a * b"))
    options = {"cache": {"redisUrl": redis_server.url()}}
    async with lsp_session(fake, init_options=options) as client:
        open_doc(client, URI, TEXT)
        assert await suggest(client) == ["a + b"]
        await until(lambda: len(shared_keys(redis_server)) == 1, what="the background write")
        redis_server.kill()
        assert await suggest(client, 5, 0) == ["a - b"]
        assert await suggest(client, 1, 0) == ["a * b"]
        await until(lambda: redis_messages(client), what="the Redis message")
        assert len(redis_messages(client)) == 1
        assert await suggest(client) == ["a + b"]  # the first level still answers
        assert len(fim_requests(fake)) == 3


async def test_wrong_password_is_one_message_naming_no_password(fake):
    server = RedisServer(password="the-right-one").start()
    try:
        fake.script(FakeReply(text="a + b"))
        options = {"cache": {"redisUrl": server.url(password="not-it")}}
        async with lsp_session(fake, init_options=options) as client:
            open_doc(client, URI, TEXT)
            assert await suggest(client) == ["a + b"]
            await until(lambda: redis_messages(client), what="the Redis message")
            (message,) = redis_messages(client)
            assert "refused the password" in message and "not-it" not in message
    finally:
        server.stop()


async def test_a_url_that_is_not_redis_is_an_invalid_setting(fake):
    fake.script(FakeReply(text="a + b"))
    options = {"cache": {"redisUrl": "http://user:hunter2@example.invalid/0"}}
    async with lsp_session(fake, init_options=options) as client:
        open_doc(client, URI, TEXT)
        assert await suggest(client) == ["a + b"]
        problems = [m.message for m in client.messages if "cache.redisUrl" in m.message]
        assert len(problems) == 1 and "hunter2" not in problems[0]


async def test_a_hung_redis_costs_at_most_a_few_budgets_and_one_message(fake, redis_server):
    replies = [FakeReply(text=f"a + {i}") for i in range(6)]
    fake.script(*replies)
    options = {"cache": {"redisUrl": redis_server.url(), "redisTimeoutMs": 25}}
    async with lsp_session(fake, init_options=options) as client:
        open_doc(client, URI, TEXT)
        assert await suggest(client) == ["a + 0"]
        redis_server.pause()  # SIGSTOP: connections stay open, nothing answers
        try:
            for i, (line, char) in enumerate([(5, 0), (1, 0), (0, 0), (4, 0), (2, 0)], start=1):
                assert await suggest(client, line, char) == [f"a + {i}"]
            await until(lambda: redis_messages(client), what="the Redis message")
        finally:
            redis_server.resume()
        (message,) = redis_messages(client)
        assert "did not answer within 25 ms" in message
        assert len(fim_requests(fake)) == 6
