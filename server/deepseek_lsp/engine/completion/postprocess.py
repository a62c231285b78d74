r"""What the model wrote, made fit to show as ghost text at the cursor.

Every filter has the signature `(text, ctx) -> text` and they run in the one chain `FILTERS`;
an empty result means "show nothing". Filters work on "\n" line breaks; the last one puts the
document's own line ending back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from deepseek_lsp.engine.completion.prompt import FimContext
from deepseek_lsp.engine.document import split_lines
from deepseek_lsp.engine.languages import get_language

Filter = Callable[[str, FimContext], str]

MAX_LOOP_PERIOD = 4  # longest run of lines recognised as a repetition loop
MIN_LOOP_COPIES = 3
_PAIRS = {")": "(", "]": "[", "}": "{"}
_OPENERS = "([{"
_QUOTES = "\"'`"
_CLOSERS_AND_QUOTES = ")]}" + _QUOTES + " \t;,"
_STRING = re.compile(r""""(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`""")


def stop_sequences(ctx: FimContext) -> tuple[str, ...]:
    """Stop strings for the request: one line is all a single-line suggestion may use."""
    return () if ctx.multiline else ("\n",)


def postprocess(text: str, ctx: FimContext) -> str:
    """Run every filter in order; "" as soon as one drops the suggestion."""
    for step in FILTERS:
        text = step(text, ctx)
        if not text:
            return ""
    return text


def normalize_newlines(text: str, ctx: FimContext) -> str:
    r"""Use "\n" inside the chain, whatever the model or the file uses."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def keep_first_line(text: str, ctx: FimContext) -> str:
    """Single-line mode shows the first line only."""
    return text if ctx.multiline else text.split("\n", 1)[0]


def strip_trailing_whitespace(text: str, ctx: FimContext) -> str:
    """No trailing blanks on lines; at the end of a line, no trailing blank lines either.

    Before text on the cursor line, the end is kept: "a + " before `x`, or a line break that
    puts an existing `}` on its own line.
    """
    lines = text.split("\n")
    if ctx.at_line_end:
        return "\n".join(line.rstrip() for line in lines).rstrip("\n")
    return "\n".join([*(line.rstrip() for line in lines[:-1]), lines[-1]])


def drop_repetition(text: str, ctx: FimContext) -> str:
    """Cut a loop of the same line (or few lines) repeated to the end of the text."""
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]  # a first line has no indentation of its own
    starts = [(_loop_start(stripped, p), p) for p in range(1, MAX_LOOP_PERIOD + 1)]
    found = [(start, period) for start, period in starts if start is not None]
    if not found:
        return text
    start, period = min(found)
    return "\n".join(lines[: start + period])


def fix_indentation(text: str, ctx: FimContext) -> str:
    """Indent with the file's tabs or spaces, and don't indent twice at an indented cursor."""
    lines = text.split("\n")
    if ctx.indent_unit:
        lines = [_restyle_indent(line, ctx.indent_unit) for line in lines]
    if ctx.line_prefix and not ctx.line_prefix.strip():
        lines[0] = _rebase_first_line(lines, ctx)
    return "\n".join(lines)


def stop_at_block_end(text: str, ctx: FimContext) -> str:
    """Multi-line suggestions end with the block the cursor is in."""
    if not ctx.multiline:
        return text
    lines = text.split("\n")
    cut = _dedent_cut(lines, ctx)
    text = "\n".join(lines[:cut]).rstrip() if cut < len(lines) else text
    return text if ctx.indent_blocks else _bracket_cut(text, ctx)


def trim_suffix_overlap(text: str, ctx: FimContext) -> str:
    """Drop what the suffix already has: its next lines, or closers after the cursor."""
    text = _trim_repeated_lines(text, ctx)
    rest = ctx.line_suffix.lstrip()
    if not rest:
        return text
    if rest.strip(_CLOSERS_AND_QUOTES):  # real text follows: did the model rewrite it?
        for copy in (ctx.line_suffix.rstrip(), rest.rstrip()):
            if text.endswith(copy):
                return text[: len(text) - len(copy)]
    for n in range(min(_unmatched_tail(text), len(rest)), 0, -1):
        if text.endswith(rest[:n]):
            return text[:-n]
    return text


def drop_empty(text: str, ctx: FimContext) -> str:
    """Nothing but whitespace is nothing."""
    return text if text.strip() else ""


def restore_line_endings(text: str, ctx: FimContext) -> str:
    """Write line breaks the way the document does."""
    return text.replace("\n", ctx.eol) if ctx.eol != "\n" else text


FILTERS: tuple[Filter, ...] = (
    normalize_newlines,
    keep_first_line,
    strip_trailing_whitespace,
    drop_repetition,
    fix_indentation,
    stop_at_block_end,
    trim_suffix_overlap,
    drop_empty,
    restore_line_endings,
)


# -- helpers -----------------------------------------------------------------------------------


def _lead(line: str) -> str:
    """Leading blanks of a line."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def _width(whitespace: str) -> int:
    """Columns taken by leading whitespace (tabs as 4)."""
    return len(whitespace.expandtabs(4))


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


