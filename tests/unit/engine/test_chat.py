"""`deepseek/chat`: the messages sent, streamed deltas, thinking, redaction and cancellation."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from deepseek_lsp.api import RetryPolicy, Usage
from deepseek_lsp.engine.chat import CHAT_SYSTEM, COMMANDS, chat, sum_usage
from deepseek_lsp.engine.document import Document
from deepseek_lsp.settings import ChatSettings, Settings


@dataclass(frozen=True)
class Delta:
    text: str = ""
    reasoning: str = ""


class ScriptedStream:
    def __init__(self, owner: ScriptedClient) -> None:
        self.owner = owner
        self.usage = Usage(prompt_tokens=7, completion_tokens=3)
        self.model, self.finish_reason = "m", "stop"

    async def __aenter__(self) -> ScriptedStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.owner.closed += 1

    async def __aiter__(self):
        for delta in self.owner.deltas:
            yield delta
        if self.owner.hang is not None:
            await self.owner.hang.wait()  # an answer that never ends (until cancelled)


class ScriptedClient:
    def __init__(self, *deltas: Delta, hang: bool = False) -> None:
        self.deltas = deltas
        self.hang = asyncio.Event() if hang else None
        self.requests: list = []
        self.closed = 0

    def stream_chat(self, req, *, retry, fallback_models):
        self.requests.append((req, retry, tuple(fallback_models)))
        return ScriptedStream(self)


SOURCE = "import os\n\ndef load(path):\n    return open(path).read()\n\nx = 1\n"


async def test_messages_are_stable_first_and_deltas_concatenate_to_the_text():
    client = ScriptedClient(Delta("It reads "), Delta("a file"), Delta("."))
    doc = Document("file:///w/proj/io.py", SOURCE, 1, "python")
    history = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
        {"role": "tool", "content": "dropped"},
    ]
    deltas: list[str] = []
    result = await chat(
        client,
        Settings(),
        "briefly",
        command="explain",
        history=history,
        document=doc,
        range=((2, 0), (4, 0)),
        on_delta=deltas.append,
    )
    assert result.text == "It reads a file." and "".join(deltas) == result.text
    assert result.usage == Usage(prompt_tokens=7, completion_tokens=3)

    request, retry, _ = client.requests[0]
    assert retry == RetryPolicy() and request.thinking is False
    roles = [m["role"] for m in request.messages]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user"]
    assert request.messages[0]["content"] == CHAT_SYSTEM
    code = request.messages[1]["content"]
    assert "w/proj/io.py (python)" in code
    assert "```python\ndef load(path):\n    return open(path).read()\n\n```" in code
    assert request.messages[-1]["content"] == COMMANDS["explain"] + "\n\nbriefly"


async def test_an_empty_selection_sends_the_enclosing_function():
    client = ScriptedClient(Delta("ok"))
    doc = Document("file:///w/io.py", SOURCE, 1, "python")
    await chat(client, Settings(), "what is this?", document=doc, range=((3, 5), (3, 5)))
    code = client.requests[0][0].messages[1]["content"]
    assert "def load(path):\n    return open(path).read()\n```" in code
    assert "x = 1" not in code and "import os" not in code


async def test_thinking_streams_reasoning_apart_from_the_answer():
    client = ScriptedClient(Delta(reasoning="Let me see. "), Delta(reasoning="Yes."), Delta("42"))
    settings = Settings(chat=ChatSettings(thinking=True, model="deepseek-v4-pro"))
    text: list[str] = []
    thoughts: list[str] = []
    result = await chat(
        client, settings, "answer?", on_delta=text.append, on_reasoning=thoughts.append
    )
    assert (result.text, result.reasoning) == ("42", "Let me see. Yes.")
    assert text == ["42"] and "".join(thoughts) == "Let me see. Yes."
    request = client.requests[0][0]
    assert request.thinking is True and request.model == "deepseek-v4-pro"
    assert [m["role"] for m in request.messages] == ["system", "user"]


async def test_credentials_in_the_selection_are_redacted_before_sending():
    secret = "ghp_" + "b" * 36
    client = ScriptedClient(Delta("ok"))
    await chat(client, Settings(), "why?", selection=f'TOKEN = "{secret}"')
    sent = "".join(m["content"] for m in client.requests[0][0].messages)
    assert secret not in sent and "REDACTED_GITHUB_TOKEN" in sent


async def test_an_excluded_document_is_not_sent():
    client = ScriptedClient(Delta("ok"))
    doc = Document("file:///w/.env", "API_KEY=supersecretvalue\n", 1, "dotenv")
    result = await chat(client, Settings(), "explain", document=doc, range=((0, 0), (0, 7)))
    sent = "".join(m["content"] for m in client.requests[0][0].messages)
    assert "supersecretvalue" not in sent and "API_KEY" not in sent
    assert result.text.endswith("ok") and "privacy.exclude" in result.text


async def test_cancelling_the_chat_closes_the_upstream_stream():
    client = ScriptedClient(Delta("partial"), hang=True)
    first = asyncio.Event()
    task = asyncio.create_task(
        chat(client, Settings(), "long answer", on_delta=lambda _d: first.set())
    )
    await asyncio.wait_for(first.wait(), 5)
    assert client.closed == 0
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert client.closed == 1


async def test_unknown_command_is_passed_on():
    client = ScriptedClient(Delta("ok"))
    await chat(client, Settings(), "", command="/optimize")
    assert client.requests[0][0].messages[-1]["content"] == "/optimize"


def test_sum_usage():
    assert sum_usage([None, None]) is None
    total = sum_usage([Usage(1, 2, 3, 4, 5), None, Usage(10, 20, 30, 40, 50)])
    assert total == Usage(11, 22, 33, 44, 55)
