"""Typed-ahead reuse: while the user types the start of the shown suggestion, show the rest.

Typing a character that the ghost text predicted must not cost a request (nor a debounce): the
remainder of the same suggestion is still right. Per document we keep the last suggestion with
its anchor, the tail of the text before the cursor and the head of the text after it when it was
made. Work per lookup is proportional to the anchor tail plus the suggestion, never to the
document.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX_TAIL_CHARS = 512
SUFFIX_HEAD_CHARS = 256
# At least this much of the remembered text before the cursor must still be seen, or we cannot
# tell that the typed text follows the anchor.
MIN_OVERLAP_CHARS = 64


@dataclass(frozen=True)
class _Anchor:
    prefix_tail: str
    whole_prefix: bool  # the tail is the whole text before the cursor (start of the document)
    suffix_head: str
    text: str


class TypedAhead:
    """The last suggestion per document, and what remains of it after matching keystrokes."""

    def __init__(
        self, prefix_chars: int = PREFIX_TAIL_CHARS, suffix_chars: int = SUFFIX_HEAD_CHARS
    ) -> None:
        self._prefix_chars = prefix_chars
        self._suffix_chars = suffix_chars
        self._anchors: dict[str, _Anchor] = {}

    def remember(self, uri: str, prefix: str, suffix: str, text: str) -> None:
        """Keep `text`, shown with `prefix` before the cursor and `suffix` after it."""
        if not text:
            self._anchors.pop(uri, None)
            return
        tail = prefix[-self._prefix_chars :]
        whole = len(prefix) < self._prefix_chars
        self._anchors[uri] = _Anchor(tail, whole, suffix[: self._suffix_chars], text)

    def lookup(self, uri: str, prefix: str, suffix: str, min_typed: int = 0) -> str | None:
        """The rest of the remembered suggestion if the user typed its start, else None.

        `prefix` and `suffix` are the text before and after the cursor now (tails and heads of
        any length; at least as long as the remembered ones for an exact comparison). None when
        the typed text diverges, the whole suggestion was typed, the cursor moved before the
        anchor, or the text after the cursor changed, or fewer than `min_typed`
        characters were typed.
        """
        anchor = self._anchors.get(uri)
        if anchor is None or suffix[: self._suffix_chars] != anchor.suffix_head:
            return None
        typed = _typed_length(anchor, prefix, self._prefix_chars)
        if typed is None or typed < min_typed:
            return None
        return anchor.text[typed:]

    def forget(self, uri: str) -> None:
        """Drop the document's suggestion (closed, or the suggestion was rejected)."""
        self._anchors.pop(uri, None)


def _typed_length(anchor: _Anchor, prefix: str, limit: int) -> int | None:
    """How many characters of the suggestion were typed since it was made, if the texts agree.

    The text before the cursor must be `anchor tail + text[:typed]`, for some `typed` shorter
    than the suggestion, as far as the caller's window onto it shows.
    """
    tail, text = anchor.prefix_tail, anchor.text
    if anchor.whole_prefix and len(prefix) < limit:
        typed = len(prefix) - len(tail)  # the document starts within reach: compare all of it
        ok = 0 <= typed < len(text) and prefix.startswith(tail) and prefix.endswith(text[:typed])
        return typed if ok else None
    window = prefix[-len(tail) :]
    if len(window) < len(tail):
        return None  # the cursor moved before the anchor
    # Old tail minus what scrolled out, then the typed text: the window ends at len(tail) + typed.
    typed = (tail + text).find(window, 0, len(tail) + len(text) - 1)
    if typed == -1 or len(tail) - typed < min(len(tail), MIN_OVERLAP_CHARS):
        return None
    return typed
