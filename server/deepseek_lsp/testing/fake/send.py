"""How the bytes of one fake DeepSeek answer go out: errors, JSON, SSE streams, with faults.

``Exchange`` wraps one request being answered and keeps its ``RecordedRequest`` current (status,
finish time, chunks sent, hang-up); ``send_full`` and ``send_stream`` play a ``Plan`` with its
delays, keep-alives, dropped connections and malformed chunks.
"""

from __future__ import annotations

import json
import time
from typing import Any

from deepseek_lsp.testing.fake.http import HttpConnection
from deepseek_lsp.testing.fake.payloads import Plan, error_body
from deepseek_lsp.testing.fake.state import FakeState
from deepseek_lsp.testing.fake.types import ENDLESS_INTERVAL_SECONDS, FakeReply, RecordedRequest

JSON_TYPE = ("Content-Type", "application/json")
MALFORMED_EVENT = b'data: {"id": "broken", "choices": [{"index": 0, "delta": {"content": \n\n'


class Exchange:
    """One request being answered: writes through the connection and keeps its record current."""

    def __init__(self, state: FakeState, conn: HttpConnection, record: RecordedRequest) -> None:
        self.state = state
        self.conn = conn
        self.record = record
        self.complete = False

    def on_hangup(self, at: float) -> None:
        """The client closed before the response was complete."""
        if not self.complete and not self.record.hung_up:
            self.record.hung_up = True
            self.record.hung_up_at = at
            self.state.changed()

    def finish(self, status: int) -> None:
        """Mark the record answered (just before the last bytes go out)."""
        self.record.status = status
        self.record.finished_at = time.monotonic()
        self.state.changed()

    def drop(self) -> bool:
        """The server closes the connection on purpose, leaving the response unfinished."""
        self.record.finished_at = time.monotonic()
        self.state.changed()
        return False

    def headers(self, keep_alive: bool, *extra: tuple[str, str]) -> list[tuple[str, str]]:
        """Common response headers."""
        return [*extra, ("Connection", "keep-alive" if keep_alive else "close")]

    async def send(self, status: int, body: bytes, *headers: tuple[str, str], keep: bool) -> bool:
        """A complete response with a Content-Length body."""
        head = self.headers(keep, *headers, ("Content-Length", str(len(body))))
        self.finish(status)
        await self.conn.write(self.conn.head(status, head) + body)
        self.complete = True
        return keep

    async def send_error(self, status: int, reply: FakeReply | None = None, **kw: Any) -> bool:
        """A DeepSeek error body (or the scripted plain-text one)."""
        extra: list[tuple[str, str]] = []
        if reply is not None and reply.retry_after is not None:
            extra.append(("Retry-After", f"{reply.retry_after:g}"))
        if reply is not None and reply.error_body_text is not None:
            body = reply.error_body_text.encode()
            extra.append(("Content-Type", "text/plain; charset=utf-8"))
        else:
            message = kw.get("message") or (reply.error_message if reply else None)
            code = kw.get("code") or (reply.error_code if reply else None)
            body = json.dumps(error_body(status, message, code)).encode()
            extra.append(JSON_TYPE)
        return await self.send(status, body, *extra, keep=kw.get("keep", True))

    async def send_json(self, status: int, data: Any, keep: bool = True) -> bool:
        """A JSON response."""
        return await self.send(status, json.dumps(data).encode(), JSON_TYPE, keep=keep)

    def hung_up_now(self) -> bool:
        """Record a hang-up noticed by a failed write."""
        self.on_hangup(time.monotonic())
        return False


async def send_full(ex: Exchange, plan: Plan, reply: FakeReply, keep: bool) -> bool:
    """A non-streaming reply, after the simulated generation time."""
    conn = ex.conn
    body = json.dumps(plan.body()).encode()
    if reply.malformed_after_chunks is not None:
        body = body[: len(body) // 2]
    blanks = reply.keep_alive_comments
    delay = plan.first_token_delay + plan.chunk_delay * max(0, len(plan.pieces) - 1)
    conn.watch_hangup(ex.on_hangup)
    try:
        if reply.drop_after_chunks == 0:
            return await conn.pause(delay) and ex.drop()
        if blanks or reply.drop_after_chunks is not None:
            headers = ex.headers(keep, JSON_TYPE, ("Content-Length", str(blanks + len(body))))
            await conn.send_head(200, headers)
            ex.record.status = 200
        for _ in range(blanks):
            if not await conn.pause(delay / (blanks + 1)):
                return False
            await conn.write(b"\n")
        if not await conn.pause(delay / (blanks + 1)):
            return False
        if reply.drop_after_chunks is not None:
            await conn.write(body[: len(body) // 2])
            return ex.drop()
        if blanks:
            ex.finish(200)
            await conn.write(body)
            ex.complete = True
            return keep
        return await ex.send(200, body, JSON_TYPE, keep=keep)
    finally:
        await conn.stop_watch()


async def send_stream(ex: Exchange, plan: Plan, reply: FakeReply, keep: bool) -> bool:
    """An SSE reply with the plan's timing and the reply's faults."""
    conn = ex.conn
    headers = ex.headers(
        keep,
        ("Content-Type", "text/event-stream; charset=utf-8"),
        ("Cache-Control", "no-cache"),
        ("Transfer-Encoding", "chunked"),
    )
    await conn.send_head(200, headers)
    ex.record.status = 200
    conn.watch_hangup(ex.on_hangup)
    try:
        comments = reply.keep_alive_comments
        for _ in range(comments):
            if not await conn.pause(plan.first_token_delay / (comments + 1)):
                return False
            await conn.send_chunk(b": keep-alive\n\n")
        if not await conn.pause(plan.first_token_delay / (comments + 1)):
            return False
        if reply.endless is not None:
            return await _send_endless(ex, plan, reply)
        for i, chunk in enumerate(plan.stream_chunks()):
            if i == reply.drop_after_chunks:
                return ex.drop()
            if i == reply.malformed_after_chunks:
                await conn.send_chunk(MALFORMED_EVENT)
            if i > 0 and not await conn.pause(plan.chunk_delay):
                return False
            await conn.send_chunk(b"data: " + json.dumps(chunk).encode() + b"\n\n")
            ex.record.chunks_sent += 1
            ex.state.changed()
        if reply.drop_after_chunks is not None:
            return ex.drop()
        if reply.done_delay and not await conn.pause(reply.done_delay):
            return False
        ex.finish(200)
        await conn.send_last_chunk(b"data: [DONE]\n\n")
        ex.complete = True
        return keep
    finally:
        await conn.stop_watch()


async def _send_endless(ex: Exchange, plan: Plan, reply: FakeReply) -> bool:
    """Keep-alive comments, or the reply's first chunk again and again, until the client leaves."""
    chunk = b"data: " + json.dumps(plan.stream_chunks()[0]).encode() + b"\n\n"
    if reply.endless == "keep_alive":
        chunk = b": keep-alive\n\n"
    while await ex.conn.pause(ENDLESS_INTERVAL_SECONDS):
        try:
            await ex.conn.send_chunk(chunk)
        except (ConnectionError, OSError):
            return ex.hung_up_now()
        ex.record.chunks_sent += 1
    return False
