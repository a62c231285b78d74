"""Reading LSP messages off a byte stream, surviving any framing error.

pygls 2.1's reader (`pygls.io_.run_async`) trusts the header: a `Content-Length` that is too small
leaves the rest of the body to be read as headers, one that is too large (or huge) swallows the
next message or waits forever, a zero or non-numeric one is skipped silently and an LF-only header
is never recognised. Here every header block ends in either a body or a `FramingError` (answered
with -32700), noise before a header is skipped, bodies have a size cap, and a body that stops
arriving is given up after `STALL_SECONDS` so the reader resyncs on the next `Content-Length`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

MAX_MESSAGE_BYTES = 256 * 1024 * 1024  # a 50 MB file is 50 MB of JSON; ten times that is hostile
STALL_SECONDS = 3.0  # a pipe delivers a written message at once; a pause this long means no more
MAX_HEADER_BYTES = 8192
READ_CHUNK = 1 << 20

_LENGTH = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_HEADER_NAME = b"content-length:"


@dataclass(frozen=True)
class FramingError:
    """A header block that announced no readable body; the client gets -32700 with this text."""

    message: str


class Framer:
    """Splits a byte stream into message bodies; `read` returns b"" at end of input."""

    def __init__(
        self,
        read: Callable[[int], Awaitable[bytes]],
        *,
        max_bytes: int = MAX_MESSAGE_BYTES,
        stall_seconds: float = STALL_SECONDS,
    ) -> None:
        self._read = read
        self._buf = bytearray()
        self._eof = False
        self.max_bytes = max_bytes
        self.stall_seconds = stall_seconds

    async def _fill(self, timeout: float | None = None) -> bool:
        """Read more bytes; False at end of input or when none came within `timeout`."""
        if self._eof:
            return False
        try:
            chunk = await asyncio.wait_for(self._read(READ_CHUNK), timeout)
        except TimeoutError:
            return False
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    async def next(self) -> bytes | FramingError | None:
        """The next body, a framing error to answer, or None at end of input."""
        while True:
            match = _LENGTH.search(self._buf)
            if match is None:
                del self._buf[: max(0, len(self._buf) - 32)]  # noise: keep a possible header start
                if not await self._fill():
                    return None
                continue
            del self._buf[: match.start()]
            end = _BLANK_LINE.search(self._buf)
            if end is None:
                if len(self._buf) > MAX_HEADER_BYTES:
                    del self._buf[: match.end() - match.start()]
                    return FramingError("A header block never ended with an empty line.")
                if not await self._fill():
                    return None
                continue
            header = bytes(self._buf[: end.start()])
            del self._buf[: end.end()]
            return await self._body(header)

    async def _body(self, header: bytes) -> bytes | FramingError:
        value = _LENGTH.split(header, maxsplit=1)[1].split(b"\n", 1)[0].strip()
        if not value.isdigit():
            return FramingError(f"Content-Length is not a number: {value[:40]!r}.")
        length = int(value)
        if length == 0:
            return FramingError("Content-Length is 0: an empty message.")
        if length > self.max_bytes:
            return FramingError(
                f"A message of {length} bytes exceeds the limit of {self.max_bytes} bytes."
            )
        while len(self._buf) < length:
            if not await self._fill(self.stall_seconds):
                return FramingError(
                    f"Content-Length announced {length} bytes but only {len(self._buf)} arrived."
                )
        body = bytes(self._buf[:length])
        del self._buf[:length]
        return body

    def resync(self, body: bytes) -> None:
        """Give back what follows a `Content-Length` inside an unreadable body (it was too long)."""
        match = _LENGTH.search(body, 1)
        if match is not None:
            self._buf[:0] = body[match.start() :]
            return
        lowered = body[-len(_HEADER_NAME) :].lower()  # the body may end inside the next header
        for size in range(min(len(lowered), len(_HEADER_NAME) - 1), 0, -1):
            if _HEADER_NAME.startswith(lowered[-size:]):
                self._buf[:0] = body[-size:]
                return
