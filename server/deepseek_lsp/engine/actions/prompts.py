"""Chat messages for each code action, built from the selection and what surrounds it.

Every prompt is ordered stable-first for DeepSeek's prefix cache: the system prompt (one per kind
of answer), then what changes rarely (file path, language, imports, the enclosing function or
class), and last what changes with every request (the code to work on and the ask).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from deepseek_lsp.engine.actions.docstrings import enclosing_function, find_functions
from deepseek_lsp.engine.document import Document

# The definitions the lines first..last of a document use from other files, as plain text.
DefinitionsSource = Callable[[Document, int, int], str]
Messages = tuple[dict[str, str], ...]

CODE_SYSTEM = (
    "You are DeepSeek, a senior software engineer editing code inside the user's editor. "
    "Reply with CODE ONLY: exactly one fenced code block holding the code asked for, with no "
    "explanation before or after it. Keep the code's style, naming and indentation. Do not "
    "repeat code that is only given as context."
)
PROSE_SYSTEM = (
    "You are DeepSeek, a senior software engineer helping a colleague inside their editor. "
    "Answer in clear, concise prose (Markdown allowed); quote code only where it helps."
)
DOC_SYSTEM = (
    "You are DeepSeek, writing documentation comments inside the user's editor. Reply with the "
    "text of the documentation comment ONLY: no code, no quotes, no comment markers, no fences. "
    "Start with a one-line summary; add parameters, return value and raised errors only when "
    "they are not obvious, in the usual convention of the language."
)
_IMPORT = re.compile(
    r"^\s*(import\b|from\s+\S+\s+import\b|#\s*include\b|use\s|using\s|require\b|package\s|"
    r"(?:const|let|var)\s+\w+\s*=\s*require\(|library\(|extern crate\b)"
)
MAX_IMPORT_LINES = 60
MAX_CONTEXT_LINES = 150
WINDOW_LINES = 40


@dataclass(frozen=True)
class Diagnostic:
    """A problem reported by the editor for the document (0-based lines)."""

    message: str
    line: int
    severity: str = "error"
    end_line: int | None = None
    source: str | None = None

    def touches(self, first: int, last: int) -> bool:
        """Whether the diagnostic's lines meet the lines `first`..`last` (inclusive)."""
        end = self.line if self.end_line is None else self.end_line
        return self.line <= last and end >= first


@dataclass(frozen=True)
class CodeContext:
    """The code an action works on (`target`, from line `start`) and what surrounds it."""

    path: str
    language_id: str
    imports: str
    surroundings: str
    target: str
    start: int
    definitions: str = ""  # what the target uses from other files of the workspace (issue 12)


def build_context(
    lines: Sequence[str], language_id: str, path: str, first: int, last: int
) -> CodeContext:
    """Context for the target lines `first`..`last` (inclusive) of a document."""
    target = "\n".join(lines[first : last + 1])
    return CodeContext(
        path=path,
        language_id=language_id,
        imports="\n".join(file_imports(lines)),
        surroundings=_surroundings(lines, language_id, first, last),
        target=target,
        start=first,
    )


def file_imports(lines: Sequence[str]) -> list[str]:
    """The import lines near the top of a file (Go's `import ( ... )` blocks included)."""
    found: list[str] = []
    in_block = False
    for line in lines[:300]:
        if in_block or _IMPORT.match(line):
            found.append(line)
            in_block = (in_block or line.rstrip().endswith("(")) and line.strip() != ")"
        if len(found) >= MAX_IMPORT_LINES:
            break
    return found


