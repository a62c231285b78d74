"""Prometheus metrics on 127.0.0.1:`metrics.port`, with the names of PROTOCOL.md's "Metrics".

prometheus-client, in a registry of our own (never the process-global one), served by its HTTP
server on loopback. It is imported only when a port is set; until then every instrument is a
no-op, so handlers record unconditionally and a server without metrics pays nothing.

Feeding a series is one line where the value is known, for example
`ls.metrics.cost_usd.labels(model=model).inc(usd)`; the cost counter is fed by `count_cost`, a
listener of the spend ledger (`engine/spend`), so every priced request is counted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from deepseek_lsp.engine.completion import waiting
from deepseek_lsp.engine.usage import UsageCounters

log = logging.getLogger(__name__)

FEATURES = ("completion", "chat", "actions")
ERROR_KINDS = ("auth", "balance", "rate_limit", "server", "stream", "timeout", "connect", "invalid")
CACHE_LEVELS = ("memory", "redis", "typed_ahead", "inflight", "speculative")
TOKEN_KINDS = ("cache_hit", "cache_miss", "output")
# ApiError.kind -> the error label; kinds not listed keep their name.
_ERROR_LABELS = {"rate_limited": "rate_limit", "model_unavailable": "invalid", "api": "invalid"}
# Suggestion.source -> the cache level that answered (upstream answers are not hits).
_LEVELS = {"cache": "memory", "redis": "redis", "typed_ahead": "typed_ahead"}
_LEVELS.update(inflight="inflight", speculative="speculative")
_UPSTREAM_BUCKETS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60)
_SERVER_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1)


class _Off:
    """Each instrument until metrics are on: takes prometheus-client's calls, keeps nothing."""

    def labels(self, *args: Any, **kwargs: Any) -> _Off:
        return self

    def inc(self, amount: float = 1) -> None:
        pass

    def observe(self, amount: float) -> None:
        pass


OFF = _Off()


def error_label(kind: str) -> str:
    """The `deepseek_lsp_errors_total{kind}` label of an ApiError kind."""
    label = _ERROR_LABELS.get(kind, kind)
    return label if label in ERROR_KINDS else "invalid"


class Metrics:
    """The instruments (no-ops until `serve` first gets a port) and their HTTP endpoint."""

    def __init__(self, usage: UsageCounters) -> None:
        self._usage = usage
        self.registry: Any = None
        self.requests: Any = OFF  # {model, feature, outcome}: upstream requests
        self.errors: Any = OFF  # {kind}
        self.first_token_seconds: Any = OFF  # {feature}
        self.upstream_seconds: Any = OFF  # {feature}
        self.server_added_seconds: Any = OFF  # {feature}
        self.cache_hits: Any = OFF  # {level}
        self.tokens: Any = OFF  # {kind}
        self.cost_usd: Any = OFF  # {model}; fed by the pricing of each upstream request
        self.port: int | None = None
        self._httpd: Any = None

    @property
    def on(self) -> bool:
        """Whether instruments record (a port was set at least once)."""
        return self.registry is not None

    def enable(self) -> None:
        """Start recording (at the settings that name a port, before the port is served)."""
        if not self.on:
            self._create()

    def _create(self) -> None:
        import prometheus_client as prom  # lazily: only servers with metrics.port pay for it

        self.registry = registry = prom.CollectorRegistry()

        def counter(name: str, doc: str, labels: tuple[str, ...]) -> Any:
            return prom.Counter(name, doc, labels, namespace="deepseek_lsp", registry=registry)

        def histogram(name: str, doc: str, buckets: tuple[float, ...]) -> Any:
            return prom.Histogram(
                name, doc, ["feature"], namespace="deepseek_lsp", registry=registry, buckets=buckets
            )

        self.requests = counter("requests", "Upstream requests.", ("model", "feature", "outcome"))
        self.errors = counter("errors", "Failed upstream requests by kind.", ("kind",))
        self.first_token_seconds = histogram(
            "upstream_first_token_seconds", "Upstream time to first token.", _UPSTREAM_BUCKETS
        )
        self.upstream_seconds = histogram(
            "upstream_seconds", "Upstream time of a whole answer.", _UPSTREAM_BUCKETS
        )
        self.server_added_seconds = histogram(
            "server_added_seconds",
            "Time a request spent in this server, upstream and debounce waits excluded.",
            _SERVER_BUCKETS,
        )
        self.cache_hits = counter(
            "cache_hits", "Suggestions answered without upstream.", ("level",)
        )
        self.tokens = counter("tokens", "Tokens billed, by kind.", ("kind",))
        self.cost_usd = counter("cost_usd", "Spend in US dollars.", ("model",))
        registry.register(_Suggestions(self._usage))
        for values, series in ((ERROR_KINDS, self.errors), (CACHE_LEVELS, self.cache_hits)):
            for value in values:
                series.labels(value)  # present at 0, so rates and panels have data from start
        for kind in TOKEN_KINDS:
            self.tokens.labels(kind)

    def known_models(self, models: Iterable[str]) -> None:
        """Show the cost series of the configured models at 0 until spend is recorded."""
        for model in models:
            self.cost_usd.labels(model)

    def count_cost(self, model: str, feature: str, usd: float) -> None:
        """A priced upstream request (a `Spend` listener): adds to the cost counter."""
        self.cost_usd.labels(model=model).inc(usd)

    def hit(self, source: str) -> None:
        """Count a suggestion answered from a cache level (`Suggestion.source`)."""
        level = _LEVELS.get(source)
        if level is not None:
            self.cache_hits.labels(level).inc()

    @contextmanager
    def handling(self, feature: str) -> Iterator[None]:
        """Time a request of `feature`; what it did not spend waiting is server-added time."""
        if not self.on:
            yield
            return
        waits = waiting.start()
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - started - waits.seconds
            self.server_added_seconds.labels(feature).observe(max(0.0, spent))

    async def serve(self, port: int | None) -> None:
        """Listen on 127.0.0.1:`port` (None stops). Raises OSError when the port cannot be had."""
        if port == self.port:
            return
        await self.close()
        if port is None:
            return
        self.enable()
        from prometheus_client import start_http_server

        self._httpd, _thread = start_http_server(port, "127.0.0.1", self.registry)
        self.port = port
        log.info("metrics on http://127.0.0.1:%d/metrics", port)

    async def close(self) -> None:
        """Stop listening (the instruments keep counting for the next port)."""
        httpd, self._httpd, self.port = self._httpd, None, None
        if httpd is not None:
            await asyncio.to_thread(httpd.shutdown)  # waits for its serving thread to stop
            httpd.server_close()


class _Suggestions:
    """`deepseek_lsp_suggestions_total{event}`: shown and accepted, read from the usage counters."""

    def __init__(self, usage: UsageCounters) -> None:
        self._usage = usage

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily

        family = CounterMetricFamily(
            "deepseek_lsp_suggestions",
            "Suggestions the editor showed or accepted.",
            labels=["event"],
        )
        family.add_metric(["shown"], self._usage.shown)
        family.add_metric(["accepted"], self._usage.accepted)
        yield family
