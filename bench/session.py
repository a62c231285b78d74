"""Replays the typing session the way VS Code drives a server, in real time.

Each keystroke is a ``didChange`` followed by an automatic ``textDocument/inlineCompletion``; the
previous inline request, if still pending, is cancelled with ``$/cancelRequest`` (VS Code cancels
it when the text changes). An answer with an item for the current version counts as shown and is
reported with ``textDocument/didShowCompletion``. On a share of the lines (``oracle_rate``) the
fake is scripted to suggest exactly the rest of the line the typist is about to type, as a good
model would; elsewhere it answers its canned text, which the typist then ignores.
"""

from __future__ import annotations

import asyncio
import random
import statistics
from dataclasses import dataclass, field
from typing import Any

from corpus import Key, SourceFile
from deepseek_lsp.testing.fake.payloads import PrefixCache, common_prefix_length, estimate_tokens
from deepseek_lsp.testing.fake.server import FakeDeepSeek
from deepseek_lsp.testing.fake.text import prompt_text
from deepseek_lsp.testing.fake.types import FakeReply, RecordedRequest
from lsp_client import LspClient, Pending, Reply
from phases import AUTOMATIC, Doc, inline_params, items, open_doc, settled, usage, usage_delta


@dataclass
class SessionResult:
    """What the session cost and what it showed."""

    keystrokes: int = 0
    seconds: float = 0.0
    upstream: int = 0
    hung_up: int = 0
    cancels_sent: int = 0
    shown: int = 0
    answered_ms: list[float] = field(default_factory=list)  # automatic requests with an item
    usage_delta: dict[str, float] = field(default_factory=dict)
    accepted: int = 0  # lines where a suggestion matching what the typist typed next was shown
    cost_by_feature: dict[str, Any] = field(default_factory=dict)
    prefix_shares: list[float] = field(default_factory=list)
    same_file_shares: list[float] = field(default_factory=list)
    switch_pairs: int = 0  # consecutive FIM prompts for different files
    same_file_pair_shares: list[float] = field(default_factory=list)  # consecutive, one file
    fake_cache_hit_share: float = 0.0
    suffix_token_share: float = 0.0  # of the FIM tokens sent: the suffix, which never hits


