"""Repetition: a model that loops on the same line (or few lines) until the token limit."""

from __future__ import annotations

from deepseek_lsp.engine.completion.postprocess.draft import Draft
from deepseek_lsp.engine.completion.prompt import FimContext

MAX_LOOP_PERIOD = 4  # longest run of lines recognised as a repetition loop
MIN_LOOP_COPIES = 3
# Within one line: a short piece repeated many times, or a longer one a few times (Tabby's
# thresholds: 3+ characters 6 times, 10+ characters 4 times).
SHORT_PIECE, SHORT_COPIES = 3, 6
LONG_PIECE, LONG_COPIES = 10, 4
MAX_PIECE = 80


def drop_line_repetition(draft: Draft, ctx: FimContext) -> Draft:
    """Leave out a last line that ends in a loop (`foo = foo = foo = ...`): none of it is right.

    A loop runs until the token limit, so it is at the end. Pieces without a letter are not
    loops (Tabby counts them too): zero-filled arrays and rulers are written that way.
    """
    text = draft.text.rstrip()
    head, _, last = text.rpartition("\n")
    if len(last) < SHORT_PIECE * SHORT_COPIES or not _ends_in_loop(last):
        return draft
    return draft.with_text(head)


def drop_repetition(draft: Draft, ctx: FimContext) -> Draft:
    """Cut a loop of the same line (or few lines) repeated to the end of the text."""
    lines = draft.text.split("\n")
    stripped = [line.strip() for line in lines]  # a first line has no indentation of its own
    starts = [(_loop_start(stripped, p), p) for p in range(1, MAX_LOOP_PERIOD + 1)]
    found = [(start, period) for start, period in starts if start is not None]
    if not found:
        return draft
    start, period = min(found)
    return draft.with_text("\n".join(lines[: start + period]))


def _loop_start(lines: list[str], period: int) -> int | None:
    """Where a run of `period` lines starts repeating to the end (MIN_LOOP_COPIES or more)."""
    body = lines
    if len(lines) > period and lines[-1] != lines[-1 - period]:
        if not (lines[-1] and lines[-1 - period].startswith(lines[-1])):
            return None
        body = lines[:-1]  # the last copy was cut off by the token limit
    i = len(body) - 1 - period
    while i >= 0 and body[i] == body[i + period]:
        i -= 1
    start = i + 1
    if len(body) - start < MIN_LOOP_COPIES * period or not any(body[start : start + period]):
        return None
    return start


def _ends_in_loop(line: str) -> bool:
    """The line ends with a piece repeated to its end (the last copy may be cut short)."""
    n = len(line)
    for period in range(SHORT_PIECE, min(MAX_PIECE, n // LONG_COPIES) + 1):
        i = n - 1
        while i >= period and line[i] == line[i - period]:
            i -= 1
        copies = (n - 1 - i + period) / period  # the repeating tail, in whole pieces
        needed = SHORT_COPIES if period < LONG_PIECE else LONG_COPIES
        if copies >= needed and any(c.isalpha() for c in line[n - period :]):
            return True  # a loop of words; `[0, 0, 0, ...]` or a `-----` ruler is content
    return False
