"""Model names end to end: deepseek-flash by default, the retired name still served, and a model
DeepSeek does not offer told once, naming the setting to change."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import inline_params, lsp_session, open_doc, raw_request

URI = "file:///work/proj/app.py"
TEXT = "import os\n\ndef add(a, b):\n    return \n\nprint(add(1, 2))\n"
RANGE = {"start": {"line": 2, "character": 0}, "end": {"line": 3, "character": 11}}


def model_messages(client, setting):
    return [m for m in client.messages if f"deepseek.{setting}" in m.message]


async def test_default_model_is_deepseek_flash_for_completion_and_chat(fake):
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        await raw_request(client, "deepseek/chat", {"message": "hi"})
    assert [r.body["model"] for r in fake.requests] == ["deepseek-flash", "deepseek-flash"]


async def test_retired_v4_flash_name_still_works(fake):
    fake.script(FakeReply(text="a + b"))
    options = {"completion": {"model": "deepseek-v4-flash"}}
    async with lsp_session(fake, init_options=options) as client:
        open_doc(client, URI, TEXT)
        result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        assert [item.insert_text for item in result.items] == ["a + b"]
        assert not client.messages
    assert fake.requests[0].body["model"] == "deepseek-v4-flash"


async def test_unknown_completion_model_gets_one_message_naming_completion_model(fake):
    fake.configure(unavailable_models=["deepseek-coder"])
    options = {"completion": {"model": "deepseek-coder"}}
    async with lsp_session(fake, init_options=options) as client:
        open_doc(client, URI, TEXT)
        for _ in range(4):
            result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
            assert not result.items
        (message,) = model_messages(client, "completion.model")
        assert message.type == types.MessageType.Error
        assert '"deepseek-coder"' in message.message
        assert "Model Not Exist" in message.message
        assert not model_messages(client, "chat.model")
    assert len(fake.requests) == 4  # each keystroke asked; only the message was held back


async def test_unknown_chat_model_answered_422_names_chat_model_for_chat_and_actions(fake):
    options = {"chat": {"model": "deepseek-v9-preview"}}
    async with lsp_session(fake, init_options=options) as client:
        open_doc(client, URI, TEXT)
        fake.script(FakeReply(model_unavailable=True, status=422))
        with pytest.raises(JsonRpcException) as chat_error:
            await raw_request(client, "deepseek/chat", {"message": "hi"})
        assert "deepseek.chat.model" in str(chat_error.value)
        assert '"deepseek-v9-preview"' in str(chat_error.value)
        fake.script(FakeReply(model_unavailable=True, status=422))
        with pytest.raises(JsonRpcException) as action_error:
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="deepseek.explain", arguments=[URI, RANGE])
            )
        assert "deepseek.chat.model" in str(action_error.value)
        (message,) = model_messages(client, "chat.model")
        assert '"deepseek-v9-preview"' in message.message
    assert [r.status for r in fake.requests] == [422, 422]
