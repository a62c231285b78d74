"""What one line of code names: its dotted names, and the types it gives variables.

Pure text functions, cached by line text where the lines above the cursor repeat from request
to request (see `definitions.nearby`).
"""

from __future__ import annotations

import functools
import re

_REFERENCE = re.compile(r"[A-Za-z_$][\w$]*(?:\s*(?:\.|::|->)\s*[A-Za-z_$][\w$]*)*")
_SPLIT = re.compile(r"\s*(?:\.|::|->)\s*")
# `v = Foo(`, `v: &mut Foo`, `v := &pkg.Foo{` (v, t) or `Foo<T>* v` (u, w), for any name: one
# pattern compiled once (compiling one per variable cost ~0.1 ms at a new cursor, cold).
_TYPED = re.compile(
    r"(?:(?<![\w$])(?P<v>[A-Za-z_]\w*)\s*"
    r"(?::\s*(?:&\s*(?:'\w+\s+)?(?:mut\s+)?|\*)?|=\s*(?:new\s+|await\s+)?|:=\s*&?|=\s*&)\s*"
    r"(?:[\w.]+\.|[\w:]+::)?(?P<t>[A-Z][\w]*)"
    r"|(?P<u>[A-Z]\w*)(?:<[^>]*>)?[*&\s]+(?P<w>[A-Za-z_]\w*)\b)"
)
_TYPING = re.compile(r"[\w$]+$")  # the word at the cursor is still being typed
_WORD = re.compile(r"[\w$]*")  # matched on the reversed line: the word being typed
_PLAIN = re.compile(r"[\w$.]*")  # a dotted name written without spaces, `::` or `->`


def current_references(current: str) -> tuple[str, ...]:
    """The dotted names before the cursor on its line, last first; not the word being typed."""
    if current.endswith("\n"):  # `$` matches before a last newline too (never, from a line)
        return references_in(_TYPING.sub("", current))
    return references_in(current[: len(current) - _WORD.match(current[::-1]).end()])


def references_in(line: str) -> tuple[str, ...]:
    """One line's dotted names, last first, spaced separators written as dots."""
    found = _REFERENCE.findall(line)
    found.reverse()
    return tuple(m if _PLAIN.fullmatch(m) else _SPLIT.sub(".", m) for m in found)


# the lines above repeat from request to request (the cursor's own line changes: not cached)
line_references = functools.lru_cache(maxsize=4096)(references_in)


@functools.lru_cache(maxsize=4096)
def line_types(line: str) -> tuple[tuple[str, str], ...]:
    """One line's (variable, type) pairs in order: the lines above repeat from cursor to cursor."""
    if line.lower() == line:  # no capital, so no type name: most lines, and a cheap test
        return ()
    pairs = []
    for part in line.split("\n"):
        for match in _TYPED.finditer(part):
            v = match.group("v")
            pairs.append((v, match.group("t")) if v else (match.group("w"), match.group("u")))
    return tuple(pairs)
