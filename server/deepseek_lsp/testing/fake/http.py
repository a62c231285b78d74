"""A small HTTP/1.1 connection on asyncio streams, for the fake DeepSeek server.

Hand-written rather than ``http.server`` so the server controls every byte and every pause
(SSE timing, dropped connections, malformed chunks) and can notice at once when the client hangs
up mid-response: while a response is in progress a watcher reads the socket, and EOF means the
client closed. Keep-alive and ``Content-Length`` bodies are supported; chunked request bodies are
not.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 64 * 1024 * 1024
READ_SIZE = 64 * 1024


class BadRequest(Exception):
    """The bytes received are not an HTTP/1.1 request this server accepts."""


@dataclass(frozen=True)
class HttpRequest:
    """One parsed request. Header names are lower-case."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    keep_alive: bool


def _parse_head(head: bytes) -> tuple[str, str, dict[str, str], dict[str, str], str]:
    """Parse the request line and headers: method, path, query, headers, version."""
    try:
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ")
    except ValueError as exc:
        raise BadRequest("malformed request line") from exc
    if not version.startswith("HTTP/1."):
        raise BadRequest(f"unsupported protocol {version!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise BadRequest("malformed header line")
        headers[name.strip().lower()] = value.strip()
    split = urlsplit(target)
    return method.upper(), split.path or "/", dict(parse_qsl(split.query)), headers, version


class HttpConnection:
    """One client connection: read requests, write responses, watch for a hang-up."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._buf = bytearray()
        self._watch: asyncio.Task[None] | None = None
        self.hung_up_at: float | None = None
        self.number = 0  # set by the server: which connection this is

    async def _fill(self) -> bool:
        """Read more bytes into the buffer; False at EOF."""
        data = await self._reader.read(READ_SIZE)
        if not data:
            return False
        self._buf += data
        return True

    async def read_request(self) -> HttpRequest | None:
        """The next request, or None when the client closed the connection cleanly."""
        while (end := self._buf.find(b"\r\n\r\n")) < 0:
            if len(self._buf) > MAX_HEADER_BYTES:
                raise BadRequest("request headers too large")
            if not await self._fill():
                if self._buf.strip():
                    raise BadRequest("connection closed mid-request")
                return None
        head = bytes(self._buf[:end])
        del self._buf[: end + 4]
        method, path, query, headers, version = _parse_head(head)
        if "chunked" in headers.get("transfer-encoding", "").lower():
            raise BadRequest("chunked request bodies are not supported")
        body = await self._read_body(headers.get("content-length", "0"))
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" and (version != "HTTP/1.0" or connection == "keep-alive")
        return HttpRequest(method, path, query, headers, body, keep_alive)

    async def _read_body(self, content_length: str) -> bytes:
        """Read exactly Content-Length bytes."""
        try:
            length = int(content_length)
        except ValueError as exc:
            raise BadRequest("bad Content-Length") from exc
        if length < 0 or length > MAX_BODY_BYTES:
            raise BadRequest("bad Content-Length")
        while len(self._buf) < length:
            if not await self._fill():
                raise BadRequest("connection closed mid-body")
        body = bytes(self._buf[:length])
        del self._buf[:length]
        return body

    # Hang-up detection -------------------------------------------------------------------------

    def watch_hangup(self, on_hangup: Callable[[float], None]) -> None:
        """Start reading the socket in the background; call ``on_hangup(time)`` at EOF."""

        async def watch() -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while await self._fill():
                    pass
            self.hung_up_at = time.monotonic()
            on_hangup(self.hung_up_at)

        self._watch = asyncio.create_task(watch())

    @property
    def hung_up(self) -> bool:
        """Whether the client closed while the watcher was running."""
        return self.hung_up_at is not None

    async def pause(self, seconds: float) -> bool:
        """Wait, returning early (False) if the client hangs up meanwhile."""
        if self.hung_up:
            return False
        if seconds > 0 and self._watch is not None:
            await asyncio.wait({self._watch}, timeout=seconds)
        elif seconds > 0:
            await asyncio.sleep(seconds)
        return not self.hung_up

    async def stop_watch(self) -> None:
        """Stop the watcher (the response is complete)."""
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None

    # Writing ------------------------------------------------------------------------------------

    def head(self, status: int, headers: list[tuple[str, str]]) -> bytes:
        """Status line and headers."""
        reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Status"
        lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def write(self, data: bytes) -> None:
        """Write raw bytes; raises ``ConnectionError`` if the client is gone."""
        if self._writer.is_closing():
            raise ConnectionResetError("connection closed")
        self._writer.write(data)
        await self._writer.drain()

    async def send_head(self, status: int, headers: list[tuple[str, str]]) -> None:
        """Write the status line and headers only."""
        await self.write(self.head(status, headers))

    async def send_chunk(self, data: bytes) -> None:
        """Write one chunk of a ``Transfer-Encoding: chunked`` body."""
        await self.write(b"%x\r\n%s\r\n" % (len(data), data))

    async def send_last_chunk(self, data: bytes) -> None:
        """Write a final chunk and the terminating zero-length chunk in one go."""
        await self.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data))

    async def close(self) -> None:
        """Close the connection (abruptly if a response was left unfinished)."""
        await self.stop_watch()
        self._writer.close()
        with contextlib.suppress(ConnectionError, OSError, asyncio.CancelledError):
            await self._writer.wait_closed()
