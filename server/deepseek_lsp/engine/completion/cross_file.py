"""Where a completion prompt's cross-file snippets come from, kept apart from the engine.

The engine knows only this callable's shape; the workspace room (engine/workspace) provides it
once its index exists. Context is a bonus: when it is off, absent or fails, the prompt simply
has none, and the completion goes ahead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from deepseek_lsp.engine.completion.prompt import Snippet
from deepseek_lsp.engine.document import Document
from deepseek_lsp.settings import ContextSettings

log = logging.getLogger(__name__)

ContextSource = Callable[[Document, tuple[int, int], int], Sequence[Snippet]]


def snippets_for(
    source: ContextSource | None, settings: ContextSettings, doc: Document, pos: tuple[int, int]
) -> tuple[Snippet, ...]:
    """Snippets from other files, or none (context off, no index yet, or it failed)."""
    if not settings.enabled or settings.max_tokens <= 0 or source is None:
        return ()
    try:
        return tuple(source(doc, pos, settings.max_tokens))
    except Exception:  # never lose the completion over its context
        log.exception("cross-file context failed")
        return ()
