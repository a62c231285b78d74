"""The assembled language server: one `DeepSeekServer` with every feature module registered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deepseek_lsp.lsp import actions, chat, completion, guard, lifecycle, workspace
from deepseek_lsp.lsp.server import DeepSeekServer


def create_server(
    env: Mapping[str, str], forced: Mapping[str, Any] | None = None
) -> DeepSeekServer:
    """A server with every feature registered."""
    server = DeepSeekServer(env, forced)
    guard.install(server)
    for feature in (lifecycle, completion, actions, chat, workspace):
        feature.register(server)
    return server
