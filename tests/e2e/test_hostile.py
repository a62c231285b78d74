"""Hostile and broken input through the real server over stdio: each family, by the rules."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from deepseek_lsp.testing import FakeDeepSeek, FakeReply

from .conftest import API_KEY
from .wire import Wire, frame

URI = "file:///work/proj/calc.py"
SOURCE = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n"
RANGE = {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 16}}
USAGE = {"jsonrpc": "2.0", "id": "good", "method": "deepseek/usage"}


def _env(fake: FakeDeepSeek) -> dict[str, str]:
    return {"DEEPSEEK_BASE_URL": fake.base_url, "DEEPSEEK_API_KEY": API_KEY}


def _client_answers(message: dict[str, Any]) -> dict[str, Any] | None:
    if message["method"] == "workspace/configuration":
        return {"result": [None]}
    if message["method"] == "workspace/applyEdit":
        return {"result": {"applied": True}}
    return {"result": None}


@pytest.fixture
def wire(fake: FakeDeepSeek) -> Iterator[Wire]:
    client = Wire(_env(fake), answer=_client_answers)
    client.initialize({"completion": {"debounceMs": 0}})
    client.open(URI, SOURCE)
    yield client
    client.close()
    assert client.stray == []


def _served_after(wire: Wire, msg_id: str = "good") -> None:
    """A good request after the bad input is answered with a result."""
    wire.send({**USAGE, "id": msg_id})
    assert "result" in wire.response(msg_id)


INLINE = "textDocument/inlineCompletion"


def _code(reply: dict[str, Any]) -> int | None:
    return reply.get("error", {}).get("code")


def _inline(line: int = 1, character: int = 16, uri: Any = URI, kind: Any = 1) -> dict[str, Any]:
    return {
        "textDocument": {"uri": uri},
        "position": {"line": line, "character": character},
        "context": {"triggerKind": kind},
    }


# --- framing and envelopes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        b"Content-Length: 10\r\n\r\n" + frame(USAGE)[23:],  # too small
        b"Content-Length: 0\r\n\r\n",
        b"Content-Length: ten\r\n\r\n{}",
        b"Content-Length: 99999999999999\r\n\r\n",
        b"Content-Length: 5\r\n\r\n{bad}",
    ],
    ids=["too-small", "zero", "not-a-number", "huge", "not-json"],
)
def test_framing_errors_get_one_parse_error_and_the_next_message_is_served(wire, bad):
    wire.raw(bad)
    wire.send(USAGE)
    assert "result" in wire.response("good")
    errors = [m for m in wire.messages if m.get("id") is None and "error" in m]
    assert [_code(m) for m in errors] == [-32700]
    assert "id" in errors[0] and errors[0]["id"] is None


def test_a_length_too_large_does_not_swallow_the_next_message(wire):
    body = b'{"jsonrpc":"2.0","id":"short","method":"deepseek/usage"}'
    wire.raw(b"Content-Length: %d\r\n\r\n%s" % (len(body) + 30, body) + frame(USAGE))
    assert "result" in wire.response("good")
    assert [_code(m) for m in wire.messages if m.get("id") is None] == [-32700]


def test_lf_only_headers_and_noise_between_messages(wire):
    body = b'{"jsonrpc":"2.0","id":"lf","method":"deepseek/usage"}'
    wire.raw(b"noise\r\n\x00\x01" + b"Content-Length: %d\n\n%s" % (len(body), body))
    assert "result" in wire.response("lf")
    _served_after(wire)


@pytest.mark.parametrize(
    ("message", "code", "msg_id"),
    [
        ({"id": 5, "method": "deepseek/usage"}, -32600, 5),
        ({"jsonrpc": "2.0", "id": 6, "method": 7}, -32600, 6),
        ({"jsonrpc": "2.0", "id": 8, "method": "no/such"}, -32601, 8),
        ({"jsonrpc": "2.0", "id": [1], "method": "deepseek/usage"}, -32600, None),
        # the usual inline shape, read without the envelope checks, is still checked as one
        ({"id": 9, "method": INLINE, "params": _inline()}, -32600, 9),
        ({"jsonrpc": "1.0", "id": 10, "method": INLINE, "params": _inline()}, -32600, 10),
        ({"jsonrpc": "2.0", "id": True, "method": INLINE, "params": _inline()}, -32600, None),
    ],
)
def test_invalid_requests_and_unknown_methods(wire, message, code, msg_id):
    wire.send(message)
    reply = wire.wait_for(lambda m: "error" in m and m.get("id") == msg_id)
    assert _code(reply) == code
    _served_after(wire)


def test_a_nested_jsonrpc_member_stays_data(wire, fake):
    fake.script(FakeReply(text=" + 0"))
    params = _inline()
    params["textDocument"]["jsonrpc"] = "x"
    reply = wire.call("textDocument/inlineCompletion", params)
    assert reply["result"]["items"][0]["insertText"] == " + 0"


@pytest.mark.parametrize(
    "params",
    [
        _inline(line="1"),  # type: ignore[arg-type]
        _inline(character=4.9),  # type: ignore[arg-type]
        _inline(kind=1.0),
        _inline(uri=5),
    ],
    ids=["line-string", "character-float", "trigger-float", "uri-number"],
)
def test_values_of_the_wrong_type_are_invalid_params(wire, fake, params):
    reply = wire.call("textDocument/inlineCompletion", params)
    assert _code(reply) == -32602 and "expected" in reply["error"]["message"]
    assert fake.requests == []


def test_deeply_nested_data_in_resolve_is_invalid_params(wire):
    depth = 5000
    body = (
        b'{"jsonrpc":"2.0","id":"deep","method":"codeAction/resolve","params":{"title":"t","data":'
        + b'{"a":' * depth
        + b"1"
        + b"}" * depth
        + b"}}"
    )
    wire.raw(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    reply = wire.response("deep")
    assert _code(reply) == -32602 and "nest deeper" in reply["error"]["message"]
    _served_after(wire)


# --- lifecycle ------------------------------------------------------------------------------------


def test_requests_before_initialize_get_32002_and_never_go_upstream(fake):
    client = Wire(_env(fake))
    try:
        reply = client.call("textDocument/inlineCompletion", _inline())
        assert _code(reply) == -32002
        assert _code(client.call("textDocument/codeAction", {})) == -32002
        assert fake.requests == []
        assert "result" in client.initialize()
    finally:
        client.close()


def test_after_shutdown_requests_get_32600_and_exit_says_0(fake):
    client = Wire(_env(fake))
    client.initialize()
    assert client.call("shutdown")["result"] is None
    assert _code(client.call("deepseek/usage")) == -32600
    assert _code(client.call(INLINE, _inline())) == -32600
    client.notify("exit")
    assert client.proc.wait(10) == 0
    assert client.stray == []


def test_exit_without_shutdown_exits_1(fake):
    client = Wire(_env(fake))
    client.initialize()
    client.notify("exit")
    assert client.proc.wait(10) == 1


# --- text the editor should not have sent ---------------------------------------------------------


def test_lone_surrogates_go_upstream_as_replacement_characters(wire, fake):
    wire.open("file:///work/proj/s.py", "x = '\ud800'\ny = ")
    reply = wire.call("textDocument/inlineCompletion", _inline(1, 4, "file:///work/proj/s.py"))
    assert "result" in reply
    chat = wire.call("deepseek/chat", {"message": "why \udc00?"})
    assert "result" in chat
    bodies = [r.raw_body.decode() for r in fake.requests]
    assert "\ufffd" in bodies[0] and "\ufffd" in bodies[1]


def test_a_language_id_that_is_not_a_string_and_a_reversed_range(wire, fake):
    wire.send(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": "file:///x", "languageId": 5, "version": 1, "text": "a"}
            },
        }
    )
    actions = wire.call(
        "textDocument/codeAction",
        {"textDocument": {"uri": "file:///x"}, "range": RANGE, "context": {"diagnostics": []}},
    )
    assert isinstance(actions["result"], list)
    reversed_range = {"start": RANGE["end"], "end": RANGE["start"]}
    chat = wire.call(
        "deepseek/chat",
        {"message": "explain", "textDocument": {"uri": URI}, "range": reversed_range},
    )
    assert "return a + b" in fake.requests[-1].raw_body.decode()
    assert "result" in chat


# --- replies from the client ----------------------------------------------------------------------


@pytest.mark.parametrize("garbage", [None, {}, 42])
def test_a_garbage_reply_to_apply_edit_fails_the_command(fake, garbage):
    def answers(message: dict[str, Any]) -> dict[str, Any] | None:
        if message["method"] == "workspace/applyEdit":
            return {"result": garbage}
        return _client_answers(message)

    fake.script(FakeReply(text="```python\ndef add(a, b):\n    return b + a\n```"))
    client = Wire(_env(fake), answer=answers)
    try:
        client.initialize()
        client.open(URI, SOURCE)
        started = time.monotonic()
        reply = client.call(
            "workspace/executeCommand", {"command": "deepseek.refactor", "arguments": [URI, RANGE]}
        )
        assert _code(reply) == -32803 and "wrong shape" in reply["error"]["message"]
        assert time.monotonic() - started < 5
        assert "result" in client.call("deepseek/usage")
    finally:
        client.close()


def test_explain_never_waits_for_a_client_that_ignores_progress_creation(fake):
    def answers(message: dict[str, Any]) -> dict[str, Any] | None:
        if message["method"] == "window/workDoneProgress/create":
            return None  # never answered
        return _client_answers(message)

    fake.script(FakeReply(text="It adds."))
    client = Wire(_env(fake), answer=answers)
    try:
        client.initialize()
        client.open(URI, SOURCE)
        started = time.monotonic()
        reply = client.call(
            "workspace/executeCommand", {"command": "deepseek.explain", "arguments": [URI, RANGE]}
        )
        assert reply["result"]["text"] == "It adds."
        assert time.monotonic() - started < 5  # the client-reply timeout is 10 s
    finally:
        client.close()


def test_a_cancelled_command_hangs_up_and_never_edits(wire, fake):
    fake.script(FakeReply(text="def add(a, b):\n    return b + a\n", first_token_delay=3.0))
    msg_id = wire.request(
        "workspace/executeCommand", {"command": "deepseek.refactor", "arguments": [URI, RANGE]}
    )
    fake.wait_for_requests(1)
    wire.notify("$/cancelRequest", {"id": msg_id})
    assert _code(wire.response(msg_id)) == -32800
    assert fake.wait_for_hangup().hung_up
    fake.wait_for_requests(1, timeout=10, finished=True)
    _served_after(wire)
    assert not [m for m in wire.messages if m.get("method") == "workspace/applyEdit"]
    assert len(wire.answers(msg_id)) == 1


# --- settings that cannot work --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"http": {"headers": {"X-A\nB": "1"}}}, "deepseek.http.headers"),
        ({"completion": "x"}, "deepseek.completion"),
    ],
)
def test_settings_that_cannot_work_get_one_message(fake, options, key):
    client = Wire(_env(fake))
    try:
        client.initialize(options)
        shown = client.wait_for(lambda m: m.get("method") == "window/showMessage")
        assert f"Setting {key}:" in shown["params"]["message"]
        fake.script(FakeReply(text=" + 0"))
        client.open(URI, SOURCE)
        reply = client.call("textDocument/inlineCompletion", _inline())
        assert reply["result"]["items"][0]["insertText"] == " + 0"
    finally:
        client.close()


# --- upstream that misbehaves ---------------------------------------------------------------------


def test_megabytes_from_upstream_are_cut_and_the_stream_closed(wire, fake):
    fake.script(FakeReply(endless="deltas", text="y" * 65536, chunk_size=65536))
    reply = wire.call("textDocument/inlineCompletion", _inline())
    items = reply["result"]["items"]
    assert all(len(item["insertText"]) <= 32 * 128 for item in items)
    assert fake.wait_for_hangup().hung_up


def test_endless_keep_alives_are_answered_within_the_timeout(fake):
    client = Wire(_env(fake), answer=_client_answers)
    try:
        client.initialize({"http": {"timeoutSeconds": 1}, "completion": {"debounceMs": 0}})
        client.open(URI, SOURCE)
        fake.script(FakeReply(endless="keep_alive"))
        started = time.monotonic()
        reply = client.call("textDocument/inlineCompletion", _inline())
        assert "result" in reply  # from a retry, or empty: either way in time
        assert time.monotonic() - started < 3
        assert fake.requests[0].hung_up
    finally:
        client.close()
