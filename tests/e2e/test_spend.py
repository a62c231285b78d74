"""Money end to end: priced usage, the spend cap, the question at the cap, persistence."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import attrs
import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import as_dict, inline_params, lsp_session, open_doc, raw_request

URI = "file:///work/proj/app.py"
TEXT = "import os\n\ndef add(a, b):\n    return \n\ndef sub(a, b):\n    return \n"
MODEL = "deepseek-flash"  # the default model
# USD per million tokens; with the usage below one request costs exactly 0.0024 USD.
PRICING = {MODEL: {"cacheHit": 1.0, "cacheMiss": 2.0, "output": 4.0}}
USAGE = {
    "prompt_tokens": 1000,
    "prompt_cache_hit_tokens": 600,
    "prompt_cache_miss_tokens": 400,
    "completion_tokens": 250,
    "total_tokens": 1250,
}
COST = 0.0024


def fim_requests(fake: Any) -> list[Any]:
    return [r for r in fake.requests if r.path.endswith("/beta/completions")]


@attrs.define
class _PlainResponse:
    """A response whose result stays plain JSON (pygls makes namedtuples, which rename keys
    such as model names with hyphens)."""

    id: Any
    jsonrpc: str
    result: Any = None


async def usage(client: Any) -> dict[str, Any]:
    """`deepseek/usage` exactly as sent."""
    from pygls.protocol.json_rpc import JsonRPCRequestMessage

    msg_id = str(uuid.uuid4())
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    client.protocol._request_futures[msg_id] = future
    client.protocol._result_types[msg_id] = _PlainResponse
    client.protocol._send_data(
        JsonRPCRequestMessage(id=msg_id, method="deepseek/usage", jsonrpc="2.0", params=None)
    )
    return await asyncio.wait_for(future, 5.0)


def reply(text: str) -> FakeReply:
    return FakeReply(text=text, usage=USAGE, endpoint="fim")


def answering(client: Any, answer: str | None) -> list[str]:
    """Answer window/showMessageRequest with `answer`; returns the questions asked."""
    asked: list[str] = []

    @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
    def show_message_request(ls: Any, params: types.ShowMessageRequestParams) -> Any:
        asked.append(params.message)
        return types.MessageActionItem(title=answer) if answer else None

    return asked


async def test_usage_carries_cost_by_model_and_feature(fake):
    fake.script(reply("a + b"), FakeReply(text="Adds.", usage=USAGE, endpoint="chat"))
    async with lsp_session(fake, init_options={"pricing": PRICING}) as client:
        open_doc(client, URI, TEXT)
        await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        await client.text_document_inline_completion_async(inline_params(URI, 3, 11))  # cache
        await raw_request(client, "deepseek/chat", {"message": "what does add do?"})
        u = await usage(client)
    assert u["costUsd"] == pytest.approx(2 * COST)
    assert u["costUsdToday"] == pytest.approx(2 * COST) == u["costUsdMonth"]
    assert u["byModel"] == {MODEL: {"requests": 2, "costUsd": pytest.approx(2 * COST)}}
    assert u["byFeature"]["completion"] == {"requests": 1, "costUsd": pytest.approx(COST)}
    assert u["byFeature"]["chat"] == {"requests": 1, "costUsd": pytest.approx(COST)}
    assert u["budget"] == {"dailyUsd": None, "monthlyUsd": None, "state": "ok"}
    assert u["cacheHits"] == 1 and u["requests"] == 1


async def test_at_the_cap_automatic_completion_stays_home_but_the_cache_answers(fake):
    fake.script(reply("a + b"))
    options = {"pricing": PRICING, "budget": {"dailyUsd": 0.002}}
    async with lsp_session(fake, init_options=options) as client:
        asked = answering(client, "Continue")
        open_doc(client, URI, TEXT)
        first = await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        assert first.items[0].insert_text == "a + b"  # under the cap: no question
        assert (await usage(client))["budget"]["state"] == "capped"
        cached = await client.text_document_inline_completion_async(
            inline_params(URI, 3, 11, invoked=False)
        )
        assert cached.items[0].insert_text == "a + b"
        other = await client.text_document_inline_completion_async(
            inline_params(URI, 6, 11, invoked=False)
        )
        assert list(other.items) == []
        assert len(fim_requests(fake)) == 1 and asked == []
        assert any("daily cap" in m.message for m in client.messages)


@pytest.mark.parametrize("answer", ["Continue", "Stop", None])
async def test_an_explicit_request_at_the_cap_asks_once(fake, answer):
    fake.script(reply("a + b"), reply("a - b"), FakeReply(text="ok", usage=USAGE, endpoint="chat"))
    options = {"pricing": PRICING, "budget": {"dailyUsd": 0.001}}
    async with lsp_session(fake, init_options=options) as client:
        asked = answering(client, answer)
        open_doc(client, URI, TEXT)
        await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
        second = await client.text_document_inline_completion_async(inline_params(URI, 6, 11))
        assert len(asked) == 1 and "deepseek.budget.dailyUsd" in asked[0]
        if answer == "Continue":
            assert second.items[0].insert_text == "a - b"
            chat = as_dict(await raw_request(client, "deepseek/chat", {"message": "hi"}))
            assert chat["text"] == "ok"
            assert len(asked) == 1  # the answer holds for the rest of the day
        else:
            assert list(second.items) == [] and len(fim_requests(fake)) == 1
            with pytest.raises(JsonRpcException, match="spend cap"):
                await raw_request(client, "deepseek/chat", {"message": "hi"})
            assert len(asked) == (1 if answer == "Stop" else 2)  # no answer: asked again


async def test_spend_persists_across_a_restart(fake, tmp_path: Path):
    env = {"DEEPSEEK_LSP_STATE_DIR": str(tmp_path)}
    options = {"pricing": PRICING, "budget": {"dailyUsd": 0.004}}
    fake.script(reply("a + b"))
    async with lsp_session(fake, init_options=options, env=env) as client:
        open_doc(client, URI, TEXT)
        await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
    assert (tmp_path / "spend.json").exists()
    fake.script(reply("a - b"))
    async with lsp_session(fake, init_options=options, env=env) as client:
        before = await usage(client)
        assert before["costUsd"] == 0.0 and before["costUsdToday"] == pytest.approx(COST)
        open_doc(client, URI, TEXT)
        await client.text_document_inline_completion_async(inline_params(URI, 6, 11))
        after = await usage(client)
        assert after["costUsdToday"] == pytest.approx(2 * COST)
        assert after["budget"]["state"] == "capped"  # the two processes' spend together


async def test_doctor_shows_today_s_spend(fake, tmp_path: Path):
    env = {"DEEPSEEK_LSP_STATE_DIR": str(tmp_path)}
    fake.script(reply("a + b"))
    async with lsp_session(fake, init_options={"pricing": PRICING}, env=env) as client:
        open_doc(client, URI, TEXT)
        await client.text_document_inline_completion_async(inline_params(URI, 3, 11))
    doctor_env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPSEEK_")}
    doctor_env.update(env, DEEPSEEK_BASE_URL=fake.base_url, DEEPSEEK_API_KEY="sk-test")
    done = subprocess.run(
        [sys.executable, "-m", "deepseek_lsp", "doctor"],
        env=doctor_env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "spend today (UTC): $0.0024" in done.stdout


async def test_two_servers_share_one_spend_file(fake, tmp_path: Path):
    env = {"DEEPSEEK_LSP_STATE_DIR": str(tmp_path)}
    options = {"pricing": PRICING}
    fake.script(reply("a + b"))
    async with (
        lsp_session(fake, init_options=options, env=env) as one,
        lsp_session(fake, init_options=options, env=env) as two,
    ):
        open_doc(one, URI, TEXT)
        await one.text_document_inline_completion_async(inline_params(URI, 3, 11))
        for _ in range(100):  # the first server writes its spend within a second
            if (await usage(two))["costUsdToday"] > 0:
                break
            await asyncio.sleep(0.05)
        assert (await usage(two))["costUsdToday"] == pytest.approx(COST)


def test_complete_command_prices_its_request_into_the_shared_file(fake, tmp_path: Path):
    from .test_cli import run_cli

    source = tmp_path / "calc.py"
    source.write_text(TEXT)
    fake.script(reply("a + b"))
    done = run_cli(
        fake, "complete", f"{source}:4:12", env={"DEEPSEEK_LSP_STATE_DIR": str(tmp_path)}
    )
    assert done.returncode == 0, done.stderr
    assert "; cost $" in done.stderr
    assert (tmp_path / "spend.json").exists()
