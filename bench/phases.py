"""The benchmark's measurements other than the typing session, one coroutine each.

Each phase drives the real server through ``LspClient`` against the in-process fake, returns plain
numbers (milliseconds unless named otherwise) and checks what must hold for a number to mean
anything (a hit made no upstream request, a cancelled stream was hung up).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from deepseek_lsp.testing.fake.server import FakeDeepSeek
from deepseek_lsp.testing.fake.types import RecordedRequest
from lsp_client import LspClient, initialize_params

INVOKED, AUTOMATIC = 1, 2


@dataclass
class Doc:
    """An open document as the client knows it."""

    uri: str
    lines: list[str]
    version: int = 1

    def change(
        self, client: LspClient, start: tuple[int, int], end: tuple[int, int], text: str
    ) -> None:
        """Apply and send one incremental change (ASCII only: columns are UTF-16 units)."""
        (sl, sc), (el, ec) = start, end
        merged = self.lines[sl][:sc] + text + self.lines[el][ec:]
        self.lines[sl : el + 1] = merged.split("\n")
        self.version += 1
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": self.uri, "version": self.version},
                "contentChanges": [{"range": lsp_range(start, end), "text": text}],
            },
        )


def lsp_range(start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    """An LSP range."""
    return {
        "start": {"line": start[0], "character": start[1]},
        "end": {"line": end[0], "character": end[1]},
    }


def open_doc(client: LspClient, uri: str, language_id: str, text: str) -> Doc:
    """``didOpen`` with version 1."""
    item = {"uri": uri, "languageId": language_id, "version": 1, "text": text}
    client.notify("textDocument/didOpen", {"textDocument": item})
    return Doc(uri, text.split("\n"))


def inline_params(doc: Doc, pos: tuple[int, int], kind: int) -> dict[str, Any]:
    """``textDocument/inlineCompletion`` params."""
    return {
        "textDocument": {"uri": doc.uri},
        "position": {"line": pos[0], "character": pos[1]},
        "context": {"triggerKind": kind},
    }


def items(result: Any) -> list[dict[str, Any]]:
    """The items of an inline completion answer (list or InlineCompletionList)."""
    if isinstance(result, dict):
        return list(result.get("items") or [])
    return list(result or [])


async def settled(fake: FakeDeepSeek, count: int) -> list[RecordedRequest]:
    """The fake's requests once ``count`` of them were answered or hung up on."""
    return await fake.wait_for_requests_async(count, timeout=10.0, finished=True)


def upstream_seconds(record: RecordedRequest) -> float:
    """How long the fake held the request: until it finished sending, or was hung up on."""
    ends = [t for t in (record.finished_at, record.hung_up_at) if t is not None]
    return min(ends) - record.received_at


