"""Metrics: prometheus-client in its own registry, the names of PROTOCOL.md, metered streams."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import httpx
import pytest

from deepseek_lsp.api import ApiConfig, BalanceError, ChatRequest, DeepSeekClient, FimRequest
from deepseek_lsp.engine.completion import waiting
from deepseek_lsp.engine.usage import UsageCounters
from deepseek_lsp.lsp.metered import MeteredClient
from deepseek_lsp.lsp.metrics import CACHE_LEVELS, ERROR_KINDS, OFF, Metrics, error_label
from deepseek_lsp.testing.fake.server import FakeDeepSeek
from deepseek_lsp.testing.fake.types import FakeReply
from deepseek_lsp.testing.services import free_port


@pytest.fixture
def fake():
    with FakeDeepSeek() as server:
        yield server


@pytest.fixture
async def metrics():
    m = Metrics(UsageCounters(shown=4, accepted=1))
    await m.serve(free_port())
    yield m
    await m.close()


def value(m: Metrics, name: str, **labels: str) -> float | None:
    return m.registry.get_sample_value(name, labels)


async def page(port: int) -> str:
    async with httpx.AsyncClient() as http:
        reply = await http.get(f"http://127.0.0.1:{port}/metrics")
        reply.raise_for_status()
        return reply.text


def test_nothing_is_imported_or_recorded_until_a_port_is_set():
    code = (
        "import sys\n"
        "from deepseek_lsp.lsp.app import create_server\n"
        "server = create_server({})\n"
        "assert server.metrics.requests is not None and not server.metrics.on\n"
        "print('prometheus_client' in sys.modules, 'redis' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    m = Metrics(UsageCounters())
    assert m.requests is OFF and m.cost_usd is OFF
    m.cost_usd.labels(model="x").inc(0.5)  # the one-line call works before metrics are on
    with m.handling("completion"):
        pass


async def test_exposition_has_the_protocol_names_with_zeros_where_known(metrics):
    metrics.known_models(["deepseek-v4-flash"])
    text = await page(metrics.port)
    for kind in ERROR_KINDS:
        assert f'deepseek_lsp_errors_total{{kind="{kind}"}} 0.0' in text
    for level in CACHE_LEVELS:
        assert f'deepseek_lsp_cache_hits_total{{level="{level}"}} 0.0' in text
    for kind in ("cache_hit", "cache_miss", "output"):
        assert f'deepseek_lsp_tokens_total{{kind="{kind}"}} 0.0' in text
    assert 'deepseek_lsp_cost_usd_total{model="deepseek-v4-flash"} 0.0' in text
    assert 'deepseek_lsp_suggestions_total{event="shown"} 4.0' in text
    for histogram in ("upstream_first_token_seconds", "upstream_seconds", "server_added_seconds"):
        assert f"# TYPE deepseek_lsp_{histogram} histogram" in text
    assert "python_gc" not in text and "process_cpu" not in text  # our registry, not the global


async def test_a_completion_stream_is_counted_timed_and_its_tokens_added(fake, metrics):
    fake.script(FakeReply(text="a + b", first_token_delay=0.05))
    api = DeepSeekClient(ApiConfig(base_url=fake.base_url, api_key="sk-test"))
    client = MeteredClient(api, metrics, "completion")
    request = FimRequest(model="deepseek-v4-flash", prompt="def f(a, b):\n    return ", suffix="")
    async with client.stream_fim(request) as stream:
        text = "".join([delta.text async for delta in stream])
    await api.aclose()
    assert text == "a + b"
    labels = {"model": "deepseek-v4-flash", "feature": "completion", "outcome": "ok"}
    assert value(metrics, "deepseek_lsp_requests_total", **labels) == 1
    first = value(metrics, "deepseek_lsp_upstream_first_token_seconds_sum", feature="completion")
    total = value(metrics, "deepseek_lsp_upstream_seconds_sum", feature="completion")
    assert 0.05 <= first <= total
    usage = stream.usage
    assert value(metrics, "deepseek_lsp_tokens_total", kind="output") == usage.completion_tokens
    misses = value(metrics, "deepseek_lsp_tokens_total", kind="cache_miss")
    assert misses == usage.prompt_cache_miss_tokens > 0


async def test_errors_by_kind_and_cancellation(fake, metrics):
    fake.script(FakeReply(status=402, error_message="Insufficient Balance"))
    api = DeepSeekClient(ApiConfig(base_url=fake.base_url, api_key="sk-test"))
    client = MeteredClient(api, metrics, "chat")
    request = ChatRequest(model="deepseek-v4-flash", messages=({"role": "user", "content": "hi"},))
    with pytest.raises(BalanceError):
        async with client.stream_chat(request) as stream:
            async for _ in stream:
                pass
    assert value(metrics, "deepseek_lsp_errors_total", kind="balance") == 1
    labels = {"model": "deepseek-v4-flash", "feature": "chat", "outcome": "error"}
    assert value(metrics, "deepseek_lsp_requests_total", **labels) == 1
    fake.script(FakeReply(text="slow", first_token_delay=5))

    async def consume() -> None:
        async with client.stream_chat(request) as s:
            async for _ in s:
                pass

    task = asyncio.ensure_future(consume())
    await fake.wait_for_requests_async(2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await api.aclose()
    labels["outcome"] = "cancelled"
    assert value(metrics, "deepseek_lsp_requests_total", **labels) == 1


async def test_server_added_time_excludes_the_waits(metrics):
    with metrics.handling("chat"):
        with waiting.waiting():
            await asyncio.sleep(0.2)
        with waiting.waiting(), waiting.waiting():  # nested marks count once
            await asyncio.sleep(0.1)
    added = value(metrics, "deepseek_lsp_server_added_seconds_sum", feature="chat")
    assert 0 <= added < 0.05


async def test_moves_ports_and_stops(metrics):
    old = metrics.port
    await metrics.serve(free_port())
    assert metrics.port != old and "deepseek_lsp_errors_total" in await page(metrics.port)
    with pytest.raises(httpx.ConnectError):
        await page(old)
    taken = metrics.port
    other = Metrics(UsageCounters())
    with pytest.raises(OSError):
        await other.serve(taken)
    await metrics.serve(None)
    assert metrics.port is None


def test_error_labels():
    assert error_label("rate_limited") == "rate_limit"
    assert error_label("model_unavailable") == "invalid"
    assert error_label("timeout") == "timeout"
    assert error_label("something new") == "invalid"
