"""Engine results (code-point positions) as LSP workspace edits in the client's encoding."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from lsprotocol import types

from deepseek_lsp.engine.actions.replies import TextEdit
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.uris import uri_to_path
from deepseek_lsp.lsp.server import DeepSeekServer


def _doc_for(ls: DeepSeekServer, uri: str) -> Document | None:
    """The open document, or the file on disk (to convert columns), or None for a new file."""
    if uri in ls.documents:
        return ls.documents.get(uri)
    path = uri_to_path(uri)
    if not os.path.isfile(path):
        return None
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    return Document(uri, text, 0, "", ls.documents.encoding)


def _position(doc: Document | None, pos: tuple[int, int]) -> types.Position:
    line, column = pos
    if doc is None or column == 0:
        return types.Position(line, column)
    return types.Position(line, doc.to_client_character(line, column))


def workspace_edit(
    ls: DeepSeekServer,
    edits: Sequence[TextEdit],
    create_files: Sequence[str] = (),
    pin: tuple[str, int | None] | None = None,
) -> types.WorkspaceEdit:
    """One edit for all changes (one undo); versioned so a stale edit is refused by the client."""
    by_uri: dict[str, list[types.TextEdit]] = defaultdict(list)
    for edit in edits:
        doc = _doc_for(ls, edit.uri)
        by_uri[edit.uri].append(
            types.TextEdit(
                range=types.Range(_position(doc, edit.start), _position(doc, edit.end)),
                new_text=edit.new_text,
            )
        )
    if not ls.client_supports("workspace.workspace_edit.document_changes"):
        for uri in create_files:  # a client that cannot create files gets them made for it
            Path(uri_to_path(uri)).parent.mkdir(parents=True, exist_ok=True)
            Path(uri_to_path(uri)).touch()
        return types.WorkspaceEdit(changes=dict(by_uri))
    changes: list[types.TextDocumentEdit | types.CreateFile] = [
        types.CreateFile(
            uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True)
        )
        for uri in create_files
    ]
    for uri, text_edits in by_uri.items():
        pinned = pin[1] if pin is not None and pin[0] == uri and uri in ls.documents else None
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=uri, version=pinned
                ),
                edits=list(text_edits),
            )
        )
    return types.WorkspaceEdit(document_changes=changes)
