r"""The server's own text store: open documents as lists of lines, edited in place.

pygls' workspace document rebuilds the whole text on every keystroke and splits lines with
`str.splitlines`, which also breaks at form feed, U+2028 and friends; LSP lines end only at `\n`,
`\r\n` and `\r`. Here each line keeps its own ending, an edit re-splits only the lines it touches,
and columns are converted between the negotiated position encoding and code points one line at a
time.

Positions are `(line, character)` tuples. `apply_change`, `offset_at`, `position_at` and the
`*_client_*` helpers speak the client's encoding; everything else (`prefix`, `suffix`, the context
builder) takes code-point columns, which `to_code_points` produces.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from deepseek_lsp.engine.columns import Encoding, code_points_to_units, units_to_code_points

BLOCK_LINES = 32  # the unit of `block_text`; prompt windows start on these boundaries
Position = tuple[int, int]

_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


class UnknownDocument(KeyError):
    """A request named a document that was never opened (or was closed)."""


def split_lines(text: str) -> list[str]:
    """Split at LSP line breaks only, keeping endings; the last line never has one."""
    parts = _LINE_BREAK.split(text)
    lines = [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)]
    lines.append(parts[-1])
    return lines


def _content_length(line: str) -> int:
    """Length of a stored line without its ending."""
    if line.endswith("\r\n"):
        return len(line) - 2
    if line.endswith(("\n", "\r")):
        return len(line) - 1
    return len(line)


@dataclass(frozen=True)
class TextChange:
    """One entry of `didChange.contentChanges`; no range means the whole text."""

    text: str
    start: Position | None = None
    end: Position | None = None


class Document:
    """One open text document, as a list of lines that keep their endings."""

    def __init__(
        self, uri: str, text: str, version: int, language_id: str, encoding: Encoding = "utf-16"
    ) -> None:
        self.uri = uri
        self.version = version
        self.edits = 0  # edits applied: changes even when a client repeats a version number
        self.language_id = language_id
        self.encoding: Encoding = encoding
        self._lines = split_lines(text)
        self._text: str | None = text
        self._starts: list[int] = [0]  # code-point offset of each line start, valid prefix only
        self._blocks: list[str | None] = []  # `block_text` results, valid prefix only

    # -- reading -------------------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        """Number of lines; a text ending in a newline has an empty last line."""
        return len(self._lines)

    @property
    def text(self) -> str:
        """The whole text, joined once per edit."""
        if self._text is None:
            self._text = "".join(self._lines)
        return self._text

    def line(self, n: int) -> str:
        """Line `n` without its ending ("" past the end)."""
        if not 0 <= n < len(self._lines):
            return ""
        raw = self._lines[n]
        return raw[: _content_length(raw)]

    def raw_line(self, n: int) -> str:
        """Line `n` with its ending ("" past the end)."""
        return self._lines[n] if 0 <= n < len(self._lines) else ""

    def raw_lines(self, start: int, stop: int) -> list[str]:
        """Lines `start` to `stop` (exclusive) with their endings: one slice, no per-line calls."""
        return self._lines[max(start, 0) : max(stop, 0)]

    def first_line_within(self, line: int, max_chars: int) -> int:
        """The earliest line whose text up to the start of `line` is at most `max_chars` long.

        A binary search over line-start offsets: the prompt window costs the same on a 10-line
        file and a 100,000-line one (the offsets are kept from the last edit upward).
        """
        line = min(max(line, 0), len(self._lines) - 1)
        end = self._line_start(line)
        return bisect_left(self._starts, end - max(max_chars, 0), 0, line + 1)

    def last_line_within(self, line: int, max_chars: int) -> int:
        """The end (exclusive) of the most whole lines from `line` on within `max_chars`."""
        count = len(self._lines)
        if line >= count:
            return count
        line = max(line, 0)
        limit = self._line_start(line) + max(max_chars, 0)
        reach = min(count - 1, line + max(max_chars, 0) // 8 + 2)  # lines cost ~20 chars
        while True:
            self._line_start(reach)
            stop = bisect_right(self._starts, limit, line, reach + 1) - 1
            if stop < reach or reach == count - 1:
                break
            reach = min(count - 1, 2 * reach - line + 1)  # very short lines: look further
        if stop == count - 1 and self._starts[stop] + len(self._lines[stop]) <= limit:
            return count
        return stop

    def block_text(self, index: int) -> str:
        """Lines `index * BLOCK_LINES` up to the next block, joined with their endings.

        Kept until an edit at or above them: the prompt window is made of these blocks, and a
        block gathered once is one string instead of 32 lines scattered in memory, with its hash
        already computed for the caches keyed by it (redaction, indentation).
        """
        blocks = self._blocks
        if index < len(blocks):
            text = blocks[index]
            if text is not None:
                return text
        else:
            blocks.extend([None] * (index + 1 - len(blocks)))
        first = index * BLOCK_LINES
        text = blocks[index] = "".join(self._lines[first : first + BLOCK_LINES])
        return text

    def line_ending(self, n: int) -> str:
        r"""The ending of line `n`: "\n", "\r\n", "\r" or "" for the last line."""
        raw = self.raw_line(n)
        return raw[_content_length(raw) :]

    def clamp(self, pos: Position) -> Position:
        """A code-point position clamped into the document."""
        line, column = pos
        if line >= len(self._lines):
            line = len(self._lines) - 1
            column = len(self._lines[line])
        line = max(line, 0)
        return line, min(max(column, 0), _content_length(self._lines[line]))

    def to_code_points(self, pos: Position, encoding: Encoding | None = None) -> Position:
        """A client position as a clamped (line, code-point column)."""
        line, character = pos
        if line >= len(self._lines):
            last = len(self._lines) - 1
            return last, len(self.line(last))
        line = max(line, 0)
        enc = encoding or self.encoding
        return line, units_to_code_points(self.line(line), character, enc)

    def from_client_character(
        self, line: int, character: int, encoding: Encoding | None = None
    ) -> int:
        """Code-point column of a client column on `line`."""
        return units_to_code_points(self.line(line), character, encoding or self.encoding)

    def to_client_character(
        self, line: int, cp_index: int, encoding: Encoding | None = None
    ) -> int:
        """Client column of a code-point column on `line`."""
        return code_points_to_units(self.line(line), cp_index, encoding or self.encoding)

    def offset_at(self, pos: Position, encoding: Encoding | None = None) -> int:
        """Code-point offset into `text` of a client position."""
        line, column = self.to_code_points(pos, encoding)
        return self._line_start(line) + column

    def position_at(self, offset: int, encoding: Encoding | None = None) -> Position:
        """Client position of a code-point offset into `text` (clamped)."""
        starts = self._all_starts()
        offset = min(max(offset, 0), starts[-1] + len(self._lines[-1]))
        line = bisect_right(starts, offset) - 1
        column = min(offset - starts[line], _content_length(self._lines[line]))
        return line, self.to_client_character(line, column, encoding)

    def prefix(self, pos: Position, max_chars: int) -> str:
        """Up to `max_chars` of text before a code-point position, walking lines upward."""
        line, column = self.clamp(pos)
        parts = [self._lines[line][:column]]
        size = len(parts[0])
        while size < max_chars and line > 0:
            line -= 1
            parts.append(self._lines[line])
            size += len(self._lines[line])
        text = "".join(reversed(parts))
        return text[len(text) - max_chars :] if len(text) > max_chars else text

    def suffix(self, pos: Position, max_chars: int) -> str:
        """Up to `max_chars` of text after a code-point position, walking lines downward."""
        line, column = self.clamp(pos)
        parts = [self._lines[line][column:]]
        size = len(parts[0])
        while size < max_chars and line + 1 < len(self._lines):
            line += 1
            parts.append(self._lines[line])
            size += len(self._lines[line])
        return "".join(parts)[: max(max_chars, 0)]

    # -- editing -------------------------------------------------------------------------------

    def apply_change(
        self, start: Position | None, end: Position | None, new_text: str, version: int
    ) -> None:
        """Replace the range `start`..`end` (client encoding) with `new_text`; None = everything."""
        self.version = version
        self.edits += 1
        self._text = None
        if start is None or end is None:
            self._lines = split_lines(new_text)
            self._starts = [0]
            self._blocks = []
            return
        (first, first_col), (last, last_col) = sorted(
            (self.to_code_points(start), self.to_code_points(end))
        )
        # A "\r" ending the line above may pair with a "\n" the new text starts with.
        lo = first - 1 if first > 0 and self._lines[first - 1].endswith("\r") else first
        head = "".join(self._lines[lo:first]) + self._lines[first][:first_col]
        tail = self._lines[last][last_col:]
        replacement = split_lines(head + new_text + tail)
        if replacement[-1] == "" and last + 1 < len(self._lines):
            replacement.pop()  # the tail's ending was a line break: the next line follows as is
        self._lines[lo : last + 1] = replacement
        del self._starts[lo + 1 :]
        del self._blocks[lo // BLOCK_LINES :]

    def apply_changes(self, changes: Iterable[TextChange], version: int) -> None:
        """Apply `didChange` content changes in order."""
        for change in changes:
            self.apply_change(change.start, change.end, change.text, version)

    def with_inserted(self, pos: Position, text: str) -> Document:
        """A copy with `text` inserted at the code-point position `pos` (the next version).

        Copies the list of lines, not the lines: about 10 µs per 1,000 lines.
        """
        copy = Document.__new__(Document)
        copy.uri, copy.language_id, copy.encoding = self.uri, self.language_id, "utf-32"
        copy.version, copy.edits = self.version, self.edits
        copy._lines, copy._text, copy._starts = list(self._lines), None, [0]
        copy._blocks = list(self._blocks)  # the insert drops those at and below it
        copy.apply_change(pos, pos, text, self.version + 1)  # utf-32 columns are code points
        copy.encoding = self.encoding
        return copy

    # -- internals -----------------------------------------------------------------------------

    def _line_start(self, line: int) -> int:
        """Code-point offset of the start of `line`, extending the cache as needed."""
        starts = self._starts
        if line >= len(starts):
            known = len(starts) - 1
            lengths = map(len, self._lines[known:line])
            starts.extend(list(accumulate(lengths, initial=starts[-1]))[1:])
        return starts[line]

    def _all_starts(self) -> list[int]:
        """Start offsets of every line."""
        self._line_start(len(self._lines) - 1)
        return self._starts


class DocumentStore:
    """Open documents by URI, as `didOpen`/`didChange`/`didClose` leave them."""

    def __init__(self, encoding: Encoding = "utf-16") -> None:
        self.encoding: Encoding = encoding
        self._docs: dict[str, Document] = {}

    def open(self, uri: str, text: str, version: int, language_id: str) -> Document:
        """Start tracking a document (a second open replaces the first)."""
        doc = Document(uri, text, version, language_id, self.encoding)
        self._docs[uri] = doc
        return doc

    def change(self, uri: str, changes: Iterable[TextChange], version: int) -> Document:
        """Apply content changes to an open document."""
        doc = self.get(uri)
        doc.encoding = self.encoding
        doc.apply_changes(changes, version)
        return doc

    def close(self, uri: str) -> None:
        """Stop tracking a document; closing an unknown one is harmless."""
        self._docs.pop(uri, None)

    def get(self, uri: str) -> Document:
        """The open document for `uri`, or UnknownDocument."""
        try:
            return self._docs[uri]
        except KeyError:
            raise UnknownDocument(uri) from None

    def __contains__(self, uri: object) -> bool:
        return uri in self._docs

    def __iter__(self) -> Iterator[Document]:
        return iter(list(self._docs.values()))

    def __len__(self) -> int:
        return len(self._docs)
