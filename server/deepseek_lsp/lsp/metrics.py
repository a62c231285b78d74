"""Prometheus metrics on 127.0.0.1:`metrics.port`: the usage counters, for a team's dashboards.

A few lines of HTTP on asyncio rather than a client library: one text page, no dependency.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import fields

from deepseek_lsp.engine.usage import UsageCounters

log = logging.getLogger(__name__)

_HELP = {
    "requests": "Upstream completion requests.",
    "cache_hits": "Suggestions served from the cache.",
    "typed_ahead_hits": "Suggestions served while the user typed ahead of one.",
    "cancelled": "Requests cancelled by the editor.",
    "errors": "Failed upstream requests.",
    "prompt_tokens": "Prompt tokens billed.",
    "prompt_cache_hit_tokens": "Prompt tokens that hit DeepSeek's prefix cache.",
    "prompt_cache_miss_tokens": "Prompt tokens that missed DeepSeek's prefix cache.",
    "completion_tokens": "Completion tokens billed.",
    "shown": "Suggestions shown by the editor.",
    "accepted": "Suggestions accepted (wholly or partly).",
}


def render(usage: UsageCounters) -> str:
    """The counters in Prometheus' text exposition format."""
    lines = []
    for field in fields(usage):
        name = f"deepseek_lsp_{field.name}_total"
        lines += [
            f"# HELP {name} {_HELP.get(field.name, field.name)}",
            f"# TYPE {name} counter",
            f"{name} {getattr(usage, field.name)}",
        ]
    return "\n".join(lines) + "\n"


class MetricsServer:
    """Serves `render(usage)` at /metrics on loopback; restartable on another port."""

    def __init__(self, usage: UsageCounters) -> None:
        self._usage = usage
        self._server: asyncio.base_events.Server | None = None
        self.port: int | None = None

    async def serve(self, port: int | None) -> None:
        """Listen on `port` (None stops). Raises OSError when the port cannot be had."""
        if port == self.port:
            return
        await self.close()
        if port is None:
            return
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", port)
        self.port = port
        log.info("metrics on http://127.0.0.1:%d/metrics", port)

    async def close(self) -> None:
        """Stop listening."""
        server, self._server, self.port = self._server, None, None
        if server is not None:
            server.close()
            with contextlib.suppress(Exception):
                await server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await asyncio.wait_for(reader.readline(), 5)
            while (await asyncio.wait_for(reader.readline(), 5)).strip():
                pass  # headers are not needed
            path = request_line.split(b" ")[1] if request_line.count(b" ") >= 2 else b""
            if path.split(b"?")[0] == b"/metrics":
                status, body = "200 OK", render(self._usage).encode()
            else:
                status, body = "404 Not Found", b"see /metrics\n"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (asyncio.TimeoutError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()
