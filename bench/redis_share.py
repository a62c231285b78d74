"""Benchmark of the shared Redis cache: two real servers over stdio, one real redis-server.

Run ``.venv/bin/python bench/redis_share.py`` (``--json`` for raw figures; needs Debian's
redis-server, see scripts/setup-services.sh). Everything is on loopback: the fake DeepSeek in this
process, redis-server on a free port.

Phases:

* sharing: server A replays the typing session of bench/replay.py (bench/session.py, in real
  time) with ``cache.redisUrl``; once its background writes have landed, a fresh server B replays
  the same session against the same Redis. Upstream requests are counted by the fake;
* Redis hit: A answers invoked requests at distinct line ends of a file nobody here wrote
  (httpx's ``_client.py`` from the venv); a fresh server C asks the same positions, each one a
  Redis hit (``redisHits`` must move by one per request, the fake must see nothing); the round
  trip is measured by the client, beside C's first-level hits for the same positions;
* Redis stopped: the session once with no Redis configured, and once with Redis configured and
  killed (SIGKILL) halfway through; answered automatic requests' round trips are compared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.setswitchinterval(0.0005)  # the fake's thread must not delay this client's reads for 5 ms

import httpx  # noqa: E402

import corpus  # noqa: E402
from deepseek_lsp.testing.fake.server import FakeDeepSeek  # noqa: E402
from deepseek_lsp.testing.services import RedisServer, wait_until  # noqa: E402
from lsp_client import LspClient, initialize_params  # noqa: E402
from phases import INVOKED, items, open_doc, settled, usage  # noqa: E402
from phases import inline_params as inline  # noqa: E402
from session import Session  # noqa: E402
from stats import KEY, pct, print_table  # noqa: E402


async def started(env: dict[str, str], options: dict[str, Any]) -> LspClient:
    """A server past ``initialized``."""
    client = await LspClient.spawn(env)
    await client.call("initialize", initialize_params(options))
    client.notify("initialized", {})
    await client.call("deepseek/usage")
    return client


def options_for(args: argparse.Namespace, redis_url: str | None) -> dict[str, Any]:
    debounce: Any = args.debounce if args.debounce == "auto" else int(args.debounce)
    options: dict[str, Any] = {"completion": {"debounceMs": debounce}}
    if redis_url:
        options["cache"] = {"redisUrl": redis_url}
    return options


def settle_writes(redis: RedisServer) -> int:
    """Wait until the number of shared entries stops moving (background writes done)."""
    sizes: list[int] = []

    def stable() -> bool:
        sizes.append(int(redis.cli("DBSIZE") or 0))
        return len(sizes) >= 5 and len(set(sizes[-5:])) == 1

    wait_until(stable, 30, "Redis writes settling")
    return sizes[-1]


async def replay(
    env: dict[str, str],
    fake: FakeDeepSeek,
    args: argparse.Namespace,
    redis_url: str | None,
    kill_after: float | None = None,
    redis: RedisServer | None = None,
) -> dict[str, Any]:
    """One session on a fresh server; optionally kill Redis `kill_after` seconds in."""
    client = await started(env, options_for(args, redis_url))
    try:
        files, keys = corpus.typing_session(args.seed)
        session = Session(client, fake, args.oracle_rate, args.seed)
        killed_at: list[int] = []  # answers counted when Redis died
        killer = None
        if kill_after is not None and redis is not None:

            async def kill() -> None:
                await asyncio.sleep(kill_after)
                redis.kill()
                killed_at.append(len(session.result.answered_ms))

            killer = asyncio.ensure_future(kill())
        result = vars(await session.run(files, keys))
        if killer is not None:
            await killer
            result["answered_after_kill_ms"] = result["answered_ms"][killed_at[0] :]
        result["messages"] = [m.get("message") for m in client.messages]
        return result
    finally:
        await client.close()


def classify(first: list[Any], second: list[Any]) -> dict[str, int]:
    """The second server's requests by what the first did with the same prompt and suffix."""

    def key(record: Any) -> tuple[str, str]:
        return str(record.body.get("prompt")), str(record.body.get("suffix"))

    answered = {key(r) for r in first if not r.hung_up}
    abandoned = {key(r) for r in first if r.hung_up}
    counts = {"first_answered": 0, "first_hung_up": 0, "first_never_sent": 0}
    for record in second:
        k = key(record)
        kind = "answered" if k in answered else "hung_up" if k in abandoned else "never_sent"
        counts[f"first_{kind}"] += 1
    return counts


