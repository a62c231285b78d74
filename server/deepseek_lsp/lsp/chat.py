"""`deepseek/chat`: streaming chat through `$/progress` partial results."""

from __future__ import annotations

from deepseek_lsp.lsp.server import DeepSeekServer


def register(server: DeepSeekServer) -> None:
    """Register the chat handler on `server`."""
