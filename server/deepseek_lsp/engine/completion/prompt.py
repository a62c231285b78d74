"""The FIM prompt for a cursor: what text goes before it, what after, and what kind of answer.

Layout is stable-first, so consecutive requests share a long common prefix (DeepSeek bills a
cached prefix at a fiftieth): a path header in the file's comment syntax, then snippets from other
files in a fixed order, then the document window before the cursor, whose first line is snapped to
a multiple of `PREFIX_LINE_QUANTUM` so it does not move with every keystroke. The prompt ends
exactly at the cursor and the suffix starts exactly after it.

Columns are code points (see `Document.to_code_points`). Budgets are in tokens at
`CHARS_PER_TOKEN` characters each.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from deepseek_lsp.engine.completion.indent_unit import window_indent_unit
from deepseek_lsp.engine.completion.multiline import is_multiline
from deepseek_lsp.engine.document import BLOCK_LINES, Document, Position, split_lines
from deepseek_lsp.engine.languages import Language, get_language, language_for

CHARS_PER_TOKEN = 3
PREFIX_LINE_QUANTUM = BLOCK_LINES
SNIPPET_SHARE = 0.25  # at most this part of the prompt budget goes to other files
DEFAULT_BUDGET_TOKENS = 1536
DEFAULT_SUFFIX_TOKENS = 384
TAB_INDENTED_LANGUAGES = frozenset({"go", "makefile"})


@dataclass(frozen=True)
class Snippet:
    """Text from another file worth showing the model, with its workspace-relative path."""

    path: str
    text: str
    source: str = ""  # "definitions" | "similar" | "" (said in --show-prompt)


@dataclass(frozen=True)
class FimContext:
    """One FIM request's prompt and suffix, plus what postprocessing needs to know."""

    prompt: str
    suffix: str
    multiline: bool
    indent: str  # leading whitespace of the cursor line
    language: str
    prefix_start_line: int  # first document line in the prompt
    cursor: Position = (0, 0)  # code points
    line_prefix: str = ""  # cursor line before the cursor
    line_suffix: str = ""  # cursor line after the cursor
    at_line_end: bool = True  # only whitespace after the cursor on its line
    indent_blocks: bool = False  # blocks end by dedenting (Python, YAML, Haskell)
    eol: str = "\n"  # the document's line ending
    local_prefix_start: int = 0  # where the document text starts inside `prompt`
    snippets: tuple[Snippet, ...] = ()  # the cross-file snippets that fit, in prompt order
    pieces: tuple[str, ...] = ()  # `prompt` in line-aligned parts that recur (redaction's cache)

    @property
    def local_prefix(self) -> str:
        """The document text in the prompt (header and snippets left out)."""
        return self.prompt[self.local_prefix_start :]

    @functools.cached_property
    def indent_unit(self) -> str:
        """One indentation level as the window writes it; "" when unknown.

        Only postprocessing reads it, so it is worked out while the request is in flight
        (`Prepared.ready_answer`) instead of before it is sent: ~70 µs at a new cursor, cold.
        """
        window = self.pieces[1 + len(self.snippets) :]  # after the header and the snippets
        return window_indent_unit(window) or _default_indent_unit(self.language)

    @functools.cached_property
    def close_allowance(self) -> int:
        """How many closers a multi-line answer may write before it closes the cursor's block.

        What the document window leaves open and the suffix does not close; like `indent_unit`
        it is worked out while the request is in flight (`Prepared.ready_answer`).
        """
        # postprocess imports this module: imported here, not at the top
        from deepseek_lsp.engine.completion.postprocess.brackets import close_allowance

        lang = get_language(self.language)
        comment = lang.line_comment if lang else None
        return close_allowance(self.local_prefix, self.suffix, comment)


def build_fim_context(
    doc: Document,
    pos: Position,
    *,
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
    suffix_tokens: int = DEFAULT_SUFFIX_TOKENS,
    workspace_relpath: str | None = None,
    snippets: Sequence[Snippet] = (),
    context_tokens: int | None = None,
) -> FimContext:
    """The FIM prompt and suffix for the code-point position `pos` in `doc`."""
    lang = language_for(doc.uri, doc.language_id)
    line, column = doc.clamp(pos)
    content = doc.line(line)
    indent = _LEAD_SPACE.match(content).group()  # type: ignore[union-attr]
    # A huge line (minified, generated) is looked at only near the cursor.
    line_prefix = content[max(0, column - MAX_LINE_WINDOW) : column]
    line_suffix = content[column : column + MAX_LINE_WINDOW]
    budget = max(budget_tokens, 1) * CHARS_PER_TOKEN
    header = _header(lang, workspace_relpath)
    rendered = _render_all(lang, snippets)
    if context_tokens is None:  # one budget shared by the snippets and the document
        reserve = min(sum(map(len, [text for _, text in rendered])), int(budget * SNIPPET_SHARE))
        pieces, start_line = _prefix_pieces(doc, (line, column), budget - len(header) - reserve)
        window = sum(map(len, pieces))
        kept = _fit(rendered, budget - len(header) - window)
    else:  # cross-file context has its own budget; the document window keeps all of its own
        pieces, start_line = _prefix_pieces(doc, (line, column), budget - len(header))
        window = sum(map(len, pieces))
        kept = _fit(rendered, max(context_tokens, 0) * CHARS_PER_TOKEN)
    context = [text for _, text in kept]
    prompt = "".join((header, *context, *pieces))  # one copy of the window, not two
    return FimContext(
        prompt=prompt,
        suffix=suffix_window(doc, (line, column), max(suffix_tokens, 0) * CHARS_PER_TOKEN),
        multiline=is_multiline(doc, (line, column), lang, line_prefix, line_suffix),
        indent=indent,
        language=lang.id,
        prefix_start_line=start_line,
        cursor=(line, column),
        line_prefix=line_prefix,
        line_suffix=line_suffix,
        at_line_end=not line_suffix.strip(),
        indent_blocks=lang.indent_blocks,
        eol=doc.line_ending(line) or doc.line_ending(line - 1) or "\n",
        local_prefix_start=len(prompt) - window,
        snippets=tuple([snippet for snippet, _ in kept]),
        pieces=(header, *context, *pieces),
    )