def foreign_file() -> str:
    """A real Python file nobody here wrote: httpx's client module from the venv."""
    return Path(httpx.__file__).with_name("_client.py").read_text()


async def hit_latency(
    env: dict[str, str], fake: FakeDeepSeek, args: argparse.Namespace, redis: RedisServer
) -> dict[str, Any]:
    """Redis-hit round trips on a fresh server, beside its first-level hits."""
    text = foreign_file()
    lines = text.split("\n")
    positions = [(i, len(line)) for i, line in enumerate(lines) if line.strip()][40::7]
    positions = positions[: args.hits]
    uri = "file:///bench/httpx_client.py"
    writer = await started(env, options_for(args, redis.url()))
    try:
        doc = open_doc(writer, uri, "python", text)
        for pos in positions:
            await writer.call("textDocument/inlineCompletion", inline(doc, pos, INVOKED))
    finally:
        await writer.close()
    settle_writes(redis)
    reader = await started(env, options_for(args, redis.url()))
    try:
        doc = open_doc(reader, uri, "python", text)
        await reader.call("deepseek/usage")
        before, upstream_before = await usage(reader), len(fake.requests)
        redis_ms, memory_ms, empty = [], [], 0
        for pos in positions:
            reply = await reader.request("textDocument/inlineCompletion", inline(doc, pos, INVOKED))
            redis_ms.append(reply.rtt * 1000)
            empty += not items(reply.result)
        middle = await usage(reader)
        for pos in positions:
            reply = await reader.request("textDocument/inlineCompletion", inline(doc, pos, INVOKED))
            memory_ms.append(reply.rtt * 1000)
        after = await usage(reader)
        return {
            "redis_ms": redis_ms,
            "memory_ms": memory_ms,
            "redis_hits": middle["redisHits"] - before["redisHits"],
            "memory_hits": after["cacheHits"] - middle["cacheHits"],
            "upstream_during": len(fake.requests) - upstream_before,
            "empty": empty,
        }
    finally:
        await reader.close()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    fake = FakeDeepSeek(first_token_delay=args.latency_ms / 1000, chunk_delay=0.0).start()
    env = {"DEEPSEEK_BASE_URL": fake.base_url, "DEEPSEEK_API_KEY": KEY}
    redis = RedisServer().start()
    out: dict[str, Any] = {"latency_ms": args.latency_ms, "loadavg_before": loadavg()}
    try:
        n0 = len(fake.requests)
        out["first"] = await replay(env, fake, args, redis.url())
        first = (await settled(fake, len(fake.requests)))[n0:]
        out["first_upstream"] = len(first)
        out["shared_entries"] = settle_writes(redis)
        n1 = len(fake.requests)
        out["second"] = await replay(env, fake, args, redis.url())
        second = (await settled(fake, len(fake.requests)))[n1:]
        out["second_upstream"] = len(second)
        out["second_by_first"] = classify(first, second)
        redis.cli("FLUSHALL")
        out["hit"] = await hit_latency(env, fake, args, redis)
        out["no_redis"] = await replay(env, fake, args, None)
        redis.cli("FLUSHALL")
        out["stopped"] = await replay(env, fake, args, redis.url(), args.kill_after, redis)
    finally:
        redis.stop()
        fake.stop()
    out["loadavg_after"] = loadavg()
    return out


