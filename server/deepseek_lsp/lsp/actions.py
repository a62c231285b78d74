"""Code actions (`textDocument/codeAction`, `codeAction/resolve`, the action commands)."""

from __future__ import annotations

from deepseek_lsp.lsp.server import DeepSeekServer


def register(server: DeepSeekServer) -> None:
    """Register code-action handlers on `server`."""
