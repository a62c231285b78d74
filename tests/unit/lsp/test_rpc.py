"""Protocol bookkeeping: nothing kept per notification, linked cancels, client-reply limits."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from deepseek_lsp.lsp.app import create_server
from deepseek_lsp.lsp.server import DeepSeekServer

EDIT = types.ApplyWorkspaceEditParams(edit=types.WorkspaceEdit())


class Sink:
    """A writer that keeps what the server sends."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        body = data.split(b"\r\n\r\n", 1)[1]
        self.sent.append(json.loads(body))

    def close(self) -> None:
        pass


def _server() -> tuple[DeepSeekServer, Sink]:
    server = create_server(
        {"DEEPSEEK_API_KEY": "sk-unit", "DEEPSEEK_BASE_URL": "http://127.0.0.1:9"}
    )
    sink = Sink()
    server.protocol.set_writer(sink)
    return server, sink


def _send(server: DeepSeekServer, message: dict[str, Any]) -> None:
    server.protocol.receive(json.dumps({"jsonrpc": "2.0", **message}).encode())


def _initialize(server: DeepSeekServer) -> None:
    _send(server, {"id": 0, "method": "initialize", "params": {"capabilities": {}}})


async def test_document_notifications_leave_nothing_behind() -> None:
    server, _ = _server()
    _initialize(server)
    doc = {"uri": "file:///a.py", "languageId": "python", "version": 1, "text": "x = 1\n"}
    _send(server, {"method": "textDocument/didOpen", "params": {"textDocument": doc}})
    for version in range(2, 502):
        start = {"line": 0, "character": 0}
        change = {"range": {"start": start, "end": start}}
        _send(
            server,
            {
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": "file:///a.py", "version": version},
                    "contentChanges": [{**change, "text": "y"}],
                },
            },
        )
    await asyncio.sleep(0)
    assert server.documents.get("file:///a.py").version == 501
    assert server.protocol._request_futures == {}


async def test_a_client_that_never_answers_fails_the_request_and_is_forgotten() -> None:
    server, sink = _server()
    server.protocol.client_reply_timeout = 0.05
    with pytest.raises(JsonRpcException, match="did not answer workspace/applyEdit"):
        await server.protocol.send_request_async("workspace/applyEdit", EDIT)
    assert sink.sent[-1]["method"] == "workspace/applyEdit"
    assert server.protocol._request_futures == {}
    assert server.protocol._result_types == {}
    assert server.protocol._sent_methods == {}


@pytest.mark.parametrize("garbage", [None, {}, 42, {"applied": "yes"}])
async def test_a_reply_of_the_wrong_shape_fails_the_request_at_once(garbage: Any) -> None:
    server, sink = _server()
    _initialize(server)
    pending = server.protocol.send_request_async("workspace/applyEdit", EDIT)
    request_id = sink.sent[-1]["id"]
    _send(server, {"id": request_id, "result": garbage})
    with pytest.raises(JsonRpcException, match="wrong shape"):
        await asyncio.wait_for(pending, 1)
    assert server.protocol._request_futures == {}


async def test_a_late_reply_after_a_timeout_is_ignored() -> None:
    server, sink = _server()
    _initialize(server)
    server.protocol.client_reply_timeout = 0.01
    with pytest.raises(JsonRpcException):
        await server.protocol.send_request_async("workspace/applyEdit", EDIT)
    _send(server, {"id": sink.sent[-1]["id"], "result": {"applied": True}})  # must not raise
    assert server.protocol._request_futures == {}


async def test_cancelling_an_execute_command_cancels_the_command_task() -> None:
    server, sink = _server()
    _initialize(server)
    started, cancelled = asyncio.Event(), asyncio.Event()

    @server.command("test.wait")
    async def wait(ls: DeepSeekServer, *args: Any) -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    command = {"command": "test.wait"}
    _send(server, {"id": 7, "method": "workspace/executeCommand", "params": command})
    await asyncio.wait_for(started.wait(), 1)
    _send(server, {"method": "$/cancelRequest", "params": {"id": 7}})
    await asyncio.wait_for(cancelled.wait(), 1)
    answers = [m for m in sink.sent if m.get("id") == 7]
    assert [a["error"]["code"] for a in answers] == [-32800]
    assert server.protocol._request_futures == {}


async def test_a_request_is_answered_as_its_handler_returns_not_a_loop_pass_later() -> None:
    server, sink = _server()
    order: list[str] = []
    write = sink.write
    sink.write = lambda data: (order.append("answer"), write(data))  # type: ignore[method-assign]

    @server.feature("test/echo")
    async def echo(ls: DeepSeekServer, params: Any) -> dict[str, int]:
        asyncio.get_running_loop().call_soon(order.append, "next pass")
        return {"echo": 1}

    @server.feature("test/fails")
    async def fails(ls: DeepSeekServer, params: Any) -> None:
        raise ValueError("boom")

    _initialize(server)
    for _ in range(10):
        await asyncio.sleep(0)
    order.clear()
    _send(server, {"id": 7, "method": "test/echo", "params": {}})
    _send(server, {"id": 8, "method": "test/fails", "params": {}})
    for _ in range(10):
        await asyncio.sleep(0)
    assert order[0] == "answer" and "next pass" in order  # answered before the next pass
    by_id = {m.get("id"): m for m in sink.sent}
    assert by_id[7]["result"] == {"echo": 1}
    assert by_id[8]["error"]["code"] == -32603
    assert not server.protocol._request_futures


async def test_a_cancelled_request_is_still_answered_once() -> None:
    server, sink = _server()
    started = asyncio.Event()

    @server.feature("test/slow")
    async def slow(ls: DeepSeekServer, params: Any) -> None:
        started.set()
        await asyncio.Event().wait()

    _initialize(server)
    _send(server, {"id": 9, "method": "test/slow", "params": {}})
    await started.wait()
    _send(server, {"method": "$/cancelRequest", "params": {"id": 9}})
    for _ in range(10):
        await asyncio.sleep(0)
    answers = [m for m in sink.sent if m.get("id") == 9]
    assert len(answers) == 1 and answers[0]["error"]["code"] == -32800
