"""Where a docstring goes in each language, how it is written, and which functions lack one.

The model is asked for the docstring's text only; this module wraps it in the language's form:
Python puts a triple-quoted string first in the body; JS/TS/Java/C/C++/C#/Kotlin/PHP/Swift put a
`/** ... */` block above the declaration; Go puts `// Name ...` lines above; Rust `///` lines;
Ruby, shell and Lua plain comment lines. Function finding is heuristic (indentation for Python,
`end` for Ruby/Lua, braces elsewhere) and errs on the side of finding nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from deepseek_lsp.engine.actions.replies import (
    dedent_lines,
    extract_code,
    indent_unit,
    leading_whitespace,
)
from deepseek_lsp.engine.actions.replies import strip_blank_edges as _trim

_PY_DEF = re.compile(r"^(\s*)(?:async\s+def|def|class)\s+(\w+)")
_PY_STRING_START = re.compile(r"^[rRuUbBfF]{0,2}(\"|')")
_END_DEF = {
    "ruby": re.compile(r"^(\s*)(?:def\s+(?:self\.)?([\w?!=]+)|(?:class|module)\s+([\w:]+))"),
    "lua": re.compile(r"^(\s*)(?:local\s+)?function\s+([\w.:]+)"),
}
_BRACE_DEFS = (
    re.compile(r"^\s*func\s+(?:\([^)]*\)\s*)?(\w+)"),  # Go, Swift
    re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:(?:async|const|unsafe)\s+)*fn\s+(\w+)"),  # Rust
    re.compile(r"^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\*?\s+(\w+)"),  # JS, PHP
    re.compile(r"^\s*(?:export\s+)?(?:const|let|var)\s+(\w+)\s*=\s*(?:async\s+)?(?:\(|\w+\s*=>)"),
    re.compile(r"^\s*(?:[\w@]+\s+)*fun\s+(?:<[^>]*>\s*)?(?:\w+\.)?(\w+)"),  # Kotlin
    re.compile(r"^\s*(?:[\w@]+\s+)*(?:class|interface|struct|enum|trait|impl)\s+(\w+)"),
    re.compile(r"^\s*(?:[\w<>\[\],.*&:?~]+\s+)+[*&]*(\w+)\s*\([^;]*$"),  # C-like typed definitions
    re.compile(  # JS/TS methods: `name(a: T): R {` or `{}` (not a call with a string or lambda)
        r"^\s*(?:(?:public|private|protected|static|async|override|get|set)\s+)*(\w+)\s*"
        r"\([\w\s,:?=<>\[\].|&*]*\)\s*(?::\s*[^{;=]+)?\{\s*(?:\}\s*)?$"
    ),
)
_NOT_NAMES = {"if", "for", "while", "switch", "catch", "return", "else", "do", "new", "sizeof"}
_ANNOTATION = re.compile(r"^\s*(@\w|#\[|\[\w)")
_COMMENT_START = ("//", "/*", "*", "#", "--", ";")
_ABOVE_STYLE = {"go": "// ", "rust": "/// ", "ruby": "# ", "shellscript": "# ", "lua": "-- "}
BLOCK_LANGUAGES = frozenset(
    {"javascript", "typescript", "javascriptreact", "typescriptreact", "java", "c", "cpp"}
    | {"csharp", "kotlin", "php", "swift", "scala", "dart"}
)


@dataclass(frozen=True)
class FunctionSpan:
    """A function or class found in a document (0-based lines).

    `decl_start` is its first decorator or annotation line, `start` the line naming it, `body`
    its first body line (None for a Python one-liner), `end` its last line (inclusive).
    `empty_body` marks a Python function still being written (`def f():` and nothing in it yet):
    it is a function all the same, and its docstring opens the body one level in.
    """

    name: str
    start: int
    end: int
    has_docstring: bool
    decl_start: int
    body: int | None = None
    empty_body: bool = False

    @property
    def needs_docstring(self) -> bool:
        """True when a docstring can be added and there is none yet."""
        return not self.has_docstring and self.body is not None


@dataclass(frozen=True)
class Insertion:
    """Insert the docstring's lines before `line`, each prefixed with `indent`."""

    line: int
    indent: str


