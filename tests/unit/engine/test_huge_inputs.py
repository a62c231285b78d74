"""A 50 MB single-line document: listing actions and building a prompt look near the cursor only."""

from __future__ import annotations

import time

import pytest

from deepseek_lsp.engine.actions.kinds import available_actions
from deepseek_lsp.engine.completion.prompt import build_fim_context
from deepseek_lsp.engine.document import Document

LINE = "x = foo(a, b) + bar[1]; "


@pytest.fixture(scope="module")
def huge() -> Document:
    return Document("file:///big.py", LINE * (50_000_000 // len(LINE)), 1, "python", "utf-16")


def test_listing_actions_on_a_huge_line_is_bounded(huge: Document) -> None:
    middle = (0, 25_000_008)
    started = time.perf_counter()
    kinds = available_actions(huge, (middle, middle), [])
    assert time.perf_counter() - started < 0.5  # was 45 s (a directive scan over the line)
    assert kinds == []


def test_a_prompt_on_a_huge_line_is_bounded(huge: Document) -> None:
    started = time.perf_counter()
    for _ in range(20):
        context = build_fim_context(huge, (0, 25_000_008))
    assert (time.perf_counter() - started) / 20 < 0.01  # each used to copy the 50 MB line
    assert context.prompt.endswith(LINE * 3) and context.suffix.startswith(LINE)
    assert len(context.line_prefix) <= 16_384 and len(context.line_suffix) <= 16_384


def test_a_prompt_at_the_end_of_a_huge_line_is_bounded(huge: Document) -> None:
    end = (0, len(huge.line(0)))
    started = time.perf_counter()
    context = build_fim_context(huge, end)
    assert time.perf_counter() - started < 0.05  # the multi-line check reads a window, too
    assert context.prompt.endswith(LINE.rstrip() + " ") or context.prompt.endswith(LINE)
