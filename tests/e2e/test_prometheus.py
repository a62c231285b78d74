"""Metrics with the real thing: Debian's prometheus scrapes the real server; every dashboard
panel's PromQL must return data."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from lsprotocol import types

from deepseek_lsp.testing.fake.types import FakeReply
from deepseek_lsp.testing.services import PrometheusServer, free_port, missing

from .conftest import inline_params, lsp_session, open_doc, raw_request, type_text

pytestmark = pytest.mark.skipif(
    bool(missing("prometheus")), reason="needs scripts/setup-services.sh"
)

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana" / "deepseek-lsp.json"
URI = "file:///work/proj/metrics.py"
TEXT = "import os\n\ndef add(a, b):\n    return \n\ndef sub(a, b):\n    return \n"
SERIES = (
    "deepseek_lsp_requests_total",
    "deepseek_lsp_errors_total",
    "deepseek_lsp_upstream_first_token_seconds_bucket",
    "deepseek_lsp_upstream_seconds_bucket",
    "deepseek_lsp_server_added_seconds_bucket",
    "deepseek_lsp_cache_hits_total",
    "deepseek_lsp_tokens_total",
    "deepseek_lsp_cost_usd_total",
)


def panel_queries() -> list[tuple[str, str]]:
    """(panel title, PromQL) for every target, Grafana's interval variable made concrete."""
    dashboard = json.loads(DASHBOARD.read_text())
    queries = []
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            queries.append((panel["title"], target["expr"].replace("$__rate_interval", "1m")))
    return queries


async def query(http: httpx.AsyncClient, promql: str) -> list[dict[str, Any]]:
    reply = await http.get("/api/v1/query", params={"query": promql})
    body = reply.json()
    assert body["status"] == "success", body
    return list(body["data"]["result"])


async def poll(http: httpx.AsyncClient, promql: str, deadline: float) -> list[dict[str, Any]]:
    while True:
        result = await query(http, promql)
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.2)


async def drive(client, fake) -> None:
    """Upstream completions, cache and typed-ahead hits, show/accept, one chat, one error."""
    open_doc(client, URI, TEXT)
    for line in (6, 3):
        await client.text_document_inline_completion_async(inline_params(URI, line, 11))
        await client.text_document_inline_completion_async(inline_params(URI, line, 11))
    type_text(client, URI, 2, 3, 11, "a")  # ahead of line 3's suggestion, the latest one
    typed = await client.text_document_inline_completion_async(
        inline_params(URI, 3, 12, invoked=False)
    )
    assert [item.insert_text for item in typed.items] == [" + b"]
    client.protocol.notify("textDocument/didShowCompletion", {"item": {"insertText": "a + b"}})
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="deepseek.acceptCompletion", arguments=["cache"])
    )
    await raw_request(client, "deepseek/chat", {"message": "hi"}, timeout=15)
    # automatic: no retry, so the 429 reaches the engine as an error
    await client.text_document_inline_completion_async(inline_params(URI, 1, 0, invoked=False))


@pytest.mark.timeout(180)
async def test_prometheus_scrapes_every_series_and_every_panel_has_data(fake):
    fake.script(
        FakeReply(text="a - b", endpoint="fim"),
        FakeReply(text="a + b", endpoint="fim"),
        FakeReply(text="Hello.", endpoint="chat"),
        FakeReply(status=429, error_message="slow down", endpoint="fim"),
    )
    port = free_port()
    prometheus = PrometheusServer([f"127.0.0.1:{port}"], interval="1s").start()
    try:
        async with lsp_session(fake, init_options={"metrics": {"port": port}}) as client:
            await drive(client, fake)
            async with httpx.AsyncClient(base_url=prometheus.url, timeout=10) as http:
                deadline = time.monotonic() + 60
                for name in SERIES:
                    assert await poll(http, name, deadline), f"no {name} in Prometheus"
                ok = 'deepseek_lsp_requests_total{feature="completion",outcome="ok"}'
                assert await poll(http, f"{ok} >= 2", deadline)
                assert await poll(http, 'deepseek_lsp_requests_total{feature="chat"}', deadline)
                assert await poll(
                    http, 'deepseek_lsp_errors_total{kind="rate_limit"} > 0', deadline
                )
                hits = 'deepseek_lsp_cache_hits_total{level=~"memory|typed_ahead"} > 0'
                assert len(await poll(http, hits, deadline)) == 2
                empty = []
                for title, promql in panel_queries():
                    if not await poll(http, promql, deadline):
                        empty.append(f"{title}: {promql}")
                assert not empty, "panels without data:\n" + "\n".join(empty)
    finally:
        prometheus.stop()