def _surroundings(lines: Sequence[str], language_id: str, first: int, last: int) -> str:
    """The enclosing function or class around the target, else a window of lines."""
    low, high = max(0, first - WINDOW_LINES), min(len(lines), last + WINDOW_LINES + 1)
    spans = find_functions(lines[low:high], language_id)
    outer = [s for s in spans if s.decl_start + low < first and s.end + low >= last]
    if outer:
        span = max(outer, key=lambda s: s.decl_start)
        low, high = span.decl_start + low, span.end + low + 1
    if high - low > MAX_CONTEXT_LINES:
        low = max(low, first - MAX_CONTEXT_LINES // 2)
        high = min(high, low + MAX_CONTEXT_LINES)
    if low >= first and high <= last + 1:
        return ""
    return "\n".join(lines[low:high])


def enclosing_lines(lines: Sequence[str], language_id: str, line: int) -> tuple[int, int] | None:
    """The lines (first, last) of the innermost function around `line`, looking nearby only."""
    low = max(0, line - 400)
    span = enclosing_function(find_functions(lines[low : line + 400], language_id), line - low)
    return (span.decl_start + low, span.end + low) if span else None


def target_lines(
    lines: Sequence[str],
    language_id: str,
    selection: tuple[tuple[int, int], tuple[int, int]],
    diagnostics: Sequence[Diagnostic] = (),
) -> tuple[int, int]:
    """Whole lines to work on: the selection, else the enclosing function, else nearby lines."""
    (first, first_col), (last, last_col) = selection
    if (first, first_col) != (last, last_col):
        return first, last - 1 if last > first and last_col == 0 else last
    around = enclosing_lines(lines, language_id, first)
    if around is not None:
        return around
    if diagnostics:
        ends = [d.line for d in diagnostics] + [d.end_line or d.line for d in diagnostics]
        return min(ends), max(ends)
    return max(0, first - 10), min(len(lines) - 1, first + 10)


def _fence(code: str, language_id: str) -> str:
    ticks = "````" if "```" in code else "```"
    return f"{ticks}{language_id}\n{code}\n{ticks}"


def _context_text(ctx: CodeContext) -> str:
    parts = [f"File: {ctx.path} (language: {ctx.language_id})"]
    if ctx.imports:
        parts.append("Imports of the file:\n" + _fence(ctx.imports, ctx.language_id))
    if ctx.surroundings:
        parts.append(
            "Surrounding code (context only):\n" + _fence(ctx.surroundings, ctx.language_id)
        )
    if ctx.definitions:
        parts.append(
            "Definitions it uses from other files (context only):\n"
            + _fence(ctx.definitions, ctx.language_id)
        )
    return "\n\n".join(parts)


def _messages(system: str, ctx: CodeContext, target_label: str, ask: str) -> Messages:
    target = f"{target_label} (from line {ctx.start + 1}):\n" + _fence(ctx.target, ctx.language_id)
    user = f"{_context_text(ctx)}\n\n{target}\n\n{ask}"
    return ({"role": "system", "content": system}, {"role": "user", "content": user})


def explain_messages(ctx: CodeContext) -> Messages:
    """Ask for a prose explanation of the target."""
    ask = "Explain what this code does, how, and anything surprising or risky in it."
    return _messages(PROSE_SYSTEM, ctx, "Code to explain", ask)


def fix_messages(ctx: CodeContext, diagnostics: Sequence[Diagnostic]) -> Messages:
    """Ask for the target rewritten so that the diagnostics go away."""
    problems = "\n".join(
        f"- line {d.line + 1} ({d.severity}{', ' + d.source if d.source else ''}): {d.message}"
        for d in diagnostics
    )
    ask = (
        f"Fix these problems reported by the editor:\n{problems or '- (none reported: fix bugs)'}"
        "\n\nReply with the corrected version of the whole code above (every line of it, fixed),"
        " in one fenced block."
    )
    return _messages(CODE_SYSTEM, ctx, "Code to fix", ask)


def refactor_messages(ctx: CodeContext, instruction: str | None = None) -> Messages:
    """Ask for the target refactored, keeping its behaviour."""
    goal = instruction or "Refactor it for readability and simplicity, keeping its behaviour."
    ask = f"{goal}\n\nReply with the complete new version of the code above, in one fenced block."
    return _messages(CODE_SYSTEM, ctx, "Code to refactor", ask)


def docstring_messages(ctx: CodeContext, name: str) -> Messages:
    """Ask for the text of a documentation comment for function or class `name`."""
    ask = f"Write the documentation comment for `{name}`."
    return _messages(DOC_SYSTEM, ctx, f"Definition of {name}", ask)


def tests_messages(ctx: CodeContext, test_path: str, existing: str | None) -> Messages:
    """Ask for unit tests of the target, to go into `test_path` (which may already exist)."""
    where = f"The tests go into {test_path}"
    if existing is not None:
        where += (
            ", which already begins like this (write only the new tests and any imports they"
            " need that are missing):\n" + _fence(existing, ctx.language_id)
        )
    else:
        where += " (a new file: include the imports it needs)."
    ask = (
        f"Write unit tests for this code with the usual test framework of the language. {where}"
        "\n\nReply with the test code in one fenced block."
    )
    return _messages(CODE_SYSTEM, ctx, "Code to test", ask)


def instruction_messages(ctx: CodeContext, instruction: str) -> Messages:
    """Ask for the code an `@deepseek` instruction describes, to go below its comment."""
    ask = (
        f"Instruction: {instruction}\n\nWrite the code that carries out this instruction."
        " It will be inserted right below the comment holding the instruction"
        " (the last line shown above)."
        " Reply with only the new code, in one fenced block."
    )
    return _messages(CODE_SYSTEM, ctx, "Code up to the instruction", ask)
