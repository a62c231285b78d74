"""`file:` URIs and POSIX paths: how documents are named on the wire and on disk."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, unquote, urlparse


@lru_cache(maxsize=1024)
def uri_to_path(uri: str) -> str:
    """The POSIX path of a `file:` URI (a plain path is returned as it is).

    Remembered: every request asks for its document's path more than once, and `urlparse` is
    ~10 µs each time on code gone cold in the user's pause.
    """
    if not uri.startswith("file:"):
        return uri
    return unquote(urlparse(uri).path)


def path_to_uri(path: str) -> str:
    """The `file:` URI of a POSIX path."""
    return "file://" + quote(path)
