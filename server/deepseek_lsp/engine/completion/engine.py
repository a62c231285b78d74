"""Inline completion, start to finish: what to ask, when, and what to show.

The order of the stages is the product: cheap answers first (disabled, excluded, paused,
typed-ahead, cache), then one debounced, superseding, shared upstream call whose stream is closed
the moment nobody wants it, then postprocessing. Used by the language server and by
`deepseek-lsp complete`, so both run exactly the same pipeline.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from deepseek_lsp.api import ApiError, RetryPolicy
from deepseek_lsp.engine import privacy
from deepseek_lsp.engine.completion import postprocess as post
from deepseek_lsp.engine.completion import redis_cache, waiting
from deepseek_lsp.engine.completion.cache import SuggestionCache
from deepseek_lsp.engine.completion.client import FimClient
from deepseek_lsp.engine.completion.cross_file import ContextSource, snippets_for
from deepseek_lsp.engine.completion.debounce import AdaptiveDebounce
from deepseek_lsp.engine.completion.multiline import line_complete
from deepseek_lsp.engine.completion.request import Prepared, PrepareOnce, prepare
from deepseek_lsp.engine.completion.schedule import Scheduler, Superseded
from deepseek_lsp.engine.completion.speculate import SpeculationMixin
from deepseek_lsp.engine.completion.speculative import Served, Speculations
from deepseek_lsp.engine.completion.suggestion import InFlight, Source, Suggestion, Trigger
from deepseek_lsp.engine.completion.typed_ahead import TypedAhead
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.spend import Spend
from deepseek_lsp.engine.usage import UsageCounters
from deepseek_lsp.settings import Settings

log = logging.getLogger(__name__)
prompt_log = logging.getLogger("deepseek_lsp.prompts")  # only used when logPrompts is on


# How much raw text around the cursor anchors a typed-ahead suggestion.
ANCHOR_PREFIX_CHARS = 512
ANCHOR_SUFFIX_CHARS = 128
PAUSE_SECONDS = 60.0
# After a keystroke cancels the request in flight, keep its stream open this long so the
# next request can pick it up if the user typed what the answer is likely to start with.
LINGER_SECONDS = 0.025
JOIN_ANCHOR_CHARS = 256
JOIN_MAX_TYPED = 64
# An explicit request may wait out one short rate limit; an automatic one never waits.
INVOKED_RETRY = RetryPolicy(max_attempts=2, base_delay=0.5, max_delay=2.0)


class CompletionEngine(SpeculationMixin):
    """One per server process; settings are swapped whole with `update_settings`."""

    def __init__(
        self,
        settings: Settings,
        client: FimClient,
        *,
        usage: UsageCounters | None = None,
        timer: Callable[[], float] = time.monotonic,
        spend: Spend | None = None,
        report: Callable[[str], None] = log.warning,  # says once when the shared cache fails
    ) -> None:
        self.settings = settings
        self.client = client
        self.usage = usage or UsageCounters()
        self.spend = spend  # prices requests; at a cap, holds back what would go upstream
        self._timer = timer
        self._cache: SuggestionCache[post.Draft] = SuggestionCache(
            settings.cache.max_entries, settings.cache.ttl_seconds
        )
        self._typed_ahead = TypedAhead()
        self._debounce = AdaptiveDebounce(timer=timer)
        self._scheduler = Scheduler(linger=LINGER_SECONDS)
        self._inflight: dict[tuple[str, str], InFlight] = {}
        self._spec = Speculations()
        self._prepared = PrepareOnce()
        self._paused_until = 0.0
        self._latency: float | None = None
        # Cross-file context for a cursor (the workspace room), set once the index exists.
        self.context_source: ContextSource | None = None
        self._report = report
        self.redis = redis_cache.replace(None, settings.cache, report)

    def update_settings(self, settings: Settings) -> None:
        """Take new settings; the next request uses them. A change lifts an auth pause."""
        if settings.cache != self.settings.cache:
            self._cache.resize(settings.cache.max_entries, settings.cache.ttl_seconds)
        self.settings = settings
        self._paused_until = 0.0
        self.redis = redis_cache.replace(self.redis, settings.cache, self._report)

    async def aclose(self) -> None:
        """Finish pending shared-cache writes and close its connections."""
        if self.redis is not None:
            await self.redis.aclose()

    def document_changed(self, uri: str, doc: Document | None = None) -> None:
        """Record a keystroke (adaptive debounce); drop a speculation the edit made pointless."""
        self._debounce.record_keystroke(uri)
        if doc is not None:
            self._cancel_speculation(self._spec.stale(doc))

    def document_closed(self, uri: str) -> None:
        """Drop per-document state."""
        self._typed_ahead.forget(uri)
        self._debounce.forget(uri)
        self._prepared.forget(uri)
        self._cancel_speculation(self._spec.forget(uri))

    def prepare(
        self, doc: Document, pos: tuple[int, int], workspace_relpath: str | None = None
    ) -> Prepared:
        """Build the FIM request for a cursor (code-point column), redacted as it will be sent."""
        snippets = snippets_for(self.context_source, self.settings.context, doc, pos)
        return prepare(self.settings, doc, pos, workspace_relpath, snippets)

    def is_excluded(self, path: str, workspace_roots: tuple[str, ...] = ()) -> bool:
        """True for files that must never reach the API."""
        return privacy.is_excluded(path, self.settings.privacy.exclude, workspace_roots)

    async def complete(
        self,
        doc: Document,
        pos: tuple[int, int],
        trigger: Trigger,
        *,
        slot: str = "inline",
        workspace_relpath: str | None = None,
        workspace_roots: tuple[str, ...] = (),
        speculative: bool = False,
    ) -> Suggestion | None:
        """The suggestion for `pos`, or None. Raises ApiError for the caller to report.

        `speculative` asks ahead of a request expected to follow (see `speculate`): the same path
        as an automatic request, without the debounce, and nothing is asked when the answer is
        already known (cache, typed-ahead).
        """
        s = self.settings
        if not s.completion.enabled or self.is_excluded(doc.uri, workspace_roots):
            return None
        if trigger == "automatic" and self._timer() < self._paused_until:
            return None
        version = doc.version
        raw_prefix = doc.prefix(pos, ANCHOR_PREFIX_CHARS)
        raw_suffix = doc.suffix(pos, ANCHOR_SUFFIX_CHARS)
        if "\0" in raw_prefix or "\0" in raw_suffix:
            return None  # a binary file: nothing sensible to complete, nothing to send
        served = Served(
            doc.uri, version, doc.clamp(pos), "", raw_prefix, raw_suffix,
            workspace_relpath, workspace_roots,
        )  # fmt: skip
        # The user typed the start of the shown suggestion: its rest, before building a prompt.
        # (Nothing typed yet is the cache's to answer: it knows which answers were speculative.)
        rest = self._typed_ahead.lookup(doc.uri, raw_prefix, raw_suffix, min_typed=1)
        if rest:
            return None if speculative else self._typed(served, rest)
        snippets = snippets_for(self.context_source, s.context, doc, pos)
        prepared = self._prepared(s, doc, pos, workspace_relpath, snippets)
        cached = self._cache.get(prepared.key)
        if cached is not None:
            if speculative:
                return None
            self.usage.cache_hits += 1
            used = self._spec.used(prepared.key)  # a speculation's answer: its metric level
            self.usage.speculative_used += used
            self._remember(doc.uri, raw_prefix, raw_suffix, cached)
            return self._answer(served, _suggestion(cached, "speculative" if used else "cache"))
        rest = self._typed_ahead.lookup(doc.uri, raw_prefix, raw_suffix)
        if rest:
            return None if speculative else self._typed(served, rest)
        shared = await self.redis.get(prepared.shared_key) if self.redis is not None else None
        if shared is not None:  # the second level: promoted into the first
            if speculative:
                return None
            self.usage.redis_hits += 1
            self._cache.put(prepared.key, shared)
            self._remember(doc.uri, raw_prefix, raw_suffix, shared)
            return self._answer(served, _suggestion(shared, "redis"), doc.version == version)
        retry = INVOKED_RETRY if trigger == "invoked" else None
        try:
            with waiting.waiting():  # debounce and upstream: not the server's own time
                joined = await self._join_inflight(doc, slot, raw_prefix, raw_suffix, prepared.key)
                if joined is not None:
                    return self._answer(served, joined, doc.version == version)
                if not await self._within_budget(trigger):
                    return None
                delay = 0.0
                if speculative:
                    self._note_speculative(doc.uri, prepared.key)
                elif trigger == "automatic":
                    delay = self._debounce.remaining(
                        doc.uri, s.completion.debounce_ms, self._latency
                    )
                if not speculative and self._scheduler.running(prepared.key):
                    self.usage.speculative_used += self._spec.used(prepared.key)
                work = self._work(doc.uri, slot, raw_prefix, raw_suffix, prepared, retry)
                draft = await self._scheduler.run((doc.uri, slot), prepared.key, work, delay=delay)
        except Superseded:
            return None
        except asyncio.CancelledError:
            self.usage.cancelled += not speculative
            raise
        if doc.version != version or speculative:
            return None  # the document moved on: never show a stale suggestion
        return self._answer(served, _suggestion(draft, "upstream"))

    def _typed(self, served: Served, rest: str) -> Suggestion | None:
        """The rest of the shown suggestion, which the user is typing."""
        self.usage.typed_ahead_hits += 1
        return self._answer(served, Suggestion(rest, "typed_ahead"))

    async def _within_budget(self, trigger: Trigger) -> bool:
        """At a spend cap automatic requests stay home; an invoked one asks the user first."""
        if self.spend is None:
            return True
        return (
            self.spend.automatic_allowed() if trigger == "automatic" else await self.spend.approve()
        )

    async def _join_inflight(
        self, doc: Document, slot: str, prefix: str, suffix: str, key: str
    ) -> Suggestion | None:
        """Typed-ahead against the request still in flight: wait for it instead of re-asking.

        When the user typed a few characters since that request was made, its answer probably
        starts with them; waiting costs nothing upstream, a new request costs a whole prompt.
        """
        entry = self._inflight.get((doc.uri, slot))
        if entry is None or entry.key == key or not self._scheduler.running(entry.key):
            return None
        anchor = entry.prefix[-JOIN_ANCHOR_CHARS:]
        at = prefix.rfind(anchor)
        typed = len(prefix) - at - len(anchor)
        if at < 0 or not 0 < typed <= JOIN_MAX_TYPED or suffix != entry.suffix:
            self._scheduler.drop(entry.key)  # not an extension: stop paying for it now
            return None
        try:
            await self._scheduler.run((doc.uri, slot), entry.key, entry.work)
        except ApiError:
            return None  # reported to whoever made it; this request goes upstream itself
        rest = self._typed_ahead.lookup(doc.uri, prefix, suffix)
        if not rest:
            return None
        self.usage.typed_ahead_hits += 1
        return Suggestion(rest, "inflight")

    def _work(
        self,
        uri: str,
        slot: str,
        prefix: str,
        suffix: str,
        prepared: Prepared,
        retry: RetryPolicy | None,
    ) -> Callable[[], Awaitable[post.Draft]]:
        """The upstream call, remembered for typed-ahead even if its requester has gone."""

        async def work() -> post.Draft:
            self._inflight[(uri, slot)] = entry
            try:
                draft = await self._fetch(prepared, retry)
            finally:
                if self._inflight.get((uri, slot)) is entry:
                    del self._inflight[(uri, slot)]
            if draft.text:
                self._remember(uri, prefix, suffix, draft)
            return draft

        entry = InFlight(prefix, suffix, prepared.key, work)
        return work

    async def _fetch(self, prepared: Prepared, retry: RetryPolicy | None) -> post.Draft:
        """One upstream FIM call; the stream closes as soon as the answer is known."""
        s = self.settings
        if s.log_prompts:
            prompt_log.info(
                "FIM prompt:\n%s\n--- suffix:\n%s", prepared.request.prompt, prepared.request.suffix
            )
        self.usage.requests += 1
        self.usage.context_prompts += bool(prepared.ctx.snippets)
        prepared.ready_answer_soon()
        started = self._timer()
        parts: list[str] = []
        usage, model = None, prepared.request.model
        try:
            async with self.client.stream_fim(
                prepared.request, retry=retry, fallback_models=s.completion.fallback_models
            ) as stream:
                async for delta in stream:
                    parts.append(delta.text)
                    if not prepared.ctx.multiline and line_complete("".join(parts)):
                        break  # single-line: the rest is not wanted, stop paying for it
                usage, finish = stream.usage, stream.finish_reason
                model = getattr(stream, "model", model)
        except ApiError as exc:
            self.usage.errors += 1
            if exc.kind in ("auth", "balance"):
                self._paused_until = self._timer() + PAUSE_SECONDS
            raise
        finally:
            if self.spend is not None:  # priced even when we hung up before `usage` came
                sent = len(prepared.request.prompt) + len(prepared.request.suffix)
                received = sum(map(len, parts))
                self.spend.record_answer_soon("completion", model, usage, sent, received)
        self.usage.add_tokens(usage)
        elapsed = self._timer() - started
        self._latency = elapsed if self._latency is None else 0.7 * self._latency + 0.3 * elapsed
        draft = post.postprocess("".join(parts), prepared.ctx, finish)
        self._cache.put(prepared.key, draft)
        if self.redis is not None:
            self.redis.put(prepared.shared_key, draft)  # in the background: never delays it
        return draft

    def _remember(self, uri: str, prefix: str, suffix: str, draft: post.Draft) -> None:
        """Keep a suggestion for typed-ahead, unless it replaces text after the cursor.

        Such a range would have to move with the typing; asking again is simpler and rare.
        """
        if draft.replace:
            self._typed_ahead.forget(uri)
        else:
            self._typed_ahead.remember(uri, prefix, suffix, draft.text)


def _suggestion(draft: post.Draft, source: Source) -> Suggestion | None:
    """What the editor gets for a postprocessed draft (None for nothing)."""
    return Suggestion(draft.text, source, draft.replace) if draft.text else None
