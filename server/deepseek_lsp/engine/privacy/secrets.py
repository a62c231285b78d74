"""Credentials inside prompt text, replaced before anything is sent.

`redact` replaces each credential with one fixed placeholder per kind (``REDACTED_GITHUB_TOKEN``):
an identifier that keeps the surrounding quotes and syntax valid, that a code model reads as a
placeholder, and that is the same for every run, so redacted prompts stay stable for DeepSeek's
prefix cache. A credential is a known shape (`shapes.RULES`) or a literal with enough entropy
assigned to a secret-looking name (`assignments`); words, identifiers, expressions, references
and placeholders are left alone, because redacting them shows the model broken code.

Redaction runs on every keystroke's prompt, and consecutive prompts share all but a line or two,
so results are cached per line (every rule but PEM blocks is line-local; text with a PEM header
is redacted whole). Not caught: a PEM body whose BEGIN line was cut off by the prompt window.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from deepseek_lsp.engine.privacy.assignments import Span, assignment_spans
from deepseek_lsp.engine.privacy.shapes import RULES

_CACHE_LINES = 20_000
_CACHE_CHARS = 4_000_000
# line -> (redacted line, kinds in order) for lines with a credential, None for clean lines
_cache: dict[str, tuple[str, tuple[str, ...]] | None] = {}
_cached_chars = 0
# a block of prompt lines -> its redaction (see `redact_pieces`); blocks are about 1 KB each
_CACHE_PIECES = 2_000
_pieces: dict[str, Redaction] = {}


@dataclass(frozen=True)
class Redaction:
    """Text with credentials replaced, how many, and their kinds (first seen first).

    From `redact_pieces`, also the redacted text in the pieces it was given (they join to `text`).
    """

    text: str
    count: int
    kinds: tuple[str, ...]
    pieces: tuple[str, ...] = field(default=(), compare=False)  # a view of `text`


def placeholder(kind: str) -> str:
    """The fixed text that replaces a credential of `kind`."""
    return "REDACTED_" + kind.upper().replace("-", "_")


def redact(text: str) -> Redaction:
    """Replace every credential found in `text` by its kind's placeholder."""
    if "PRIVATE KEY" in text:
        redacted, kinds = _replace(text, find_spans(text))
        return Redaction(redacted, len(kinds), tuple(dict.fromkeys(kinds)))
    lines = text.split("\n")
    missing = [line for line in dict.fromkeys(lines) if line not in _cache]
    if missing:
        _fill(missing)
    kinds: list[str] = []
    out: list[str] = []
    for line in lines:
        hit = _cache.get(line)
        if hit is None:
            out.append(line)
        else:
            out.append(hit[0])
            kinds += hit[1]
    if not kinds:
        return Redaction(text, 0, ())
    return Redaction("\n".join(out), len(kinds), tuple(dict.fromkeys(kinds)))


def redact_pieces(pieces: Sequence[str], text: str | None = None) -> Redaction:
    """`redact("".join(pieces))`, for pieces that each end at a line break (or end the text).

    Pass the joined `text` when the caller has it already. The result's `pieces` are the
    redacted pieces (the request body is assembled from them, see `api.body`).
    The prompt is built from blocks of lines that repeat from one request to the next, so each
    block's result is cached whole: a request at a new cursor looks up a dozen blocks instead of
    hundreds of lines. The unfinished line at the end changes with every keystroke and is not
    kept. PEM blocks may span pieces, so text with a PEM header is redacted whole.
    """
    if text is None:
        text = "".join(pieces)
    if "PRIVATE KEY" in text:
        whole = redact(text)
        return Redaction(whole.text, whole.count, whole.kinds, (whole.text,))
    count, kinds, out = 0, [], []
    for piece in pieces:
        done = _pieces.get(piece) or _redact_and_keep(piece)
        out.append(done.text)
        count += done.count
        kinds += done.kinds
    if not count:
        return Redaction(text, 0, (), tuple(out))
    return Redaction("".join(out), count, tuple(dict.fromkeys(kinds)), tuple(out))


def remember_piece(piece: str) -> str | None:
    """Redact a piece `redact_pieces` will be given later, so that it only looks it up then.

    For text prepared ahead of a request (a document's blocks, see `completion/warmup.py`).
    Returns the piece as `redact_pieces` will give it back, or None if it will not be cached.
    """
    if not piece.endswith("\n") or "PRIVATE KEY" in piece:
        return None
    return (_pieces.get(piece) or _redact_and_keep(piece)).text


def _redact_and_keep(piece: str) -> Redaction:
    """`redact(piece)`, kept if it ends a line: whole lines recur, the cursor's line does not."""
    done = redact(piece)
    if piece.endswith("\n"):
        if len(_pieces) >= _CACHE_PIECES:
            _pieces.clear()
        _pieces[piece] = done
    return done


def clear_cache() -> None:
    """Forget cached lines and pieces (the benchmark measures the uncached cost)."""
    global _cached_chars
    _cache.clear()
    _pieces.clear()
    _cached_chars = 0


def find_spans(text: str) -> list[Span]:
    """Every credential span in `text`, shaped ones first in priority."""
    spans: list[Span] = []
    for priority, rule in enumerate(RULES):
        if rule.triggers and not any(trigger in text for trigger in rule.triggers):
            continue
        for match in rule.regex.finditer(text):
            start = match.start()
            if rule.word and start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            group = "v" if "v" in rule.regex.groupindex else 0
            value = match.group(group)
            if "EXAMPLE" in value.upper():  # the sample keys in providers' documentation
                continue
            if rule.check is None or rule.check(value):
                spans.append((*match.span(group), priority, rule.kind_of(match)))
    return spans + assignment_spans(text, text.lower(), len(RULES))


def _replace(text: str, spans: list[Span]) -> tuple[str, list[str]]:
    """`text` with the spans replaced (the earliest, then highest priority, wins an overlap)."""
    pieces: list[str] = []
    kinds: list[str] = []
    position = 0
    for start, _priority, end, kind in sorted((s, p, e, k) for s, e, p, k in spans):
        if start < position:
            continue
        pieces += (text[position:start], placeholder(kind))
        kinds.append(kind)
        position = end
    pieces.append(text[position:])
    return "".join(pieces), kinds


def _fill(lines: list[str]) -> None:
    """Redact the uncached lines in one pass over their joined text and cache each result."""
    global _cached_chars
    joined = "\n".join(lines)
    spans = find_spans(joined)
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    per_line: dict[int, list[Span]] = {}
    for span in spans:
        index = bisect_right(starts, span[0]) - 1
        base = starts[index]
        per_line.setdefault(index, []).append((span[0] - base, span[1] - base, *span[2:]))
    if len(_cache) + len(lines) > _CACHE_LINES or _cached_chars + offset > _CACHE_CHARS:
        clear_cache()
    for index, line in enumerate(lines):
        found = per_line.get(index)
        if found is None:
            _cache[line] = None
        else:
            redacted, kinds = _replace(line, found)
            _cache[line] = (redacted, tuple(kinds))
    _cached_chars += offset
