"""The fake DeepSeek server, exercised over real loopback HTTP with httpx."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deepseek_lsp.testing import FakeDeepSeek, FakeReply
from deepseek_lsp.testing.fake.text import chat_text, fim_text

KEY = {"Authorization": "Bearer sk-test"}
FIM = {"model": "deepseek-flash", "prompt": "def fib(n):", "suffix": "\n"}
CHAT = {"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "Explain this"}]}
ERROR_KEYS = {"message", "type", "param", "code"}


@pytest.fixture
def server() -> Iterator[FakeDeepSeek]:
    with FakeDeepSeek() as fake:
        yield fake


@pytest.fixture
def client(server: FakeDeepSeek) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers=KEY, timeout=5) as http:
        yield http


def events(response: httpx.Response) -> list[Any]:
    """The SSE data payloads of a finished streaming response ('[DONE]' kept as a string)."""
    datas = [line[6:] for line in response.text.split("\n") if line.startswith("data: ")]
    return [d if d == "[DONE]" else json.loads(d) for d in datas]


def stream(client: httpx.Client, path: str, body: dict[str, Any]) -> list[Any]:
    response = client.post(path, json={**body, "stream": True})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    return events(response)


# Endpoints ---------------------------------------------------------------------------------------


def test_fim_non_streaming_default_continues_python_def(client: httpx.Client) -> None:
    data = client.post("/beta/completions", json=FIM).json()
    assert data["object"] == "text_completion"
    choice = data["choices"][0]
    assert "return fib(n - 1) + fib(n - 2)" in choice["text"]
    assert choice["finish_reason"] == "stop"
    usage = data["usage"]
    assert (
        usage["prompt_tokens"]
        == usage["prompt_cache_hit_tokens"] + usage["prompt_cache_miss_tokens"]
    )
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_fim_streaming_chunks_and_usage_on_last_chunk(client: httpx.Client) -> None:
    body = {**FIM, "stream_options": {"include_usage": True}}
    chunks = stream(client, "/beta/completions", body)
    assert chunks[-1] == "[DONE]"
    data = chunks[:-1]
    assert all(c["object"] == "text_completion" for c in data)
    text = "".join(c["choices"][0]["text"] for c in data)
    assert text == client.post("/beta/completions", json=FIM).json()["choices"][0]["text"]
    assert [c["choices"][0]["finish_reason"] for c in data][-1] == "stop"
    assert all(c["choices"][0]["finish_reason"] is None for c in data[:-1])
    assert "usage" in data[-1] and all("usage" not in c for c in data[:-1])


def test_chat_streaming_shape_and_no_usage_without_include_usage(client: httpx.Client) -> None:
    chunks = stream(client, "/chat/completions", CHAT)[:-1]
    assert chunks[0]["object"] == "chat.completion.chunk"
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert all(c["usage"] is None for c in chunks)
    text = "".join(c["choices"][0]["delta"]["content"] for c in chunks)
    assert "Instruction: Explain this" in text


def test_usage_in_separate_chunk(client: httpx.Client, server: FakeDeepSeek) -> None:
    server.script(FakeReply(text="hello world", usage_placement="separate_chunk"))
    body = {**CHAT, "stream_options": {"include_usage": True}}
    chunks = stream(client, "/v1/chat/completions", body)
    assert chunks[-1] == "[DONE]"
    assert chunks[-2]["choices"] == [] and chunks[-2]["usage"]["completion_tokens"] > 0
    assert chunks[-3]["choices"][0]["finish_reason"] == "stop" and chunks[-3]["usage"] is None


def test_usage_placement_none(client: httpx.Client, server: FakeDeepSeek) -> None:
    server.script(FakeReply(text="hi", usage_placement="none"))
    chunks = stream(
        client, "/chat/completions", {**CHAT, "stream_options": {"include_usage": True}}
    )
    assert all(c["usage"] is None for c in chunks[:-1])


def test_chat_asking_for_code_gets_fenced_block(client: httpx.Client) -> None:
    message = "/fix the off-by-one\n```python\nfor i in range(len(xs) + 1):\n    pass\n```"
    body = {"model": "m", "messages": [{"role": "user", "content": message}]}
    data = client.post("/chat/completions", json=body).json()
    content = data["choices"][0]["message"]["content"]
    assert data["object"] == "chat.completion"
    assert "Command: /fix" in content
    assert "```python\n" in content and "range(len(xs) + 1)" in content


def test_reasoning_deltas_before_content_when_thinking_enabled(client: httpx.Client) -> None:
    body = {**CHAT, "thinking": {"type": "enabled"}}
    chunks = stream(client, "/chat/completions", body)[:-1]
    kinds = [
        "reasoning" if c["choices"][0]["delta"].get("reasoning_content") else "content"
        for c in chunks
    ]
    assert kinds[0] == "reasoning" and "content" in kinds
    assert kinds == sorted(kinds, key=lambda k: k != "reasoning")
    full = client.post("/chat/completions", json=body).json()
    assert full["choices"][0]["message"]["reasoning_content"]
    assert full["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0


def test_scripted_reasoning_without_thinking(client: httpx.Client, server: FakeDeepSeek) -> None:
    server.script(FakeReply(text="answer", reasoning="think", chunk_size=100))
    chunks = stream(client, "/chat/completions", CHAT)[:-1]
    deltas = [c["choices"][0]["delta"] for c in chunks]
    assert deltas == [
        {"role": "assistant", "content": None, "reasoning_content": "think"},
        {"content": "answer"},
    ]


def test_prefix_completion_only_on_beta(client: httpx.Client) -> None:
    messages = [
        {"role": "user", "content": "write it"},
        {"role": "assistant", "content": "```python\n", "prefix": True},
    ]
    ok = client.post("/beta/chat/completions", json={"model": "m", "messages": messages})
    assert ok.status_code == 200
    assert ok.json()["choices"][0]["message"]["content"].endswith("```\n")
    refused = client.post("/chat/completions", json={"model": "m", "messages": messages})
    assert refused.status_code == 400


def test_paths_with_v1_and_wrong_beta(client: httpx.Client) -> None:
    assert client.post("/v1/beta/completions", json=FIM).status_code == 200
    wrong = client.post("/beta/beta/completions", json=FIM)
    assert wrong.status_code == 404 and set(wrong.json()["error"]) == ERROR_KEYS
    assert client.post("/completions", json=FIM).status_code == 404
    assert client.get("/chat/completions").status_code == 405


def test_models_and_balance(client: httpx.Client) -> None:
    models = client.get("/models").json()
    assert models["object"] == "list"
    assert {"id": "deepseek-flash", "object": "model", "owned_by": "deepseek"} in models["data"]
    balance = client.get("/v1/user/balance").json()
    assert balance["is_available"] is True
    assert balance["balance_infos"][0]["total_balance"] == "10.00"


# Auth and errors ---------------------------------------------------------------------------------


def test_missing_key_is_401(server: FakeDeepSeek) -> None:
    response = httpx.post(server.base_url + "/chat/completions", json=CHAT)
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"


def test_valid_keys_restrict_access() -> None:
    with FakeDeepSeek(valid_keys={"sk-good"}) as fake, httpx.Client(base_url=fake.base_url) as c:
        bad = c.get("/models", headers={"Authorization": "Bearer sk-bad"})
        assert bad.status_code == 401 and set(bad.json()["error"]) == ERROR_KEYS
        assert c.get("/models", headers={"Authorization": "Bearer sk-good"}).status_code == 200


@pytest.mark.parametrize("status", [400, 401, 402, 422, 429, 500, 503])
def test_scripted_error_statuses(client: httpx.Client, server: FakeDeepSeek, status: int) -> None:
    server.script(FakeReply(status=status, retry_after=2 if status == 429 else None))
    response = client.post("/chat/completions", json={**CHAT, "stream": True})
    assert response.status_code == status
    error = response.json()["error"]
    assert set(error) == ERROR_KEYS and error["message"]
    assert response.headers.get("retry-after") == ("2" if status == 429 else None)
    assert client.post("/chat/completions", json=CHAT).status_code == 200  # consumed once


def test_plain_text_422_and_custom_error(client: httpx.Client, server: FakeDeepSeek) -> None:
    server.script(
        FakeReply(error_body_text="Failed to deserialize"),
        FakeReply(status=402, error_message="Insufficient Balance", error_code="x"),
    )
    plain = client.post("/beta/completions", json=FIM)
    assert plain.status_code == 422 and plain.text == "Failed to deserialize"
    assert plain.headers["content-type"].startswith("text/plain")
    custom = client.post("/beta/completions", json=FIM).json()["error"]
    assert (custom["message"], custom["code"]) == ("Insufficient Balance", "x")


def test_model_unavailable() -> None:
    fake = FakeDeepSeek(unavailable_models={"deepseek-chat"})
    with fake, httpx.Client(base_url=fake.base_url, headers=KEY) as c:
        gone = c.post("/chat/completions", json={**CHAT, "model": "deepseek-chat"})
        assert gone.status_code == 400
        assert gone.json()["error"]["message"] == "Model Not Exist"
        fake.script(FakeReply(model_unavailable=True))
        assert c.post("/chat/completions", json=CHAT).status_code == 400
        assert c.post("/chat/completions", json=CHAT).status_code == 200
        fake.script(FakeReply(model_unavailable=True, status=422))
        unknown = c.post("/beta/completions", json=FIM)
        assert (unknown.status_code, unknown.json()["error"]["message"]) == (422, "Model Not Exist")


def test_retired_names_answer_model_not_exist_but_v4_flash_is_still_served() -> None:
    with FakeDeepSeek() as fake, httpx.Client(base_url=fake.base_url, headers=KEY) as c:
        for retired in ("deepseek-chat", "deepseek-reasoner", "deepseek-coder"):
            gone = c.post("/chat/completions", json={**CHAT, "model": retired})
            assert (gone.status_code, gone.json()["error"]["message"]) == (400, "Model Not Exist")
        for served in ("deepseek-flash", "deepseek-v4-flash"):
            assert c.post("/beta/completions", json={**FIM, "model": served}).status_code == 200
        fake.configure(unavailable_models=["deepseek-flash"])
        assert c.post("/beta/completions", json=FIM).status_code == 400


def test_bad_input_never_crashes(client: httpx.Client, server: FakeDeepSeek) -> None:
    not_json = client.post("/chat/completions", content=b"{nope")
    assert not_json.status_code == 400
    assert client.post("/beta/completions", json={"model": "m"}).status_code == 422
    too_many = client.post("/beta/completions", json={**FIM, "max_tokens": 5000})
    assert too_many.status_code == 400
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"GARBAGE\r\n\r\n")
        assert raw.recv(4096).startswith(b"HTTP/1.1 400")
    assert client.get("/models").status_code == 200


# Scripting, limits, cache -----------------------------------------------------------------------


def test_script_queue_matching_and_fallback(client: httpx.Client, server: FakeDeepSeek) -> None:
    server.script(
        FakeReply(text="for fim", endpoint="fim"),
        FakeReply(text="about sorting", prompt_contains="sort"),
        FakeReply(text="by predicate", match=lambda body: body.get("temperature") == 0.5),
    )
    assert (
        client.post("/chat/completions", json={**CHAT, "temperature": 0.5}).json()["choices"][0][
            "message"
        ]["content"]
        == "by predicate"
    )
    sort_chat = {"model": "m", "messages": [{"role": "user", "content": "sort it"}]}
    assert (
        client.post("/chat/completions", json=sort_chat).json()["choices"][0]["message"]["content"]
        == "about sorting"
    )
    assert client.post("/beta/completions", json=FIM).json()["choices"][0]["text"] == "for fim"
    fallback = client.post("/beta/completions", json=FIM).json()["choices"][0]["text"]
    assert "fib" in fallback


def test_explicit_chunks_and_empty_first_chunk(client: httpx.Client, server: FakeDeepSeek) -> None:
    server.script(FakeReply(chunks=["ab", "cd"], empty_first_chunk=True, finish_reason="length"))
    chunks = stream(client, "/beta/completions", FIM)[:-1]
    assert [c["choices"][0]["text"] for c in chunks] == ["", "ab", "cd"]
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"


def test_stop_and_max_tokens_are_applied(client: httpx.Client, server: FakeDeepSeek) -> None:
    server.script(FakeReply(text="one\n\ntwo"), FakeReply(text="x" * 30))
    stopped = client.post("/beta/completions", json={**FIM, "stop": ["\n\n"]}).json()
    assert stopped["choices"][0] | {"logprobs": None} == {
        "index": 0,
        "text": "one",
        "logprobs": None,
        "finish_reason": "stop",
    }
    cut = client.post("/beta/completions", json={**FIM, "max_tokens": 2}).json()["choices"][0]
    assert (cut["text"], cut["finish_reason"]) == ("x" * 6, "length")


def test_prefix_cache_hits_in_64_token_units(client: httpx.Client) -> None:
    header = "import os\n" * 100  # 1000 chars, about 333 tokens
    first = client.post("/beta/completions", json={**FIM, "prompt": header + "a = 1"}).json()
    second = client.post("/beta/completions", json={**FIM, "prompt": header + "b = 2"}).json()
    assert first["usage"]["prompt_cache_hit_tokens"] == 0
    hit = second["usage"]["prompt_cache_hit_tokens"]
    assert hit == 320  # 1000 common chars -> 333 tokens -> 5 units of 64
    usage = second["usage"]
    assert usage["prompt_tokens"] == hit + usage["prompt_cache_miss_tokens"]


# Faults and timing -------------------------------------------------------------------------------


def test_drop_after_chunks(client: httpx.Client, server: FakeDeepSeek) -> None:
    server.script(FakeReply(text="abcdefgh", chunk_size=2, drop_after_chunks=2))
    received: list[str] = []
    body = {**FIM, "stream": True}
    with (
        pytest.raises(httpx.RemoteProtocolError),
        client.stream("POST", "/beta/completions", json=body) as r,
    ):
        received.extend(line for line in r.iter_lines() if line.startswith("data:"))
    assert len(received) == 2 and "[DONE]" not in "".join(received)
    [request] = server.wait_for_requests(1, finished=True)
    assert request.chunks_sent == 2
    server.script(FakeReply(drop_after_chunks=0))
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/beta/completions", json=FIM)


def test_malformed_chunk(client: httpx.Client, server: FakeDeepSeek) -> None:
    server.script(FakeReply(text="abcd", chunk_size=2, malformed_after_chunks=1))
    response = client.post("/beta/completions", json={**FIM, "stream": True})
    datas = [line[6:] for line in response.text.split("\n") if line.startswith("data: ")]
    with pytest.raises(json.JSONDecodeError):
        json.loads(datas[1])
    assert json.loads(datas[0])["choices"][0]["text"] == "ab" and datas[-1] == "[DONE]"


def test_keep_alive_comments_and_blank_lines(client: httpx.Client, server: FakeDeepSeek) -> None:
    server.script(FakeReply(text="hi", keep_alive_comments=2), FakeReply(keep_alive_comments=3))
    text = client.post("/chat/completions", json={**CHAT, "stream": True}).text
    assert text.startswith(": keep-alive\n\n: keep-alive\n\ndata: ")
    full = client.post("/chat/completions", json=CHAT)
    assert full.text.startswith("\n\n\n{") and full.json()["object"] == "chat.completion"


def test_first_token_and_chunk_delays(client: httpx.Client, server: FakeDeepSeek) -> None:
    server.script(FakeReply(text="abc", chunk_size=1, first_token_delay=0.15, chunk_delay=0.05))
    start = time.monotonic()
    arrivals: list[float] = []
    with client.stream("POST", "/beta/completions", json={**FIM, "stream": True}) as r:
        for line in r.iter_lines():
            if line.startswith("data: {"):
                arrivals.append(time.monotonic() - start)
    assert arrivals[0] >= 0.15
    assert arrivals[2] - arrivals[0] >= 0.09


def test_prefill_costs_per_missed_token_and_less_per_cached_one(
    client: httpx.Client, server: FakeDeepSeek
) -> None:
    server.configure(miss_token_delay=0.0002, hit_token_delay=0.0)
    prompt = "x = 1\n" * 600  # 1,200 tokens at 3 characters each

    def first_token(body: dict[str, Any]) -> float:
        start = time.monotonic()
        with client.stream("POST", "/beta/completions", json={**body, "stream": True}) as r:
            for line in r.iter_lines():
                if line.startswith("data: {"):
                    return time.monotonic() - start
        raise AssertionError("no chunk")

    cold = first_token({**FIM, "prompt": prompt})
    warm = first_token({**FIM, "prompt": prompt + "y"})  # all but the tail is cached now
    assert cold >= 0.2  # 1,200 missed tokens x 0.2 ms
    assert warm < cold - 0.15


def test_hangup_mid_stream_is_recorded(client: httpx.Client, server: FakeDeepSeek) -> None:
    # A long pause between chunks: only watching the socket can notice the hang-up in time.
    server.script(FakeReply(text="x" * 200, chunk_size=1, chunk_delay=30))
    with client.stream("POST", "/beta/completions", json={**FIM, "stream": True}) as r:
        next(r.iter_lines())
    request = server.wait_for_hangup(timeout=5)
    assert request.hung_up and request.hung_up_at is not None
    assert request.hung_up_at >= request.received_at
    assert 0 < request.chunks_sent < 200 and request.finished_at is None


def test_complete_response_is_not_a_hangup(client: httpx.Client, server: FakeDeepSeek) -> None:
    stream(client, "/beta/completions", FIM)
    client.close()
    [request] = server.wait_for_requests(1, finished=True)
    assert request.status == 200 and not request.hung_up
    with pytest.raises(TimeoutError):
        server.wait_for_hangup(timeout=0.2)


async def test_async_waits_and_concurrent_streams(server: FakeDeepSeek) -> None:
    server.configure(chunk_delay=0.005)
    async with httpx.AsyncClient(base_url=server.base_url, headers=KEY) as c:

        async def one(i: int) -> str:
            body = {**FIM, "prompt": f"# request {i}\n", "stream": True}
            return (await c.post("/beta/completions", json=body)).text

        waiter = asyncio.ensure_future(server.wait_for_requests_async(20, timeout=5))
        texts = await asyncio.gather(*(one(i) for i in range(20)))
        assert len(await waiter) == 20
        assert all(t.endswith("data: [DONE]\n\n") for t in texts)
        server.script(FakeReply(text="y" * 100, chunk_size=1, chunk_delay=30))
        async with c.stream("POST", "/beta/completions", json={**FIM, "stream": True}) as r:
            async for _ in r.aiter_lines():
                break
        hung = await server.wait_for_hangup_async(timeout=5)
        assert hung.hung_up and hung.chunks_sent < 100


# Records, control endpoints, lifecycle ---------------------------------------------------------


def test_recorded_request(client: httpx.Client, server: FakeDeepSeek) -> None:
    client.post("/v1/beta/completions", json=FIM)
    [request] = server.wait_for_requests(1, finished=True)
    assert (request.method, request.path, request.endpoint) == (
        "POST",
        "/v1/beta/completions",
        "fim",
    )
    assert request.body == FIM and request.headers["authorization"] == "Bearer sk-test"
    assert request.status == 200 and request.finished_at >= request.received_at


def test_wait_for_requests_from_another_thread(client: httpx.Client, server: FakeDeepSeek) -> None:
    thread = threading.Thread(target=lambda: client.get("/models"))
    thread.start()
    assert len(server.wait_for_requests(1, timeout=5)) == 1
    thread.join()


def test_control_endpoints(client: httpx.Client, server: FakeDeepSeek) -> None:
    script = [{"text": "scripted", "endpoint": "fim"}, {"status": 503}]
    assert client.post("/_fake/script", json=script).json()["queued"] == 2
    assert client.post("/beta/completions", json=FIM).json()["choices"][0]["text"] == "scripted"
    assert client.post("/chat/completions", json=CHAT).status_code == 503
    assert client.post("/_fake/config", json={"balance": "0.00"}).status_code == 200
    assert client.get("/user/balance").json()["is_available"] is False
    recorded = client.get("/_fake/requests").json()
    assert [r["endpoint"] for r in recorded] == ["fim", "chat", "balance"]
    assert recorded[0]["body"] == FIM
    waited = client.get("/_fake/wait_requests", params={"n": 3, "finished": 1}).json()
    assert len(waited) == 3
    assert client.get("/_fake/wait_hangup", params={"timeout": 0.05}).status_code == 408
    assert client.post("/_fake/script", json={"nonsense": 1}).status_code == 400
    assert client.post("/_fake/reset").status_code == 200
    assert server.requests == [] and server.config.balance == "10.00"


def test_keep_alive_connection_reused(server: FakeDeepSeek) -> None:
    request = b"GET /models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        for _ in range(2):
            raw.sendall(request)
            head = b""
            while b"\r\n\r\n" not in head:
                head += raw.recv(1)
            assert head.startswith(b"HTTP/1.1 200")
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            body = b""
            while len(body) < length:
                body += raw.recv(length - len(body))
            assert json.loads(body)["object"] == "list"


def test_stop_joins_thread_with_stream_in_flight(caplog: pytest.LogCaptureFixture) -> None:
    before = threading.active_count()
    fake = FakeDeepSeek(chunk_delay=30).start()
    body = {**FIM, "stream": True}
    with (
        httpx.Client(base_url=fake.base_url, headers=KEY) as c,
        c.stream("POST", "/beta/completions", json=body) as r,
    ):
        lines = r.iter_lines()
        next(lines)
        fake.stop()
        with pytest.raises(httpx.RemoteProtocolError):
            list(lines)
    assert threading.active_count() == before
    assert not [rec for rec in caplog.records if rec.levelname == "ERROR"]
    fake.stop()  # idempotent


def test_subprocess_mode_prints_url() -> None:
    command = [sys.executable, "-W", "error", "-m", "deepseek_lsp.testing.fake", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:")
        url = line.removeprefix("listening on ")
        assert httpx.get(url + "/models", headers=KEY).status_code == 200
        proc.terminate()
        assert proc.wait(timeout=10) == 0


# Canned offline replies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "suffix", "expected"),
    [
        ("def fib(n):\n    ", "", "if n < 2:\n        return n\n    return fib(n - 1)"),
        ("class Stack:", "", '\n    """A Stack."""\n\n    def __init__(self) -> None:'),
        ("function fib(n) {\n  ", "\n}", "if (n < 2) return n;\n  return fib(n - 1)"),
        ("# print a greeting\n", "", 'print("Hello, world!")'),
        ("// say hello\n", "", 'console.log("Hello, world!");'),
        ("x = ", "", " # offline suggestion"),
    ],
)
def test_canned_fim_replies(prompt: str, suffix: str, expected: str) -> None:
    text = fim_text(prompt, suffix)
    assert text.startswith(expected) or expected in text
    assert fim_text(prompt, suffix) == text  # deterministic


def test_canned_chat_without_code_request() -> None:
    reply = chat_text([{"role": "user", "content": "What does this do?"}])
    assert "Instruction: What does this do?" in reply and "```" not in reply
