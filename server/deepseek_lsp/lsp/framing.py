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
    """Splits a byte stream into message bodies.

    Fed (`feed`, then `take` until None) by `FrameReader` as stdin's bytes arrive, or pulling
    through `read` (`next`, which returns None at end of input) where stdin is not a pipe.
    """

    def __init__(
        self,
        read: Callable[[int], Awaitable[bytes]] | None = None,
        *,
        max_bytes: int = MAX_MESSAGE_BYTES,
        stall_seconds: float = STALL_SECONDS,
    ) -> None:
        self.read = read  # for `next`; None when fed
        self._buf = bytearray()
        self._eof = False
        self._length: int | None = None  # the body being waited for, once its header was read
        self.max_bytes = max_bytes
        self.stall_seconds = stall_seconds

    def feed(self, data: bytes) -> None:
        """Bytes that arrived."""
        self._buf += data

    @property
    def in_body(self) -> bool:
        """A header was read and its body has not all arrived."""
        return self._length is not None

    def take(self) -> bytes | FramingError | None:
        """The next body or framing error in what has arrived, or None until more comes."""
        while True:
            if self._length is not None:
                if len(self._buf) < self._length:
                    return None
                body = bytes(self._buf[: self._length])
                del self._buf[: self._length]
                self._length = None
                return body
            match = _LENGTH.search(self._buf)
            if match is None:
                del self._buf[: max(0, len(self._buf) - 32)]  # noise: keep a possible header start
                return None
            del self._buf[: match.start()]
            end = _BLANK_LINE.search(self._buf)
            if end is None:
                if len(self._buf) > MAX_HEADER_BYTES:
                    del self._buf[: match.end() - match.start()]
                    return FramingError("A header block never ended with an empty line.")
                return None
            header = bytes(self._buf[: end.start()])
            del self._buf[: end.end()]
            length = self._length_of(header)
            if isinstance(length, FramingError):
                return length
            self._length = length

    def give_up(self) -> FramingError:
        """The body stopped arriving: an error to answer; what came is searched for a header."""
        error = FramingError(
            f"Content-Length announced {self._length} bytes but only {len(self._buf)} arrived."
        )
        self._length = None
        return error

    async def next(self) -> bytes | FramingError | None:
        """The next body, a framing error to answer, or None at end of input (pulling)."""
        while True:
            item = self.take()
            if item is not None:
                return item
            if self._length is not None:
                if not await self._fill(self.stall_seconds):
                    return self.give_up()
            elif not await self._fill():
                return None

    async def _fill(self, timeout: float | None = None) -> bool:
        """Read more bytes; False at end of input or when none came within `timeout`."""
        if self._eof or self.read is None:
            return False
        try:
            chunk = await asyncio.wait_for(self.read(READ_CHUNK), timeout)
        except TimeoutError:
            return False
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    def _length_of(self, header: bytes) -> int | FramingError:
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
        return length

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


class FrameReader(asyncio.Protocol):
    """stdin as a pipe: each read's complete messages are handed on from `data_received`.

    A reader task woken through a `StreamReader` took one more loop pass per message (about
    0.1 ms at a keystroke or a request after a pause) for the same bytes. A body that stops
    arriving is given up after the framer's `stall_seconds`, as `Framer.next` does.
    """

    def __init__(
        self, framer: Framer, handle: Callable[[bytes | FramingError, Framer], None]
    ) -> None:
        self.framer = framer
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._handle = handle
        self._stall: asyncio.TimerHandle | None = None

    def data_received(self, data: bytes) -> None:
        """What one read of the pipe brought."""
        self.framer.feed(data)
        self.drain()

    def drain(self) -> None:
        """Hand on every complete message; wait for a body that has started to arrive."""
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        while (item := self.framer.take()) is not None:
            self._handle(item, self.framer)
        if self.framer.in_body and not self.closed.done():
            loop = asyncio.get_running_loop()
            self._stall = loop.call_later(self.framer.stall_seconds, self._stalled)

    def _stalled(self) -> None:
        self._stall = None
        self._handle(self.framer.give_up(), self.framer)
        self.drain()

    def connection_lost(self, exc: Exception | None) -> None:
        """End of input: a body still awaited is an error; then `closed` is done."""
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        if self.framer.in_body:
            self._handle(self.framer.give_up(), self.framer)
            while (item := self.framer.take()) is not None:
                self._handle(item, self.framer)
        if not self.closed.done():
            self.closed.set_result(None)
