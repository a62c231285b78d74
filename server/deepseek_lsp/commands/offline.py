"""The built-in fake DeepSeek server as the API (`--offline`, or `complete` without a key)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

OFFLINE_KEY = "sk-offline-fake"


@contextmanager
def _offline_api() -> Iterator[dict[str, str]]:
    from deepseek_lsp.testing.fake.server import FakeDeepSeek

    with FakeDeepSeek() as fake:
        yield {"baseUrl": fake.base_url, "apiKey": OFFLINE_KEY}


def offline_api(enabled: bool) -> AbstractContextManager[dict[str, str] | None]:
    """While open, the fake server runs; yields the settings layer that points at it (or None)."""
    return _offline_api() if enabled else nullcontext(None)
