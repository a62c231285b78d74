"""The reader survives every framing error and resyncs on the next header."""

from __future__ import annotations

import asyncio

from deepseek_lsp.lsp.framing import Framer, FrameReader, FramingError

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


class Collected:
    """What a `FrameReader` hands on, resyncing after a body that is not GOOD (as the server)."""

    def __init__(self) -> None:
        self.items: list[bytes | FramingError] = []

    def __call__(self, item: bytes | FramingError, framer: Framer) -> None:
        self.items.append(item)
        if isinstance(item, bytes) and item != GOOD:
            framer.resync(item)


async def test_pushed_bytes_give_the_same_frames_as_pulled_ones_at_any_split() -> None:
    data = (
        b"noise" + _framed(GOOD) + b"Content-Length: 0\r\n\r\n"
        + b"Content-Length: %d\r\n\r\n" % (len(GOOD) + 7) + GOOD + _framed(GOOD)
        + b"Content-Length: 10\n\n" + GOOD + _framed(GOOD)
    )  # fmt: skip
    pulled = await _frames(data)
    for size in (1, 2, 7, 64, len(data)):
        got = Collected()
        reader = FrameReader(Framer(), got)
        for at in range(0, len(data), size):
            reader.data_received(data[at : at + size])  # each read handled at once, no task
        reader.connection_lost(None)
        assert got.items == pulled, size
        assert reader.closed.done()


async def test_a_pushed_body_that_stops_arriving_is_given_up_and_the_next_is_read() -> None:
    got = Collected()
    reader = FrameReader(Framer(stall_seconds=0.05), got)
    reader.data_received(b"Content-Length: 500\r\n\r\n{")
    assert got.items == []
    for _ in range(100):
        if got.items:
            break
        await asyncio.sleep(0.01)
    assert isinstance(got.items[0], FramingError) and "only 1 arrived" in got.items[0].message
    reader.data_received(_framed(GOOD))
    assert got.items[1:] == [GOOD]


async def test_each_pushed_byte_restarts_the_stall_timer() -> None:
    got = Collected()
    reader = FrameReader(Framer(stall_seconds=0.2), got)
    framed = _framed(GOOD)
    for at in range(len(framed)):
        reader.data_received(framed[at : at + 1])
        await asyncio.sleep(0.01)  # the whole message takes longer than one stall period
    assert got.items == [GOOD]


async def test_end_of_input_inside_a_body_is_one_error() -> None:
    got = Collected()
    reader = FrameReader(Framer(), got)
    reader.data_received(b"Content-Length: 50\r\n\r\n{}")
    reader.connection_lost(None)
    assert len(got.items) == 1 and isinstance(got.items[0], FramingError)
    assert reader.closed.done()
