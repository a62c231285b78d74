"""The suggestion as it goes through the postprocess chain, and the one stage signature."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from deepseek_lsp.engine.completion.prompt import FimContext


@dataclass(frozen=True)
class Draft:
    """Text to insert at the cursor, with what the chain learnt about it on the way."""

    text: str

    def with_text(self, text: str) -> Draft:
        """The same draft with other text."""
        return replace(self, text=text)


Stage = Callable[[Draft, FimContext], Draft]
