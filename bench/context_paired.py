"""Two versions of the server side by side: the same fake, the same cursors, alternating blocks.

`bench/context_added.py` compares each request with a direct call, and run to run its p50 moves
by about ±0.15 ms. To compare two versions of the server, both run at once here: each indexes the
same project and opens the same file; blocks of ten invoked requests at the same random line ends
alternate between them (ABBA). It prints both round trips' p50 and the p50 of the per-cursor
differences. The fake's jitter is still in both (per-cursor p25 to p75 spans about 2 ms), so run
it with a few seeds. Give the old version as a source tree:

    git worktree add --detach /tmp/old <commit>
    .venv/bin/python bench/context_paired.py --old /tmp/old/server

The new version is the one this checkout imports. Both servers hold an index of the project, so
this needs memory for two (about 0.5 GB for Django).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.setswitchinterval(0.0005)  # the fake's thread must not delay this client's reads for 5 ms

import phases  # noqa: E402
from context_added import FILE, open_in_workspace  # noqa: E402
from deepseek_lsp.testing.fake.server import FakeDeepSeek  # noqa: E402
from lsp_client import LspClient  # noqa: E402
from stats import pct, print_table  # noqa: E402

BLOCK = 10


async def run(
    old: str, samples: int, seed: int, project: str, file: str
) -> list[tuple[str, str, str, bool | None]]:
    fake = FakeDeepSeek(first_token_delay=0.15, chunk_delay=0.0).start()
    servers: dict[str, tuple[LspClient, phases.Doc]] = {}
    try:
        for name, source in (("old", old), ("new", None)):
            client, doc, _ = await open_in_workspace(fake, project, file, source)
            servers[name] = (client, doc)
        await asyncio.sleep(1.0)  # the opened file's outline and rows are prepared by now
        lines = servers["old"][1].lines
        chosen = [i for i, text in enumerate(lines) if text.strip() and i >= 50]
        cursors = random.Random(seed).sample(chosen, samples)
        rtt: dict[str, list[float]] = {"old": [], "new": []}
        for start in range(0, samples, BLOCK):
            order = ("old", "new") if (start // BLOCK) % 2 == 0 else ("new", "old")
            for name in order:
                client, doc = servers[name]
                for line in cursors[start : start + BLOCK]:
                    before = len(fake.requests)
                    reply = await client.request(
                        "textDocument/inlineCompletion",
                        phases.inline_params(doc, (line, len(doc.lines[line])), phases.INVOKED),
                    )
                    await phases.settled(fake, before + 1)
                    rtt[name].append(reply.rtt * 1000)
                    await asyncio.sleep(0.15)  # the user's pause: the next request comes cold
    finally:
        for client, _ in servers.values():
            await client.close()
        fake.stop()
    paired = [new - old for old, new in zip(rtt["old"], rtt["new"], strict=True)]
    old_p50, new_p50 = statistics.median(rtt["old"]), statistics.median(rtt["new"])
    return [
        ("workspace", f"{project} indexed by both; {file} open", "(fixed)", None),
        ("round trip, old / new, p50", f"{old_p50:.2f} / {new_p50:.2f} ms (n={samples})", "", None),
        (
            "new minus old, same cursor, p50",
            f"{statistics.median(paired):+.3f} ms (p25 {pct(paired, 25):+.3f},"
            f" p75 {pct(paired, 75):+.3f} ms)",
            "(report)",
            None,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", required=True, help="the old version's server/ source folder")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--project", default="django", help="a bench/context_corpus.py project")
    parser.add_argument("--file", default=FILE, help="the file to open, relative to the project")
    args = parser.parse_args(argv)
    rows = asyncio.run(run(args.old, args.samples, args.seed, args.project, args.file))
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
