"""Server-sent events, parsed a network read at a time.

DeepSeek's stream is `data:` lines and blank lines. httpx-sse yields one event per `await`,
through four async generators (bytes, text, lines, events); when a reply's chunks arrive
together, as its last ones do, that costs about 50 µs an event on the answer's critical path.
Here every event a read brought is parsed in one synchronous pass: one `await` per read.

Parsing follows the HTML standard's event-stream rules for what we use: lines end at CRLF, LF
or CR; `data:` lines (one leading space dropped) join with LF; a blank line dispatches; comments
(`:`) and other fields are skipped; an event without `data` is not dispatched; a last event
without its blank line is dropped. Text is UTF-8, a broken sequence decoded as U+FFFD.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

MAX_LINE_BYTES = 4 << 20  # no event DeepSeek sends comes near; a gateway gone wrong might


class SseError(ValueError):
    """The bytes are not an event stream we can read."""


def is_event_stream(response: httpx.Response) -> bool:
    """Whether the response says it is an event stream."""
    media_type = response.headers.get("content-type", "").partition(";")[0]
    return "text/event-stream" in media_type.strip().lower()


class SseDecoder:
    """Bytes in, the `data` of each complete event out."""

    def __init__(self) -> None:
        self._tail = b""  # an unfinished line
        self._skip_lf = False  # the last read ended in CR: a LF first in the next is its CRLF
        self._data: list[str] | None = None  # the current event's data lines, None before one

    def feed(self, chunk: bytes) -> list[str]:
        """The data of every event that `chunk` completes, in order."""
        if self._skip_lf and chunk[:1] == b"\n":
            chunk = chunk[1:]
        self._skip_lf = False
        buf = self._tail + chunk if self._tail else chunk
        if b"\r" in buf:
            self._skip_lf = buf.endswith(b"\r")
            buf = buf.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = buf.split(b"\n")
        self._tail = lines.pop()
        if len(self._tail) > MAX_LINE_BYTES:
            raise SseError(f"a line longer than {MAX_LINE_BYTES >> 20} MiB")
        out: list[str] = []
        data = self._data
        for line in lines:
            if not line:
                if data is not None:
                    out.append("\n".join(data))
                    data = None
            elif line.startswith(b"data"):
                if line == b"data":
                    value = b""
                elif line[4:5] == b":":
                    value = line[6:] if line[5:6] == b" " else line[5:]
                else:
                    continue  # another field whose name starts with "data"
                if data is None:
                    data = []
                data.append(value.decode("utf-8", "replace"))
        self._data = data
        return out


async def data_batches(response: httpx.Response) -> AsyncIterator[list[str]]:
    """The `data` of the response's events, a list per network read (never an empty list)."""
    decoder = SseDecoder()
    async for chunk in response.aiter_bytes():
        batch = decoder.feed(chunk)
        if batch:
            yield batch
