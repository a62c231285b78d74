"""Block end: a multi-line suggestion stops where the block the cursor is in ends."""

from __future__ import annotations

import re

from deepseek_lsp.engine.completion.postprocess.brackets import (
    OPENERS,
    PAIRS,
    blank_strings,
)
from deepseek_lsp.engine.completion.postprocess.draft import Draft
from deepseek_lsp.engine.completion.postprocess.indentation import lead, width
from deepseek_lsp.engine.completion.prompt import FimContext
from deepseek_lsp.engine.languages import get_language

_BLOCK_END_WORD = re.compile(r"(?:end|fi|done|esac|until|endif|endfor|endwhile|endfunction)\b")


def stop_at_block_end(draft: Draft, ctx: FimContext) -> Draft:
    """Multi-line suggestions end with the block the cursor is in."""
    if not ctx.multiline:
        return draft
    text = draft.text
    lines = text.split("\n")
    cut = _dedent_cut(lines, ctx)
    text = "\n".join(lines[:cut]).rstrip() if cut < len(lines) else text
    return draft.with_text(text if ctx.indent_blocks else _bracket_cut(text, ctx))


def _dedent_cut(lines: list[str], ctx: FimContext) -> int:
    """Index of the first line that dedents below the block body the suggestion writes."""
    fresh_first = not ctx.line_prefix.strip()
    body: int | None = None
    for i, line in enumerate(lines):
        absolute = ctx.line_prefix + line if i == 0 else line
        if not line.strip() or (i == 0 and not fresh_first):
            continue
        columns = width(lead(absolute))
        if body is None:
            body = columns
        elif columns < body and (ctx.indent_blocks or not _closes_block(line.lstrip())):
            return i
    return len(lines)


def _closes_block(line: str) -> bool:
    """A line that ends a block rather than starting the next statement: `}`, `end`, `fi`."""
    return line[:1] in PAIRS or bool(_BLOCK_END_WORD.match(line))


def _bracket_cut(text: str, ctx: FimContext) -> str:
    """Cut before a closer that closes more than the suffix leaves open."""
    lang = get_language(ctx.language)
    comment = lang.line_comment if lang else None
    allowed = ctx.close_allowance
    depth = 0
    for i, char in enumerate(blank_strings(text, comment)):
        if char in OPENERS:
            depth += 1
        elif char in PAIRS:
            depth -= 1
            if depth < -allowed:
                head = text[:i]
                if "\n" not in head and ctx.line_suffix.strip():
                    return text  # closers already on the cursor line: the overlap stage decides
                return head if ctx.line_suffix.strip() else head.rstrip()
    return text
