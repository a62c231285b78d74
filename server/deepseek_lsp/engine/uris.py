"""`file:` URIs and POSIX paths: how documents are named on the wire and on disk."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlparse


def uri_to_path(uri: str) -> str:
    """The POSIX path of a `file:` URI (a plain path is returned as it is)."""
    if not uri.startswith("file:"):
        return uri
    return unquote(urlparse(uri).path)


def path_to_uri(path: str) -> str:
    """The `file:` URI of a POSIX path."""
    return "file://" + quote(path)
