"""Single- or multi-line: decided from what the cursor position needs, before the request.

A multi-line request lets the model write a block and costs more tokens; a single-line one
ends with the first line that has text. Multi-line where the position asks for more than one
line: an empty line, a line that opens a block, a docstring or a bracket that is still open, a
declaration or control header that has no body yet, or the end of a statement with nothing but
an empty line (or the end of the file) below it. Never in the middle of a line nor in a line
comment. (Continue asks for several lines wherever the cursor is at the end of a line; Tabby
always does and trims afterwards. We ask for one line after a complete statement that has code
right below it, where one more line is the likeliest useful answer and the cheapest.)
"""

from __future__ import annotations

import re

from deepseek_lsp.engine.document import Document, Position
from deepseek_lsp.engine.languages import Language

LOOKBACK_LINES = 30  # how far back an open bracket is looked for
_CLOSERS_ONLY = re.compile(r"[\s)\]};,\"'`]*")
_BLOCK_OPENER = re.compile(r"(?:[:{(\[]|=>|->|\bdo(?:\s*\|[^|]*\|)?|\bthen|\bbegin)$")
_DOC_OPENER = re.compile(r"(?:\"\"\"|'''|/\*\*?|<!--|--\[\[|=begin)$")
_MODIFIERS = (
    r"(?:public|private|protected|internal|static|async|export|default|pub(?:\([^)]*\))?|final"
    r"|abstract|override|unsafe|extern|open|sealed|data|suspend|inline|virtual|const|local)"
)
_HEADER = re.compile(
    rf"(?:{_MODIFIERS}\s+)*(?:def\w*|class|function|func|fun|fn|impl|struct|interface|enum|trait"
    r"|object|module|namespace|if|elif|elsif|else|for|foreach|while|switch|try|catch|except"
    r"|finally|match|with|unless|until|loop|case|when|do|begin|sub|proc|macro|template)\b"
    r"(?!\s*(?:[=.,;)\]]|:=))"  # `match = ...`, `object.x`: a name, not a keyword
)
_HEADER_DONE = re.compile(r"[;}]$|\bend$")  # `if (x) return;`, `class A {}`: nothing to open
_CONTINUES = re.compile(r"(?:[-+*/%=&|^<>,.\\!~?]|\b(?:and|or|not|in|is|return))$")
_OPENERS, _CLOSERS = "([", ")]"  # braces: the enclosing blocks are always open
_BRACKET = re.compile(r"[()\[\]]")


def is_multiline(
    doc: Document, pos: Position, lang: Language, line_prefix: str, line_suffix: str
) -> bool:
    """True when the position needs more than one line; see the module docstring."""
    if not _CLOSERS_ONLY.fullmatch(line_suffix):
        return False  # mid-line: the rest of the line is the user's
    before = line_prefix.rstrip()
    stripped = before.lstrip()
    if not stripped:
        return True
    if lang.line_comment and stripped.startswith(lang.line_comment):
        return False
    if _DOC_OPENER.search(before) or _BLOCK_OPENER.search(before):
        return True
    if _in_string(before):
        return False
    if _open_brackets(doc, pos, lang, line_suffix) > 0:
        return True
    if _HEADER.match(stripped) and not _HEADER_DONE.search(stripped):
        return True
    if _CONTINUES.search(stripped):
        return False  # `x = a +`: the expression goes on, on this line
    line = pos[0]
    return line + 1 >= doc.line_count or not doc.line(line + 1).strip()


def line_complete(text: str) -> bool:
    """A single-line answer is complete once a line with text in it has ended.

    An opening Markdown fence is not that line: the code it wraps comes after it.
    """
    body = text.lstrip()
    if body.startswith(("```", "~~~")):
        body = body.partition("\n")[2].lstrip()
    return "\n" in body


LINE_WINDOW = 4096


def _open_brackets(doc: Document, pos: Position, lang: Language, line_suffix: str) -> int:
    """Parentheses and brackets opened in the last lines and not closed by the line's rest."""
    line, column = pos
    first = max(0, line - LOOKBACK_LINES)
    # a huge (minified) line is read near the cursor only
    lines = [raw[-LINE_WINDOW:] for raw in doc.raw_lines(first, line)]  # endings hold no brackets
    lines.append(doc.line(line)[max(0, column - LINE_WINDOW) : column])
    depth = 0
    for text in lines:
        if "(" not in text and ")" not in text and "[" not in text and "]" not in text:
            continue
        if lang.line_comment and lang.line_comment in text:
            text = text.split(lang.line_comment, 1)[0]  # rough: a marker in a string cuts early
        for char in _BRACKET.findall(_strip_strings(text)):
            if char in _OPENERS:
                depth += 1
            else:
                depth = max(0, depth - 1)
    return depth - sum(line_suffix.count(c) for c in _CLOSERS)


_STRING = re.compile(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`""")


def _in_string(line_prefix: str) -> bool:
    """The cursor is inside a string literal that the line opened."""
    rest = _strip_strings(line_prefix)
    return any(rest.count(quote) % 2 for quote in "\"'`")


def _strip_strings(text: str) -> str:
    """One line without its string literals."""
    return _STRING.sub("", text) if ("'" in text or '"' in text or "`" in text) else text
