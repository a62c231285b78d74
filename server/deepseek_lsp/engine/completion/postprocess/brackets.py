"""Bracket and quote bookkeeping shared by the block-end and overlap stages."""

from __future__ import annotations

import re

PAIRS = {")": "(", "]": "[", "}": "{"}
OPENERS = "([{"
QUOTES = "\"'`"
_STRING = re.compile(r""""(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`""")


def blank_strings(text: str, comment: str | None) -> str:
    """`text` with string literals and line comments replaced by spaces (same length)."""
    text = _STRING.sub(lambda m: " " * len(m.group()), text)
    if comment:
        pattern = re.escape(comment) + r"[^\n]*"
        text = re.sub(pattern, lambda m: " " * len(m.group()), text)
    return text


def open_count(text: str, comment: str | None) -> int:
    """Brackets opened in `text` and not closed in it."""
    stack: list[str] = []
    for char in blank_strings(text, comment):
        if char in OPENERS:
            stack.append(char)
        elif char in PAIRS and stack and stack[-1] == PAIRS[char]:
            stack.pop()
    return len(stack)


def close_count(text: str, comment: str | None) -> int:
    """Brackets `text` closes that it did not open itself."""
    depth = lowest = 0
    for char in blank_strings(text, comment):
        if char in OPENERS:
            depth += 1
        elif char in PAIRS:
            depth -= 1
            lowest = min(lowest, depth)
    return -lowest


def unmatched_tail(text: str) -> int:
    """How many trailing characters of `text` are closers or quotes it never opened."""
    unmatched: set[int] = set()
    stack: list[int] = []
    for i, char in enumerate(text):
        if char in OPENERS:
            stack.append(i)
        elif char in PAIRS:
            if stack and text[stack[-1]] == PAIRS[char]:
                stack.pop()
            else:
                unmatched.add(i)
    for quote in QUOTES:
        if text.count(quote) % 2:
            unmatched.add(text.rindex(quote))
    count = 0
    while count < len(text) and len(text) - 1 - count in unmatched:
        count += 1
    return count
