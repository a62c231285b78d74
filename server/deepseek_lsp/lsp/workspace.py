"""Editor events that keep the workspace index current, and starting it after `initialized`.

The index itself lives in `engine/workspace` and is imported only in `start`, after the
initialize answer: the room's imports (pathspec, tree-sitter grammars) never delay start-up.
File watching is registered dynamically when the client supports it; a client that does not
still refreshes files through `didSave` and on folder changes.
"""

from __future__ import annotations

import logging

from lsprotocol import types

from deepseek_lsp.lsp.server import DeepSeekServer

log = logging.getLogger(__name__)

WATCH_ID = "deepseek-lsp-workspace-files"


async def start(ls: DeepSeekServer) -> None:
    """Create the workspace service, index the folders in the background, watch files."""
    from deepseek_lsp.engine.workspace.service import WorkspaceService, limits_from

    if ls.workspace_context is not None:
        return
    service = WorkspaceService(limits_from(ls.settings), ls.open_document, ls.relpath_of_path)
    ls.workspace_context = service
    ls.engine.context_source = service.snippets
    for doc in ls.documents:
        service.opened(doc)
    service.start(ls.workspace_roots)
    await _watch_files(ls)


async def _watch_files(ls: DeepSeekServer) -> None:
    if not ls.client_supports("workspace.did_change_watched_files.dynamic_registration"):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern="**/*")]
    )
    registration = types.Registration(
        id=WATCH_ID, method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception as exc:  # the index still refreshes on didSave and folder changes
        log.warning("could not register for file changes: %s", exc)


def folders_changed(ls: DeepSeekServer) -> None:
    """Workspace folders were added or removed: index the new set."""
    if ls.workspace_context is not None:
        ls.workspace_context.start(ls.workspace_roots)


def register(server: DeepSeekServer) -> None:
    """Register the document and file events the index follows."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: DeepSeekServer, params: types.DidOpenTextDocumentParams) -> None:
        """Outline the editor's text of the new document; prepare its prompt blocks."""
        doc = ls.open_document(params.text_document.uri)
        if doc is not None:
            ls.warmup.touch(doc)
        if ls.workspace_context is not None and doc is not None:
            ls.workspace_context.opened(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: DeepSeekServer, params: types.DidSaveTextDocumentParams) -> None:
        """The saved text is the editor's: outline it now."""
        doc = ls.open_document(params.text_document.uri)
        if ls.workspace_context is not None and doc is not None:
            ls.workspace_context.saved(doc)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: DeepSeekServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        """Re-read created and changed files from disk; drop deleted ones."""
        if ls.workspace_context is None:
            return
        deleted = [c.uri for c in params.changes if c.type == types.FileChangeType.Deleted]
        changed = [c.uri for c in params.changes if c.type != types.FileChangeType.Deleted]
        ls.workspace_context.files_changed(changed, deleted)