def find_functions(lines: Sequence[str], language_id: str) -> list[FunctionSpan]:
    """Functions and classes of a document's lines, in order (nested ones included)."""
    if language_id == "python":
        return _python_functions(lines)
    if language_id in _END_DEF:
        return _end_functions(lines, _END_DEF[language_id])
    if language_id in BLOCK_LANGUAGES or language_id in _ABOVE_STYLE:
        return _brace_functions(lines)
    return []  # markup, data and unknown languages: no guessing


def enclosing_function(spans: Sequence[FunctionSpan], line: int) -> FunctionSpan | None:
    """The innermost span containing `line` (decorators count as part of it)."""
    inside = [s for s in spans if s.decl_start <= line <= s.end]
    return min(inside, key=lambda s: s.end - s.decl_start) if inside else None


def insertion_for(lines: Sequence[str], span: FunctionSpan, language_id: str) -> Insertion:
    """Where the docstring of `span` goes (computed on the unedited document)."""
    if language_id == "python" and span.body is not None:
        if span.empty_body:
            return Insertion(span.body, leading_whitespace(lines[span.start]) + indent_unit(lines))
        return Insertion(span.body, leading_whitespace(lines[span.body]))
    return Insertion(span.decl_start, leading_whitespace(lines[span.start]))


def format_docstring(text: str, language_id: str, indent: str, name: str = "") -> list[str]:
    """The docstring text wrapped in the language's form, as lines indented with `indent`."""
    body = clean_docstring_reply(text)
    if not body:
        return []
    if language_id == "python":
        if len(body) == 1:
            return [f'{indent}"""{body[0]}"""']
        return [f'{indent}"""{body[0]}', *(_indent(body[1:], indent)), f'{indent}"""']
    if language_id in BLOCK_LANGUAGES:
        return [f"{indent}/**", *(f"{indent} * {t}".rstrip() for t in body), f"{indent} */"]
    if language_id == "go" and name and not body[0].startswith(name):
        first = body[0]
        lowered = first[:1].lower() + first[1:] if first[1:2].islower() else first
        body = [f"{name} {lowered}", *body[1:]]
    prefix = _ABOVE_STYLE.get(language_id, "# ")
    return [f"{indent}{prefix}{t}".rstrip() for t in body]


def clean_docstring_reply(reply: str) -> list[str]:
    """The docstring's own lines: fences, quotes and comment markers a model added are removed."""
    text = extract_code(reply)
    if '"""' in text:
        parts = text.split('"""')
        text = parts[1] if len(parts) > 2 else text.replace('"""', "")
    lines = [_strip_marker(line) for line in text.replace("'''", "").splitlines()]
    return _trim(dedent_lines([line for line in lines if line.strip() not in ("/**", "*/")]))


def _strip_marker(line: str) -> str:
    stripped = line.strip()
    for marker in ("///", "/**", "//", "*/", "*", "#", "--"):
        if stripped.startswith(marker):
            stripped = stripped[len(marker) :].removesuffix("*/")
            return stripped[1:] if stripped.startswith(" ") else stripped
    return line.rstrip()


def _indent(lines: Sequence[str], indent: str) -> list[str]:
    return [indent + line if line else "" for line in lines]


