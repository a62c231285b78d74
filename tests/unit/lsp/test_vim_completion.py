"""Completion items for ALE and vim-lsp, applied the way those clients apply them.

`ale_inserts` and `vim_lsp_inserts` follow the clients' own code: ALE's
`ale#completion#ParseLSPCompletions` (word = the text up to its first `(`, inserted at ALE's
own word start) and `ale#code_action#ApplyChanges` (byte columns, on the buffer after the
insert); vim-lsp's `lsp#omni#get_vim_completion_items` (word = `textEdit.newText` at the
range start) and `lsp#utils#text_edit#apply_text_edits` (characters, after the insert). Vim
itself turns a newline in a `word` into a NUL, which is what these items must avoid.
"""

from __future__ import annotations

import re

import pytest
from lsprotocol import types

from deepseek_lsp.engine.document import Document
from deepseek_lsp.lsp.vim_completion import detect_vim_client, vim_completion_item

CURSOR = "║"


def doc_at(marked: str) -> tuple[Document, tuple[int, int]]:
    before, after = marked.split(CURSOR)
    line = before.count("\n")
    col = len(before) - (before.rfind("\n") + 1)
    return Document("file:///t.py", before + after, 1, "python"), (line, col)


def vim_insert(lines: list[str], line: int, start: int, end: int, word: str) -> list[str]:
    """What Vim's insert-mode completion does with a complete-item's `word`."""
    assert "\n" not in word, "Vim would insert a NUL for this newline"
    lines = list(lines)
    lines[line] = lines[line][:start] + word + lines[line][end:]
    return lines


def apply_at(lines: list[str], edit: types.TextEdit, to_index) -> list[str]:
    pos = edit.range.start
    assert edit.range.end == pos
    text = lines[pos.line]
    cut = to_index(text, pos.character)
    new = (text[:cut] + edit.new_text + text[cut:]).split("\n")
    return lines[: pos.line] + new + lines[pos.line + 1 :]


def byte_index(text: str, col: int) -> int:
    return len(text.encode()[:col].decode())


def ale_inserts(marked: str, text: str) -> str | None:
    doc, (line, col) = doc_at(marked)
    item = vim_completion_item("ale", doc, (line, col), text)
    if item is None:
        return None
    assert item.insert_text_format in (None, types.InsertTextFormat.PlainText)
    word = re.match(r"[^(]+", item.text_edit.new_text).group()
    lines = doc.text.split("\n")
    prefix = re.search(r"[a-zA-Z$_][a-zA-Z$_0-9]*$", lines[line][:col])
    start = prefix.start() if prefix else col
    lines = vim_insert(lines, line, start, col, word)
    for edit in item.additional_text_edits or []:
        lines = apply_at(lines, edit, byte_index)
    return "\n".join(lines)


def vim_lsp_inserts(marked: str, text: str) -> str:
    doc, (line, col) = doc_at(marked)
    item = vim_completion_item("vim-lsp", doc, (line, col), text)
    assert item is not None
    assert item.insert_text_format in (None, types.InsertTextFormat.PlainText)
    edit = item.text_edit
    lines = doc.text.split("\n")
    lines = vim_insert(lines, line, edit.range.start.character, col, edit.new_text)
    for extra in item.additional_text_edits or []:
        lines = apply_at(lines, extra, lambda _text, c: c)
    return "\n".join(lines)


CASES = [
    # (marked text, suggestion): the result must be the text inserted at the cursor
    ("def f(a, b):\n    return ║\n", "max(a, b)"),
    ("def f(a, b):\n    ret║\n", "urn max(a, b)"),
    ("def add(a, b):\n    ║\n\nx = 1\n", "return a + b\n\n\ndef sub(a, b):\n    return a - b"),
    ("class A:\n    def m(self):\n        x = comp║)\n", "ute(1,\n            2"),
    ("s = 'héllo'; t = pri║\n", "nt(s)\n    print(t)"),
    ("x = 12║\n", "3 + foo(1)"),
    ("if x:\n    ║", "pass\nelse:\n    y()"),
]


@pytest.mark.parametrize(("marked", "text"), CASES)
def test_ale_inserts_the_whole_suggestion(marked, text):
    assert ale_inserts(marked, text) == marked.replace(CURSOR, text)


@pytest.mark.parametrize(("marked", "text"), CASES)
def test_vim_lsp_inserts_the_whole_suggestion(marked, text):
    assert vim_lsp_inserts(marked, text) == marked.replace(CURSOR, text)


def test_vim_lsp_takes_a_suggestion_that_starts_with_a_newline():
    marked = "def f():\n    x = 1║\n"
    assert vim_lsp_inserts(marked, "\n    return x") == marked.replace(CURSOR, "\n    return x")


def test_ale_gets_no_item_it_would_drop():
    # ALE skips an item whose word is empty: nothing before the cursor, text opens with "(".
    assert ale_inserts("x = ║\n", "(a + b) * 2") is None
    assert ale_inserts("x = 1║\n", "\nprint(x)") is None  # ALE's word cannot start with "1"
    # after a word, the word itself is what Vim inserts, and the rest follows
    assert ale_inserts("x = y║\n", "\nprint(x)") == "x = y\nprint(x)\n"


def test_single_line_items_have_no_additional_edit():
    doc, pos = doc_at("x = fo║\n")
    item = vim_completion_item("vim-lsp", doc, pos, "o(1)")
    assert item.text_edit.new_text == "foo(1)"
    assert item.additional_text_edits is None


ALE_INIT = {
    "processId": 1,
    "rootPath": "/p",
    "rootUri": "file:///p",
    "initializationOptions": {},
    "capabilities": {
        "workspace": {"applyEdit": False, "configuration": False, "workspaceFolders": False},
        "textDocument": {
            "completion": {
                "dynamicRegistration": False,
                "completionItem": {"snippetSupport": False, "documentationFormat": ["plaintext"]},
                "contextSupport": False,
            },
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": []}}},
        },
    },
}


def init_params(raw: dict) -> types.InitializeParams:
    from pygls.protocol import default_converter

    return default_converter().structure(raw, types.InitializeParams)


def test_clients_are_told_apart_by_initialize():
    assert detect_vim_client(init_params(ALE_INIT)) == "ale"
    vim_lsp = {**ALE_INIT, "clientInfo": {"name": "vim-lsp"}}
    assert detect_vim_client(init_params(vim_lsp)) == "vim-lsp"
    neovim = {**ALE_INIT, "clientInfo": {"name": "Neovim", "version": "0.11.4"}}
    assert detect_vim_client(init_params(neovim)) is None
    # eglot 1.9 sends no clientInfo either, but can apply edits
    eglot = {**ALE_INIT, "capabilities": {"workspace": {"applyEdit": True}}}
    assert detect_vim_client(init_params(eglot)) is None
