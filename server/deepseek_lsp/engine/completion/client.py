"""What the completion engine needs of the API client.

That is `DeepSeekClient`, the lsp layer's metered wrapper around it (lsp/metered.py), or a fake.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from deepseek_lsp.api import FimRequest, RetryPolicy


class FimClient(Protocol):
    """Streams one FIM answer."""

    def stream_fim(
        self, req: FimRequest, *, retry: RetryPolicy | None, fallback_models: Sequence[str]
    ) -> AbstractAsyncContextManager[Any]:
        """An async context manager iterating deltas with `.text`, with `.usage` at the end."""
        ...
