"""The shared second-level suggestion cache in Redis (`cache.redisUrl`), for a team.

Redis must never make completion slower or break it, so:
* a read gets `budget` seconds and counts as a miss past it; the command itself is never
  cancelled (redis-py drops a connection whose reply was abandoned), it finishes on its own;
  `SLOW_STREAK` misses of that kind in a row count as a failure;
* writes go out in the background and never delay a suggestion;
* any failure opens a circuit breaker: no Redis traffic at all until a backoff (doubling up to
  `MAX_BACKOFF_SECONDS`) has passed, then one probe; the user hears once (`report`), not per key.

Keys are `NAMESPACE` plus the first level's hash of model, parameters, prompt and suffix; values
are the suggestion only: how many characters after the cursor it replaces, ":", its text. No
prompt text is ever stored. `redis` is imported on first use, so
a server without a Redis URL never pays for the import (about 0.1 s).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from deepseek_lsp.engine.completion.postprocess.draft import Draft
from deepseek_lsp.settings import CacheSettings

log = logging.getLogger(__name__)

NAMESPACE = "deepseek-lsp:v1:"
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
SOCKET_TIMEOUT_SECONDS = 2.0  # bounds a command left running past its budget
SLOW_STREAK = 3  # reads over budget in a row before Redis counts as down (one may be a hiccup)
SCHEMES = ("redis", "rediss", "unix")


def redacted_url(url: str) -> str:
    """The URL without its password (in the authority or a unix URL's query), for messages."""
    parts = urlsplit(url)
    query = re.sub(r"(^|&)password=[^&]*", r"\1password=***", parts.query)
    netloc = parts.netloc
    if parts.password is not None:
        user = f"{parts.username}:***@" if parts.username else ":***@"
        netloc = user + netloc.rsplit("@", 1)[-1]
    tail = f"?{query}" if query else ""
    return f"{parts.scheme}://{netloc}{parts.path}{tail}" + (
        f"#{parts.fragment}" if parts.fragment else ""
    )


class Breaker:
    """Closed (use Redis), or open until a time; after it, one probe decides."""

    def __init__(self, timer: Callable[[], float], first_backoff: float) -> None:
        self._timer = timer
        self._first = first_backoff
        self._backoff = first_backoff
        self._open_until: float | None = None
        self._probing = False

    @property
    def closed(self) -> bool:
        """True while Redis is believed healthy."""
        return self._open_until is None

    def allow(self) -> bool:
        """May a command go to Redis now? Past the backoff, only one probe at a time."""
        if self._open_until is None:
            return True
        if self._probing or self._timer() < self._open_until:
            return False
        self._probing = True
        return True

    def succeeded(self) -> bool:
        """Close the circuit after a probe; True if it was open (Redis is back).

        A late answer to a command that was already given up on proves nothing: ignored.
        """
        if self._open_until is not None and not self._probing:
            return False
        was_open = self._open_until is not None
        self._open_until, self._probing, self._backoff = None, False, self._first
        return was_open

    def failed(self) -> bool:
        """Open the circuit (or, after a failed probe, reopen it for longer); True if it was closed.

        Failures of commands sent before the circuit opened do not stretch the backoff.
        """
        if self._open_until is not None and not self._probing:
            return False
        was_closed = self._open_until is None
        delay = self._first if was_closed else self._backoff
        self._open_until, self._probing = self._timer() + delay, False
        self._backoff = min(delay * 2, MAX_BACKOFF_SECONDS)
        return was_closed


class RedisCache:
    """`get` within a budget, `put` in the background, and a breaker around both."""

    def __init__(
        self,
        settings: CacheSettings,
        *,
        report: Callable[[str], None],
        timer: Callable[[], float] = time.monotonic,
        first_backoff: float = FIRST_BACKOFF_SECONDS,
    ) -> None:
        assert settings.redis_url
        self.settings = settings
        self.url = settings.redis_url
        self._ttl_ms = max(1, round(settings.ttl_seconds * 1000))
        self._budget = settings.redis_timeout_ms / 1000
        self._report = report
        self.breaker = Breaker(timer, first_backoff)
        self._redis: Any = None
        self._slow = 0  # reads over budget since the last one in time
        self._background: set[asyncio.Future[Any]] = set()

    @classmethod
    def start(cls, settings: CacheSettings, report: Callable[[str], None]) -> RedisCache:
        """A cache for `settings`, probed at once when an event loop runs (a server)."""
        cache = cls(settings, report=report)
        if _loop_running():
            cache.probe()
        return cache

    @staticmethod
    def identity(settings: CacheSettings) -> tuple[Any, ...] | None:
        """The settings this cache depends on (None without a URL): a change means a new one."""
        if not settings.redis_url:
            return None
        return (settings.redis_url, settings.ttl_seconds, settings.redis_timeout_ms)

    def close_soon(self) -> None:
        """Close in the background (a replaced cache), if there is a loop to do it on."""
        if _loop_running():
            self._spawn(self.aclose())

    def _client(self) -> Any:
        if self._redis is None:
            import redis.asyncio as aioredis  # lazily: only servers with a Redis URL pay for it
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff

            self._redis = aioredis.from_url(
                self.url,
                decode_responses=True,
                socket_timeout=SOCKET_TIMEOUT_SECONDS,
                socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
                retry=Retry(NoBackoff(), 0),  # the breaker decides when to try again
            )
        return self._redis

    async def get(self, key: str) -> Draft | None:
        """The shared suggestion for `key`, or None (a miss, Redis down, or over budget)."""
        if not self.breaker.allow():
            return None
        task = self._spawn(self._command("GET", NAMESPACE + key))
        done, _ = await asyncio.wait({task}, timeout=self._budget)
        if not done:
            self._slow += 1
            if self._slow >= SLOW_STREAK or not self.breaker.closed:
                self._failed(f"did not answer within {self._budget * 1000:.0f} ms")
            return None
        self._slow = 0
        return decode(task.result())

    def put(self, key: str, draft: Draft) -> None:
        """Share `draft` for `key` (expiring after the TTL), without waiting for it."""
        if self.breaker.allow():
            value = encode(draft)
            self._spawn(self._command("SET", NAMESPACE + key, value, "PX", self._ttl_ms))

    def probe(self) -> None:
        """Check the connection now (at start), so a bad URL is reported before the first key."""
        if self.breaker.allow():
            self._spawn(self._command("PING"))

    async def aclose(self) -> None:
        """Let pending writes finish (within their socket timeout), then close the connections."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=SOCKET_TIMEOUT_SECONDS)
        if self._redis is not None:
            try:
                await self._redis.aclose()
            except Exception as exc:  # closing a broken connection is not worth a message
                log.debug("closing Redis: %s", exc)

    def _spawn(self, work: Any) -> asyncio.Future[Any]:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _command(self, *args: Any) -> Any:
        """One command; failures open the breaker and become None, never an exception."""
        try:
            result = await self._client().execute_command(*args)
        except Exception as exc:
            self._failed(_describe(exc))
            return None
        if self.breaker.succeeded():
            log.info("Redis at %s answers again; sharing suggestions", redacted_url(self.url))
        return result

    def _failed(self, why: str) -> None:
        if self.breaker.failed():
            self._report(
                f"The shared cache at {redacted_url(self.url)} {why}; suggestions come from"
                " the in-memory cache and DeepSeek until it is back (retried in the background)."
            )
        else:
            log.debug("Redis still unavailable: %s", why)


def replace(
    current: RedisCache | None, settings: CacheSettings, report: Callable[[str], None]
) -> RedisCache | None:
    """The cache for `settings`: `current` if they did not change, else a new one (or None)."""
    wanted = RedisCache.identity(settings)
    if wanted == (RedisCache.identity(current.settings) if current else None):
        return current
    if current is not None:
        current.close_soon()
    return RedisCache.start(settings, report) if wanted else None


def encode(draft: Draft) -> str:
    """`replace:text`: what the editor needs, nothing of the prompt."""
    return f"{draft.replace}:{draft.text}"


def decode(value: Any) -> Draft | None:
    """The Draft `encode` wrote, or None for anything else (another writer, another version)."""
    if not isinstance(value, str):
        return None
    count, sep, text = value.partition(":")
    return Draft(text, int(count)) if sep and count.isdigit() else None


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _describe(exc: Exception) -> str:
    """What went wrong with Redis, in words that say what to fix."""
    try:
        from redis import exceptions
    except ImportError:
        return "cannot be used: the redis package is not installed"
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, exceptions.AuthenticationError):
        return f"refused the password in cache.redisUrl ({text})"
    if isinstance(exc, exceptions.ResponseError) and "DB index" in text:
        return f"has no such database ({text}); check the /N at the end of cache.redisUrl"
    if isinstance(exc, (exceptions.ConnectionError, exceptions.TimeoutError, OSError)):
        return f"cannot be reached ({text})"
    return f"failed ({type(exc).__name__}: {text})"
