"""Bracket counts read bracket by bracket give what a walk over every character gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepseek_lsp.engine.completion.postprocess import brackets

SOURCES = sorted((Path(__file__).resolve().parents[4] / "server" / "deepseek_lsp").rglob("*.py"))
TEXTS = [
    "f(a, [b, {c: (d)}])",
    "x = ')' + \"]\" + `}` // (",
    'if (a) { b("("); // )\n}',
    "))}]( [",
    "`a\n(b` (",
    "",
]


def walked_open(text: str, comment: str | None) -> int:
    """`open_count` as it was: every character of the blanked text looked at."""
    stack: list[str] = []
    for char in brackets.blank_strings(text, comment):
        if char in brackets.OPENERS:
            stack.append(char)
        elif char in brackets.PAIRS and stack and stack[-1] == brackets.PAIRS[char]:
            stack.pop()
    return len(stack)


def walked_close(text: str, comment: str | None) -> int:
    depth = lowest = 0
    for char in brackets.blank_strings(text, comment):
        if char in brackets.OPENERS:
            depth += 1
        elif char in brackets.PAIRS:
            depth -= 1
            lowest = min(lowest, depth)
    return -lowest


@pytest.mark.parametrize("comment", ["//", "#", None])
def test_counts_agree_with_a_walk_over_every_character(comment: str | None) -> None:
    texts = [*TEXTS, *(p.read_text() for p in SOURCES)]
    assert len(texts) > 50
    for text in texts:
        for cut in (len(text), len(text) // 3, len(text) // 2):
            part = text[:cut]
            assert brackets.open_count(part, comment) == walked_open(part, comment)
            assert brackets.close_count(part, comment) == walked_close(part, comment)


def test_the_allowance_is_what_the_prefix_leaves_open_and_the_suffix_does_not_close() -> None:
    assert brackets.close_allowance("func f() {\n\tif x {\n", "\n}\n", "//") == 1
    assert brackets.close_allowance("f(", ")", "//") == 0
    assert brackets.close_allowance("a", "))", "//") == 0  # never below zero
    assert brackets.close_allowance("g({ // }\n", "", "//") == 2  # a comment closes nothing
