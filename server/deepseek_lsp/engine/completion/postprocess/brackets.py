"""Bracket and quote bookkeeping shared by the block-end and overlap stages."""

from __future__ import annotations

import re

PAIRS = {")": "(", "]": "[", "}": "{"}
OPENERS = "([{"
QUOTES = "\"'`"
_BRACKET = re.compile(r"[()\[\]{}]")
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
    for char in _BRACKET.findall(blank_strings(text, comment)):  # only brackets count
        if char in OPENERS:
            stack.append(char)
        elif stack and stack[-1] == PAIRS[char]:
            stack.pop()
    return len(stack)


def close_count(text: str, comment: str | None) -> int:
    """Brackets `text` closes that it did not open itself."""
    depth = lowest = 0
    for char in _BRACKET.findall(blank_strings(text, comment)):
        if char in OPENERS:
            depth += 1
        else:
            depth -= 1
            lowest = min(lowest, depth)
    return -lowest


def close_allowance(prefix: str, suffix: str, comment: str | None) -> int:
    """How many closers an answer may write: what `prefix` leaves open and `suffix` does not close.

    A window of 4 KB before the cursor and 1 KB after it, read bracket by bracket, cost ~0.3 ms
    per multi-line answer in a brace language (~0.13 ms now), so the context works it out while
    the request is in flight (`FimContext.close_allowance`).
    """
    return max(0, open_count(prefix, comment) - close_count(suffix, comment))


def unmatched_tail(text: str, punctuation: str = "") -> int:
    """How many trailing characters of `text` are closers or quotes it never opened.

    Characters in `punctuation` (`;`, blanks) between them count as part of that tail.
    """
    unmatched = _unmatched(text)
    count = 0
    while count < len(text):
        i = len(text) - 1 - count
        if i not in unmatched and text[i] not in punctuation:
            break
        count += 1
    while count and text[len(text) - count] in punctuation:
        count -= 1  # the tail starts at a closer, not at a blank or a `;`
    return count


def unpaired_closers(text: str) -> str:
    """The closers and quotes `text` never opened, in the order it writes them."""
    return "".join(text[i] for i in sorted(_unmatched(text)))


def _unmatched(text: str) -> set[int]:
    """Indexes of the closers `text` never opened, and of the last quote of an odd count."""
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
    return unmatched
