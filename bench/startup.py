"""Start-up benchmark: process start to the ``initialize`` answer, RSS, and the first suggestion.

Run ``.venv/bin/python bench/startup.py`` (``--runs N``). Each run spawns a fresh server over
stdio against the in-process fake (loopback), times spawn -> ``initialize`` answer, then sends
``initialized``, opens a 10-line file and asks for an invoked inline completion, timing spawn ->
that answer; RSS is read one second after the ``initialize`` answer (nothing is indexed: no
workspace folder). Runs alternate between the early ``initialize`` answer (``early_init``, the
default) and ``DEEPSEEK_LSP_EARLY_INIT=0`` (the full server answers), so both see the same load.
The first run only primes the cache of the early answer and is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from deepseek_lsp.testing.fake.server import FakeDeepSeek
from lsp_client import LspClient, initialize_params
from stats import KEY

TEXT = "import os\n\n\ndef add(a, b):\n    return \n\n\nprint(add(1, 2))\n"


async def one_run(env: dict[str, str]) -> dict[str, float]:
    """Times (ms) of one fresh server, and its RSS (MiB) a second after initialize."""
    started = time.perf_counter()
    client = await LspClient.spawn(env)
    try:
        reply = await client.request("initialize", initialize_params())
        init_ms = (reply.received_at - started) * 1000
        client.notify("initialized", {})
        item = {"uri": "file:///bench/s.py", "languageId": "python", "version": 1, "text": TEXT}
        client.notify("textDocument/didOpen", {"textDocument": item})
        params = {
            "textDocument": {"uri": item["uri"]},
            "position": {"line": 4, "character": 11},
            "context": {"triggerKind": 1},
        }
        first = await client.request("textDocument/inlineCompletion", params)
        first_ms = (first.received_at - started) * 1000
        await asyncio.sleep(max(0.0, 1.0 - (time.perf_counter() - reply.received_at)))
        rss = client.rss_kib() / 1024
    finally:
        await client.close()
    return {"init_ms": init_ms, "first_ms": first_ms, "rss_mib": rss}


async def run(runs: int) -> dict[str, Any]:
    fake = FakeDeepSeek(first_token_delay=0.0, chunk_delay=0.0).start()
    base = {"DEEPSEEK_BASE_URL": fake.base_url, "DEEPSEEK_API_KEY": KEY}
    modes = {"early": {**base, "DEEPSEEK_LSP_EARLY_INIT": "1"}}
    modes["full"] = {**base, "DEEPSEEK_LSP_EARLY_INIT": "0"}
    out: dict[str, list[dict[str, float]]] = {"early": [], "full": []}
    load = [Path("/proc/loadavg").read_text().split()[0]]
    try:
        await one_run(modes["early"])  # primes the stored answer for this code
        for _ in range(runs):
            for name, env in modes.items():
                out[name].append(await one_run(env))
    finally:
        fake.stop()
    load.append(Path("/proc/loadavg").read_text().split()[0])
    return {"runs": out, "load": load}


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    raw = asyncio.run(run(args.runs))
    early, full = raw["runs"]["early"], raw["runs"]["full"]
    init, rss = median(early, "init_ms"), max(r["rss_mib"] for r in early) * 1.048576
    rows = [
        ("machine load average (1 min), before / after", " / ".join(raw["load"]), "(info)", ""),
        (
            "process start to initialize answer",
            f"p50 {init:.0f} ms (full server answering: p50 {median(full, 'init_ms'):.0f} ms)",
            "<= 300 ms",
            "met" if init <= 300 else "MISSED",
        ),
        (
            "RSS 1 s after initialize, nothing indexed",
            f"max {rss:.1f} MB (full: max {max(r['rss_mib'] for r in full) * 1.048576:.1f} MB)",
            "<= 60 MB",
            "met" if rss <= 60 else "MISSED",
        ),
        (
            "process start to first inline answer",
            f"p50 {median(early, 'first_ms'):.0f} ms early, {median(full, 'first_ms'):.0f} ms full",
            "early not slower",
            "met" if median(early, "first_ms") <= median(full, "first_ms") * 1.05 else "MISSED",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, target, mark in rows:
        print(f"{name:<{width}}  {target:<16}  {mark:<6}  {value}")
    print(f"(n={args.runs} each, alternating)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
