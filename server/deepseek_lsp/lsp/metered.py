"""The API client as one feature (completion, chat, actions) sees it: every upstream call measured.

`MeteredClient` hands out streams that count the request by model, feature and outcome, the
error by kind, the tokens by kind, and time the first token and the whole answer. The time spent
inside a stream is marked as waiting (engine.waiting), so it is not counted as server-added.
With metrics off it hands out the plain streams.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any

from deepseek_lsp.api import ApiError, ChatRequest, DeepSeekClient, FimRequest, RetryPolicy, Stream
from deepseek_lsp.api.types import Delta
from deepseek_lsp.engine.completion import waiting
from deepseek_lsp.lsp.metrics import Metrics, error_label


class MeteredClient:
    """`stream_fim` and `stream_chat` of a DeepSeekClient, measured for `feature`."""

    def __init__(self, client: DeepSeekClient, metrics: Metrics, feature: str) -> None:
        self.client = client
        self.metrics = metrics
        self.feature = feature

    def stream_fim(
        self,
        req: FimRequest,
        *,
        retry: RetryPolicy | None = None,
        fallback_models: Sequence[str] = (),
    ) -> Stream | MeteredStream:
        """A FIM stream (use with `async with`)."""
        return self._metered(
            self.client.stream_fim(req, retry=retry, fallback_models=fallback_models)
        )

    def stream_chat(
        self,
        req: ChatRequest,
        *,
        retry: RetryPolicy | None = None,
        fallback_models: Sequence[str] = (),
    ) -> Stream | MeteredStream:
        """A chat stream (use with `async with`)."""
        stream = self.client.stream_chat(req, retry=retry, fallback_models=fallback_models)
        return self._metered(stream)

    def _metered(self, stream: Stream) -> Stream | MeteredStream:
        return MeteredStream(stream, self.metrics, self.feature) if self.metrics.on else stream


class MeteredStream:
    """A Stream that records what PROTOCOL.md's metrics need when its `async with` ends."""

    def __init__(self, stream: Stream, metrics: Metrics, feature: str) -> None:
        self._stream = stream
        self._metrics = metrics
        self._feature = feature
        self._started = 0.0
        self._first: float | None = None
        self._wait: AbstractContextManager[None] | None = None
        self._deltas: Any = None

    @property
    def model(self) -> str:
        """The model that answers (a fallback one after a fallback)."""
        return self._stream.model

    @property
    def usage(self) -> Any:
        """Token usage, once the stream carried it."""
        return self._stream.usage

    @property
    def finish_reason(self) -> str | None:
        """Why the answer ended."""
        return self._stream.finish_reason

    async def __aenter__(self) -> MeteredStream:
        self._wait = waiting.waiting()
        self._wait.__enter__()
        self._started = time.perf_counter()
        await self._stream.__aenter__()
        self._deltas = aiter(self._stream)
        return self

    def __aiter__(self) -> MeteredStream:
        return self

    async def __anext__(self) -> Delta:
        delta = await anext(self._deltas)
        if self._first is None:
            self._first = time.perf_counter()
            elapsed = self._first - self._started
            self._metrics.first_token_seconds.labels(self._feature).observe(elapsed)
        return delta

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self._stream.__aexit__(exc_type, exc, tb)
        finally:
            if self._wait is not None:
                self._wait.__exit__(None, None, None)
            self._record(exc)

    def _record(self, exc: BaseException | None) -> None:
        m, feature = self._metrics, self._feature
        if exc is None:
            outcome = "ok"
            m.upstream_seconds.labels(feature).observe(time.perf_counter() - self._started)
        elif isinstance(exc, (asyncio.CancelledError, GeneratorExit)):
            outcome = "cancelled"
        else:
            outcome = "error"
            if isinstance(exc, ApiError):  # not the engine's own exceptions
                m.errors.labels(error_label(exc.kind)).inc()
        m.requests.labels(self.model, feature, outcome).inc()
        usage = self._stream.usage
        if usage is not None:
            m.tokens.labels("cache_hit").inc(usage.prompt_cache_hit_tokens or 0)
            m.tokens.labels("cache_miss").inc(usage.prompt_cache_miss_tokens or 0)
            m.tokens.labels("output").inc(usage.completion_tokens or 0)
