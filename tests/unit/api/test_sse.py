"""The event-stream parser: every event a read completes, split anywhere, as the standard says."""

import json

import httpx
import pytest

from deepseek_lsp.api import sse
from deepseek_lsp.api.sse import MAX_LINE_BYTES, SseDecoder, SseError


def feed_all(*reads: bytes) -> list[list[str]]:
    decoder = SseDecoder()
    return [decoder.feed(read) for read in reads]


def test_every_event_of_one_read_comes_in_one_batch():
    raw = b"data: a\n\ndata: b\n\n: keep-alive\n\ndata: [DONE]\n\n"
    assert feed_all(raw) == [["a", "b", "[DONE]"]]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_any_line_ending_split_at_every_byte(newline):
    payload = json.dumps({"text": "é😀 ok"}, ensure_ascii=False).encode()
    raw = (b"data: " + payload + newline + newline) * 3 + b"data: [DONE]" + newline + newline
    for cut in range(1, len(raw)):
        got = [event for batch in feed_all(raw[:cut], raw[cut:]) for event in batch]
        assert got == [payload.decode()] * 3 + ["[DONE]"], cut


def test_a_read_per_byte_gives_the_same_events():
    raw = b"data: one\r\n\r\ndata: two\r\n\r\n"
    decoder = SseDecoder()
    got = [event for byte in raw for event in decoder.feed(bytes([byte]))]
    assert got == ["one", "two"]


def test_data_lines_join_and_other_fields_and_comments_are_skipped():
    raw = b"event: x\nid: 7\nretry: 10\ndata: first\n: a comment\ndata:second\ndatax: no\n\n"
    assert feed_all(raw) == [["first\nsecond"]]


def test_one_leading_space_is_dropped_and_no_colon_means_empty_data():
    assert feed_all(b"data:  two spaces\n\ndata\n\n") == [[" two spaces", ""]]


def test_events_without_data_and_an_unfinished_last_event_are_not_dispatched():
    decoder = SseDecoder()
    assert decoder.feed(b"event: ping\n\n: comment\n\ndata: half") == []
    assert decoder.feed(b" done\n") == []  # no blank line yet
    assert decoder.feed(b"\n") == ["half done"]


def test_broken_utf8_becomes_replacement_characters():
    assert feed_all(b"data: \xff\xfe ok\n\n") == [["\ufffd\ufffd ok"]]


def test_a_line_without_end_past_the_limit_is_an_error():
    decoder = SseDecoder()
    decoder.feed(b"data: " + b"x" * (MAX_LINE_BYTES // 2))
    with pytest.raises(SseError, match="longer than"):
        decoder.feed(b"x" * (MAX_LINE_BYTES // 2 + 10))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("text/event-stream", True),
        ("text/event-stream; charset=utf-8", True),
        ("Text/Event-Stream", True),
        ("application/json", False),
        ("text/html", False),
        (None, False),
    ],
)
def test_is_event_stream(header, expected):
    headers = {"content-type": header} if header else {}
    assert sse.is_event_stream(httpx.Response(200, headers=headers)) is expected


async def test_data_batches_reads_a_response():
    class Parts(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield b"data: a\n\ndata: b"
            yield b"\n\n: keep-alive\n\n"
            yield b"data: c\n\n"

    response = httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Parts())
    assert [batch async for batch in sse.data_batches(response)] == [["a"], ["b"], ["c"]]
