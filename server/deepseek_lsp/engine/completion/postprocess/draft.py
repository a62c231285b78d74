"""The suggestion as it goes through the postprocess chain, and the one stage signature."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from deepseek_lsp.engine.completion.prompt import FimContext


@dataclass(frozen=True)
class Draft:
    """Text to insert at the cursor, with what the chain learnt about it on the way."""

    text: str
    replace: int = 0  # code points right of the cursor that `text` replaces (auto-closed pairs)
    finish_reason: str | None = None  # "length": the model was cut off by max_tokens

    def with_text(self, text: str) -> Draft:
        """The same draft with other text (itself when unchanged: every stage calls this)."""
        if text == self.text:
            return self
        return Draft(text, self.replace, self.finish_reason)


Stage = Callable[[Draft, FimContext], Draft]