def _restyle_indent(line: str, unit: str) -> str:
    """Re-write a line's leading whitespace in the file's style."""
    lead = _lead(line)
    if unit == "\t" and " " in lead:
        width = _width(lead)
        return "\t" * (width // 4) + " " * (width % 4) + line[len(lead) :]
    if unit != "\t" and "\t" in lead:
        return lead.replace("\t", unit) + line[len(lead) :]
    return line


def _rebase_first_line(lines: list[str], ctx: FimContext) -> str:
    """The first line without indentation the cursor's own column already provides."""
    first = lines[0]
    lead = _lead(first)
    cursor = _width(ctx.line_prefix)
    if not lead:
        return first
    following = [line for line in lines[1:] if line.strip()]
    if not following:
        doubled = _width(lead) == cursor
    else:
        doubled = _width(_lead(following[0])) <= cursor and first.lstrip()[:1] not in _PAIRS
    return first[len(lead) :] if doubled else first


def _dedent_cut(lines: list[str], ctx: FimContext) -> int:
    """Index of the first line that dedents below the block body the suggestion writes."""
    fresh_first = not ctx.line_prefix.strip()
    body: int | None = None
    for i, line in enumerate(lines):
        absolute = ctx.line_prefix + line if i == 0 else line
        if not line.strip() or (i == 0 and not fresh_first):
            continue
        width = _width(_lead(absolute))
        if body is None:
            body = width
        elif width < body and (ctx.indent_blocks or line.lstrip()[:1] not in _PAIRS):
            return i
    return len(lines)


def _bracket_cut(text: str, ctx: FimContext) -> str:
    """Cut before a closer that closes more than the suffix leaves open."""
    lang = get_language(ctx.language)
    comment = lang.line_comment if lang else None
    allowed = max(0, _open_count(ctx.local_prefix, comment) - _close_count(ctx.suffix, comment))
    depth = 0
    for i, char in enumerate(_blank_strings(text, comment)):
        if char in _OPENERS:
            depth += 1
        elif char in _PAIRS:
            depth -= 1
            if depth < -allowed:
                head = text[:i]
                return head if ctx.line_suffix.strip() else head.rstrip()
    return text


def _blank_strings(text: str, comment: str | None) -> str:
    """`text` with string literals and line comments replaced by spaces (same length)."""
    text = _STRING.sub(lambda m: " " * len(m.group()), text)
    if comment:
        pattern = re.escape(comment) + r"[^\n]*"
        text = re.sub(pattern, lambda m: " " * len(m.group()), text)
    return text


def _open_count(text: str, comment: str | None) -> int:
    """Brackets opened in `text` and not closed in it."""
    stack: list[str] = []
    for char in _blank_strings(text, comment):
        if char in _OPENERS:
            stack.append(char)
        elif char in _PAIRS and stack and stack[-1] == _PAIRS[char]:
            stack.pop()
    return len(stack)


def _close_count(text: str, comment: str | None) -> int:
    """Brackets `text` closes that it did not open itself."""
    depth = lowest = 0
    for char in _blank_strings(text, comment):
        if char in _OPENERS:
            depth += 1
        elif char in _PAIRS:
            depth -= 1
            lowest = min(lowest, depth)
    return -lowest


def _unmatched_tail(text: str) -> int:
    """How many trailing characters of `text` are closers or quotes it never opened."""
    unmatched: set[int] = set()
    stack: list[int] = []
    for i, char in enumerate(text):
        if char in _OPENERS:
            stack.append(i)
        elif char in _PAIRS:
            if stack and text[stack[-1]] == _PAIRS[char]:
                stack.pop()
            else:
                unmatched.add(i)
    for quote in _QUOTES:
        if text.count(quote) % 2:
            unmatched.add(text.rindex(quote))
    count = 0
    while count < len(text) and len(text) - 1 - count in unmatched:
        count += 1
    return count


def _trim_repeated_lines(text: str, ctx: FimContext) -> str:
    """Cut trailing lines that repeat the lines right after the cursor line."""
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    upcoming = [s.rstrip() for s in split_lines(ctx.suffix)[1:] if s.strip()]
    for i in range(1, len(lines)):
        tail = [s for s in lines[i:] if s.strip()]
        if tail and tail == upcoming[: len(tail)]:
            return "\n".join(lines[:i]).rstrip()
    return text
