"""Turn a chat model's reply into code that fits where it goes.

Models wrap code in fences (or not), indent it as they please and sometimes repeat the lines around
the target. This module takes the code out of the reply, re-bases its indentation on the target's,
reduces a replacement to the lines that really changed so an edit does not rewrite the rest, and
builds the text edits (on a snapshot of the document's lines).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from deepseek_lsp.engine.privacy import redact

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n`]*$")


def extract_code(reply: str) -> str:
    """The largest fenced code block of `reply` (``` or ~~~), else the whole reply, trimmed.

    An opening fence that is never closed (a reply cut off by `max_tokens`) runs to the end.
    Leading and trailing blank lines are dropped; inner blank lines are kept.
    """
    blocks = _fenced_blocks(reply.splitlines())
    lines = max(blocks, key=len) if blocks else reply.splitlines()
    return "\n".join(strip_blank_edges(lines))


def _fenced_blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    fence: str | None = None
    current: list[str] = []
    for line in lines:
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence, current = match.group(1), []
            continue
        closing = match is not None and line.strip() == line.strip()[0] * len(line.strip())
        if closing and line.strip().startswith(fence):
            blocks.append(current)
            fence = None
        else:
            current.append(line)
    if fence is not None and current:
        blocks.append(current)
    return blocks


def strip_blank_edges(lines: Sequence[str]) -> list[str]:
    """`lines` without leading and trailing blank (whitespace-only) lines."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return list(lines[start:end])


def leading_whitespace(line: str) -> str:
    """The run of spaces and tabs that starts `line`."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def indent_unit(lines: Sequence[str]) -> str:
    """The file's indentation step: a tab, or the smallest space indent seen (default 4 spaces)."""
    widths = []
    for line in lines:
        lead = leading_whitespace(line)
        if not line.strip() or not lead:
            continue
        if lead.startswith("\t"):
            return "\t"
        widths.append(len(lead))
    return " " * min(widths) if widths else "    "


def common_indent(lines: Sequence[str]) -> str:
    """The leading whitespace shared by every non-blank line."""
    leads = [leading_whitespace(line) for line in lines if line.strip()]
    common = leads[0] if leads else ""
    for lead in leads[1:]:
        while not lead.startswith(common):
            common = common[:-1]
    return common


def dedent_lines(lines: Sequence[str]) -> list[str]:
    """`lines` without their common leading whitespace (blank lines become empty)."""
    width = len(common_indent(lines))
    return [line[width:] if line.strip() else "" for line in lines]


def rebase_indent(code: str, indent: str, unit: str | None = None) -> list[str]:
    """Lines of `code` dedented, converted to the file's `unit` (tab or spaces), then `indent`ed.

    `unit` is the file's indentation step (see `indent_unit`); when given, a reply indented with
    spaces goes into a tab-indented file with tabs, and the other way round.
    """
    lines = dedent_lines(strip_blank_edges(code.splitlines()))
    if unit is not None:
        lines = _convert_unit(lines, unit)
    return [indent + line if line else "" for line in lines]


def _convert_unit(lines: list[str], unit: str) -> list[str]:
    reply_unit = indent_unit(lines)
    if reply_unit == unit:
        return lines
    converted = []
    for line in lines:
        lead = leading_whitespace(line)
        if reply_unit == "\t":
            depth = lead.count("\t")
            rest = lead.replace("\t", "")
        else:
            spaces = lead.expandtabs(len(reply_unit))
            depth, extra = divmod(len(spaces), len(reply_unit))
            rest = " " * extra
        converted.append(unit * depth + rest + line[len(lead) :])
    return converted


def minimal_edit(old_lines: Sequence[str], new_lines: Sequence[str]) -> tuple[int, int, list[str]]:
    """The smallest replacement turning `old_lines` into `new_lines`.

    Returns `(start, end, replacement)`: `old_lines[start:end]` is to be replaced by `replacement`
    (indices into `old_lines`, `end` exclusive). Common leading and trailing lines are left alone.
    """
    start = 0
    limit = min(len(old_lines), len(new_lines))
    while start < limit and old_lines[start] == new_lines[start]:
        start += 1
    old_end, new_end = len(old_lines), len(new_lines)
    while old_end > start and new_end > start and old_lines[old_end - 1] == new_lines[new_end - 1]:
        old_end -= 1
        new_end -= 1
    return start, old_end, list(new_lines[start:new_end])


def restore_redacted(new_lines: Sequence[str], old_lines: Sequence[str]) -> list[str]:
    """`new_lines` with each line the model echoed in redacted form put back as it was.

    Prompts are sent with credentials replaced by placeholders; an edit must not write the
    placeholder over the user's real value.
    """
    originals = {}
    for line in old_lines:
        redacted = redact(line)
        if redacted.count:
            originals.setdefault(redacted.text.strip(), line)
    if not originals:
        return list(new_lines)
    restored = []
    for line in new_lines:
        original = originals.get(line.strip())
        restored.append(leading_whitespace(line) + original.lstrip(" \t") if original else line)
    return restored


# --- edits on a snapshot of the document's lines (code-point positions) ------------------------

Position = tuple[int, int]


@dataclass(frozen=True)
class TextEdit:
    """Replace `start`..`end` (code-point positions) of the document `uri` with `new_text`."""

    uri: str
    start: Position
    end: Position
    new_text: str


def insert_lines(
    uri: str, lines: Sequence[str], at: int, new_lines: Sequence[str], eol: str = "\n"
) -> TextEdit:
    """Insert `new_lines` before line `at` (at the end when `at` is past the last line)."""
    if at < len(lines):
        return TextEdit(uri, (at, 0), (at, 0), "".join(line + eol for line in new_lines))
    last = len(lines) - 1
    end = (last, len(lines[last]))
    if lines[last] == "":  # the text ends with a line break: add lines before the empty last one
        return TextEdit(uri, (last, 0), (last, 0), "".join(line + eol for line in new_lines))
    return TextEdit(uri, end, end, "".join(eol + line for line in new_lines))


def replace_lines(
    uri: str, lines: Sequence[str], start: int, end: int, new_lines: Sequence[str], eol: str = "\n"
) -> TextEdit:
    """Replace lines `start`..`end` (exclusive) with `new_lines`."""
    if start == end:
        return insert_lines(uri, lines, start, new_lines, eol)
    if end < len(lines):
        return TextEdit(uri, (start, 0), (end, 0), "".join(line + eol for line in new_lines))
    last = (end - 1, len(lines[end - 1]))
    if not new_lines and start > 0:  # deleting through the end: take the break before too
        return TextEdit(uri, (start - 1, len(lines[start - 1])), last, "")
    return TextEdit(uri, (start, 0), last, eol.join(new_lines))


def rewrite_edit(
    uri: str, lines: Sequence[str], first: int, last: int, code: str, eol: str = "\n"
) -> TextEdit | None:
    """The edit replacing lines `first..last` with `code` (re-indented), changed lines only.

    None when the code is the same as those lines.
    """
    first, last = _widen_to_echoed_context(lines, first, last, code)
    old = lines[first : last + 1]
    new = rebase_indent(code, common_indent(old), indent_unit(lines))
    start, end, replacement = minimal_edit(old, restore_redacted(new, old))
    if start == end and not replacement:
        return None
    return replace_lines(uri, lines, first + start, first + end, replacement, eol)


def _widen_to_echoed_context(
    lines: Sequence[str], first: int, last: int, code: str
) -> tuple[int, int]:
    """Models often repeat a line or two around the target (the `def` above a fixed line).

    When the reply's first or last lines equal the lines just outside the target, widen the
    target to cover them, so they replace themselves instead of being inserted twice.
    """
    reply = [line.strip() for line in strip_blank_edges(code.split("\n"))]
    extra = len(reply) - (last - first + 1)
    if extra <= 0:
        return first, last
    for n in range(min(extra, first), 0, -1):
        if reply[:n] == [line.strip() for line in lines[first - n : first]]:
            first, extra = first - n, extra - n
            break
    for n in range(min(extra, len(lines) - 1 - last), 0, -1):
        if reply[-n:] == [line.strip() for line in lines[last + 1 : last + 1 + n]]:
            last += n
            break
    return first, last
