"""Time a request spends waiting on DeepSeek (or on its debounce), so the rest is the server's own.

The lsp layer opens a `Waits` per request (`start`); the engine marks where it waits on
upstream work (`waiting()`), and the metered API client marks upstream calls made directly by a
handler. Nested marks count once, so a request's server-added time is its wall time minus
`Waits.seconds`. Without a `start` in the current context, marking does nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Waits:
    """Seconds spent waiting so far."""

    seconds: float = 0.0


_current: ContextVar[Waits | None] = ContextVar("deepseek_lsp_waits", default=None)
# Inside a wait; tasks started there (the shared upstream work) inherit it and count nothing.
_inside: ContextVar[bool] = ContextVar("deepseek_lsp_waiting", default=False)


def start() -> Waits:
    """A fresh account for the request running in this context (tasks it starts share it)."""
    waits = Waits()
    _current.set(waits)
    return waits


@contextmanager
def waiting() -> Iterator[None]:
    """Count the time inside this block as waiting, unless an outer block already does."""
    waits = _current.get()
    if waits is None or _inside.get():
        yield
        return
    token = _inside.set(True)
    started = time.perf_counter()
    try:
        yield
    finally:
        _inside.reset(token)
        waits.seconds += time.perf_counter() - started
