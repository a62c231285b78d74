"""What the completion engine hands the editor layer: a suggestion, its source, its trigger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Trigger = Literal["invoked", "automatic"]
Source = Literal["upstream", "cache", "redis", "typed_ahead", "inflight", "speculative"]


@dataclass(frozen=True)
class Suggestion:
    """Text to insert at the cursor, and where it came from."""

    text: str
    source: Source
    replace: int = 0  # code points right of the cursor the text replaces (auto-closed pairs)
