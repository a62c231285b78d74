"""The DeepSeek code actions, and which of them fit a range: pure and cheap, no API call.

`available_actions` runs on every cursor move, so it looks only at a window of lines around the
selection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from deepseek_lsp.api import Usage
from deepseek_lsp.engine.actions.directive import Directive, find_directive
from deepseek_lsp.engine.actions.docstrings import enclosing_function, find_functions
from deepseek_lsp.engine.actions.prompts import Diagnostic
from deepseek_lsp.engine.actions.replies import Position, TextEdit
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.languages import language_for

Range = tuple[Position, Position]
NEARBY = 250  # lines either side of the cursor that `available_actions` looks at


class ActionKind(str, Enum):
    """The DeepSeek code actions; `command` and `title` are what the editor shows."""

    EXPLAIN = "explain"
    FIX = "fix"
    ADD_DOCSTRING = "add_docstring"
    GENERATE_TESTS = "generate_tests"
    REFACTOR = "refactor"
    RUN_INSTRUCTION = "run_instruction"

    @property
    def command(self) -> str:
        """The `workspace/executeCommand` name, e.g. `deepseek.addDocstring`."""
        head, *rest = self.value.split("_")
        return "deepseek." + head + "".join(part.title() for part in rest)

    @property
    def title(self) -> str:
        """The code action's title."""
        return "DeepSeek: " + _TITLES[self.value]


_TITLES = {
    "explain": "explain this code",
    "fix": "fix the problems here",
    "add_docstring": "add a docstring",
    "generate_tests": "generate tests",
    "refactor": "refactor this code",
    "run_instruction": "run @deepseek instruction",
}


@dataclass(frozen=True)
class ActionResult:
    """Edits to apply (creating `create_files` first, as URIs), or prose in `text`; tokens used."""

    edits: tuple[TextEdit, ...] = ()
    create_files: tuple[str, ...] = ()
    text: str | None = None
    usage: Usage | None = None
    version: int | None = None


MAX_SCAN_CHARS = 4096  # of one line: a minified 50 MB line is looked at near the cursor only
MAX_SCAN_LINES = 2000


def scan_window(text: str, column: int) -> str:
    """`text`, or a bounded slice of it around `column` when the line is huge."""
    if len(text) <= MAX_SCAN_CHARS:
        return text
    start = max(0, column - MAX_SCAN_CHARS // 2)
    return text[start : start + MAX_SCAN_CHARS]


def language_of(doc: Document) -> str:
    """The document's canonical language id (`py` and `python` are both `python`)."""
    return language_for(doc.uri, doc.language_id).id


def available_actions(
    doc: Document, selection: Range, diagnostics: Sequence[Diagnostic]
) -> list[ActionKind]:
    """The actions that fit `selection` (code-point positions), without calling the API."""
    (first, first_col), (last, last_col) = selection
    low = max(0, first - NEARBY)
    scan_last = min(last, first + MAX_SCAN_LINES)  # a whole-file selection is not read whole

    def scan(i: int) -> str:
        return scan_window(doc.line(i), first_col if i == first else 0)

    lines = [scan(i) for i in range(low, min(doc.line_count, scan_last + NEARBY))]
    span = enclosing_function(find_functions(lines, language_of(doc)), first - low)
    kinds = []
    if (first, first_col) != (last, last_col) or span is not None:
        kinds += [ActionKind.EXPLAIN, ActionKind.REFACTOR, ActionKind.GENERATE_TESTS]
    if any(d.touches(first, last) for d in diagnostics):
        kinds.append(ActionKind.FIX)
    if span is not None and span.needs_docstring:
        kinds.append(ActionKind.ADD_DOCSTRING)
    if directive_in(scan, language_of(doc), doc.uri, first, scan_last) is not None:
        kinds.append(ActionKind.RUN_INSTRUCTION)
    return kinds


def directive_in(
    line_at: Callable[[int], str], language: str, uri: str, first: int, last: int
) -> Directive | None:
    """The first `@deepseek` directive on the selected lines (at most 50 looked at)."""
    for line in range(first, min(last, first + 50) + 1):
        found = find_directive(line_at(line), line, language, uri)
        if found is not None:
            return found
    return None
