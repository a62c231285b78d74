"""After an accept, the next suggestion is asked for at once, and dropped if the user moves on."""

from __future__ import annotations

import pytest
from lsprotocol import types

from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import as_dict, inline_params, lsp_session, open_doc, raw_request, type_text

URI = "file:///work/proj/app.py"
TEXT = "import os\n\ndef add(a, b):\n    return \n\nprint(add(1, 2))\n"
FIRST, NEXT = "a + b", "  # the sum"


def fim_requests(fake):
    return [r for r in fake.requests if r.path.endswith("/beta/completions")]


async def usage(client):
    return as_dict(await raw_request(client, "deepseek/usage", None))


async def accept(client, item, *, edit_first: bool) -> None:
    """What VS Code does on Tab: insert the text (didChange) and run the item's command."""
    command = types.ExecuteCommandParams(
        command=item.command.command, arguments=item.command.arguments
    )
    if not edit_first:
        await client.workspace_execute_command_async(command)
    type_text(client, URI, 2, 3, 11, item.insert_text)
    if edit_first:
        await client.workspace_execute_command_async(command)


@pytest.mark.parametrize("edit_first", [True, False], ids=["edit-then-command", "command-first"])
async def test_next_automatic_request_after_an_accept_is_a_cache_hit(fake, edit_first):
    fake.script(FakeReply(text=FIRST), FakeReply(text=NEXT))
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        tokens = (await usage(client))["completionTokens"]
        await accept(client, result.items[0], edit_first=edit_first)
        spec = (await fake.wait_for_requests_async(2, timeout=5.0, finished=True))[1]
        assert spec.body["prompt"].endswith("    return a + b")
        while (await usage(client))["completionTokens"] == tokens:
            pass  # the server has not read the speculative answer to its end yet
        after = await client.text_document_inline_completion_async(
            inline_params(URI, 3, 11 + len(FIRST), invoked=False)
        )
        assert [item.insert_text for item in after.items] == [NEXT]
        assert len(fim_requests(fake)) == 2, "the automatic request made no upstream call"
        counters = await usage(client)
        assert counters["speculative"] == {"requests": 1, "used": 1}
        assert counters["cacheHits"] == 1


async def test_speculation_is_cancelled_and_hung_up_when_the_user_types_something_else(fake):
    fake.script(FakeReply(text=FIRST), FakeReply(text=NEXT, first_token_delay=5.0))
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        await accept(client, result.items[0], edit_first=True)
        await fake.wait_for_requests_async(2, timeout=5.0)
        type_text(client, URI, 3, 3, 11 + len(FIRST), "x")  # not what the speculation assumed
        hung = await fake.wait_for_hangup_async(timeout=2.0)
        assert hung.hung_up and hung.body["prompt"].endswith("    return a + b")
        counters = await usage(client)
        assert counters["speculative"] == {"requests": 1, "used": 0}


async def test_no_speculation_while_suggestions_go_unaccepted(fake):
    fake.script(FakeReply(text=FIRST))
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        item = result.items[0]
        for _ in range(9):  # nine suggestions shown, one accepted: a rate of 11 %
            client.protocol.notify("textDocument/didShowCompletion", {"item": {"insertText": "x"}})
        await accept(client, item, edit_first=True)
        counters = await usage(client)
        assert counters["speculative"] == {"requests": 0, "used": 0}
        assert counters["accepted"] == 1
        assert len(fim_requests(fake)) == 1


async def test_a_whole_partial_accept_speculates_and_a_part_does_not(fake):
    fake.script(FakeReply(text=FIRST), FakeReply(text=NEXT))
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        item = as_dict(client.protocol._converter.unstructure(result.items[0]))
        client.protocol.notify(
            "textDocument/didPartiallyAcceptCompletion", {"item": item, "acceptedLength": 2}
        )
        assert (await usage(client))["speculative"]["requests"] == 0
        client.protocol.notify(
            "textDocument/didPartiallyAcceptCompletion",
            {"item": item, "acceptedLength": len(FIRST)},
        )
        spec = (await fake.wait_for_requests_async(2, timeout=5.0, finished=True))[1]
        assert spec.body["prompt"].endswith("    return a + b")
        assert (await usage(client))["speculative"]["requests"] == 1
