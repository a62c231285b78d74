"""Bearer keys, configured headers and OAuth2 client-credentials tokens for gateways."""

import asyncio
import base64
import json
from urllib.parse import parse_qs

import httpx
import pytest

from deepseek_lsp.api import ApiConfig, AuthError, DeepSeekClient, FimRequest, OAuth2Config

BASE = "http://127.0.0.1:8765"
TOKEN_URL = "http://127.0.0.1:8766/oauth/token"
FIM = FimRequest(model="m", prompt="p", suffix="")
OAUTH = OAuth2Config(token_url=TOKEN_URL, client_id="cid", client_secret="s3cret", scope="llm")


def ok():
    chunk = {"choices": [{"index": 0, "text": "t", "finish_reason": "stop"}]}
    body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n"
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, text=body)


def client_credentials(request):
    """What a gateway accepts: form fields, or HTTP Basic auth."""
    form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
    if "authorization" in request.headers:
        basic = base64.b64decode(request.headers["authorization"].split()[1]).decode()
        form["client_id"], form["client_secret"] = basic.split(":", 1)
    return form


class Gateway:
    """A token endpoint plus an API that accepts only the latest token."""

    def __init__(self, expires_in=3600):
        self.expires_in = expires_in
        self.issued = 0
        self.forms = []
        self.api_tokens = []
        self.revoked = set()
        self.token_gate: asyncio.Event | None = None
        self.token_asked = asyncio.Event()

    async def __call__(self, request):
        if str(request.url) == TOKEN_URL:
            self.token_asked.set()
            if self.token_gate is not None:
                await self.token_gate.wait()
            self.forms.append(client_credentials(request))
            self.issued += 1
            return httpx.Response(
                200, json={"access_token": f"tok{self.issued}", "expires_in": self.expires_in}
            )
        token = request.headers["authorization"].removeprefix("Bearer ")
        self.api_tokens.append(token)
        if token in self.revoked:
            return httpx.Response(401, json={"error": {"message": "token revoked"}})
        return ok()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def client_for(handler, clock=None, **config):
    config = {"base_url": BASE, "api_key": None, "oauth2": OAUTH, **config}
    return DeepSeekClient(
        ApiConfig(**config), transport=httpx.MockTransport(handler), clock=clock or Clock()
    )


async def test_bearer_key_and_extra_headers():
    seen = []

    def handler(request):
        seen.append(request.headers)
        return ok()

    client = client_for(handler, api_key="sk-1", oauth2=None, headers={"X-Gateway": "a"})
    await client.fim(FIM)
    assert seen[0]["authorization"] == "Bearer sk-1" and seen[0]["x-gateway"] == "a"


async def test_token_request_is_a_client_credentials_form():
    gateway = Gateway()
    await client_for(gateway).fim(FIM)
    assert gateway.forms == [
        {
            "grant_type": "client_credentials",
            "client_id": "cid",
            "client_secret": "s3cret",
            "scope": "llm",
        }
    ]
    assert gateway.api_tokens == ["tok1"]


async def test_token_is_cached_until_shortly_before_expiry():
    gateway, clock = Gateway(expires_in=3600), Clock()
    client = client_for(gateway, clock)
    await client.fim(FIM)
    clock.now += 3600 - 61  # still more than 60 s left
    await client.fim(FIM)
    assert gateway.api_tokens == ["tok1", "tok1"]
    clock.now += 2  # now within the last 60 s
    await client.fim(FIM)
    assert gateway.api_tokens == ["tok1", "tok1", "tok2"]


async def test_short_lived_token_refreshes_at_ninety_percent():
    gateway, clock = Gateway(expires_in=100), Clock()
    client = client_for(gateway, clock)
    await client.fim(FIM)
    clock.now += 89
    await client.fim(FIM)
    clock.now += 2
    await client.fim(FIM)
    assert gateway.api_tokens == ["tok1", "tok1", "tok2"]


async def test_concurrent_requests_share_one_token_fetch():
    gateway = Gateway()
    gateway.token_gate = asyncio.Event()
    client = client_for(gateway)
    tasks = [asyncio.create_task(client.fim(FIM)) for _ in range(5)]
    await gateway.token_asked.wait()  # every task has run as far as it can: the lock or the gate
    gateway.token_gate.set()
    await asyncio.gather(*tasks)
    assert gateway.issued == 1 and gateway.api_tokens == ["tok1"] * 5


async def test_401_refreshes_the_token_once_and_retries():
    gateway = Gateway()
    client = client_for(gateway)
    await client.fim(FIM)
    gateway.revoked.add("tok1")
    completion = await client.fim(FIM)
    assert completion.text == "t"
    assert gateway.api_tokens == ["tok1", "tok1", "tok2"]


async def test_second_401_after_refresh_is_raised():
    gateway = Gateway()
    gateway.revoked.update({"tok1", "tok2", "tok3"})
    with pytest.raises(AuthError):
        await client_for(gateway).fim(FIM)
    assert gateway.api_tokens == ["tok1", "tok2"]


async def test_token_endpoint_refusal_is_an_auth_error_naming_it():
    def handler(request):
        return httpx.Response(401, text="invalid_client")

    with pytest.raises(AuthError, match="token endpoint"):
        await client_for(handler).fim(FIM)


async def test_plain_key_401_is_not_retried():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(401, json={"error": {"message": "Authentication Fails"}})

    with pytest.raises(AuthError):
        await client_for(handler, api_key="sk-bad", oauth2=None).fim(FIM)
    assert len(calls) == 1
