"""The streaming POST as `httpx.AsyncClient.build_request` would build it, from a cached template.

`build_request` merges the client's headers with ours, normalises every header, merges URL,
cookies and query parameters and computes the Host header and timeout, on every request
(0.16 ms at a new cursor on a cold process). All of that is the same for every request on one
client with one set of headers, so it is done once by `build_request` itself for the body `{}`,
and each request copies the result with its own body and Content-Length. Whatever varies per
request in `build_request` falls back to it: cookies the client has picked up from responses,
and headers that change how the body is framed (Content-Length, Transfer-Encoding).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import httpx

TEMPLATES_KEPT = 16  # clients x URLs x tokens: a handful in practice
_FRAMING = frozenset({"content-length", "transfer-encoding"})


class PostTemplates:
    """Prebuilt POST requests per (HTTP client, URL, headers); owned by one DeepSeekClient."""

    def __init__(self) -> None:
        # keyed by the URL's text: an httpx.URL hashes and compares by re-parsing
        self._made: dict[
            tuple[httpx.AsyncClient, str, tuple[tuple[str, str], ...]], _Template | None
        ] = {}

    def request(
        self, http: httpx.AsyncClient, url: str, headers: Mapping[str, str], content: bytes
    ) -> httpx.Request:
        """`http.build_request("POST", url, content=content, headers=headers)`, cheaper."""
        if not content or http.cookies:
            return http.build_request("POST", parsed_url(url), content=content, headers=headers)
        key = (http, url, tuple(headers.items()))
        if key not in self._made:
            if len(self._made) >= TEMPLATES_KEPT:
                self._made.clear()
            self._made[key] = _template(http, url, headers)
        template = self._made[key]
        if template is None:
            return http.build_request("POST", parsed_url(url), content=content, headers=headers)
        return template.request(http, content)

    def clear(self) -> None:
        """Forget every template (the HTTP client or the configuration changed)."""
        self._made.clear()


class _Template:
    """A built request's URL and headers less its Content-Length (always the last header).

    A request is httpx's own `Request(stream=...)` with the body's Content-Length appended to
    its copy of the headers and its content set as `read()` sets it; `_template` checks once
    that this is what `build_request` makes, so an httpx whose internals differ falls back.
    """

    def __init__(self, built: httpx.Request) -> None:
        self.url = built.url
        self.headers = httpx.Headers(built.headers.raw[:-1])
        self._timeout: tuple[httpx.Timeout, dict[str, float | None]] | None = None

    def request(self, http: httpx.AsyncClient, content: bytes) -> httpx.Request:
        timeout = self._timeout
        if timeout is None or timeout[0] is not http.timeout:  # a client's may be replaced
            timeout = self._timeout = (http.timeout, http.timeout.as_dict())
        request = httpx.Request(
            "POST",
            self.url,
            headers=self.headers,
            stream=httpx.ByteStream(content),
            extensions={"timeout": timeout[1]},
        )
        # What `headers["Content-Length"] = ...` and `read()` do, without their searching
        # and joining (~60 µs cold); held equal to `build_request` by `_template`.
        length = str(len(content)).encode()
        request.headers._list.append((b"Content-Length", b"content-length", length))
        request._content = content
        return request


@functools.lru_cache(maxsize=16)
def parsed_url(url: str) -> httpx.URL:
    """`url` parsed once: httpx parses a string URL again on every request (~30 µs)."""
    return httpx.URL(url)


def _template(http: httpx.AsyncClient, url: str, headers: Mapping[str, str]) -> _Template | None:
    """The template for these headers, or None when only `build_request` gets them right."""
    if any(name.lower() in _FRAMING for name in headers):
        return None
    built = http.build_request("POST", parsed_url(url), content=b"{}", headers=headers)
    if built.headers.raw[-1] != (b"Content-Length", b"2"):
        return None
    template = _Template(built)
    made = template.request(http, b"{}")
    same = (
        made.method == built.method
        and made.url == built.url
        and made.headers.raw == built.headers.raw
        and made.headers.multi_items() == built.headers.multi_items()
        and made.extensions == built.extensions
        and made.content == built.content
    )
    return template if same else None
