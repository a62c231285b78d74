"""What the completion engine hands the editor layer: a suggestion, its source, its trigger."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from deepseek_lsp.engine.completion import postprocess as post

Trigger = Literal["invoked", "automatic"]
Source = Literal["upstream", "cache", "redis", "typed_ahead", "inflight", "speculative"]


@dataclass(frozen=True)
class Suggestion:
    """Text to insert at the cursor, and where it came from."""

    text: str
    source: Source
    replace: int = 0  # code points right of the cursor the text replaces (auto-closed pairs)


@dataclass(frozen=True)
class InFlight:
    """The upstream request running for a slot, and the text around the cursor it was made at."""

    prefix: str
    suffix: str
    key: str
    work: Callable[[], Awaitable[post.Draft]]
