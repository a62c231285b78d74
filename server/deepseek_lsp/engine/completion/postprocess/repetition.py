"""Repetition: a model that loops on the same line (or few lines) until the token limit."""

from __future__ import annotations

from deepseek_lsp.engine.completion.postprocess.draft import Draft
from deepseek_lsp.engine.completion.prompt import FimContext

MAX_LOOP_PERIOD = 4  # longest run of lines recognised as a repetition loop
MIN_LOOP_COPIES = 3


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
