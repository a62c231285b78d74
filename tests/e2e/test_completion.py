"""Inline completion end to end: real server over stdio, fake DeepSeek over loopback HTTP."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import (
    as_dict,
    inline_params,
    lsp_session,
    open_doc,
    raw_request,
    send_request,
    type_text,
)

URI = "file:///work/proj/app.py"
TEXT = "import os\n\ndef add(a, b):\n    return \n\nprint(add(1, 2))\n"


def fake_requests_model(fake) -> str:
    """The model the server asked for (the request body says it)."""
    return fim_requests(fake)[0].body["model"]


def fim_requests(fake):
    return [r for r in fake.requests if r.path.endswith("/beta/completions")]


async def usage(client):
    return as_dict(await raw_request(client, "deepseek/usage", None))


async def test_invoked_suggestion_is_shown_with_range_and_exact_split(fake):
    fake.script(FakeReply(text="a + b"))
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        assert [item.insert_text for item in result.items] == ["a + b"]
        item_range = result.items[0].range
        assert item_range.start == item_range.end == types.Position(3, 11)
        (request,) = fim_requests(fake)
        body = request.body
        assert body["model"] == "deepseek-flash"
        assert body["prompt"].endswith("def add(a, b):\n    return ")
        assert body["suffix"].startswith("\n\nprint(add(1, 2))")
        assert body["stream"] is True
        assert body["max_tokens"] == 128


async def test_repeat_is_served_from_cache_without_upstream(fake):
    fake.script(FakeReply(text="a + b"))
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        first = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        second = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        assert second.items[0].insert_text == first.items[0].insert_text == "a + b"
        assert len(fim_requests(fake)) == 1
        assert (await usage(client))["cacheHits"] == 1


async def test_typed_ahead_is_served_from_memory(fake):
    fake.script(FakeReply(text="a + b  # sum"))
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        type_text(client, URI, 2, 3, 11, "a")
        type_text(client, URI, 3, 3, 12, " ")
        result = await client.text_document_inline_completion_async(
            inline_params(URI, 3, 13, invoked=False)
        )
        assert [item.insert_text for item in result.items] == ["+ b  # sum"]
        assert result.items[0].range.start == types.Position(3, 13)
        assert len(fim_requests(fake)) == 1
        assert (await usage(client))["typedAheadHits"] == 1


async def test_burst_of_keystrokes_sends_at_most_two_upstream_requests(fake):
    fake.configure(first_token_delay=0.05)
    async with lsp_session(fake, init_options={"completion": {"debounceMs": 80}}) as client:
        open_doc(client, URI, "x = \n")
        pending = []
        for i, ch in enumerate("compute_total"):
            type_text(client, URI, i + 2, 0, 4 + i, ch)
            pending.append(
                asyncio.ensure_future(
                    client.text_document_inline_completion_async(
                        inline_params(URI, 0, 5 + i, invoked=False)
                    )
                )
            )
            await asyncio.sleep(0.02)  # typing speed: 20 ms between keystrokes
        results = await asyncio.gather(*pending)
        assert results[-1].items, "the last request of the burst shows a suggestion"
        assert all(not r.items for r in results[:-2])
        assert 1 <= len(fim_requests(fake)) <= 2


async def test_cancel_hangs_up_the_upstream_stream(fake):
    fake.script(FakeReply(text="slow answer", first_token_delay=0.2, chunk_delay=1.0, chunk_size=2))
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        request_id, future = send_request(
            client, types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(URI, 3, 11)
        )
        await fake.wait_for_requests_async(1)
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=request_id))
        hung = await fake.wait_for_hangup_async(timeout=2.0)
        assert hung.hung_up
        with pytest.raises((JsonRpcException, asyncio.CancelledError)):
            result = await asyncio.wait_for(future, 2.0)
            assert not result.items  # an empty answer is allowed too
            raise asyncio.CancelledError
        assert (await usage(client))["cancelled"] >= 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
async def test_non_ascii_positions_split_at_the_right_place(fake, encoding):
    line = "s = '😀 café' + na"
    text = f"{line}\nnext = 1\n"
    units = {"utf-16": len(line.encode("utf-16-le")) // 2, "utf-8": len(line.encode())}[encoding]
    fake.script(FakeReply(text="me"))
    async with lsp_session(fake, encodings=[encoding]) as client:
        open_doc(client, URI, text)
        result = await client.text_document_inline_completion_async(inline_params(URI, 0, units))
        assert result.items[0].insert_text == "me"
        assert result.items[0].range.start.character == units
        body = fim_requests(fake)[0].body
        assert body["prompt"].endswith("s = '😀 café' + na")
        assert body["suffix"].startswith("\nnext = 1")


async def test_excluded_file_sends_nothing(fake):
    async with lsp_session(fake) as client:
        uri = "file:///work/proj/.env"
        open_doc(client, uri, "DATABASE_URL=postgres://u:p@db/x\nAPI_", language="dotenv")
        result = await client.text_document_inline_completion_async(inline_params(uri, 1, 4))
        assert not result.items
        assert fim_requests(fake) == []


SECRETS = {
    "aws": 'AWS_ACCESS_KEY_ID = "AKIAQWERTYUIOPASDFGH"',
    "github": 'token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"',
    "slack": 'SLACK = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"',
    "openai": 'OPENAI = "sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"',
    "stripe": 'STRIPE = "sk_live_51HqLyjWDarjtT1zdp7dcXYZabc123"',
    "jwt": 'auth = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"',  # noqa: E501
    "url": 'DB = "postgres://admin:Sup3rS3cretPw@db.internal:5432/app"',
    "assign": 'password = "Tr0ub4dor&3-x9"',  # a word or phrase would be kept as code
    "pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END RSA PRIVATE KEY-----",  # noqa: E501
}
SECRET_VALUES = {
    "aws": "AKIAQWERTYUIOPASDFGH",
    "github": "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
    "slack": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "openai": "sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
    "stripe": "sk_live_51HqLyjWDarjtT1zdp7dcXYZabc123",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0",
    "url": "Sup3rS3cretPw",
    "assign": "Tr0ub4dor&3-x9",
    "pem": "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo",
}


async def test_every_credential_kind_is_redacted_before_sending(fake):
    text = "\n".join(SECRETS.values()) + "\nresult = \n" + "\n".join(SECRETS.values()) + "\n"
    line = len("\n".join(SECRETS.values()).split("\n"))
    async with lsp_session(fake) as client:
        open_doc(client, URI, text)
        await client.text_document_inline_completion_async(inline_params(URI, line, 9))
        body = fim_requests(fake)[0].body
        sent = body["prompt"] + body["suffix"]
        assert body["prompt"].endswith("result = ")
        for kind, value in SECRET_VALUES.items():
            assert value not in sent, f"{kind} secret leaked"


async def test_rejected_key_shows_one_message_and_recovers(fake):
    fake.configure(valid_keys=["sk-good"])
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        for _ in range(3):
            result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
            assert not result.items
        key_messages = [m for m in client.messages if "key" in m.message.lower()]
        assert len(key_messages) == 1
        assert key_messages[0].type == types.MessageType.Error
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"deepseek": {"apiKey": "sk-good"}})
        )
        fake.script(FakeReply(text="a + b"))
        result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        assert [item.insert_text for item in result.items] == ["a + b"]


async def test_configuration_change_switches_model_live(fake):
    async with lsp_session(fake, configuration={"deepseek": {}}) as client:
        open_doc(client, URI, TEXT)
        await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        client.set_configuration({"deepseek": {"completion": {"model": "deepseek-v4-pro"}}})
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"deepseek": {"completion": {"model": "deepseek-v4-pro"}}}
            )
        )
        type_text(client, URI, 2, 3, 11, "a")
        await client.text_document_inline_completion_async(inline_params(URI, 3, 12))
        models = [r.body["model"] for r in fim_requests(fake)]
        assert models == ["deepseek-flash", "deepseek-v4-pro"]


async def test_invalid_setting_is_reported_and_default_kept(fake):
    options = {"completion": {"maxTokens": "many"}}
    async with lsp_session(fake, init_options=options) as client:
        open_doc(client, URI, TEXT)
        await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        assert any("completion.maxTokens" in m.message for m in client.messages)
        assert fim_requests(fake)[0].body["max_tokens"] == 128


async def test_malformed_requests_get_errors_and_server_keeps_serving(fake):
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        with pytest.raises(JsonRpcException) as bad:
            await raw_request(
                client, types.TEXT_DOCUMENT_INLINE_COMPLETION, {"textDocument": {"uri": URI}}
            )
        assert "Invalid params" in str(bad.value)
        with pytest.raises(JsonRpcException):
            await client.text_document_inline_completion_async(
                inline_params("file:///never/opened.py", 0, 0)
            )
        # a position far past the end is clamped, not a crash
        far = await client.text_document_inline_completion_async(inline_params(URI, 999, 999))
        assert isinstance(far, types.InlineCompletionList)
        fake.script(FakeReply(text="a + b"))
        result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        assert result.items[0].insert_text == "a + b"


async def test_completion_item_replaces_word_before_cursor(fake):
    fake.script(FakeReply(text="(a, b)"))
    async with lsp_session(fake) as client:
        open_doc(client, URI, "def add(a, b):\n    return a + b\n\nprint(ad\n")
        result = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=URI),
                position=types.Position(3, 8),
                context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked),
            )
        )
        (item,) = result.items
        assert item.text_edit.new_text == "ad(a, b)"
        assert item.text_edit.range.start == types.Position(3, 6)
        assert item.text_edit.range.end == types.Position(3, 8)


async def test_show_and_accept_notifications_are_counted(fake):
    fake.script(FakeReply(text="a + b"))
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        item = result.items[0]
        client.protocol.notify(
            "textDocument/didShowCompletion", {"item": {"insertText": item.insert_text}}
        )
        client.protocol.notify(
            "textDocument/didPartiallyAcceptCompletion",
            {"item": {"insertText": item.insert_text}, "acceptedLength": 2},
        )
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command=item.command.command, arguments=item.command.arguments
            )
        )
        counters = await usage(client)
        assert counters["shown"] == 1
        assert counters["accepted"] == 2
        assert counters["requests"] == 1
        assert counters["completionTokens"] > 0


@pytest.mark.parametrize("log_prompts", [False, True])
async def test_prompt_text_is_logged_only_when_asked(fake, tmp_path, log_prompts):
    log = tmp_path / "server.log"
    marker = "unique_marker_of_private_code"
    async with lsp_session(
        fake,
        init_options={"logPrompts": log_prompts},
        server_args=["--log-file", str(log), "--log-level", "info"],
    ) as client:
        open_doc(client, URI, f"{marker} = 1\nx = ")
        await client.text_document_inline_completion_async(inline_params(URI, 1, 4))
    text = log.read_text()
    assert "deepseek-lsp" in text and "starting" in text  # the log file is in use
    assert (marker in text) is log_prompts


async def test_binary_document_sends_nothing(fake):
    async with lsp_session(fake) as client:
        open_doc(client, URI, "PK\x03\x04\x00\x00binary\x00data")
        result = await client.text_document_inline_completion_async(inline_params(URI, 0, 10))
        assert not result.items
        assert fim_requests(fake) == []


async def test_tcp_transport_serves_completion(fake):
    import os
    import socket
    import sys

    from .conftest import API_KEY, capabilities, make_client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPSEEK_")}
    env.update(DEEPSEEK_BASE_URL=fake.base_url, DEEPSEEK_API_KEY=API_KEY)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "deepseek_lsp", "--tcp", "--port", str(port), env=env
    )
    client = make_client()
    try:
        for _ in range(100):
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05)  # the server is still starting
        await client.initialize_session(types.InitializeParams(capabilities=capabilities()))
        open_doc(client, URI, TEXT)
        fake.script(FakeReply(text="a + b"))
        result = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        assert result.items[0].insert_text == "a + b"
        await client.shutdown_async(None)
        client.exit(None)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await asyncio.wait_for(client.stop(), 10)


async def test_typing_ahead_of_a_request_in_flight_joins_it_instead_of_re_asking(fake):
    fake.script(FakeReply(text="a + b  # sum", first_token_delay=0.3))
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        first_id, first = send_request(
            client, types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(URI, 3, 11)
        )
        await fake.wait_for_requests_async(1)
        # a keystroke: VS Code sends the edit, cancels the pending request, asks again
        type_text(client, URI, 2, 3, 11, "a")
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=first_id))
        second = await client.text_document_inline_completion_async(
            inline_params(URI, 3, 12, invoked=False)
        )
        assert [item.insert_text for item in second.items] == [" + b  # sum"]
        with pytest.raises(JsonRpcException):
            await first
        (request,) = fim_requests(fake)
        assert not request.hung_up
        assert (await usage(client))["typedAheadHits"] == 1


async def test_typing_something_else_hangs_up_the_request_in_flight(fake):
    fake.script(
        FakeReply(text="a + b", first_token_delay=0.3, chunk_delay=0.2), FakeReply(text="2")
    )
    async with lsp_session(fake) as client:
        open_doc(client, URI, TEXT)
        first_id, first = send_request(
            client, types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(URI, 3, 11)
        )
        await fake.wait_for_requests_async(1)
        type_text(client, URI, 2, 0, 9, "x")  # the user went elsewhere: not an extension
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=first_id))
        await client.text_document_inline_completion_async(inline_params(URI, 0, 10))
        assert (await fake.wait_for_hangup_async(timeout=2.0)).hung_up
        with pytest.raises(JsonRpcException):
            await first


async def test_prometheus_metrics_are_served_on_the_configured_port(fake):
    import socket

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fake.script(FakeReply(text="a + b"))
    async with lsp_session(fake, init_options={"metrics": {"port": port}}) as client:
        open_doc(client, URI, TEXT)
        await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        async with httpx.AsyncClient() as http:
            for _ in range(50):  # metrics start right after `initialized`
                try:
                    page = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
        ok = f'model="{fake_requests_model(fake)}",outcome="ok"'
        assert f'deepseek_lsp_requests_total{{feature="completion",{ok}}} 1.0' in page
        assert 'deepseek_lsp_cache_hits_total{level="memory"} 1.0' in page
        assert 'deepseek_lsp_server_added_seconds_count{feature="completion"} 2.0' in page
        assert "# TYPE deepseek_lsp_tokens_total counter" in page


async def test_exclude_globs_follow_workspace_folder_changes(fake, tmp_path):
    other = tmp_path / "other"
    uri = (other / "secrets" / "keys.py").as_uri()
    async with lsp_session(
        fake, root=tmp_path / "first", init_options={"privacy": {"exclude": ["secrets/**"]}}
    ) as client:
        open_doc(client, uri, "KEY = ")
        await client.text_document_inline_completion_async(inline_params(uri, 0, 6))
        assert len(fim_requests(fake)) == 1  # outside every root: the relative glob cannot match
        client.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(
                    added=[types.WorkspaceFolder(uri=other.as_uri(), name="other")], removed=[]
                )
            )
        )
        result = await client.text_document_inline_completion_async(inline_params(uri, 0, 6))
        assert not result.items
        assert len(fim_requests(fake)) == 1
