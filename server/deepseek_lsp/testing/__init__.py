"""Test and offline support: the fake DeepSeek API server and its scripting values.

Names are imported lazily so ``python -m deepseek_lsp.testing.fake`` does not import the
module twice (runpy warns when the package already imported it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deepseek_lsp.testing.fake.server import FakeDeepSeek
    from deepseek_lsp.testing.fake.types import FakeConfig, FakeReply, RecordedRequest

_EXPORTS = {
    "FakeDeepSeek": "deepseek_lsp.testing.fake.server",
    "FakeConfig": "deepseek_lsp.testing.fake.types",
    "FakeReply": "deepseek_lsp.testing.fake.types",
    "RecordedRequest": "deepseek_lsp.testing.fake.types",
}
__all__ = ["FakeConfig", "FakeDeepSeek", "FakeReply", "RecordedRequest"]


def __getattr__(name: str) -> Any:
    """Import an exported name on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
