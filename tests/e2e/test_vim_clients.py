"""Completion items for vim-lsp through the real server (issue 9); other clients' are unchanged.

vim-lsp names itself in `clientInfo`; it gets the first line as the item's text and the other
lines as an additional edit (see lsp/vim_completion.py). ALE is tested in real Vim
(tests/editors/test_vim.py).
"""

from __future__ import annotations

from lsprotocol import types

from deepseek_lsp.testing import FakeReply

from .conftest import lsp_session, open_doc

URI = "file:///work/proj/app.py"
TEXT = "def biggest(a, b):\n    \n"
SUGGESTION = "total = max(a, b)\n    return total"


async def complete(client) -> types.CompletionItem:
    open_doc(client, URI, TEXT)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=types.Position(1, 4),
            context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked),
        )
    )
    (item,) = result.items
    return item


async def test_vim_lsp_gets_the_first_line_and_the_rest_as_an_additional_edit(fake):
    fake.script(FakeReply(text=SUGGESTION))
    async with lsp_session(fake, client_name="vim-lsp") as client:
        item = await complete(client)
    assert item.text_edit.new_text == "total = max(a, b)"
    assert item.insert_text_format in (None, types.InsertTextFormat.PlainText)
    (rest,) = item.additional_text_edits
    assert rest.new_text == "\n    return total"
    assert rest.range.start == rest.range.end == types.Position(1, 4 + len("total = max(a, b)"))


async def test_other_clients_get_one_edit_with_the_whole_suggestion(fake):
    fake.script(FakeReply(text=SUGGESTION))
    async with lsp_session(fake, client_name="Neovim") as client:
        item = await complete(client)
    assert item.text_edit.new_text == SUGGESTION
    assert not item.additional_text_edits
