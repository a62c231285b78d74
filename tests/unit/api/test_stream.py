"""Streaming FIM and chat over httpx.MockTransport: every SSE variant DeepSeek sends."""

import asyncio
import json

import httpx
import pytest

from deepseek_lsp.api import (
    ApiConfig,
    AuthError,
    ChatRequest,
    DeepSeekClient,
    Delta,
    FimRequest,
    RateLimitedError,
    ServerError,
    StreamError,
    Usage,
)

BASE = "http://127.0.0.1:8765"
FIM = FimRequest(model="deepseek-flash", prompt="def add(a, b):\n    ", suffix="\n")
CHAT = ChatRequest(model="deepseek-v4-pro", messages=({"role": "user", "content": "hi"},))
USAGE = {
    "prompt_tokens": 10,
    "completion_tokens": 3,
    "prompt_cache_hit_tokens": 8,
    "prompt_cache_miss_tokens": 2,
    "completion_tokens_details": {"reasoning_tokens": 1},
}


def event(payload):
    return f"data: {json.dumps(payload)}\n\n"


def fim_chunk(text, finish=None, usage=None):
    return event({"choices": [{"index": 0, "text": text, "finish_reason": finish}], "usage": usage})


def chat_chunk(content=None, reasoning=None, finish=None):
    delta = {"role": "assistant", "content": content, "reasoning_content": reasoning}
    return event({"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})


DONE = "data: [DONE]\n\n"


class RecordingStream(httpx.AsyncByteStream):
    """A response body that can hang after its parts and records being closed."""

    def __init__(self, parts, hang=False):
        self.parts = [p.encode() if isinstance(p, str) else p for p in parts]
        self.hang = hang
        self.sent_all = asyncio.Event()
        self.closed = False

    async def __aiter__(self):
        for part in self.parts:
            yield part
        self.sent_all.set()
        if self.hang:
            await asyncio.Event().wait()

    async def aclose(self):
        self.closed = True


def sse_response(*parts, status=200):
    return httpx.Response(
        status, headers={"content-type": "text/event-stream"}, stream=RecordingStream(parts)
    )


def client_for(handler, api_key="sk-test", **config):
    return DeepSeekClient(
        ApiConfig(base_url=BASE, api_key=api_key, **config), transport=httpx.MockTransport(handler)
    )


async def run_fim(*parts, req=FIM):
    client = client_for(lambda request: sse_response(*parts))
    async with client.stream_fim(req) as stream:
        deltas = [delta async for delta in stream]
    return deltas, stream


async def test_fim_body_url_and_headers():
    seen = []

    def handler(request):
        seen.append(request)
        return sse_response(fim_chunk("a"), DONE)

    client = client_for(handler, headers={"X-Api-Version": "2"})
    req = FimRequest("m", "pre", "suf", max_tokens=64, temperature=0.2, stop=("\n\n",))
    await client.fim(req)
    request = seen[0]
    assert str(request.url) == f"{BASE}/beta/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.headers["x-api-version"] == "2"
    assert json.loads(request.content) == {
        "model": "m",
        "prompt": "pre",
        "suffix": "suf",
        "max_tokens": 64,
        "temperature": 0.2,
        "stream": True,
        "stream_options": {"include_usage": True},
        "stop": ["\n\n"],
    }


async def test_chat_body_sends_thinking_switch():
    bodies = []

    def handler(request):
        bodies.append(json.loads(request.content))
        assert str(request.url) == f"{BASE}/chat/completions"
        return sse_response(chat_chunk("ok"), DONE)

    client = client_for(handler)
    await client.chat(CHAT)
    await client.chat(ChatRequest("m", CHAT.messages, thinking=True, temperature=0.5))
    assert bodies[0]["thinking"] == {"type": "disabled"} and "temperature" not in bodies[0]
    assert bodies[1]["thinking"] == {"type": "enabled"} and bodies[1]["temperature"] == 0.5
    assert bodies[0]["messages"] == [{"role": "user", "content": "hi"}]


async def test_fim_text_keepalives_empty_first_chunk_and_usage_on_last_chunk():
    deltas, stream = await run_fim(
        ": keep-alive\n\n",
        "\n\n",
        fim_chunk(""),
        fim_chunk("return"),
        ": keep-alive\n\n",
        fim_chunk(" a + b", finish="stop", usage=USAGE),
        DONE,
    )
    assert deltas == [Delta("return"), Delta(" a + b")]
    assert stream.finish_reason == "stop"
    assert stream.usage == Usage(10, 3, 8, 2, 1)
    assert stream.model == "deepseek-flash"


async def test_usage_in_extra_chunk_with_empty_choices():
    deltas, stream = await run_fim(
        fim_chunk("x", finish="length"), event({"choices": [], "usage": USAGE}), DONE
    )
    assert deltas == [Delta("x")]
    assert stream.finish_reason == "length"
    assert stream.usage.prompt_cache_hit_tokens == 8


async def test_events_split_across_network_chunks():
    raw = fim_chunk("hello") + fim_chunk(" world") + DONE
    deltas, _ = await run_fim(*[raw[i : i + 7] for i in range(0, len(raw), 7)])
    assert "".join(d.text for d in deltas) == "hello world"


async def test_chat_reasoning_then_content():
    client = client_for(
        lambda request: sse_response(
            chat_chunk(reasoning="think "),
            chat_chunk(reasoning="more"),
            chat_chunk(content="Answer"),
            chat_chunk(content="!", finish="stop"),
            event({"choices": [], "usage": USAGE}),
            DONE,
        )
    )
    completion = await client.chat(CHAT)
    assert completion.reasoning == "think more"
    assert completion.text == "Answer!"
    assert completion.finish_reason == "stop"
    assert completion.usage.reasoning_tokens == 1
    assert completion.model == "deepseek-v4-pro"


async def test_insufficient_system_resource_raises_server_error():
    with pytest.raises(ServerError):
        await run_fim(fim_chunk("a"), fim_chunk("", finish="insufficient_system_resource"), DONE)


async def test_error_object_inside_stream_raises_typed_error():
    error = {"error": {"message": "Rate limit reached", "type": "rate_limit_error"}}
    with pytest.raises(RateLimitedError):
        await run_fim(fim_chunk("a"), event(error), DONE)


async def test_non_json_data_line_is_malformed():
    with pytest.raises(StreamError, match="malformed"):
        await run_fim(fim_chunk("a"), "data: {not json\n\n", DONE)


@pytest.mark.parametrize("payload", ["[1, 2]", '{"choices": "nope"}', '{"choices": [3]}'])
async def test_wrong_shapes_are_malformed(payload):
    with pytest.raises(StreamError, match="malformed"):
        await run_fim(f"data: {payload}\n\n", DONE)


async def test_eof_without_done_is_a_stream_error():
    with pytest.raises(StreamError):
        await run_fim(fim_chunk("a", finish="stop"))


async def test_connection_dropped_mid_stream_is_a_stream_error():
    class Dropping(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield fim_chunk("partial").encode()
            raise httpx.RemoteProtocolError("peer closed connection")

    client = client_for(
        lambda request: httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=Dropping()
        )
    )
    received = []
    with pytest.raises(StreamError) as caught:
        async with client.stream_fim(FIM) as stream:
            async for delta in stream:
                received.append(delta.text)
    assert received == ["partial"]
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)


async def test_json_error_body_with_status_200_raises_typed_error():
    client = client_for(
        lambda request: httpx.Response(200, json={"error": {"message": "Authentication Fails"}})
    )
    with pytest.raises(StreamError):
        await client.fim(FIM)  # no recognisable type: still an error, never silence


async def test_http_error_status_raises_before_iteration():
    client = client_for(lambda request: httpx.Response(401, json={"error": {"message": "bad"}}))
    with pytest.raises(AuthError, match="DEEPSEEK_API_KEY"):
        await client.fim(FIM)


async def test_missing_key_raises_before_any_network_call():
    calls = []
    client = client_for(lambda request: calls.append(request), api_key=None)
    with pytest.raises(AuthError, match="DEEPSEEK_API_KEY"):
        await client.fim(FIM)
    with pytest.raises(AuthError):
        await client.models()
    assert calls == []


async def test_leaving_the_block_early_closes_the_response():
    body = RecordingStream([fim_chunk("one"), fim_chunk("two")], hang=True)
    client = client_for(
        lambda request: httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=body
        )
    )
    async with client.stream_fim(FIM) as stream:
        async for delta in stream:
            assert delta.text == "one"
            break
        assert not body.closed
    assert body.closed


