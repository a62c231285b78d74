"""The answer leaves at the chunk with finish_reason and usage, not at `[DONE]`, over real HTTP."""

from __future__ import annotations

import time

from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import inline_params, lsp_session, open_doc, raw_request

URI = "file:///work/proj/app.py"
TEXT = "def add(a, b):\n    return \n"
DONE_DELAY = 1.5


async def test_answer_does_not_wait_for_done_and_the_connection_is_reused(fake):
    fake.script(
        FakeReply(text="warm"),
        FakeReply(text="a + b", done_delay=DONE_DELAY),
        FakeReply(text="a - b"),
    )
    async with lsp_session(fake) as client:
        warm = "file:///work/proj/warm.py"  # the server's first request opens the connection
        open_doc(client, warm, "x = 1\n")
        await client.text_document_inline_completion_async(inline_params(warm, 0, 5))
        await fake.wait_for_requests_async(1, timeout=5.0, finished=True)
        open_doc(client, URI, TEXT)
        started = time.monotonic()
        result = await client.text_document_inline_completion_async(inline_params(URI, 1, 11))
        answered = time.monotonic() - started
        assert [item.insert_text for item in result.items] == ["a + b"]
        assert answered < DONE_DELAY / 2  # the slow `[DONE]` was not waited for
        first = (await fake.wait_for_requests_async(2, timeout=5.0, finished=True))[1]
        assert not first.hung_up  # the tail was read to the end, not hung up on
        # The fake has written the tail; a round trip through the server lets it read it and
        # release the connection. (Messages are handled as stdin's bytes arrive, so a request in
        # the very loop pass the tail arrives in would still find the connection busy.)
        await raw_request(client, "deepseek/usage", None)
        open_doc(client, "file:///work/proj/sub.py", TEXT)
        second = await client.text_document_inline_completion_async(
            inline_params("file:///work/proj/sub.py", 1, 11)
        )
        assert [item.insert_text for item in second.items] == ["a - b"]
        records = await fake.wait_for_requests_async(3, timeout=5.0, finished=True)
        # back in the pool: no new connection (the warm one may serve it, if the slow answer's
        # request had to open its own while the warm answer's tail was still being read)
        assert records[2].connection in {records[0].connection, records[1].connection}