def _python_functions(lines: Sequence[str]) -> list[FunctionSpan]:
    in_string = _python_string_lines(lines)
    spans = []
    for index, line in enumerate(lines):
        match = _PY_DEF.match(line)
        if match is None or in_string[index]:
            continue
        indent = len(match.group(1))
        header_end = _python_header_end(lines, index)
        tail = lines[header_end].split("#")[0].rstrip()
        body = None if not tail.endswith(":") else _next_code_line(lines, header_end + 1)
        empty = tail.endswith(":") and (
            body is None or len(leading_whitespace(lines[body])) <= indent
        )
        end = _python_block_end(lines, header_end, indent)
        if empty:  # the body is still to be written: it starts on the line after the header
            body = header_end + 1 if header_end + 1 < len(lines) else None
            end = body if body is not None else header_end
        documented = (
            body is not None and not empty and bool(_PY_STRING_START.match(lines[body].strip()))
        )
        decl = index
        while decl > 0 and lines[decl - 1].strip().startswith("@"):
            decl -= 1
        spans.append(FunctionSpan(match.group(2), index, end, documented, decl, body, empty))
    return spans


def _python_string_lines(lines: Sequence[str]) -> list[bool]:
    """For each line, whether it starts inside a triple-quoted string."""
    inside: list[bool] = []
    quote: str | None = None
    for line in lines:
        inside.append(quote is not None)
        for match in re.finditer(r'"""|\'\'\'', line):
            if quote is None:
                quote = match.group()
            elif match.group() == quote:
                quote = None
    return inside


def _python_header_end(lines: Sequence[str], start: int) -> int:
    depth = 0
    for index in range(start, min(len(lines), start + 30)):
        depth += sum(lines[index].count(c) for c in "([{") - sum(
            lines[index].count(c) for c in ")]}"
        )
        if depth <= 0:
            return index
    return start


def _next_code_line(lines: Sequence[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None


def _python_block_end(lines: Sequence[str], header_end: int, indent: int) -> int:
    end = header_end
    for index in range(header_end + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if len(leading_whitespace(line)) <= indent and not line.lstrip().startswith("#"):
            break
        end = index
    return end


def _end_functions(lines: Sequence[str], pattern: re.Pattern[str]) -> list[FunctionSpan]:
    spans = []
    for index, line in enumerate(lines):
        match = pattern.match(line)
        if match is None:
            continue
        indent = match.group(1)
        name = next(g for g in match.groups()[1:] if g)
        end = next((i for i in range(index + 1, len(lines)) if lines[i] == f"{indent}end"), None)
        if end is not None:
            spans.append(_above_span(lines, name, index, end))
    return spans


def _brace_functions(lines: Sequence[str]) -> list[FunctionSpan]:
    spans = []
    for index, line in enumerate(lines):
        if line.lstrip().startswith(_COMMENT_START):
            continue
        name = _brace_name(line)
        if name is None:
            continue
        end = _closing_brace(lines, index)
        if end is not None:
            spans.append(_above_span(lines, name, index, end))
    return spans


def _brace_name(line: str) -> str | None:
    for pattern in _BRACE_DEFS:
        match = pattern.match(line)
        if match and match.group(1) not in _NOT_NAMES:
            return match.group(1)
    return None


def _closing_brace(lines: Sequence[str], start: int) -> int | None:
    """The line closing the first `{` at or after `start`, or None for a mere declaration."""
    depth, opened = 0, False
    for index in range(start, len(lines)):
        code = _code_of(lines[index])
        if not opened and (";" in code.split("{")[0] or index - start > 10):
            return None
        for char in code:
            if char == "{":
                depth, opened = depth + 1, True
            elif char == "}":
                depth -= 1
                if opened and depth == 0:
                    return index
    return None


def _above_span(lines: Sequence[str], name: str, start: int, end: int) -> FunctionSpan:
    decl = start
    while decl > 0 and _ANNOTATION.match(lines[decl - 1]):
        decl -= 1
    above = lines[decl - 1].strip() if decl > 0 else ""
    documented = above.startswith(_COMMENT_START)
    # The comment goes above the declaration, so a one-line or empty body (`f() {}`) takes one too.
    return FunctionSpan(name, start, end, documented, decl, start + 1 if end > start else start)


def _code_of(line: str) -> str:
    """A line without its string literals and `//` comment."""
    return re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|//.*$', "", line)
