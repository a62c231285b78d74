"""The engine's cheap answers come before the work: typing the shown suggestion builds no prompt."""

from __future__ import annotations

import asyncio
import json

import httpx

from deepseek_lsp.api import ApiConfig, DeepSeekClient
from deepseek_lsp.engine.completion import CompletionEngine, prompt
from deepseek_lsp.engine.completion.postprocess import brackets
from deepseek_lsp.engine.completion.prompt import Snippet
from deepseek_lsp.engine.document import Document
from deepseek_lsp.settings import Settings

USAGE = {"prompt_tokens": 10, "completion_tokens": 3}
URI = "file:///home/ada/app.py"


def _sse(text: str) -> str:
    chunk = {"choices": [{"index": 0, "text": text, "finish_reason": "stop"}], "usage": USAGE}
    return f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n"


async def test_typing_the_suggestion_answers_without_context_or_prompt() -> None:
    requests: list[httpx.Request] = []
    context_calls: list[tuple[int, int]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, headers=headers, text=_sse("compute(total)"))

    def context(doc: Document, pos: tuple[int, int], budget: int) -> list[Snippet]:
        context_calls.append(pos)
        return [Snippet("lib/calc.py", "def compute(n): ...", "definitions")]

    client = DeepSeekClient(
        ApiConfig(base_url="http://127.0.0.1:9", api_key="sk-test"),
        transport=httpx.MockTransport(handler),
    )
    try:
        engine = CompletionEngine(Settings(), client)
        engine.context_source = context
        doc = Document(URI, "total = 3\nresult = \nprint(result)\n", 1, "python")
        first = await engine.complete(doc, (1, 9), "invoked")
        assert first is not None and first.text == "compute(total)" and first.source == "upstream"
        assert len(requests) == 1 and context_calls == [(1, 9)]

        doc.apply_change((1, 9), (1, 9), "comp", 2)  # the user types the start of it
        typed = await engine.complete(doc, (1, 13), "automatic")
        assert typed is not None and typed.text == "ute(total)" and typed.source == "typed_ahead"
        assert len(requests) == 1 and context_calls == [(1, 9)]  # no context, no prompt

        doc.apply_change((1, 9), (1, 13), "", 3)  # back where it was shown: the cache answers
        again = await engine.complete(doc, (1, 9), "invoked")
        assert again is not None and again.source == "cache" and len(requests) == 1
        assert engine.usage.typed_ahead_hits == 1 and engine.usage.cache_hits == 1
    finally:
        await client.aclose()


async def _answer_after_a_wait(
    monkeypatch, module, name: str, doc: Document, pos: tuple[int, int], reply: str
) -> tuple[list[object], list[tuple[int, int]], object]:
    """Complete at `pos` with DeepSeek thinking 50 ms; count the calls of `module.name`.

    Returns what each call gave, (calls when the request came, calls when it was answered)
    and the suggestion.
    """
    results: list[object] = []
    seen: list[tuple[int, int]] = []
    original = getattr(module, name)

    def counting(*args):
        results.append(original(*args))
        return results[-1]

    monkeypatch.setattr(module, name, counting)

    async def handler(request: httpx.Request) -> httpx.Response:
        arrived = len(results)
        await asyncio.sleep(0.05)  # DeepSeek thinking
        seen.append((arrived, len(results)))
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, headers=headers, text=_sse(reply))

    client = DeepSeekClient(
        ApiConfig(base_url="http://127.0.0.1:9", api_key="sk-test"),
        transport=httpx.MockTransport(handler),
    )
    try:
        answer = await CompletionEngine(Settings(), client).complete(doc, pos, "invoked")
    finally:
        await client.aclose()
    return results, seen, answer


async def test_the_indentation_unit_is_worked_out_while_the_request_is_in_flight(
    monkeypatch,
) -> None:
    """Only postprocessing reads it: not before the POST goes, but done before the answer comes."""
    doc = Document(URI, "def f(total):\n  if total:\n    x = 1\n  y = 2\n", 1, "python")
    computed, seen, answer = await _answer_after_a_wait(
        monkeypatch, prompt, "window_indent_unit", doc, (3, 7), "\n  return total"
    )
    assert seen == [(0, 1)] and computed == ["  "]
    assert answer is not None and answer.text == "\n  return total"  # type: ignore[attr-defined]


async def test_a_brace_language_close_allowance_is_ready_before_the_answer(monkeypatch) -> None:
    """A multi-line answer in Go cuts at the block's end from a count made during the wait."""
    doc = Document("file:///home/ada/m.go", "package m\n\nfunc f(n int) int {\n\n}\n", 1, "go")
    counted, seen, answer = await _answer_after_a_wait(
        monkeypatch, brackets, "close_allowance", doc, (3, 0), "\treturn n\n}\n}\nfunc g() {"
    )
    assert seen == [(0, 1)] and counted == [0]  # `{` is closed by the `}` below the cursor
    assert answer is not None and answer.text == "\treturn n"  # type: ignore[attr-defined]
