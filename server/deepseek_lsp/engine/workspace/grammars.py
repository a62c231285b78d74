"""Tree-sitter grammars, loaded on first use: importing a grammar costs start-up time.

Each grammar package bundles its compiled grammar (nothing is downloaded at run time). A
language whose package is missing simply has no outline; its files still serve similar snippets.

Parsing goes through `SlicedParser`: tree-sitter keeps the GIL for a whole parse, and its
callback form (`parse(read)`), which would let other threads run between chunks, leaks every
chunk the callback returns in py-tree-sitter 0.26 (measured: the whole source of every indexed
file, 20 MB for Django). So the text is parsed from bytes in growing slices instead, each
parse reusing the previous tree (tree-sitter's incremental parsing), with the GIL released
between slices: as short a hold as the callback gave, nothing leaked.
"""

from __future__ import annotations

import functools
import importlib
import threading
import time
from collections.abc import Callable
from typing import Any

_local = threading.local()  # a Parser is not safe to share between threads
SLICE_BYTES = 2048  # parsed per GIL hold (p99 0.8 ms of tree-sitter work, measured on Django)

# language id -> (module, function returning the grammar pointer)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "javascriptreact": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "typescriptreact": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "java": ("tree_sitter_java", "language"),
    "kotlin": ("tree_sitter_kotlin", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
}


def supported(language_id: str) -> bool:
    """Whether an outline can be made for this language id."""
    return language_id in _GRAMMARS


def parser_for(language_id: str) -> Any | None:
    """The calling thread's tree-sitter Parser for the language, or None without its grammar."""
    parsers = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    if language_id not in parsers:
        grammar = _grammar(language_id)
        if grammar is None:
            parsers[language_id] = None
        else:
            from tree_sitter import Parser

            parsers[language_id] = SlicedParser(Parser(grammar))
    return parsers[language_id]


class SlicedParser:
    """`tree_sitter.Parser.parse` for bytes or a read callable, without the callback's leak."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser

    def parse(self, source: bytes | Callable[[int, object], bytes]) -> Any:
        """The tree of `source`, parsed SLICE_BYTES more at a time."""
        data = source if isinstance(source, bytes) else _gather(source)
        view = memoryview(data)
        tree: Any = None
        done, at = 0, (0, 0)  # bytes parsed so far, and the (row, byte column) they end at
        while True:
            time.sleep(0)  # let the event loop's thread run before each slice
            end = min(done + SLICE_BYTES, len(data))
            text = data if end == len(data) else view[:end]  # the last tree keeps the bytes
            to = _advance(data, done, end, at)
            if tree is None:
                tree = self.parser.parse(text)
            else:
                tree.edit(
                    start_byte=done, old_end_byte=done, new_end_byte=end,
                    start_point=at, old_end_point=at, new_end_point=to,
                )  # fmt: skip
                tree = self.parser.parse(text, tree)
            if end == len(data):
                return tree
            done, at = end, to


def _advance(data: bytes, start: int, end: int, at: tuple[int, int]) -> tuple[int, int]:
    """The (row, byte column) of offset `end`, given `at`, that of `start`."""
    lines = data.count(b"\n", start, end)
    if not lines:
        return at[0], at[1] + end - start
    return at[0] + lines, end - data.rfind(b"\n", start, end) - 1


def _gather(read: Callable[[int, object], bytes]) -> bytes:
    """All the bytes a tree-sitter read callback gives, offset by offset."""
    parts: list[bytes] = []
    offset = 0
    while chunk := read(offset, None):
        parts.append(chunk)
        offset += len(chunk)
    return b"".join(parts)


@functools.cache
def _grammar(language_id: str) -> Any | None:
    if language_id not in _GRAMMARS:
        return None
    module_name, function = _GRAMMARS[language_id]
    try:
        from tree_sitter import Language

        module = importlib.import_module(module_name)
        return Language(getattr(module, function)())
    except (ImportError, AttributeError, ValueError):
        return None
