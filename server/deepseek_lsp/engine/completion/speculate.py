"""Speculation on the engine: after an accept, ask for the next suggestion at once.

A mixin of `CompletionEngine` (it uses the engine's scheduler, counters and `complete`), kept
apart so that the keystroke path in engine.py stays readable; the bookkeeping is in
speculative.py. The speculative request is an ordinary `complete(..., "automatic",
speculative=True)` call, so whatever guards automatic requests (pause after an auth error,
exclusion, spend caps added to `complete` or `_fetch`) guards it too.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from deepseek_lsp.api import ApiError
from deepseek_lsp.engine.completion.schedule import Scheduler
from deepseek_lsp.engine.completion.speculative import SLOT as SPECULATIVE_SLOT
from deepseek_lsp.engine.completion.speculative import Live, Served, Speculations
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.usage import UsageCounters

if TYPE_CHECKING:
    from deepseek_lsp.settings import Settings

log = logging.getLogger(__name__)


class _Shown(Protocol):
    """What `_answer` reads of the engine's Suggestion (imported nowhere here: no cycle)."""

    @property
    def text(self) -> str: ...

    @property
    def replace(self) -> int: ...


S = TypeVar("S", bound=_Shown)


class SpeculationMixin:
    """`speculate` and the show/accept telemetry that feeds its gate."""

    settings: Settings
    usage: UsageCounters
    _spec: Speculations
    _scheduler: Scheduler

    if TYPE_CHECKING:

        async def complete(self, *args: Any, **kwargs: Any) -> Any:
            """The engine's own `complete`, declared for type checkers."""

    def last_served(self) -> Served | None:
        """The suggestion answered last, in any document (for accepts that do not say where)."""
        return self._spec.last_served()

    def suggestion_shown(self) -> None:
        """Telemetry: a suggestion was shown."""
        self.usage.shown += 1
        self._spec.gate.shown()

    def suggestion_accepted(self, doc: Document | None, *, whole: bool = True) -> None:
        """Telemetry: a suggestion was accepted; after a whole one, ask for the next at once."""
        self.usage.accepted += 1
        self._spec.gate.accepted()
        if whole and doc is not None:
            self.speculate(doc)

    def speculate(self, doc: Document) -> asyncio.Future[None] | None:
        """Ask now for the suggestion after the one last served for `doc`, as if accepted.

        Skipped when disabled, when recent suggestions were not being accepted, and when the
        document has moved on to something else.
        """
        served = self._spec.last_served(doc.uri)
        if served is None or not self.settings.completion.speculative:
            return None
        target = self._spec.target(doc, served) if self._spec.gate.allows() else None
        if target is None:
            return None
        self._cancel_speculation(self._spec.live(doc.uri))
        task = asyncio.ensure_future(self._speculative(target, served))
        self._spec.start(served, task)
        return task

    async def _speculative(self, doc: Document, served: Served) -> None:
        try:
            await self.complete(
                doc,
                served.after,
                "automatic",
                slot=SPECULATIVE_SLOT,
                workspace_relpath=served.relpath,
                workspace_roots=served.roots,
                speculative=True,
            )
        except ApiError as exc:
            log.debug("speculative request failed: %s", exc.message)

    def _cancel_speculation(self, live: Live | None) -> None:
        """Stop a speculation now: its caller leaves and its stream is closed."""
        if live is None:
            return
        live.task.cancel()
        self._scheduler.supersede((live.served.uri, SPECULATIVE_SLOT))
        for key in live.keys:
            self._scheduler.drop(key)

    def _note_speculative(self, uri: str, key: str) -> None:
        """Count a speculative request, unless identical work is already in flight."""
        if not self._scheduler.running(key):
            self.usage.speculative_requests += 1
            self._spec.note_key(uri, key)

    def _answer(self, served: Served, suggestion: S | None, current: bool = True) -> S | None:
        """The suggestion to show, remembered as the one served for its document.

        One that replaces text after the cursor (an auto-closed pair) is not remembered: the
        document after its accept is not the plain insertion a speculation assumes.
        """
        if suggestion is None or not suggestion.text or not current:
            return None
        if not suggestion.replace:
            self._spec.served(served.with_text(suggestion.text))
        else:
            self._spec.forget_served(served.uri)
        return suggestion