async def test_cancelling_the_consumer_closes_the_response_at_once():
    body = RecordingStream([fim_chunk("one")], hang=True)
    client = client_for(
        lambda request: httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=body
        )
    )
    got_first = asyncio.Event()

    async def consume():
        async with client.stream_fim(FIM) as stream:
            async for _ in stream:
                got_first.set()

    task = asyncio.create_task(consume())
    await got_first.wait()
    await body.sent_all.wait()  # the consumer is now blocked reading a hanging stream
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert body.closed


async def test_response_that_is_not_an_event_stream_is_malformed():
    client = client_for(
        lambda request: httpx.Response(200, headers={"content-type": "text/html"}, text="<html>")
    )
    with pytest.raises(StreamError, match="malformed"):
        await client.fim(FIM)


class GatedStream(httpx.AsyncByteStream):
    """A body whose tail (after the answer) waits for `release`; records being closed."""

    def __init__(self, head, tail):
        self.head, self.tail = head, tail
        self.release = asyncio.Event()
        self.tail_read = False
        self.closed = False

    async def __aiter__(self):
        for part in self.head:
            yield part.encode()
        await self.release.wait()
        for part in self.tail:
            yield part.encode()
        self.tail_read = True

    async def aclose(self):
        self.closed = True


async def _answer_then_tail(body: GatedStream) -> tuple[list[str], Usage | None]:
    client = client_for(
        lambda request: httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=body
        )
    )
    texts = []
    async with client.stream_fim(FIM) as stream:
        async for delta in stream:
            texts.append(delta.text)
    return texts, stream.usage


