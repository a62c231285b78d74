"""Request bodies as UTF-8 JSON bytes; a FIM prompt is assembled from its recurring pieces.

A prompt is about 10 KB of document blocks and snippets that mostly recur from one request to
the next. Escaping and encoding it whole on every request is work the previous request already
did, so each recurring piece's escaped bytes are cached and the body is their concatenation.
JSON escaping is per character, so the pieces' escaped forms joined are the whole prompt's.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from deepseek_lsp.api.types import FimRequest

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# Unique in a body: inside a JSON string every quote is escaped, so `"prompt":""` can only be
# the key and its (emptied) value.
_EMPTY_PROMPT = b'"prompt":""'
_EMPTY_SUFFIX = b'"suffix":""'
_STRING = json.encoder.encode_basestring  # what the encoder above uses for every str
PIECES_CACHED = 2048  # document blocks are ~1 KB: a few MB at most


def json_body(body: dict[str, Any]) -> bytes:
    """The request body as UTF-8 JSON; a lone surrogate (an editor's broken text) becomes U+FFFD.

    httpx's `json=` encodes with `str.encode("utf-8")`, which raises UnicodeEncodeError on one.
    Encoding first and replacing only on that error keeps the common case at 0.2 µs instead of
    a regular-expression pass over the whole prompt (80 µs for 12 KB).
    """
    return _utf8(_ENCODE(body))


def fim_body(req: FimRequest, model: str) -> bytes:
    """`json_body(req.body(model))`, byte for byte, with the prompt built from `req.pieces`."""
    frame = _frame(model, req.max_tokens, req.temperature, req.stop) if req.pieces else None
    if frame is None:
        return json_body(req.body(model))
    head, middle, tail = frame
    *recurring, last = req.pieces  # the cursor line changes with every keystroke: not cached
    return b"".join(
        (
            head,
            *map(_escaped_piece, recurring),
            _escaped(last),
            middle,
            _utf8(_STRING(req.suffix)),
            tail,
        )
    )


@functools.lru_cache(maxsize=16, typed=True)  # typed: 0 and 0.0 encode differently
def _frame(
    model: str, max_tokens: int, temperature: float, stop: tuple[str, ...]
) -> tuple[bytes, bytes, bytes] | None:
    """The body around the prompt's text and the suffix, which are all that vary per cursor.

    Made by `json_body` itself with both emptied, so every other field is encoded as it would
    be; None if the body does not have the shape this relies on (prompt, then suffix).
    """
    body = json_body(FimRequest(model, "", "", max_tokens, temperature, stop).body(model))
    head, found, rest = body.partition(_EMPTY_PROMPT)
    middle, found_suffix, tail = rest.partition(_EMPTY_SUFFIX)
    if not found or not found_suffix or middle != b",":
        return None
    return head + b'"prompt":"', b'","suffix":', tail


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text).encode("utf-8")


def _escaped(text: str) -> bytes:
    """`text` as the inside of a JSON string, UTF-8 (what `json_body` makes of it)."""
    return _utf8(_STRING(text)[1:-1])


def remember_prompt_piece(piece: str) -> None:
    """Encode a prompt piece ahead of the request that will send it (see `FimRequest.pieces`).

    For text prepared while nobody waits (a document's blocks, `completion/warmup.py`), so that
    a request at a cursor not served before finds its blocks' wire form cached too.
    """
    _escaped_piece(piece)


@functools.lru_cache(maxsize=PIECES_CACHED)
def _escaped_piece(piece: str) -> bytes:
    """`_escaped` of a piece that recurs; a str caches its hash, so a hit costs one lookup."""
    return _escaped(piece)
