"""The golden set through the engine: each case's reply comes back from a mock DeepSeek (which
honours the request's stop strings, as the real one does), and the editor applies the item."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import httpx
import pytest

from deepseek_lsp.api import ApiConfig, DeepSeekClient
from deepseek_lsp.engine.completion import CompletionEngine
from deepseek_lsp.engine.document import Document
from deepseek_lsp.settings import Settings
from deepseek_lsp.testing import golden

GOLDEN = Path(__file__).parents[3] / "golden" / "completion"
CASES = golden.load(GOLDEN)
FAMILIES = {
    "auto_close", "block_end", "empty", "fences", "indentation", "multiline", "next_line",
    "repetition", "spacing", "suffix_overlap", "truncation",
}  # fmt: skip


def reply_for(case: golden.GoldenCase, body: dict) -> tuple[str, str]:
    """What DeepSeek sends: the reply cut at the first stop string, or as cut by the case."""
    if case.finish_reason:
        return case.reply, case.finish_reason
    cuts = [case.reply.find(s) for s in body.get("stop") or [] if s in case.reply]
    return (case.reply[: min(cuts)], "stop") if cuts else (case.reply, "stop")


def sse(text: str, finish: str) -> str:
    """The reply as a stream of small chunks, finish_reason on the last."""
    pieces = [text[i : i + 5] for i in range(0, len(text), 5)] or [""]
    chunks = [
        {"choices": [{"index": 0, "text": p, "finish_reason": None}]} for p in pieces[:-1]
    ] + [{"choices": [{"index": 0, "text": pieces[-1], "finish_reason": finish}]}]
    return "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"


async def shown_after(case: golden.GoldenCase) -> str:
    """The document as the user reads it after accepting the engine's suggestion."""

    def handler(request: httpx.Request) -> httpx.Response:
        text, finish = reply_for(case, json.loads(request.content))
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, headers=headers, text=sse(text, finish))

    config = ApiConfig(base_url="http://127.0.0.1:9", api_key="sk-test")
    client = DeepSeekClient(config, transport=httpx.MockTransport(handler))
    try:
        engine = CompletionEngine(Settings(), client)
        doc = Document(case.uri, case.document, 1, case.language)
        suggestion = await engine.complete(doc, case.cursor, "invoked")
    finally:
        await client.aclose()
    return case.applied(suggestion.text, suggestion.replace) if suggestion else case.document


def test_the_golden_set_is_broad() -> None:
    assert len(CASES) >= 150
    assert len({case.language for case in CASES}) >= 12
    assert {case.family for case in CASES} == FAMILIES
    assert min(Counter(case.family for case in CASES).values()) >= 8
    assert len({case.id for case in CASES}) == len(CASES)


def test_a_malformed_case_gets_a_clear_error() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        golden.parse("=== python: x\n--- document\nx\n--- reply\ny\n--- expected\nxy\n", "f")
    with pytest.raises(ValueError, match="missing section"):
        golden.parse("=== python: x\n--- document\n║x\n", "f")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_golden_case(case: golden.GoldenCase) -> None:
    assert await shown_after(case) == case.expected
