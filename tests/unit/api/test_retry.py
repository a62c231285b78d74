"""Backoff arithmetic, and the retry loop and fallback chain driven through a fake clock."""

import json

import httpx
import pytest

from deepseek_lsp.api import (
    ApiConfig,
    BalanceError,
    DeepSeekClient,
    FimRequest,
    ModelUnavailableError,
    RateLimitedError,
    RetryPolicy,
    ServerError,
    StreamError,
)
from deepseek_lsp.api.retry import retry_delay

BASE = "http://127.0.0.1:8765"
FIM = FimRequest(model="primary", prompt="x = ", suffix="")
DONE = "data: [DONE]\n\n"


def ok(text="1"):
    chunk = {"choices": [{"index": 0, "text": text, "finish_reason": "stop"}]}
    body = f"data: {json.dumps(chunk)}\n\n{DONE}"
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, text=body)


def fail(status, message="oops", headers=None):
    return httpx.Response(status, headers=headers, json={"error": {"message": message}})


class Scripted:
    """A handler answering each request with the next scripted response; records requests."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        return self.responses.pop(0)

    @property
    def models(self):
        return [json.loads(r.content)["model"] for r in self.requests]


class FakeSleep:
    def __init__(self):
        self.delays = []

    async def __call__(self, seconds):
        self.delays.append(seconds)


def client_for(handler, sleep, rng=lambda: 0.5):
    return DeepSeekClient(
        ApiConfig(base_url=BASE, api_key="sk-test"),
        transport=httpx.MockTransport(handler),
        sleep=sleep,
        rng=rng,
    )


def test_delays_grow_with_jitter_within_bounds_and_cap():
    policy = RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=60.0)
    error = ServerError("busy", status=503)
    for attempt, ceiling in [(1, 1), (2, 2), (3, 4), (4, 8), (7, 60), (9, 60)]:
        low = retry_delay(policy, attempt, error, rng=lambda: 0.0)
        high = retry_delay(policy, attempt, error, rng=lambda: 0.999999)
        assert low == pytest.approx(ceiling / 2)
        assert high == pytest.approx(ceiling, rel=1e-5)
        assert high <= policy.max_delay


def test_never_sooner_than_retry_after():
    error = RateLimitedError("slow", status=429, retry_after=9.0)
    assert retry_delay(RetryPolicy(), 1, error, rng=lambda: 0.0) == 9.0


def test_retry_after_beyond_the_cap_gives_up():
    error = RateLimitedError("slow", status=429, retry_after=3600.0)
    assert retry_delay(RetryPolicy(), 1, error, rng=lambda: 0.0) is None


def test_no_policy_and_last_attempt_give_up():
    error = ServerError("busy", status=503)
    assert retry_delay(None, 1, error, rng=lambda: 0.0) is None
    assert retry_delay(RetryPolicy(max_attempts=2), 2, error, rng=lambda: 0.0) is None


async def test_retries_429_and_503_with_growing_delays_then_succeeds():
    handler = Scripted(fail(429), fail(503), fail(500), ok("done"))
    sleep = FakeSleep()
    completion = await client_for(handler, sleep).fim(FIM, retry=RetryPolicy())
    assert completion.text == "done"
    assert len(handler.requests) == 4
    assert sleep.delays == [0.75, 1.5, 3.0]  # rng 0.5: three quarters of 1, 2, 4


async def test_honours_retry_after_header():
    handler = Scripted(fail(429, headers={"Retry-After": "5"}), ok())
    sleep = FakeSleep()
    await client_for(handler, sleep).fim(FIM, retry=RetryPolicy())
    assert sleep.delays == [5.0]


async def test_gives_up_after_max_attempts():
    handler = Scripted(*[fail(503) for _ in range(3)])
    sleep = FakeSleep()
    with pytest.raises(ServerError):
        await client_for(handler, sleep).fim(FIM, retry=RetryPolicy(max_attempts=3))
    assert len(handler.requests) == 3 and len(sleep.delays) == 2


@pytest.mark.parametrize("status", [400, 401, 402, 422])
async def test_never_retries_client_errors(status):
    handler = Scripted(fail(status, "Insufficient Balance"), ok())
    sleep = FakeSleep()
    with pytest.raises(Exception) as caught:
        await client_for(handler, sleep).fim(FIM, retry=RetryPolicy())
    assert caught.value.status == status
    assert len(handler.requests) == 1 and sleep.delays == []


async def test_retry_none_means_one_attempt():
    handler = Scripted(fail(503), ok())
    sleep = FakeSleep()
    with pytest.raises(ServerError):
        await client_for(handler, sleep).fim(FIM)
    assert len(handler.requests) == 1 and sleep.delays == []


async def test_stream_broken_before_any_delta_is_retried():
    broken = httpx.Response(200, headers={"content-type": "text/event-stream"}, text="")
    handler = Scripted(broken, ok("fine"))
    sleep = FakeSleep()
    completion = await client_for(handler, sleep).fim(FIM, retry=RetryPolicy())
    assert completion.text == "fine" and len(sleep.delays) == 1


async def test_stream_broken_after_a_delta_is_not_retried():
    partial = {"choices": [{"index": 0, "text": "half", "finish_reason": None}]}
    cut = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, text=f"data: {json.dumps(partial)}\n\n"
    )
    handler = Scripted(cut, ok("again"))
    sleep = FakeSleep()
    received = []
    client = client_for(handler, sleep)
    with pytest.raises(StreamError):
        async with client.stream_fim(FIM, retry=RetryPolicy()) as stream:
            async for delta in stream:
                received.append(delta.text)
    assert received == ["half"]
    assert len(handler.requests) == 1 and sleep.delays == []


async def test_falls_back_through_models_in_order():
    missing = fail(400, "Model Not Exist")
    handler = Scripted(missing, fail(404, "model not found"), ok("from third"))
    client = client_for(handler, FakeSleep())
    async with client.stream_fim(FIM, fallback_models=["second", "third"]) as stream:
        texts = [delta.text async for delta in stream]
    assert texts == ["from third"]
    assert stream.model == "third"
    assert handler.models == ["primary", "second", "third"]


async def test_fallback_chain_exhausted_raises_model_unavailable():
    handler = Scripted(fail(400, "Model Not Exist"), fail(400, "Model Not Exist"))
    with pytest.raises(ModelUnavailableError):
        await client_for(handler, FakeSleep()).fim(FIM, fallback_models=["second"])
    assert handler.models == ["primary", "second"]


async def test_fallback_does_not_apply_to_other_errors():
    handler = Scripted(fail(402, "Insufficient Balance"), ok())
    with pytest.raises(BalanceError):
        await client_for(handler, FakeSleep()).fim(FIM, fallback_models=["second"])
    assert handler.models == ["primary"]
