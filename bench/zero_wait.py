"""Zero-wait phases of the benchmark: after a pause, in a burst, after an accept, a direct call.

* after a pause: a keystroke, 400 ms of nothing, then an automatic request; overhead = round trip
  minus the time the fake held the request (the debounce must not add to it);
* burst: 18 keys 30 ms apart, each followed by an automatic request (the previous one cancelled,
  as VS Code does); upstream requests the burst cost;
* accepts: an automatic suggestion is shown (``didShowCompletion``), then accepted as VS Code does
  (``didChange`` inserting it, then the item's ``deepseek.acceptCompletion`` command). Then either
  the user reads for ``think`` seconds and the automatic request for the new cursor follows, or
  that request follows at once (VS Code re-triggers on the edit), or the user types something else
  (the speculation must be dropped and hung up). Extra tokens per accept = tokens of speculative
  requests whose answer nobody used / accepts (prompt tokens estimated from the prompt text, as
  the fake counts them; a hung-up request is counted whole, an upper bound);
* direct: the same FIM request straight to the fake with httpx, no server in between.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from deepseek_lsp.testing.fake.payloads import estimate_tokens
from deepseek_lsp.testing.fake.server import FakeDeepSeek
from deepseek_lsp.testing.fake.types import FakeReply
from lsp_client import LspClient
from phases import AUTOMATIC, Doc, inline_params, items, settled, upstream_seconds, usage

PAUSE_S = 0.4
BURST_KEYS, BURST_GAP_S = 18, 0.030


async def after_pause(
    client: LspClient,
    fake: FakeDeepSeek,
    doc: Doc,
    samples: int,
    added: list[float] | None = None,
    direct: Callable[[bytes], Awaitable[float]] | None = None,
) -> list[float]:
    """Overhead (ms) of automatic requests made 400 ms after the last keystroke.

    With `direct`, each is followed by a direct call with the same body, and `added` gets the
    round trip minus that call's (pairs moments apart: machine load drifts out).
    """
    out = []
    for line in range(300, 300 + 41 * samples, 41):
        end = len(doc.lines[line])
        doc.change(client, (line, end), (line, end), " ")
        await client.drain()
        await asyncio.sleep(PAUSE_S)  # the user pauses: this is what is measured, not a wait
        before = len(fake.requests)
        reply = await client.request(
            "textDocument/inlineCompletion", inline_params(doc, (line, end + 1), AUTOMATIC)
        )
        records = (await settled(fake, before + 1))[before:]
        out.append((reply.rtt - upstream_seconds(records[0])) * 1000)
        if added is not None and direct is not None:
            added.append(reply.rtt * 1000 - await direct(records[0].raw_body))
    return out


async def burst(client: LspClient, fake: FakeDeepSeek, doc: Doc, line: int) -> int:
    """Upstream requests made by 18 keys typed 30 ms apart at the end of `line`."""
    await settled(fake, len(fake.requests))
    before = len(fake.requests)
    col = len(doc.lines[line])
    previous = None
    for ch in ("result = compute(x)" * 2)[:BURST_KEYS]:
        doc.change(client, (line, col), (line, col), ch)
        col += 1
        if previous is not None and not previous.future.done():
            client.cancel(previous.id)
        previous = client.send(
            "textDocument/inlineCompletion", inline_params(doc, (line, col), AUTOMATIC)
        )
        await client.drain()
        await asyncio.sleep(BURST_GAP_S)
    assert previous is not None
    await asyncio.wait_for(previous.future, 10.0)
    return len(await settled(fake, len(fake.requests))) - before


@dataclass
class Accepts:
    """What followed each accept."""

    accepts: int = 0
    next_ms: list[float] = field(default_factory=list)  # after the reading pause
    next_upstream: list[int] = field(default_factory=list)  # new upstream requests for it
    wrong_text: int = 0
    at_once_ms: list[float] = field(default_factory=list)  # re-requested at once
    at_once_upstream: list[int] = field(default_factory=list)
    typed_else: int = 0
    typed_else_hung_up: int = 0
    wasted_tokens: int = 0
    speculative_tokens: int = 0
    usage_delta: dict[str, Any] = field(default_factory=dict)


async def _shown(client: LspClient, fake: FakeDeepSeek, doc: Doc, line: int, i: int) -> Any:
    """An automatic suggestion at the end of `line`, shown; the fake scripted for what follows."""
    first, following = f"  # step {i}", f"  # then {i}"
    tail = doc.lines[line]
    fake.script(
        FakeReply(text=first, endpoint="fim", match=lambda b: str(b["prompt"]).endswith(tail)),
        FakeReply(text=following, endpoint="fim", match=lambda b: str(b["prompt"]).endswith(first)),
    )
    await asyncio.sleep(PAUSE_S)
    pos = (line, len(doc.lines[line]))
    got = items(await client.call("textDocument/inlineCompletion", inline_params(doc, pos, 2)))
    if not got or got[0]["insertText"] != first:
        raise AssertionError(f"the scripted suggestion was not shown: {got!r}")
    client.notify("textDocument/didShowCompletion", {"item": got[0]})
    return got[0], following


async def _accept(client: LspClient, doc: Doc, line: int, item: dict[str, Any]) -> tuple[int, int]:
    """Tab in VS Code: the edit, then the item's command. Returns the new cursor."""
    col = len(doc.lines[line])
    doc.change(client, (line, col), (line, col), item["insertText"])
    command = item["command"]
    await client.call(
        "workspace/executeCommand",
        {"command": command["command"], "arguments": command.get("arguments", [])},
    )
    return line, len(doc.lines[line])


