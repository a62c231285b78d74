"""Indentation: the file's tabs or spaces, and no second indent at an indented cursor."""

from __future__ import annotations

from deepseek_lsp.engine.completion.postprocess.brackets import PAIRS
from deepseek_lsp.engine.completion.postprocess.draft import Draft
from deepseek_lsp.engine.completion.prompt import FimContext


def fix_indentation(draft: Draft, ctx: FimContext) -> Draft:
    """Indent with the file's tabs or spaces, and don't indent twice at an indented cursor."""
    lines = draft.text.split("\n")
    if ctx.indent_unit:
        lines = [_restyle_indent(line, ctx.indent_unit) for line in lines]
    if ctx.line_prefix and not ctx.line_prefix.strip():
        lines[0] = _rebase_first_line(lines, ctx)
    return draft.with_text("\n".join(lines))


def lead(line: str) -> str:
    """Leading blanks of a line."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def width(whitespace: str) -> int:
    """Columns taken by leading whitespace (tabs as 4)."""
    return len(whitespace.expandtabs(4))


def _restyle_indent(line: str, unit: str) -> str:
    """Re-write a line's leading whitespace in the file's style."""
    blanks = lead(line)
    if unit == "\t" and " " in blanks:
        columns = width(blanks)
        return "\t" * (columns // 4) + " " * (columns % 4) + line[len(blanks) :]
    if unit != "\t" and "\t" in blanks:
        return blanks.replace("\t", unit) + line[len(blanks) :]
    return line


def _rebase_first_line(lines: list[str], ctx: FimContext) -> str:
    """The first line without indentation the cursor's own column already provides."""
    first = lines[0]
    blanks = lead(first)
    cursor = width(ctx.line_prefix)
    if not blanks:
        return first
    following = [line for line in lines[1:] if line.strip()]
    if not following:
        doubled = width(blanks) == cursor
    else:
        doubled = width(lead(following[0])) <= cursor and first.lstrip()[:1] not in PAIRS
    return first[len(blanks) :] if doubled else first
