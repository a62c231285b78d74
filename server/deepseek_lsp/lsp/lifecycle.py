"""Lifecycle handlers: initialize, initialized, pushed settings, workspace folders, shutdown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lsprotocol import types

from deepseek_lsp.engine.uris import uri_to_path
from deepseek_lsp.lsp import guard, workspace
from deepseek_lsp.lsp.server import DeepSeekServer
from deepseek_lsp.lsp.vim_completion import detect_vim_client
from deepseek_lsp.settings import deepseek_section


def _roots(params: types.InitializeParams) -> tuple[str, ...]:
    uris = [f.uri for f in params.workspace_folders or []]
    if params.root_uri:
        uris.append(params.root_uri)
    paths = [uri_to_path(u) for u in uris]
    if params.root_path:
        paths.append(params.root_path)
    return tuple(dict.fromkeys(p for p in paths if p))


def register(server: DeepSeekServer) -> None:
    """Register the lifecycle handlers on `server`."""

    @server.feature(types.INITIALIZE)
    def initialize(ls: DeepSeekServer, params: types.InitializeParams) -> None:
        """Read initializationOptions (same shape as the `deepseek` settings section)."""
        options = params.initialization_options
        ls.init_options = deepseek_section(options) if isinstance(options, Mapping) else None
        ls.workspace_roots = _roots(params)
        ls.policy_files.set_roots(ls.workspace_roots)
        ls.policy_files.refresh()  # start-up: a few small files, before any request
        ls.vim_client = detect_vim_client(params)
        ls.apply_settings()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: DeepSeekServer, params: types.InitializedParams) -> None:
        """Pull the editor's configuration once the client is ready; get HTTP ready too."""
        ls.client.warm_up()  # after the initialize answer, so start-up does not wait for it
        ls.run_background(guard.watch_policy(ls))
        await ls.pull_configuration()
        await ls.serve_metrics()
        await workspace.start(ls)  # the index builds in the background from here on

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: DeepSeekServer, params: types.DidChangeConfigurationParams
    ) -> None:
        """Apply pushed settings at once, then re-pull in case the push was only a nudge."""
        section = deepseek_section(params.settings)
        if section:
            ls.editor_config = section
            ls.apply_settings()
        await ls.pull_configuration()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_workspace_folders(
        ls: DeepSeekServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        """Keep workspace roots current (relative paths in prompts, exclude globs)."""
        removed = {uri_to_path(f.uri) for f in params.event.removed}
        added = [uri_to_path(f.uri) for f in params.event.added]
        kept = [r for r in ls.workspace_roots if r not in removed]
        ls.workspace_roots = tuple(dict.fromkeys([*kept, *added]))
        workspace.folders_changed(ls)
        ls.policy_files.set_roots(ls.workspace_roots)

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: DeepSeekServer, params: Any) -> None:
        """Close the connection pool, the shared cache and the metrics endpoint."""
        await ls.client.aclose()
        await ls.engine.aclose()
        await ls.metrics.close()
        await ls.spend.close()
