"""Memory and event-loop figures for bench/context.py: the index must never stall a keystroke."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

_CHILD = """
import asyncio, sys
from deepseek_lsp.lsp.app import create_server
from deepseek_lsp.engine.workspace.service import WorkspaceService, limits_from
server = create_server({})
service = WorkspaceService(limits_from(server.settings), lambda uri: None, lambda p: p)
async def build():
    service.start([sys.argv[1]])
    await service.idle()
asyncio.run(build())
rss = next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]
print(len(service.builder.index.files), int(rss) / 1024)
"""


def rss_mb(root: Path) -> str:
    """VmRSS of a fresh process holding the whole server and the index of `root`."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(root)], capture_output=True, text=True, check=True
    ).stdout.split()
    return f"{float(out[1]):.1f} MB for {out[0]} indexed files"


async def loop_lag_while_indexing(root: Path) -> str:
    """How late a 1 ms timer fires while the index of `root` is built on the same loop."""
    from deepseek_lsp.engine.workspace.builder import IndexBuilder

    builder = IndexBuilder()
    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append((time.perf_counter() - before - 0.001) * 1000)

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    await builder.set_roots([str(root)])
    elapsed = time.perf_counter() - started
    done.set()
    await task
    lags.sort()
    p50, p99 = lags[len(lags) // 2], lags[int(len(lags) * 0.99)]
    return f"{p50:.2f} / {p99:.2f} / {lags[-1]:.2f} (build {elapsed:.1f} s, {len(lags)} ticks)"
