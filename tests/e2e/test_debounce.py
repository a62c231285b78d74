"""The debounce counts from the document's last change, not from the request."""

from __future__ import annotations

import asyncio
import time

from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import inline_params, lsp_session, open_doc, type_text

URI = "file:///work/proj/app.py"
TEXT = "import os\n\ndef add(a, b):\n    return \n"
DEBOUNCE_MS = 600


async def _warm(client, fake) -> None:
    """One invoked request on another document: the HTTP connection is open before we time."""
    other = "file:///work/proj/warm.py"
    open_doc(client, other, "x = 1\n")
    await client.text_document_inline_completion_async(inline_params(other, 0, 5))
    await fake.wait_for_requests_async(1, timeout=5.0, finished=True)


async def _reached_upstream_after(client, fake, line: int, char: int) -> float:
    """Seconds from sending an automatic request to the fake receiving it."""
    before = len(fake.requests)
    sent = time.monotonic()
    pending = asyncio.ensure_future(
        client.text_document_inline_completion_async(inline_params(URI, line, char, invoked=False))
    )
    record = (await fake.wait_for_requests_async(before + 1, timeout=5.0))[before]
    result = await pending
    assert [item.insert_text for item in result.items] == ["a + b"]
    return record.received_at - sent


async def test_request_right_after_open_is_not_delayed(fake):
    fake.script(FakeReply(text="warm"), FakeReply(text="a + b"))
    options = {"completion": {"debounceMs": DEBOUNCE_MS}}
    async with lsp_session(fake, init_options=options) as client:
        await _warm(client, fake)
        open_doc(client, URI, TEXT)
        waited = await _reached_upstream_after(client, fake, 3, 11)
        assert waited < DEBOUNCE_MS / 1000 / 2


async def test_request_after_a_typing_pause_is_not_delayed(fake):
    fake.script(FakeReply(text="warm"), FakeReply(text="a + b"))
    options = {"completion": {"debounceMs": DEBOUNCE_MS}}
    async with lsp_session(fake, init_options=options) as client:
        await _warm(client, fake)
        open_doc(client, URI, TEXT.replace("return \n", "return\n"))
        type_text(client, URI, 2, 3, 10, " ")
        await asyncio.sleep(DEBOUNCE_MS / 1000 + 0.1)  # the user pauses longer than the debounce
        waited = await _reached_upstream_after(client, fake, 3, 11)
        assert waited < DEBOUNCE_MS / 1000 / 2


async def test_request_during_a_burst_is_still_delayed(fake):
    fake.script(FakeReply(text="warm"), FakeReply(text="a + b"))
    options = {"completion": {"debounceMs": DEBOUNCE_MS}}
    async with lsp_session(fake, init_options=options) as client:
        await _warm(client, fake)
        open_doc(client, URI, TEXT.replace("return \n", "return\n"))
        type_text(client, URI, 2, 3, 10, " ")
        waited = await _reached_upstream_after(client, fake, 3, 11)
        assert waited >= DEBOUNCE_MS / 1000 * 0.8