def loadavg() -> str:
    """The 1-minute load average: other work on the machine skews every latency here."""
    return Path("/proc/loadavg").read_text().split()[0]


def summarise(raw: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """Rows of (figure, value, target, met)."""
    first, second = raw["first_upstream"], raw["second_upstream"]
    share = second / max(1, first)
    h = raw["hit"]
    hit_p50 = pct(h["redis_ms"], 50)
    base = raw["no_redis"]["answered_ms"]
    after = raw["stopped"]["answered_after_kill_ms"]
    slower = max(after, default=0.0) - max(base, default=0.0)
    redis_messages = [m for m in raw["stopped"]["messages"] if m and "shared cache" in m]
    return [
        ("upstream latency (fake, to first token)", f"{raw['latency_ms']:.0f} ms", "(fixed)", None),
        (
            "machine load average (1 min), before / after",
            f"{raw['loadavg_before']} / {raw['loadavg_after']}",
            "(info)",
            None,
        ),
        (
            "upstream requests, second server / first",
            f"{second} / {first} = {share:.1%} (hung up mid-stream: second "
            f"{raw['second']['hung_up']}, first {raw['first']['hung_up']}; "
            f"entries shared: {raw['shared_entries']}; "
            f"second server redisHits +{raw['second']['usage_delta'].get('redisHits', 0)}, "
            f"shown {raw['second']['shown']} vs {raw['first']['shown']})",
            "<= 10 %",
            share <= 0.10,
        ),
        (
            "  second server's requests, by what the first did with that prompt",
            ", ".join(f"{k} {v}" for k, v in raw["second_by_first"].items()),
            "answered 0",
            raw["second_by_first"]["first_answered"] == 0,
        ),
        (
            "Redis hit, server round trip (invoked, fresh server)",
            f"p50 {hit_p50:.2f} ms, p95 {pct(h['redis_ms'], 95):.2f} ms, max "
            f"{max(h['redis_ms'], default=0):.2f} ms (n={len(h['redis_ms'])}, redisHits "
            f"+{h['redis_hits']}, upstream during {h['upstream_during']}, empty {h['empty']})",
            "p50 <= 2 ms",
            hit_p50 <= 2.0 and h["redis_hits"] == len(h["redis_ms"]) and not h["upstream_during"],
        ),
        (
            "  first-level hit, same positions (for comparison)",
            f"p50 {pct(h['memory_ms'], 50):.2f} ms (cacheHits +{h['memory_hits']})",
            "(info)",
            None,
        ),
        (
            "answered requests, Redis killed mid-run vs no Redis",
            f"after the kill p50 {pct(after, 50):.1f} / p95 {pct(after, 95):.1f} / max "
            f"{max(after, default=0):.1f} ms (n={len(after)}); no Redis p50 {pct(base, 50):.1f} "
            f"/ p95 {pct(base, 95):.1f} / max {max(base, default=0):.1f} ms (n={len(base)}); "
            f"Redis messages {len(redis_messages)}",
            "no slower",
            pct(after, 95) <= pct(base, 95) * 1.1 + 2 and slower <= 25 and len(redis_messages) == 1,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print raw figures as JSON")
    parser.add_argument("--latency-ms", type=float, default=150.0)
    parser.add_argument("--hits", type=int, default=60, help="positions for the Redis-hit phase")
    parser.add_argument("--kill-after", type=float, default=24.0, help="seconds into the session")
    parser.add_argument("--oracle-rate", type=float, default=0.4, help="lines the model predicts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--debounce", default="auto", help='completion.debounceMs: "auto" or ms')
    args = parser.parse_args(argv)
    raw = asyncio.run(run(args))
    rows = summarise(raw)
    if args.json:
        rows_json = [{"figure": r[0], "value": r[1], "target": r[2], "met": r[3]} for r in rows]
        print(json.dumps({"rows": rows_json, "raw": raw}, indent=1, default=str))
    else:
        print_table(rows)
    return 0 if all(r[3] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
