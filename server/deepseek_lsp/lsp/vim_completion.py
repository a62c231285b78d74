"""Completion items that Vim's LSP clients (ALE, vim-lsp) insert as sent.

Both turn an item into a Vim complete-item whose `word` is the item's text, and Vim inserts a
`word` on one line: every newline becomes a NUL. ALE also cuts the `word` at its first `(`
(`matchstr(text, '^[^(]+')` in `ale#completion#ParseLSPCompletions`) and ignores the edit's
range, starting at its own word regex instead. Both apply `additionalTextEdits` after Vim has
inserted the `word`, to the buffer as it is then (ALE on `CompleteDone`, vim-lsp from a timer
right after it). So these clients get the part Vim can insert as the item's text (up to the first
newline; for ALE also up to the first `(`) and the rest as one additional edit placed right
after that part, in the coordinates of the line once the part is in.
"""

from __future__ import annotations

import re
from typing import Literal

from lsprotocol import types

from deepseek_lsp.engine.columns import code_points_to_units
from deepseek_lsp.engine.document import Document

VimClient = Literal["ale", "vim-lsp"]

# ALE's `s:omni_start_map['<default>']`: where it starts replacing, whatever range we send.
_ALE_WORD = re.compile(r"[a-zA-Z$_][a-zA-Z$_0-9]*$")
# What the server itself treats as the word before the cursor (completion.completion_item).
_WORD = re.compile(r"[a-zA-Z0-9_$]*$")


def detect_vim_client(params: types.InitializeParams) -> VimClient | None:
    """Which Vim client sent `initialize`, if one of those that need these items.

    vim-lsp names itself in `clientInfo`. ALE sends no `clientInfo`; it is the client without
    one that also declares neither `workspace.applyEdit` nor snippet support (ALE sends both as
    false). eglot, which has no `clientInfo` either, declares `applyEdit`.
    """
    info = params.client_info
    if info is not None:
        return "vim-lsp" if info.name == "vim-lsp" else None
    caps = params.capabilities
    apply_edit = caps.workspace.apply_edit if caps.workspace else None
    completion = caps.text_document.completion if caps.text_document else None
    item = completion.completion_item if completion else None
    snippets = item.snippet_support if item else None
    return "ale" if not apply_edit and not snippets else None


def split_for_vim(client: VimClient, text: str) -> tuple[str, str]:
    """(what Vim inserts as the `word`, what the additional edit inserts after it)."""
    cut = text.find("\n")
    if client == "ale":
        paren = text.find("(")
        if paren != -1 and (cut == -1 or paren < cut):
            cut = paren
    if cut == -1:
        return text, ""
    return text[:cut], text[cut:]


def vim_completion_item(
    client: VimClient, doc: Document, pos: tuple[int, int], text: str
) -> types.CompletionItem | None:
    """The suggestion `text` at `pos` as an item `client` inserts whole, or None if it cannot.

    ALE drops an item whose `word` is empty, so a suggestion that starts with a newline or `(`
    where no word precedes the cursor cannot be offered to it.
    """
    line_no, col = pos
    line = doc.line(line_no)
    before = line[:col]
    regex = _ALE_WORD if client == "ale" else _WORD
    match = regex.search(before)
    start = match.start() if match else col
    word, rest = split_for_vim(client, before[start:] + text)
    if client == "ale" and not word:
        return None
    # ALE applies the additional edit with byte columns; vim-lsp with the columns it negotiated.
    encoding = "utf-8" if client == "ale" else doc.encoding
    first_line = text.split("\n", 1)[0].strip() or text.strip()
    edits = None
    if rest:
        after_insert = line[:start] + word + line[col:]
        at = types.Position(
            line_no, code_points_to_units(after_insert, start + len(word), encoding)
        )
        edits = [types.TextEdit(range=types.Range(at, at), new_text=rest)]
    cursor = types.Position(line_no, doc.to_client_character(line_no, col))
    return types.CompletionItem(
        label=(before[start:] + first_line)[:80] or text.strip()[:80],
        kind=types.CompletionItemKind.Snippet if "\n" in text else types.CompletionItemKind.Text,
        detail="DeepSeek",
        documentation=before[start:] + text,
        filter_text=word,
        sort_text="0000",
        insert_text_format=types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(
            range=types.Range(
                types.Position(line_no, doc.to_client_character(line_no, start)), cursor
            ),
            new_text=word,
        ),
        additional_text_edits=edits,
    )
