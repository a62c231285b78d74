"""Suffix overlap: what the text after the cursor already has is not inserted again."""

from __future__ import annotations

import re
from dataclasses import replace

from deepseek_lsp.engine.completion.postprocess.brackets import (
    QUOTES,
    unmatched_tail,
    unpaired_closers,
)
from deepseek_lsp.engine.completion.postprocess.draft import Draft
from deepseek_lsp.engine.completion.prompt import FimContext

_CLOSERS_AND_QUOTES = ")]}" + QUOTES + " \t;,"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # LSP's line breaks, as the document splits them


def trim_suffix_overlap(draft: Draft, ctx: FimContext) -> Draft:
    """Drop what the suffix already has: its next lines, or the rest of the cursor line.

    The rest of the line counts as repeated when the reply ends with it, give or take
    whitespace and a `;`. Closers the editor auto-closed after the cursor are trimmed from the
    reply when it ends with them; when the reply writes them and goes on (`hello";` before an
    auto-closed `"`), the suggestion replaces them instead (`Draft.replace`).
    """
    text = _trim_repeated_lines(draft.text, ctx)
    rest = ctx.line_suffix.lstrip()
    if not text or not rest.strip():
        return draft.with_text(text)
    if rest.strip(_CLOSERS_AND_QUOTES):  # real text follows: did the model rewrite it?
        for copy in (ctx.line_suffix.rstrip(), rest.rstrip()):
            if text.endswith(copy):
                return draft.with_text(text[: len(text) - len(copy)])
        cut = _loose_end(text, rest)
        if cut is not None:
            return draft.with_text(text[:cut].rstrip() if rest != ctx.line_suffix else text[:cut])
        return draft.with_text(text)
    for triple in ('"""', "'''"):
        if rest.startswith(triple) and text.endswith(triple):
            return draft.with_text(text[:-3])  # a docstring the editor closed already
    tail = unmatched_tail(text, punctuation=" \t;,")
    for n in range(min(tail, len(rest)), 0, -1):
        if text.endswith(rest[:n]):
            return draft.with_text(text[:-n])
    if tail and _squash(text[len(text) - tail :]) == _squash(rest):
        return draft.with_text(text[: len(text) - tail])  # `hello" );` before `");`
    return _replace_auto_closed(draft.with_text(text), ctx)


def _replace_auto_closed(draft: Draft, ctx: FimContext) -> Draft:
    """Replace the closers after the cursor that the reply writes itself, and more after them.

    As Tabby's bracket-stack range: the reply's unpaired closers, in order, start the rest of
    the line (or the other way round).
    """
    rest = ctx.line_suffix.rstrip()
    closers = unpaired_closers(draft.text)
    if not closers or not rest:
        return draft
    if rest.startswith(closers):
        return replace(draft, replace=len(closers))
    if closers.startswith(rest):
        return replace(draft, replace=len(rest))
    return draft


def _squash(text: str) -> str:
    """Text without whitespace, for comparisons that blanks must not decide."""
    return "".join(text.split())


def _loose_end(text: str, rest: str) -> int | None:
    """Where `text` ends with `rest` again, give or take whitespace and a final `;`."""
    want = _squash(rest)
    for key in dict.fromkeys((want, want.rstrip(";"))):
        if not key or not _squash(text).endswith(key):
            continue
        seen, i = 0, len(text)
        while seen < len(key):
            i -= 1
            seen += not text[i].isspace()
        return i
    return None


def _trim_repeated_lines(text: str, ctx: FimContext) -> str:
    """Cut trailing lines that repeat the lines right after the cursor line.

    From the first line on: a suggestion that makes the cursor line a copy of the line below
    (with the lines after it, if it has more) repeats code that is already there.
    """
    lines = text.split("\n")
    upcoming = _upcoming(ctx.suffix, len(lines))
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


def _upcoming(suffix: str, count: int) -> list[str]:
    """The first `count` non-blank lines after the cursor line, without trailing whitespace.

    Read only as far as needed: the suffix is a thousand characters and more, the answer a few
    lines, and this runs on every answer on its way to the editor.
    """
    breaks = _LINE_BREAK.finditer(suffix)
    first = next(breaks, None)
    if first is None or count <= 0:
        return []
    out: list[str] = []
    start = first.end()
    for found in breaks:
        line = suffix[start : found.start()]
        start = found.end()
        if line.strip():
            out.append(line.rstrip())
            if len(out) == count:
                return out
    line = suffix[start:]
    if line.strip():
        out.append(line.rstrip())
    return out
