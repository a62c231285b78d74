"""Context source "similar snippets": windows of other open documents that look like the cursor's.

As Copilot does: each recently used open document is cut into windows of `WINDOW` lines, each a
set of identifier tokens; the lines above the cursor make the query set; windows are ranked by
Jaccard similarity (|A & B| / |A | B|) and the best few above `THRESHOLD` are kept, at most one
per document. Window sets are computed once per document version; the current document is never
a source (its own text is in the prompt already).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

WINDOW = 20
STEP = 10
THRESHOLD = 0.15
MAX_SNIPPETS = 3
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]+")
_STOP = frozenset(
    {
        "if", "else", "for", "while", "return", "def", "class", "function", "const", "let",
        "var", "import", "from", "export", "in", "is", "not", "and", "or", "the", "self",
        "this", "true", "false", "none", "null", "new", "func", "fn", "pub", "use", "mut",
        "int", "str", "string", "void", "public", "private", "static", "struct", "type",
        "package", "async", "await",
    }
)  # fmt: skip


def tokens(text: str) -> frozenset[str]:
    """Identifier tokens of a text, minus keywords."""
    return frozenset(t for t in _TOKEN.findall(text) if t.lower() not in _STOP)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a & b| / |a | b|, 0 for two empty sets."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


@dataclass(frozen=True)
class Windows:
    """One document version's windows: (first line, token set)."""

    key: tuple[str, int]
    lines: tuple[str, ...]
    sets: tuple[tuple[int, frozenset[str]], ...]


def windows(uri: str, version: int, text: str) -> Windows:
    """Cut a document into overlapping windows of token sets."""
    lines = tuple(text.splitlines())
    starts = list(range(0, max(len(lines) - WINDOW, 0) + 1, STEP)) if lines else []
    if starts and starts[-1] + WINDOW < len(lines):
        starts.append(len(lines) - WINDOW)  # the last lines get a window too
    sets = tuple((s, tokens("\n".join(lines[s : s + WINDOW]))) for s in starts)
    return Windows((uri, version), lines, sets)


@dataclass(frozen=True)
class Match:
    """The best window of one document."""

    uri: str
    start: int
    score: float
    text: str


def best_windows(query: frozenset[str], docs: Sequence[Windows]) -> list[Match]:
    """The best window per document, above the threshold, best first, at most MAX_SNIPPETS."""
    matches = []
    for doc in docs:
        best = max(doc.sets, key=lambda item: jaccard(query, item[1]), default=None)
        if best is None:
            continue
        score = jaccard(query, best[1])
        if score >= THRESHOLD:
            text = "\n".join(doc.lines[best[0] : best[0] + WINDOW])
            matches.append(Match(doc.key[0], best[0], score, text))
    matches.sort(key=lambda m: (-m.score, m.uri))
    return matches[:MAX_SNIPPETS]