class Session:
    """One replay against one server and one fake."""

    def __init__(self, client: LspClient, fake: FakeDeepSeek, oracle_rate: float, seed: int):
        self.client = client
        self.fake = fake
        self.oracle_rate = oracle_rate
        self.seed = seed
        self.docs: dict[str, Doc] = {}
        self.current = -1  # index of the keystroke last sent; scripted replies check it
        self.result = SessionResult()
        self._accepted_lines: set[tuple[str, int]] = set()

    def _oracle(self, index: int, key: Key) -> None:
        """Script the fake to predict the rest of this line, for this keystroke only."""
        if not key.expect or not key.expect.strip():
            return
        line_luck = random.Random(f"{self.seed}:{key.uri}:{key.cursor[0]}").random()
        if line_luck >= self.oracle_rate:
            return

        def match(body: dict[str, Any]) -> bool:
            return self.current == index and str(body.get("prompt", "")).endswith(key.tail)

        self.fake.script(FakeReply(text=key.expect, endpoint="fim", match=match))

    def _on_reply(self, doc: Doc, version: int, pending: Pending, key: Key) -> None:
        """Count a shown suggestion and tell the server, as VS Code does.

        A shown suggestion whose first line is what the typist types next counts as accepted
        (a user would press Tab), once per line however often it is shown while typing along.
        """
        if pending.future.cancelled() or pending.future.exception() is not None:
            return
        reply: Reply = pending.future.result()
        got = items(reply.result) if reply.error is None else []
        if got and doc.version == version:
            self.result.shown += 1
            self.result.answered_ms.append(reply.rtt * 1000)
            self.client.notify("textDocument/didShowCompletion", {"item": got[0]})
            first_line = str(got[0].get("insertText", "")).split("\n", 1)[0]
            if key.expect and first_line.strip() and key.expect.startswith(first_line):
                self._accepted_lines.add((key.uri, key.cursor[0]))

    async def run(self, files: list[SourceFile], keys: list[Key]) -> SessionResult:
        """Open the files, type every key on schedule, wait for the last answer."""
        loop = asyncio.get_running_loop()
        for f in files:
            self.docs[f.uri] = open_doc(self.client, f.uri, f.language_id, f.text)
        await self.client.drain()
        first = len(self.fake.requests)
        usage_before = await usage(self.client)
        previous: Pending | None = None
        started = due = loop.time()
        for index, key in enumerate(keys):
            due += key.gap
            await asyncio.sleep(max(0.0, due - loop.time()))
            doc = self.docs[key.uri]
            self._oracle(index, key)
            self.current = index
            doc.change(self.client, key.start, key.end, key.text)
            if previous is not None and not previous.future.done():
                self.client.cancel(previous.id)
                self.result.cancels_sent += 1
            previous = self.client.send(
                "textDocument/inlineCompletion", inline_params(doc, key.cursor, AUTOMATIC)
            )
            version = doc.version
            previous.future.add_done_callback(
                lambda _f, d=doc, v=version, p=previous, k=key: self._on_reply(d, v, p, k)
            )
            await self.client.drain()
        if previous is not None:
            await asyncio.wait_for(asyncio.shield(previous.future), 10.0)
        self.result.seconds = loop.time() - started
        records = (await settled(self.fake, len(self.fake.requests)))[first:]
        after = await usage(self.client)
        self.result.usage_delta = usage_delta(usage_before, after)
        self.result.accepted = len(self._accepted_lines)
        self.result.cost_by_feature = after.get("byFeature", {})
        self.result.keystrokes = len(keys)
        self._upstream(records)
        return self.result

    def _upstream(self, records: list[RecordedRequest]) -> None:
        """Requests per keystroke, hang-ups and prompt-prefix reuse from what the fake saw."""
        fim = [r for r in records if r.endpoint == "fim" and isinstance(r.body, dict)]
        self.result.upstream = len(records)
        self.result.hung_up = sum(r.hung_up for r in records)
        prompts = [str(r.body.get("prompt", "")) for r in fim]
        headers = [p.split("\n", 1)[0] for p in prompts]  # the path header: which file
        for i in range(1, len(prompts)):
            share = common_prefix_length(prompts[i], prompts[i - 1]) / max(1, len(prompts[i]))
            self.result.prefix_shares.append(share)
            if headers[i] != headers[i - 1]:
                self.result.switch_pairs += 1
            else:
                self.result.same_file_pair_shares.append(share)
        last_by_file: dict[str, str] = {}
        for header, prompt in zip(headers, prompts, strict=True):
            if header in last_by_file:
                common = common_prefix_length(prompt, last_by_file[header])
                self.result.same_file_shares.append(common / max(1, len(prompt)))
            last_by_file[header] = prompt
        cache, hit, total, suffix = PrefixCache(), 0, 0, 0
        for r in fim:
            text = prompt_text(r.body)
            hit += cache.lookup_and_store(text)
            total += estimate_tokens(text)
            suffix += estimate_tokens(str(r.body.get("suffix") or ""))
        self.result.fake_cache_hit_share = hit / total if total else 0.0
        self.result.suffix_token_share = suffix / total if total else 0.0


def reuse_breakdown(result: dict[str, Any]) -> str:
    """Why the mean is what it is: file switches, the same file's pairs, the ceiling they set.

    Each file's prompt starts with its path in its own comment syntax, so a pair that switches
    files shares (almost) nothing; even if every same-file pair shared 100 %, the mean could
    not pass (pairs - switches) / pairs.
    """
    shares, switches = result["prefix_shares"], result["switch_pairs"]
    same = result["same_file_pair_shares"]
    if not shares:
        return ""
    same_mean = statistics.fmean(same) if same else 0.0
    ceiling = (len(shares) - switches) / len(shares)
    return (
        f"{len(shares)} pairs, {switches} switch files; same-file pairs mean {same_mean:.1%}; "
        f"ceiling {ceiling:.1%}; suffix {result['suffix_token_share']:.0%} of FIM tokens"
    )


def median(values: list[float]) -> float:
    """Median, 0 for no values."""
    return statistics.median(values) if values else 0.0
