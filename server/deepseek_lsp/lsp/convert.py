"""LSP values in the engine's shapes: selections as code-point positions, diagnostics."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from deepseek_lsp.engine.actions import Diagnostic, Range
from deepseek_lsp.engine.document import Document

_SEVERITY = {1: "error", 2: "warning", 3: "information", 4: "hint"}


def selection_of(doc: Document, rng: types.Range) -> Range:
    """An LSP range as code-point positions (clamped; a range given end first is turned round)."""
    start = doc.to_code_points((rng.start.line, rng.start.character))
    end = doc.to_code_points((rng.end.line, rng.end.character))
    return (start, end) if start <= end else (end, start)


def diagnostics_of(items: Sequence[types.Diagnostic]) -> list[Diagnostic]:
    """LSP diagnostics in the engine's shape."""
    return [
        Diagnostic(
            message=d.message,
            line=d.range.start.line,
            severity=_SEVERITY.get(int(d.severity or 1), "error"),
            end_line=d.range.end.line,
            source=d.source,
        )
        for d in items
    ]
