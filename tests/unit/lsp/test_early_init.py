"""The early initialize answer: encoding negotiation, what it answers, reading one message only."""

from __future__ import annotations

import io
import json
import os

from deepseek_lsp.lsp import early_init

TEMPLATE = {
    "capabilities": {"positionEncoding": "utf-16", "inlineCompletionProvider": {}},
    "serverInfo": {"name": "deepseek-lsp", "version": "0"},
}


def _message(method: str = "initialize", **params: object) -> dict[str, object]:
    return {"jsonrpc": "2.0", "id": 1, "method": method, "params": {"processId": 7, **params}}


def test_encoding_is_the_clients_first_supported_one_as_in_pygls() -> None:
    assert early_init.negotiate_encoding({}) == "utf-16"
    assert early_init.negotiate_encoding({"general": {}}) == "utf-16"
    assert early_init.negotiate_encoding(
        {"general": {"positionEncodings": ["utf-32", "utf-8"]}}
    ) == ("utf-32")
    assert early_init.negotiate_encoding({"general": {"positionEncodings": ["x", "utf-8"]}}) == (
        "utf-8"
    )
    assert early_init.negotiate_encoding({"general": {"positionEncodings": ["x"]}}) == "utf-16"
    assert early_init.negotiate_encoding({"general": {"positionEncodings": "utf-8"}}) is None
    assert early_init.negotiate_encoding(None) is None


def test_only_a_well_formed_initialize_is_answered() -> None:
    answer = early_init.result_for(TEMPLATE, _message(capabilities={"general": None}))
    assert answer is not None and answer["capabilities"]["positionEncoding"] == "utf-16"
    utf8 = {"general": {"positionEncodings": ["utf-8"]}}
    answer = early_init.result_for(TEMPLATE, _message(capabilities=utf8))
    assert answer is not None and answer["capabilities"]["positionEncoding"] == "utf-8"
    assert answer["serverInfo"] == TEMPLATE["serverInfo"]
    assert early_init.result_for(TEMPLATE, _message("shutdown", capabilities={})) is None
    assert early_init.result_for(TEMPLATE, _message(capabilities=[])) is None
    assert early_init.result_for(TEMPLATE, _message(capabilities={}, processId="x")) is None
    assert early_init.result_for(TEMPLATE, {"id": 1, "method": "initialize"}) is None


def test_read_message_stops_at_the_end_of_the_first_message() -> None:
    first, second = b'{"a": 1}', b'{"b": 2}'
    read, write = os.pipe()
    os.write(write, b"Content-Length: 8\r\nContent-Type: x\r\n\r\n" + first)
    os.write(write, b"Content-Length: 8\r\n\r\n" + second)
    os.close(write)
    raw, body = early_init.read_message(read)
    assert body == first and raw.endswith(first) and raw.startswith(b"Content-Length")
    assert os.read(read, 100) == b"Content-Length: 8\r\n\r\n" + second
    os.close(read)


def test_nothing_is_read_without_a_stored_answer(tmp_path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    read, write = os.pipe()
    os.write(write, b"Content-Length: 2\r\n\r\n{}")
    assert early_init.answer_early(read, io.BytesIO(), env) is None
    assert os.read(read, 100) == b"Content-Length: 2\r\n\r\n{}"
    os.close(read)
    os.close(write)


def test_stored_answer_is_used_until_disabled_or_stale(tmp_path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    early_init.store(env, TEMPLATE)
    assert early_init.load(env) == TEMPLATE
    assert early_init.load(env, "another fingerprint") is None
    early_init.store(env, TEMPLATE, disabled=True)
    assert early_init.load(env) is None
    assert early_init.load({**env, "XDG_CACHE_HOME": str(tmp_path / "none")}) is None


def test_answer_early_writes_the_answer_and_hands_back_the_bytes(tmp_path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    early_init.store(env, TEMPLATE)
    body = json.dumps(_message(capabilities={})).encode()
    read, write = os.pipe()
    os.write(write, b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    out = io.BytesIO()
    early = early_init.answer_early(read, out, env)
    assert early is not None and early.answered_id == 1 and early.raw.endswith(body)
    header, reply = out.getvalue().split(b"\r\n\r\n", 1)
    assert int(header.split(b"\r\n")[0].split(b":")[1]) == len(reply)
    assert json.loads(reply) == {"jsonrpc": "2.0", "id": 1, "result": early.answered}
    os.close(read)
    os.close(write)
