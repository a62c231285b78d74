"""The reader survives every framing error and resyncs on the next header."""

from __future__ import annotations

import asyncio

from deepseek_lsp.lsp.framing import Framer, FramingError

GOOD = b'{"jsonrpc":"2.0","id":1,"method":"x"}'


def _framed(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


async def _frames(data: bytes, **kw: float) -> list[bytes | FramingError]:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    framer = Framer(reader.read, **kw)  # type: ignore[arg-type]
    out: list[bytes | FramingError] = []
    while (frame := await framer.next()) is not None:
        out.append(frame)
        if isinstance(frame, bytes) and frame != GOOD:
            framer.resync(frame)
    return out


async def test_noise_between_messages_is_skipped() -> None:
    assert await _frames(b"hello\r\n" + _framed(GOOD) + b"\x00junk" + _framed(GOOD)) == [GOOD, GOOD]


async def test_lf_only_headers_are_read() -> None:
    assert await _frames(b"Content-Length: %d\n\n%s" % (len(GOOD), GOOD)) == [GOOD]


async def test_zero_and_non_numeric_lengths_are_errors_and_the_next_message_is_read() -> None:
    zero, nan = b"Content-Length: 0\r\n\r\n", b"Content-Length: x1\r\n\r\n{}"
    frames = await _frames(zero + nan + _framed(GOOD))
    assert isinstance(frames[0], FramingError) and isinstance(frames[1], FramingError)
    assert frames[2:] == [GOOD]


async def test_a_length_too_small_cuts_the_body_but_not_the_next_message() -> None:
    frames = await _frames(b"Content-Length: 10\r\n\r\n" + GOOD + _framed(GOOD))
    assert frames == [GOOD[:10], GOOD]


async def test_a_length_too_large_gives_the_swallowed_message_back() -> None:
    frames = await _frames(b"Content-Length: 60\r\n\r\n" + GOOD + _framed(GOOD))
    assert frames[-1] == GOOD and len(frames) == 2


async def test_a_huge_length_is_refused_at_once() -> None:
    frames = await _frames(b"Content-Length: 99999999999\r\n\r\n" + _framed(GOOD))
    assert isinstance(frames[0], FramingError) and "exceeds" in frames[0].message
    assert frames[1:] == [GOOD]


async def test_a_body_that_stops_arriving_is_given_up() -> None:
    reader = asyncio.StreamReader()
    reader.feed_data(b"Content-Length: 500\r\n\r\n{")
    framer = Framer(reader.read, stall_seconds=0.05)  # type: ignore[arg-type]
    frame = await asyncio.wait_for(framer.next(), 2)
    assert isinstance(frame, FramingError) and "only 1 arrived" in frame.message


async def test_a_length_that_ends_inside_the_next_header_gives_it_back() -> None:
    for extra in range(1, 20):
        frames = await _frames(
            b"Content-Length: %d\r\n\r\n" % (len(GOOD) + extra) + GOOD + _framed(GOOD)
        )
        assert frames[-1] == GOOD and len(frames) == 2, extra
