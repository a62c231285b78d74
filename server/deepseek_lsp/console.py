"""Output of the one-shot commands (`complete`, `doctor`, the fake server's banner).

Written to a named stream, never with print(): in server mode stdout is the LSP stream, so
every line here says explicitly where it goes.
"""

from __future__ import annotations

import sys
from typing import TextIO


def out(text: str, stream: TextIO | None = None) -> None:
    """One line to `stream` (stdout by default), flushed at once."""
    target = stream or sys.stdout
    target.write(text + "\n")
    target.flush()


def err(text: str) -> None:
    """One line to stderr."""
    out(text, sys.stderr)
