"""The team policy end to end: refusals naming the file, malformed denies, live changes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from pygls.exceptions import JsonRpcException

from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import as_dict, inline_params, lsp_session, open_doc, raw_request

TEXT = "import os\n\ndef add(a, b):\n    return \n"


def fim_requests(fake: Any) -> list[Any]:
    return [r for r in fake.requests if r.path.endswith("/beta/completions")]


def repo_policy(root: Path, body: dict[str, Any] | str) -> Path:
    path = root / ".deepseek" / "policy.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body if isinstance(body, str) else json.dumps(body))
    return path


async def until(condition: Any, timeout: float = 10.0) -> None:
    """Wait for an async condition (the server re-reads policy files every couple of seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


async def test_a_feature_turned_off_is_refused_naming_the_file(fake, tmp_path):
    path = repo_policy(tmp_path, {"features": {"chat": False, "actions": False}})
    fake.script(FakeReply(text="a + b"))
    uri = (tmp_path / "app.py").as_uri()
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, TEXT)
        with pytest.raises(JsonRpcException, match=str(path)):
            await raw_request(client, "deepseek/chat", {"message": "hi"})
        result = await client.text_document_inline_completion_async(inline_params(uri, 3, 11))
        assert result.items[0].insert_text == "a + b"  # completion is still on
        assert [r.path for r in fake.requests if "chat" in r.path] == []
        assert any(str(path) in m.message for m in client.messages)


async def test_a_model_not_allowed_sends_nothing(fake, tmp_path):
    system = tmp_path / "system-policy.json"
    system.write_text(json.dumps({"models": ["deepseek-v4-pro"]}))
    uri = (tmp_path / "app.py").as_uri()
    env = {"DEEPSEEK_LSP_POLICY": str(system)}
    async with lsp_session(fake, root=tmp_path, env=env) as client:
        open_doc(client, uri, TEXT)
        result = await client.text_document_inline_completion_async(inline_params(uri, 3, 11))
        assert list(result.items) == [] and fim_requests(fake) == []
        message = next(m.message for m in client.messages if str(system) in m.message)
        assert "deepseek-flash" in message and "deepseek.completion.model" in message


async def test_policy_exclude_globs_are_never_sent_whatever_the_user_says(fake, tmp_path):
    repo_policy(tmp_path, {"exclude": ["**/customer/**"]})
    uri = (tmp_path / "customer" / "data.py").as_uri()
    options = {"privacy": {"exclude": []}}  # the user clears their own globs
    async with lsp_session(fake, root=tmp_path, init_options=options) as client:
        open_doc(client, uri, TEXT)
        result = await client.text_document_inline_completion_async(inline_params(uri, 3, 11))
        assert list(result.items) == [] and fim_requests(fake) == []


async def test_malformed_policy_denies_until_fixed_without_a_restart(fake, tmp_path):
    path = repo_policy(tmp_path, '{"features": {"completion": tru')
    fake.script(FakeReply(text="a + b"))
    uri = (tmp_path / "app.py").as_uri()
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, TEXT)
        result = await client.text_document_inline_completion_async(inline_params(uri, 3, 11))
        assert list(result.items) == [] and fim_requests(fake) == []
        with pytest.raises(JsonRpcException, match="malformed"):
            await raw_request(client, "deepseek/chat", {"message": "hi"})
        report = f"The policy file {path} is malformed"
        reports = [m for m in client.messages if report in m.message]
        assert len(reports) == 1  # reported once, however many requests it refuses
        repo_policy(tmp_path, {"features": {"completion": True}})

        async def completes() -> bool:
            again = await client.text_document_inline_completion_async(inline_params(uri, 3, 11))
            return bool(again.items)

        await until(completes)
        assert len(fim_requests(fake)) == 1


async def test_a_new_policy_is_picked_up_without_a_restart(fake, tmp_path):
    fake.script(FakeReply(text="Hello.", endpoint="chat"))
    async with lsp_session(fake, root=tmp_path) as client:
        answer = as_dict(await raw_request(client, "deepseek/chat", {"message": "hi"}))
        assert answer["text"] == "Hello."
        path = repo_policy(tmp_path, {"features": {"chat": False}})

        async def refused() -> bool:
            try:
                await raw_request(client, "deepseek/chat", {"message": "hi"})
            except JsonRpcException as exc:
                return str(path) in str(exc)
            return False

        await until(refused)


def test_complete_command_obeys_the_policy(fake, tmp_path):
    from .test_cli import run_cli

    system = tmp_path / "policy.json"
    system.write_text(json.dumps({"features": {"completion": False}}))
    source = tmp_path / "calc.py"
    source.write_text(TEXT)
    done = run_cli(fake, "complete", f"{source}:4:12", env={"DEEPSEEK_LSP_POLICY": str(system)})
    assert done.returncode == 1 and str(system) in done.stderr
    assert fim_requests(fake) == []
