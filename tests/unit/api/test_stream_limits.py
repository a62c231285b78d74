"""A misbehaving gateway: keep-alives forever, a stream that never ends, megabytes of text."""

import asyncio
import time

import httpx
import pytest

from deepseek_lsp.api import ApiConfig, ApiTimeoutError, DeepSeekClient, FimRequest
from deepseek_lsp.api.client import json_body

from .test_stream import BASE, FIM, fim_chunk


class Endless(httpx.AsyncByteStream):
    """Sends `part` forever (every `every` seconds) and records being closed."""

    def __init__(self, part: str, every: float = 0.01) -> None:
        self.part = part.encode()
        self.every = every
        self.closed = False

    async def __aiter__(self):
        while not self.closed:
            yield self.part
            await asyncio.sleep(self.every)

    async def aclose(self):
        self.closed = True


def _client(body: Endless, **config) -> DeepSeekClient:
    def handler(request):
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=body)

    return DeepSeekClient(
        ApiConfig(base_url=BASE, api_key="sk", **config), transport=httpx.MockTransport(handler)
    )


async def test_endless_keep_alives_end_after_the_idle_timeout_and_close_the_stream():
    body = Endless(": keep-alive\n\n")
    client = _client(body, timeout_seconds=0.3)
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError, match=r"sent nothing for 0\.3 s"):
        await client.fim(FIM)
    assert time.monotonic() - started < 2
    assert body.closed


async def test_an_endless_stream_of_deltas_ends_at_the_total_timeout():
    body = Endless(fim_chunk("x"), every=0.02)
    client = _client(body, timeout_seconds=5, total_timeout_seconds=0.3)
    with pytest.raises(ApiTimeoutError, match=r"did not finish within 0\.3 s"):
        await client.fim(FimRequest(model="m", prompt="", suffix="", max_tokens=4096))
    assert body.closed


async def test_megabytes_of_text_are_cut_at_the_cap_and_the_stream_closed():
    body = Endless(fim_chunk("y" * 65536), every=0)
    client = _client(body)
    result = await client.fim(FimRequest(model="m", prompt="", suffix="", max_tokens=128))
    assert len(result.text) == 32 * 128
    assert result.finish_reason == "length"
    assert body.closed


def test_a_lone_surrogate_goes_upstream_as_a_replacement_character():
    assert json_body({"prompt": "a\ud800b\U0001f600"}) == '{"prompt":"a\ufffdb\U0001f600"}'.encode()
