"""One streamed answer: `async with client.stream_fim(req) as stream: async for delta in stream`.

The stream owns the attempts behind it: it retries (per its RetryPolicy), refreshes an OAuth2
token once on a 401 and moves to the next fallback model on ModelUnavailableError, but only until
the first delta reaches the consumer; after that an error is raised as it is. Leaving the `async
with` block (a break, an exception, the consuming task being cancelled) closes the HTTP response at
once, so the server sees the hang-up and stops generating.

A gateway can misbehave in ways httpx's timeouts never see: keep-alive comments forever (bytes
arrive, so no read timeout), a stream that never ends, megabytes of text. `Limits` bounds each
stream: no delta for `idle_seconds` (keep-alives do not count), the whole call (retries included)
past `total_seconds`, or more text than `max_chars` (far more than `max_tokens` could produce)
ends it, closing the response.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, aclosing
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

import httpx

from deepseek_lsp.api import sse
from deepseek_lsp.api.auth import Authenticator
from deepseek_lsp.api.errors import (
    ApiError,
    ApiTimeoutError,
    AuthError,
    ModelUnavailableError,
    ServerError,
    StreamError,
    error_for_status,
)
from deepseek_lsp.api.idle import Watchdog
from deepseek_lsp.api.retry import RetryPolicy, retry_delay
from deepseek_lsp.api.types import Completion, Delta, Usage

log = logging.getLogger(__name__)

Opener = Callable[[str], AbstractAsyncContextManager[httpx.Response]]
Kind = Literal["fim", "chat"]
SETTLE_AFTER_SECONDS = 0.005  # [DONE] is in the socket already; the answer is sent meanwhile
SETTLE_SECONDS = 2.0  # what is left after an answer (`[DONE]`) is read for this long at most
CHARS_PER_TOKEN = 32  # no tokenizer makes a token this long on average: more is a runaway stream
MIN_CHARS = 4096


@dataclass(frozen=True)
class Limits:
    """What bounds one stream (see the module docstring)."""

    idle_seconds: float = 30.0
    total_seconds: float = 120.0
    max_chars: int = 1 << 20


def _malformed(what: str) -> StreamError:
    return StreamError(f"DeepSeek sent a malformed response ({what}). Try again.")


class Stream:
    """An async context manager and async iterator of Delta; see the module docstring."""

    def __init__(
        self,
        kind: Kind,
        open_response: Opener,
        *,
        limits: Limits | None = None,
        model: str,
        fallback_models: Sequence[str],
        retry: RetryPolicy | None,
        auth: Authenticator,
        sleep: Callable[[float], Awaitable[Any]],
        rng: Callable[[], float],
    ) -> None:
        self.model = model
        self.finish_reason: str | None = None
        self.usage: Usage | None = None
        self._kind = kind
        self._open = open_response
        self._fallbacks = list(fallback_models)
        self._retry = retry
        self._auth = auth
        self._sleep = sleep
        self._rng = rng
        self._delivered = False
        self._limits = limits or Limits()
        self._deadline = 0.0
        self._chars = 0
        self._answered_early = False  # finish_reason and usage came: the rest is read later
        self._deltas = self._run()

    async def __aenter__(self) -> Stream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._deltas.aclose()

    def __aiter__(self) -> AsyncIterator[Delta]:
        return self._deltas

    async def collect(self) -> Completion:
        """Read the whole stream into one Completion."""
        text: list[str] = []
        reasoning: list[str] = []
        async with self:
            async for delta in self:
                text.append(delta.text)
                reasoning.append(delta.reasoning)
        return Completion(
            "".join(text), "".join(reasoning), self.finish_reason, self.usage, self.model
        )

    async def _run(self) -> AsyncIterator[Delta]:
        """Attempt after attempt until one streams to the end or an error must be raised."""
        attempt, refreshed = 1, False
        self._deadline = asyncio.get_running_loop().time() + self._limits.total_seconds
        while True:
            self.finish_reason, self.usage = None, None
            try:
                async with AsyncExitStack() as stack:
                    response = await stack.enter_async_context(self._open(self.model))
                    content_type = response.headers.get("content-type", "")
                    if "json" in content_type:
                        raise self._error_from_json_body(await response.aread())
                    if not sse.is_event_stream(response):
                        raise _malformed(f"expected an event stream, got {content_type!r}")
                    batches = sse.data_batches(response)
                    await stack.enter_async_context(aclosing(batches))
                    async for delta in self._read(batches):
                        self._delivered = True
                        yield delta
                    if self._answered_early:
                        _settle(batches, stack.pop_all())
                return
            except ApiError as error:
                if self._delivered:
                    raise
                if isinstance(error, ModelUnavailableError) and self._fallbacks:
                    log.debug(
                        "model %s unavailable; falling back to %s", self.model, self._fallbacks[0]
                    )
                    self.model, attempt = self._fallbacks.pop(0), 1
                    continue
                if isinstance(error, AuthError) and self._auth.can_refresh and not refreshed:
                    log.debug("401 with an OAuth2 token; refreshing it once")
                    self._auth.invalidate()
                    refreshed = True
                    continue
                delay = retry_delay(self._retry, attempt, error, self._rng)
                if delay is None or asyncio.get_running_loop().time() + delay > self._deadline:
                    raise
                await self._sleep(delay)
                attempt += 1

    async def _read(self, batches: AsyncIterator[list[str]]) -> AsyncIterator[Delta]:
        """The deltas of one response, until `[DONE]`, or until the answer is known.

        The chunk with `finish_reason` and `usage` ends the answer; `[DONE]` and the end of the
        body follow it, and waiting for them here would delay every answer by a read, so they
        are read in the background (`_settle`) while the consumer goes on.
        """
        loop = asyncio.get_running_loop()
        watch = Watchdog(min(loop.time() + self._limits.idle_seconds, self._deadline))
        try:
            while True:
                try:
                    batch = await watch.wait(anext(batches))
                except StopAsyncIteration:
                    break
                except TimeoutError:
                    raise self._timed_out(loop.time() >= self._deadline) from None
                except sse.SseError as exc:
                    raise _malformed(str(exc)) from None
                for raw in batch:
                    data = raw.strip()
                    if not data:
                        continue
                    if data == "[DONE]":
                        # Read the (empty) rest of the body so the connection goes back to the
                        # pool: stopping here made httpx open a new connection per request.
                        with contextlib.suppress(sse.SseError):  # the answer is whole already
                            async for _ in batches:
                                pass
                        return
                    delta = self._absorb(data)
                    if delta is not None:
                        watch.deadline = min(
                            loop.time() + self._limits.idle_seconds, self._deadline
                        )
                        delta, full = self._capped(delta)
                        yield delta
                        if full:
                            self.finish_reason = "length"
                            return
                    if self.finish_reason is not None and self.usage is not None:
                        self._answered_early = True
                        return
        finally:
            watch.close()
        raise StreamError(
            "The connection to DeepSeek ended before the answer was complete.", retryable=True
        )

    def _timed_out(self, total: bool) -> ApiTimeoutError:
        if total:
            return ApiTimeoutError(
                f"DeepSeek did not finish within {self._limits.total_seconds:g} s. Try again,"
                " or raise deepseek.http.totalTimeoutSeconds."
            )
        return ApiTimeoutError(
            f"DeepSeek sent nothing for {self._limits.idle_seconds:g} s. Try again, or raise"
            " deepseek.http.timeoutSeconds."
        )

    def _capped(self, delta: Delta) -> tuple[Delta, bool]:
        """The delta cut to what is left of `max_chars`; True once the cap is reached."""
        left = self._limits.max_chars - self._chars
        size = len(delta.text) + len(delta.reasoning)
        self._chars += size
        if size < left:
            return delta, False
        log.warning("the stream passed %d characters; closing it", self._limits.max_chars)
        text = delta.text[: max(0, left)]
        return Delta(text, delta.reasoning[: max(0, left - len(text))]), True

    def _error_from_json_body(self, body: bytes) -> ApiError:
        """A JSON body where an event stream was expected: an error object, or malformed."""
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and "error" in payload:
            return error_for_status(None, payload, model=self.model)
        return _malformed("expected an event stream, got a JSON document")

    def _absorb(self, data: str) -> Delta | None:
        """Take usage and finish_reason from one chunk; return its text, if any."""
        try:
            chunk = json.loads(data)
        except ValueError:
            raise _malformed(f"not JSON: {data[:80]!r}") from None
        if not isinstance(chunk, dict):
            raise _malformed("a chunk is not a JSON object")
        if "error" in chunk:
            raise error_for_status(None, chunk, model=self.model)
        if isinstance(chunk.get("usage"), dict):
            self.usage = Usage.from_json(chunk["usage"])
        choices = chunk.get("choices") or []
        if not isinstance(choices, list) or (choices and not isinstance(choices[0], dict)):
            raise _malformed("choices is not a list of objects")
        if not choices:
            return None
        return self._choice(choices[0])

    def _choice(self, choice: dict[str, Any]) -> Delta | None:
        finish = choice.get("finish_reason")
        if finish == "insufficient_system_resource":
            raise ServerError(
                "DeepSeek ran out of capacity while answering (insufficient_system_resource)."
                " Try again shortly."
            )
        if isinstance(finish, str) and finish:
            self.finish_reason = finish
        if self._kind == "fim":
            delta = Delta(text=_text(choice.get("text")))
        else:
            inner = choice.get("delta")
            inner = inner if isinstance(inner, dict) else {}
            delta = Delta(_text(inner.get("content")), _text(inner.get("reasoning_content")))
        return delta if delta.text or delta.reasoning else None


_settling: set[asyncio.Task[None]] = set()  # held here: the loop keeps only weak references


def _settle(batches: AsyncIterator[list[str]], owner: AsyncExitStack) -> None:
    """Read what follows an answer in the background, then let `owner` close the response.

    Only `[DONE]` and the end of the body may follow; then the connection goes back to the
    pool. Anything else, or nothing within `SETTLE_SECONDS`, hangs up.
    """

    async def settle() -> None:
        try:
            async with asyncio.timeout(SETTLE_SECONDS):
                async for batch in batches:
                    if any(data.strip() not in ("", "[DONE]") for data in batch):
                        break  # more after the end: a gateway gone wrong; hang up
        except Exception as exc:  # the answer is delivered; a broken tail costs a connection
            log.debug("reading the end of a finished stream failed: %s", exc)
        finally:
            await owner.aclose()

    def start() -> None:
        task = asyncio.ensure_future(settle())
        _settling.add(task)
        task.add_done_callback(_settling.discard)

    # Later, not now: even making the task costs the answer's way to the editor ~30 µs.
    asyncio.get_running_loop().call_later(SETTLE_AFTER_SECONDS, start)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
