"""Settings pulled with `workspace/configuration`, end to end (issue 9).

The client here declares `workspace.configuration`, sends no initializationOptions and never
pushes `workspace/didChangeConfiguration`: the pull is the only way the model reaches the server.
"""

from __future__ import annotations

import asyncio
import time

from deepseek_lsp.testing import FakeReply

from .conftest import inline_params, lsp_session, open_doc

URI = "file:///work/proj/app.py"
TEXT = "def add(a, b):\n    return \n"
PULLED_MODEL = "deepseek-v4-pro"


async def wait_for(condition, what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


async def test_model_from_the_pulled_section_is_used(fake):
    fake.script(FakeReply(text="a + b"))
    pulled = {"deepseek": {"completion": {"model": PULLED_MODEL}}}
    async with lsp_session(fake, configuration=pulled) as client:
        await wait_for(lambda: client.configuration_answers, "the server to pull its settings")
        assert client.configuration_answers[0] == [pulled["deepseek"]]
        open_doc(client, URI, TEXT)
        result = await client.text_document_inline_completion_async(inline_params(URI, 1, 11))
        assert [item.insert_text for item in result.items] == ["a + b"]
    models = [r.body["model"] for r in fake.requests if r.endpoint == "fim"]
    assert models == [PULLED_MODEL]