async def accepts(
    client: LspClient, fake: FakeDeepSeek, doc: Doc, trials: int, think: float, seed: int
) -> Accepts:
    """Accept `trials` suggestions; after each: read then ask, ask at once, or type else."""
    out = Accepts()
    rng = random.Random(seed)
    usage_before = await usage(client)
    start = len(fake.requests)
    lines = rng.sample(range(2000, 9000, 7), trials)
    for i, line in enumerate(lines):
        mode = "read" if i % 10 < 8 else ("at_once" if i % 10 == 8 else "else")
        item, following = await _shown(client, fake, doc, line, i)
        before = len(fake.requests)
        cursor = await _accept(client, doc, line, item)
        out.accepts += 1
        if mode == "else":
            await fake.wait_for_requests_async(before + 1, timeout=10.0)
            doc.change(client, cursor, cursor, "x")
            await client.drain()
            record = (await settled(fake, before + 1))[before]
            out.typed_else += 1
            out.typed_else_hung_up += record.hung_up
            continue
        if mode == "read":
            await asyncio.sleep(think)  # the user reads the next ghost text
        reply = await client.request(
            "textDocument/inlineCompletion", inline_params(doc, cursor, AUTOMATIC)
        )
        got = items(reply.result)
        out.wrong_text += not got or got[0]["insertText"] != following
        new_upstream = len(await settled(fake, len(fake.requests))) - before - 1
        ms = out.next_ms if mode == "read" else out.at_once_ms
        ups = out.next_upstream if mode == "read" else out.at_once_upstream
        ms.append(reply.rtt * 1000)
        ups.append(new_upstream)
    after = await usage(client)
    out.usage_delta = _delta(usage_before, after)
    _tokens(out, (await settled(fake, len(fake.requests)))[start:])
    return out


def _tokens(out: Accepts, records: list[Any]) -> None:
    """Tokens of speculative requests (their prompt ends with an accepted suggestion)."""
    for record in records:
        prompt = str(record.body.get("prompt", "")) if isinstance(record.body, dict) else ""
        if "# step " not in prompt.rsplit("\n", 1)[-1]:
            continue
        tokens = estimate_tokens(prompt) + estimate_tokens(str(record.body.get("suffix", "")))
        out.speculative_tokens += tokens
        out.wasted_tokens += tokens if record.hung_up else 0


def _delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in after.items():
        if isinstance(value, dict):
            out[key] = _delta(before.get(key) or {}, value)
        elif isinstance(value, (int, float)):
            out[key] = value - before.get(key, 0)
    return out


SMALL = json.dumps(
    {"model": "deepseek-flash", "prompt": "x = ", "suffix": "", "stream": True}
).encode()


class Direct:
    """FIM streams straight to the fake with httpx, no server: the floor for any server.

    `call(body)` sends one request body byte for byte (the one the server just sent, so the
    difference to the server's round trip is what the server adds, not prompt size).
    """

    def __init__(self, fake: FakeDeepSeek, key: str) -> None:
        self.url = f"{fake.base_url}/beta/completions"
        self.headers = {
            "Authorization": f"Bearer {key}",
            "Accept": "text/event-stream",
            "Content-Type": "application/json",
        }
        self.http = httpx.AsyncClient(http2=True)

    async def call(self, body: bytes) -> float:
        """One round trip, ms."""
        started = time.perf_counter()
        async with self.http.stream("POST", self.url, content=body, headers=self.headers) as r:
            async for _ in r.aiter_bytes():
                pass
        return (time.perf_counter() - started) * 1000

    async def warm(self) -> None:
        """Two calls that open the connection, so no measured call pays for it."""
        for _ in range(2):
            await self.call(SMALL)

    async def aclose(self) -> None:
        await self.http.aclose()


async def direct(
    fake: FakeDeepSeek, key: str, samples: int, bodies: list[bytes] | None = None
) -> list[float]:
    """Round trips (ms) of `samples` direct calls (see `Direct`), after two that connect."""
    caller = Direct(fake, key)
    try:
        await caller.warm()
        return [
            await caller.call(bodies[i % len(bodies)] if bodies else SMALL) for i in range(samples)
        ]
    finally:
        await caller.aclose()