def prefix_window(doc: Document, pos: Position, max_chars: int) -> tuple[str, int]:
    """Whole lines before the cursor within `max_chars`, first line snapped to the quantum."""
    pieces, start = _prefix_pieces(doc, pos, max_chars)
    return "".join(pieces), start


def _prefix_pieces(doc: Document, pos: Position, max_chars: int) -> tuple[list[str], int]:
    """`prefix_window` as blocks of `PREFIX_LINE_QUANTUM` lines, then the cursor line's start.

    The blocks repeat from request to request (the window starts on a block boundary), which
    lets redaction cache them whole (`privacy.redact_pieces`).
    """
    line, column = pos
    current = doc.line(line)[max(0, column - max(max_chars, 0) - 1) : column]
    if len(current) >= max_chars:
        return [current[len(current) - max(max_chars, 0) :]], line  # one huge line: cut it
    first = doc.first_line_within(line, max_chars - len(current))
    start = first
    if first > 0:
        snapped = -(-first // PREFIX_LINE_QUANTUM) * PREFIX_LINE_QUANTUM
        start = snapped if snapped <= line else first
    return [*window_blocks(doc, start, line), current], start


def window_blocks(doc: Document, start: int, line: int) -> list[str]:
    """Lines `start`..`line` in pieces that end on block boundaries.

    Whole blocks come from the document's block cache.
    """
    pieces, block = [], start
    while block < line:
        end = min((block // BLOCK_LINES + 1) * BLOCK_LINES, line)
        if end - block == BLOCK_LINES:
            pieces.append(doc.block_text(block // BLOCK_LINES))
        else:
            pieces.append("".join(doc.raw_lines(block, end)))
        block = end
    return pieces


def suffix_window(doc: Document, pos: Position, max_chars: int) -> str:
    """The rest of the cursor line, then whole lines, within `max_chars`."""
    line, column = pos
    text = doc.raw_line(line)[column : column + max_chars + 1]
    if len(text) >= max_chars or line + 1 >= doc.line_count:
        return text[:max_chars]
    last = doc.last_line_within(line + 1, max_chars - len(text))
    return text + "".join(doc.raw_lines(line + 1, last))


MAX_LINE_WINDOW = 16_384
_LEAD_SPACE = re.compile(r"[ \t]*")


def _default_indent_unit(language: str) -> str:
    """The indentation a language insists on, when the file shows none yet."""
    return "\t" if language in TAB_INDENTED_LANGUAGES else ""


def _header(lang: Language, relpath: str | None) -> str:
    """`# Path: src/app.py` in the file's comment syntax ("" without a path or comments)."""
    if not relpath:
        return ""
    comment = lang.comment(f"Path: {relpath}")
    return comment + "\n" if comment else ""


_last_rendered: list[object] = []  # [snippets, comment syntax, their rendering]


def _render_all(lang: Language, snippets: Sequence[Snippet]) -> list[tuple[Snippet, str]]:
    """Each snippet with its comment text, the last tuple's remembered by identity.

    The context's packing hands the same tuple back at every cursor that needs the same
    definitions; looking each up again was 16 hashes and lookups, ~35 µs cold.
    """
    syntax = (lang.line_comment, lang.block_comment)
    memo = _last_rendered
    if memo and memo[0] is snippets and memo[1] == syntax:
        return memo[2]  # type: ignore[return-value]
    line, block = syntax  # each looked up by its strings with no Python call on a hit
    rendered = [
        (s, text) for s in snippets if (text := _rendered(line, block, s.path, s.text, s.source))
    ]
    if type(snippets) is tuple:  # immutable: safe to know again by identity
        memo[:] = [snippets, syntax, rendered]
    return rendered


@functools.lru_cache(maxsize=256)
def _rendered(
    line_comment: str | None,
    block_comment: tuple[str, str] | None,
    path: str,
    text: str,
    source: str,
) -> str:
    """Another file's text as a comment, so the prompt stays valid code (remembered).

    The same definitions come back cursor after cursor: commenting their lines one by one was
    most of a new cursor's prompt (0.3 ms, cold). Keyed by the snippet's strings, whose hashes
    are cached, not by the snippet: its generated `__hash__` and `__eq__` ran as Python for
    each of a prompt's ~16 snippets.
    """
    title = (
        f"Definitions in {path}:"
        if source == "definitions"
        else f"Compare this snippet from {path}:"
    )
    body = [line.rstrip("\r\n") for line in split_lines(text.rstrip("\r\n"))]
    if line_comment:
        return "".join(f"{line_comment} {line}".rstrip() + "\n" for line in [title, *body])
    if block_comment:
        opener, closer = block_comment
        text = "\n".join(body).replace(closer, f"{closer[0]} {closer[1:]}")
        return f"{opener} {title}\n{text}\n{closer}\n"
    return ""


def _fit(rendered: Sequence[tuple[Snippet, str]], max_chars: int) -> list[tuple[Snippet, str]]:
    """Snippets in their given order, skipping any that no longer fit."""
    kept: list[tuple[Snippet, str]] = []
    size = 0
    for snippet, text in rendered:
        if size + len(text) <= max_chars:
            kept.append((snippet, text))
            size += len(text)
    return kept
