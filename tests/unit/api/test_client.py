"""The client's non-streaming calls, transport errors and live reconfiguration."""

import asyncio
import json

import httpx
import pytest

from deepseek_lsp.api import (
    ApiConfig,
    ApiConnectionError,
    ApiTimeoutError,
    BalanceError,
    DeepSeekClient,
    FimRequest,
    OAuth2Config,
    RetryPolicy,
)
from deepseek_lsp.settings import Settings

BASE = "http://127.0.0.1:8765"
FIM = FimRequest(model="m", prompt="p", suffix="")
BALANCE = {
    "is_available": True,
    "balance_infos": [{"currency": "USD", "total_balance": "10.00"}],
}


def ok(text="t"):
    chunk = {"choices": [{"index": 0, "text": text, "finish_reason": "stop"}]}
    body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n"
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, text=body)


def client_for(handler, base_url=BASE, **kwargs):
    return DeepSeekClient(
        ApiConfig(base_url=base_url, api_key="sk-test"),
        transport=httpx.MockTransport(handler),
        **kwargs,
    )


async def test_models_lists_ids():
    def handler(request):
        assert str(request.url) == f"{BASE}/v1/models"
        assert request.headers["authorization"] == "Bearer sk-test"
        data = [{"id": "deepseek-flash", "object": "model"}, {"id": "deepseek-v4-pro"}, {}]
        return httpx.Response(200, json={"object": "list", "data": data})

    assert await client_for(handler, f"{BASE}/v1/").models() == [
        "deepseek-flash",
        "deepseek-v4-pro",
    ]


async def test_balance_document():
    client = client_for(lambda request: httpx.Response(200, json=BALANCE))
    assert await client.balance() == BALANCE


async def test_balance_missing_endpoint_is_none():
    client = client_for(lambda request: httpx.Response(404, text="Not Found"))
    assert await client.balance() is None


async def test_balance_402_raises():
    client = client_for(
        lambda request: httpx.Response(402, json={"error": {"message": "Insufficient Balance"}})
    )
    with pytest.raises(BalanceError):
        await client.balance()


async def test_connect_failure_names_the_base_url():
    def handler(request):
        raise httpx.ConnectError("connection refused")

    with pytest.raises(ApiConnectionError, match=r"127\.0\.0\.1:8765") as caught:
        await client_for(handler).fim(FIM)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


async def test_connect_failure_is_retried_then_raised():
    calls = []
    delays = []

    def handler(request):
        calls.append(request)
        raise httpx.ConnectError("connection refused")

    async def sleep(seconds):
        delays.append(seconds)

    with pytest.raises(ApiConnectionError):
        await client_for(handler, sleep=sleep).fim(FIM, retry=RetryPolicy(max_attempts=2))
    assert len(calls) == 2 and len(delays) == 1


async def test_read_timeout_is_a_timeout_error():
    def handler(request):
        raise httpx.ReadTimeout("too slow")

    with pytest.raises(ApiTimeoutError):
        await client_for(handler).fim(FIM)


async def test_configure_uses_new_key_and_url_at_once():
    seen = []

    def handler(request):
        seen.append((str(request.url), request.headers["authorization"]))
        return ok()

    client = client_for(handler)
    await client.fim(FIM)
    client.configure(ApiConfig(base_url="http://127.0.0.1:9999/beta", api_key="sk-new"))
    await client.fim(FIM)
    assert seen == [
        (f"{BASE}/beta/completions", "Bearer sk-test"),
        ("http://127.0.0.1:9999/beta/completions", "Bearer sk-new"),
    ]
    await client.aclose()


async def test_configure_keeps_http_client_unless_transport_settings_change():
    client = client_for(lambda request: ok())
    first = client._http
    client.configure(ApiConfig(base_url=BASE, api_key="other", headers={"X": "1"}))
    assert client._http is first
    client.configure(ApiConfig(base_url=BASE, api_key="other", timeout_seconds=5))
    assert client._http is not first
    assert client._http.timeout.read == 5 and client._http.timeout.connect == 5


async def test_in_flight_stream_survives_reconfiguration():
    release = asyncio.Event()

    class Slow(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield b'data: {"choices": [{"index": 0, "text": "a", "finish_reason": null}]}\n\n'
            await release.wait()
            yield b'data: {"choices": [{"index": 0, "text": "b", "finish_reason": "stop"}]}\n\n'
            yield b"data: [DONE]\n\n"

    def handler(request):
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Slow())

    client = client_for(handler)
    texts = []
    async with client.stream_fim(FIM) as stream:
        async for delta in stream:
            texts.append(delta.text)
            if delta.text == "a":
                client.configure(ApiConfig(base_url="http://127.0.0.1:9", api_key="k"))
                release.set()
    assert texts == ["a", "b"]


def test_config_from_settings():
    settings = Settings(
        api_key="sk-x",
        base_url="http://127.0.0.1:1/v1",
        oauth2=None,
    )
    config = ApiConfig.from_settings(settings)
    assert (config.base_url, config.api_key, config.timeout_seconds) == (
        "http://127.0.0.1:1/v1",
        "sk-x",
        30.0,
    )
    assert config.oauth2 is None
    assert isinstance(OAuth2Config("u", "i", "s"), OAuth2Config)


async def test_retired_http_client_closes_when_its_last_stream_ends():
    client = DeepSeekClient(ApiConfig(base_url=BASE, api_key="k"))  # own transport, no traffic
    async with client._lease() as old:
        client.configure(ApiConfig(base_url="http://127.0.0.1:9", api_key="k"))
        assert not old.is_closed  # still serving an in-flight stream
    assert old.is_closed
    current = client._http
    assert not current.is_closed
    await client.aclose()
    assert current.is_closed


async def test_idle_retired_http_client_is_closed_on_next_use_or_aclose():
    client = DeepSeekClient(ApiConfig(base_url=BASE, api_key="k"))
    old = client._http
    client.configure(ApiConfig(base_url=BASE, api_key="k", timeout_seconds=3))
    async with client._lease():
        assert old.is_closed
    await client.aclose()
