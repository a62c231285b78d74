"""`deepseek/chat`: streaming partial results, thinking, cancellation, retries."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import as_dict, lsp_session, open_doc, raw_request

URI = "file:///work/proj/geo.py"
SOURCE = "import math\n\n\ndef area(r):\n    return math.pi * r * r\n"
ANSWER = "This function returns the area of a circle: pi times the radius squared."


def chat_requests(fake):
    return [r for r in fake.requests if r.path.endswith("/chat/completions")]


async def test_chat_streams_partial_results_that_add_up_to_the_text(fake):
    fake.script(FakeReply(text=ANSWER, chunk_size=6))
    async with lsp_session(fake) as client:
        open_doc(client, URI, SOURCE)
        result = as_dict(
            await raw_request(
                client,
                "deepseek/chat",
                {
                    "message": "what does this do?",
                    "command": "explain",
                    "textDocument": {"uri": URI},
                    "range": {
                        "start": {"line": 3, "character": 0},
                        "end": {"line": 4, "character": 26},
                    },
                    "history": [
                        {"role": "user", "content": "hi"},
                        {"role": "assistant", "content": "hello"},
                    ],
                    "partialResultToken": "chat-1",
                },
            )
        )
        assert result["text"] == ANSWER
        assert result["usage"]["completionTokens"] > 0
        deltas = [v["delta"] for v in client.partial_results["chat-1"]]
        assert len(deltas) >= 5
        assert "".join(deltas) == ANSWER
        messages = chat_requests(fake)[0].body["messages"]
        contents = " ".join(str(m["content"]) for m in messages)
        assert "return math.pi * r * r" in contents
        assert "what does this do?" in contents
        assert "hello" in [m["content"] for m in messages if m["role"] == "assistant"]


async def test_thinking_mode_streams_reasoning_separately(fake):
    fake.script(FakeReply(text="42", reasoning="Let me think about it."))
    async with lsp_session(fake, init_options={"chat": {"thinking": True}}) as client:
        result = as_dict(
            await raw_request(
                client, "deepseek/chat", {"message": "answer?", "partialResultToken": 7}
            )
        )
        assert result["text"] == "42"
        assert result["reasoning"] == "Let me think about it."
        values = client.partial_results[7]
        assert "".join(v.get("reasoningDelta", "") for v in values) == "Let me think about it."
        assert "".join(v.get("delta", "") for v in values) == "42"
        assert chat_requests(fake)[0].body["thinking"] == {"type": "enabled"}


async def test_cancelling_a_chat_hangs_up_upstream(fake):
    fake.script(FakeReply(text="word " * 100, chunk_size=5, chunk_delay=0.3))
    async with lsp_session(fake) as client:
        task = asyncio.ensure_future(
            client.protocol.send_request_async(
                "deepseek/chat",
                {"message": "long story", "partialResultToken": "c"},
                msg_id="chat-cancel",
            )
        )
        await fake.wait_for_requests_async(1)
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="chat-cancel"))
        hung = await fake.wait_for_hangup_async(timeout=3.0)
        assert hung.hung_up
        with pytest.raises(JsonRpcException):
            await asyncio.wait_for(task, 3)


async def test_rate_limited_chat_is_retried_after_retry_after(fake):
    fake.script(FakeReply(status=429, retry_after=1), FakeReply(text="ok"))
    async with lsp_session(fake) as client:
        result = as_dict(await raw_request(client, "deepseek/chat", {"message": "hi"}, timeout=15))
        assert result["text"] == "ok"
        first, second = chat_requests(fake)
        assert second.received_at - first.received_at >= 1.0


async def test_chat_errors_are_json_rpc_errors(fake):
    fake.script(FakeReply(status=402))
    async with lsp_session(fake) as client:
        with pytest.raises(JsonRpcException) as exc:
            await raw_request(client, "deepseek/chat", {"message": "hi"})
        assert "balance" in str(exc.value).lower()
        with pytest.raises(JsonRpcException):
            await raw_request(client, "deepseek/chat", {"history": "nope"})
        assert as_dict(await raw_request(client, "deepseek/chat", {"message": "still there?"}))[
            "text"
        ]