async def test_answer_ends_at_finish_and_usage_without_waiting_for_done():
    """The chunk with finish_reason and usage ends the answer; [DONE] is read afterwards."""
    body = GatedStream([fim_chunk("a"), fim_chunk("b", "stop", USAGE)], [DONE])
    texts, usage = await asyncio.wait_for(_answer_then_tail(body), 2.0)
    assert texts == ["a", "b"] and usage == Usage.from_json(USAGE)
    assert not body.closed and not body.tail_read  # the response is still open, for the tail
    body.release.set()
    for _ in range(100):
        if body.closed:
            break
        await asyncio.sleep(0.01)
    assert body.tail_read and body.closed  # read to the end, then closed: connection reusable


async def test_without_usage_yet_the_stream_is_read_to_done():
    """Usage in a separate chunk (older API versions): the answer waits for it, as before."""
    sep = event({"choices": [], "usage": USAGE})
    body = GatedStream([fim_chunk("a", "stop")], [sep, DONE])
    task = asyncio.ensure_future(_answer_then_tail(body))
    await asyncio.sleep(0.05)
    assert not task.done()
    body.release.set()
    texts, usage = await asyncio.wait_for(task, 2.0)
    assert texts == ["a"] and usage == Usage.from_json(USAGE)


async def test_more_text_after_the_answer_hangs_up():
    """A gateway that keeps sending after finish_reason: the tail reader closes the response."""
    body = GatedStream([fim_chunk("a", "stop", USAGE)], [fim_chunk("again"), fim_chunk("more")])
    texts, _ = await asyncio.wait_for(_answer_then_tail(body), 2.0)
    assert texts == ["a"]
    body.release.set()
    for _ in range(100):
        if body.closed:
            break
        await asyncio.sleep(0.01)
    assert body.closed and not body.tail_read  # stopped at the first chunk after the answer


async def test_an_unreadable_tail_after_done_does_not_undo_the_answer():
    from deepseek_lsp.api.sse import MAX_LINE_BYTES

    junk = "x" * (MAX_LINE_BYTES + 10)  # a line that never ends, after [DONE]
    deltas, _ = await run_fim(fim_chunk("hi", finish="stop"), DONE, junk)
    assert "".join(d.text for d in deltas) == "hi"
