"""Suffix overlap: what the text after the cursor already has is not inserted again."""

from __future__ import annotations

from deepseek_lsp.engine.completion.postprocess.brackets import QUOTES, unmatched_tail
from deepseek_lsp.engine.completion.postprocess.draft import Draft
from deepseek_lsp.engine.completion.prompt import FimContext
from deepseek_lsp.engine.document import split_lines

_CLOSERS_AND_QUOTES = ")]}" + QUOTES + " \t;,"


def trim_suffix_overlap(draft: Draft, ctx: FimContext) -> Draft:
    """Drop what the suffix already has: its next lines, or closers after the cursor."""
    text = _trim_repeated_lines(draft.text, ctx)
    rest = ctx.line_suffix.lstrip()
    if not rest:
        return draft.with_text(text)
    if rest.strip(_CLOSERS_AND_QUOTES):  # real text follows: did the model rewrite it?
        for copy in (ctx.line_suffix.rstrip(), rest.rstrip()):
            if text.endswith(copy):
                return draft.with_text(text[: len(text) - len(copy)])
    for n in range(min(unmatched_tail(text), len(rest)), 0, -1):
        if text.endswith(rest[:n]):
            return draft.with_text(text[:-n])
    return draft.with_text(text)


def _trim_repeated_lines(text: str, ctx: FimContext) -> str:
    """Cut trailing lines that repeat the lines right after the cursor line.

    From the first line on: a suggestion that makes the cursor line a copy of the line below
    (with the lines after it, if it has more) repeats code that is already there.
    """
    lines = text.split("\n")
    upcoming = [s.rstrip() for s in split_lines(ctx.suffix)[1:] if s.strip()]
    if not upcoming:
        return text
    if lines[0].strip():
        tail = [s.strip() for s in lines[1:] if s.strip()]
        first = ctx.line_prefix + lines[0] + (ctx.line_suffix if len(lines) == 1 else "")
        copy = [first.strip(), *tail]
        if copy == [s.strip() for s in upcoming[: len(copy)]]:
            return ""
    for i in range(1, len(lines)):
        tail = [s for s in lines[i:] if s.strip()]
        if tail and tail == upcoming[: len(tail)]:
            return "\n".join(lines[:i]).rstrip()
    return text
