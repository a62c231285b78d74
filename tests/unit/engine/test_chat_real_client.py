"""Chat and a code action through the real DeepSeekClient against the loopback fake server."""

from __future__ import annotations

import pytest

from deepseek_lsp.api import ApiConfig, DeepSeekClient
from deepseek_lsp.engine.actions import ActionKind, Diagnostic, run_action
from deepseek_lsp.engine.chat import chat
from deepseek_lsp.engine.document import Document
from deepseek_lsp.settings import ChatSettings, Settings
from deepseek_lsp.testing.fake.server import FakeDeepSeek
from deepseek_lsp.testing.fake.types import FakeReply


@pytest.fixture
def server():
    with FakeDeepSeek() as fake:
        yield fake


@pytest.fixture
async def client(server):
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    api = DeepSeekClient(ApiConfig(base_url=server.base_url, api_key="sk-test"), sleep=no_wait)
    api.waits = waits
    yield api
    await api.aclose()


async def test_chat_retries_a_503_and_streams_the_answer(server, client):
    server.script(
        FakeReply(status=503, error_message="busy"),
        FakeReply(text="Use a dict.", reasoning="Think.", chunk_size=3),
    )
    deltas: list[str] = []
    settings = Settings(chat=ChatSettings(thinking=True))
    result = await chat(client, settings, "how?", on_delta=deltas.append)
    assert result.text == "Use a dict." and result.reasoning == "Think."
    assert len(deltas) > 1 and "".join(deltas) == result.text
    assert len(client.waits) == 1  # one backoff before the second attempt
    body = server.requests[-1].body
    assert body["thinking"] == {"type": "enabled"} and body["messages"][-1]["content"] == "how?"


async def test_fix_action_through_the_real_client(server, client):
    source = "def inc(x):\n    return x - 1\n"
    server.script(FakeReply(text="```python\ndef inc(x):\n    return x + 1\n```"))
    doc = Document("file:///w/inc.py", source, 1, "python")
    diagnostic = Diagnostic("inc decrements", line=1)
    result = await run_action(
        ActionKind.FIX, doc, ((1, 0), (1, 0)), [diagnostic], client, Settings()
    )
    [edit] = result.edits
    assert (edit.start, edit.end, edit.new_text) == ((1, 0), (2, 0), "    return x + 1\n")
    assert result.usage is not None and result.usage.prompt_tokens > 0