async def startup(env: dict[str, str], runs: int) -> list[float]:
    """Spawn to ``initialize`` answer, ms, for ``runs`` fresh processes."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client = await LspClient.spawn(env)
        reply = await client.request("initialize", initialize_params())
        times.append((reply.received_at - started) * 1000)
        await client.close()
    return times


@dataclass
class Overhead:
    """Round trips of invoked requests and the upstream time the fake saw for each."""

    rtt_ms: list[float] = field(default_factory=list)
    upstream_ms: list[float] = field(default_factory=list)
    overhead_ms: list[float] = field(default_factory=list)
    before_ms: list[float] = field(default_factory=list)  # request sent -> fake received it
    after_ms: list[float] = field(default_factory=list)  # fake done -> answer received
    added_ms: list[float] = field(default_factory=list)  # round trip - the paired direct call's
    empty: int = 0


async def overhead(
    client: LspClient,
    fake: FakeDeepSeek,
    doc: Doc,
    samples: int,
    seed: int,
    direct: Callable[[bytes], Awaitable[float]] | None = None,
) -> Overhead:
    """Invoked requests at distinct line ends; overhead = round trip - fake's holding time.

    With `direct`, each request is followed by a direct call with the body the server sent, and
    `added_ms` holds the differences: pairs taken moments apart, so machine load drifts out.
    """
    out = Overhead()
    lines = random.Random(seed).sample(range(100, len(doc.lines) - 100), samples)
    for line in lines:
        before = len(fake.requests)
        reply = await client.request(
            "textDocument/inlineCompletion",
            inline_params(doc, (line, len(doc.lines[line])), INVOKED),
        )
        records = (await settled(fake, before + 1))[before:]
        if len(records) != 1:
            raise AssertionError(f"one invoked request made {len(records)} upstream requests")
        fake_s = upstream_seconds(records[0])
        # perf_counter and the fake's monotonic are the same clock on Linux (CLOCK_MONOTONIC)
        out.before_ms.append((records[0].received_at - reply.sent_at) * 1000)
        out.after_ms.append((reply.received_at - reply.sent_at - fake_s) * 1000 - out.before_ms[-1])
        out.rtt_ms.append(reply.rtt * 1000)
        out.upstream_ms.append(fake_s * 1000)
        out.overhead_ms.append((reply.rtt - fake_s) * 1000)
        out.empty += not items(reply.result)
        if direct is not None:
            out.added_ms.append(reply.rtt * 1000 - await direct(records[0].raw_body))
    return out


@dataclass
class Hits:
    """Latency of answers served from memory, and what they cost upstream."""

    cache_ms: list[float] = field(default_factory=list)
    typed_ahead_ms: list[float] = field(default_factory=list)
    upstream_during: int = 0
    usage_delta: dict[str, int] = field(default_factory=dict)
    wrong_text: int = 0


async def usage(client: LspClient) -> dict[str, Any]:
    """``deepseek/usage``."""
    return dict(await client.call("deepseek/usage"))


def usage_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
    """How much each number of ``deepseek/usage`` moved (nested objects left out)."""
    return {
        k: v - before.get(k, 0)
        for k, v in after.items()
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    }


async def hits(client: LspClient, fake: FakeDeepSeek, doc: Doc, repeats: int) -> Hits:
    """Cache hits (two cursors in turn, so typed-ahead memory cannot answer), then typed-ahead."""
    found: list[tuple[tuple[int, int], str]] = []
    for line in range(60, len(doc.lines) - 60, 37):
        pos = (line, len(doc.lines[line]))
        got = items(await client.call("textDocument/inlineCompletion", inline_params(doc, pos, 1)))
        if got and len(got[0]["insertText"]) >= 4:
            found.append((pos, got[0]["insertText"]))
        if len(found) == 2:
            break
    if len(found) < 2:
        raise AssertionError("no two positions with a non-empty suggestion for the hit test")
    await settled(fake, len(fake.requests))
    out = Hits()
    before, usage_before = len(fake.requests), await usage(client)
    for i in range(repeats):
        pos, text = found[i % 2]
        reply = await client.request(
            "textDocument/inlineCompletion", inline_params(doc, pos, INVOKED)
        )
        out.cache_ms.append(reply.rtt * 1000)
        got = items(reply.result)
        out.wrong_text += not got or got[0]["insertText"] != text
    (line, col), text = found[1]  # the last one shown: type it
    for k in range(1, min(len(text), 13)):
        ch = text[k - 1]
        end = (line + 1, 0) if ch == "\n" else (line, col + 1)
        doc.change(client, (line, col), (line, col), ch)
        await client.request("deepseek/usage")  # the edit is processed before the clock starts
        line, col = end
        reply = await client.request(
            "textDocument/inlineCompletion", inline_params(doc, (line, col), INVOKED)
        )
        out.typed_ahead_ms.append(reply.rtt * 1000)
        got = items(reply.result)
        out.wrong_text += not got or got[0]["insertText"] != text[k:]
    after = await usage(client)
    out.usage_delta = usage_delta(usage_before, after)
    out.upstream_during = len(fake.requests) - before
    return out


@dataclass
class Hangups:
    """Cancel to hang-up at the fake, and cancel to the client's answer."""

    hangup_ms: list[float] = field(default_factory=list)
    answer_ms: list[float] = field(default_factory=list)
    not_hung_up: int = 0


async def hangups(client: LspClient, fake: FakeDeepSeek, doc: Doc, trials: int) -> Hangups:
    """Cancel invoked requests while the fake stalls before its first token."""
    out = Hangups()
    saved = fake.config.first_token_delay
    fake.configure(first_token_delay=5.0)
    try:
        for line in range(200, 200 + 53 * trials, 53):
            before = len(fake.requests)
            pending = client.send(
                "textDocument/inlineCompletion",
                inline_params(doc, (line, len(doc.lines[line])), INVOKED),
            )
            await client.drain()
            record = (await fake.wait_for_requests_async(before + 1, timeout=10.0))[before]
            cancelled_at, cancelled_pc = time.monotonic(), time.perf_counter()
            client.cancel(pending.id)
            await client.drain()
            reply = await asyncio.wait_for(pending.future, 10.0)
            out.answer_ms.append((reply.received_at - cancelled_pc) * 1000)
            deadline = time.monotonic() + 2.0
            while record.hung_up_at is None and time.monotonic() < deadline:
                await asyncio.sleep(
                    0.0005
                )  # the fake stamps hung_up_at itself: polling is harmless
            if record.hung_up_at is None:
                out.not_hung_up += 1
            else:
                out.hangup_ms.append((record.hung_up_at - cancelled_at) * 1000)
    finally:
        fake.configure(first_token_delay=saved)
    return out


async def keystroke_cost(client: LspClient, doc: Doc, samples: int, seed: int) -> dict[str, Any]:
    """``deepseek/usage`` round trip with and without a preceding didChange, alternating."""
    pick = random.Random(seed)
    plain: list[float] = []
    edited: list[float] = []
    for i in range(samples + 20):
        started = time.perf_counter()
        reply = await client.request("deepseek/usage")
        base = (reply.received_at - started) * 1000
        line = pick.randrange(10, len(doc.lines) - 10)
        col = min(4, len(doc.lines[line]))
        started = time.perf_counter()
        doc.change(client, (line, col), (line, col), "x")
        reply = await client.request("deepseek/usage")
        with_edit = (reply.received_at - started) * 1000
        doc.change(client, (line, col), (line, col + 1), "")  # undo, unmeasured
        await client.request("deepseek/usage")  # so the undo is not in the next plain sample
        if i >= 20:  # warm-up
            plain.append(base)
            edited.append(with_edit)
    return {"plain_ms": plain, "edited_ms": edited}
