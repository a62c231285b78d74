"""Find an `@deepseek <instruction>` directive written in a comment.

The directive must sit in a real comment of the file's language (a `#` inside a string is not a
comment), at the start of the comment's text: `# @deepseek parse ISO dates`, `// @deepseek ...`,
`/* @deepseek ... */`, `-- @deepseek ...`, `<!-- @deepseek ... -->`, `; @deepseek ...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deepseek_lsp.engine.actions.replies import leading_whitespace
from deepseek_lsp.engine.languages import language_for

_DIRECTIVE = re.compile(r"@deepseek\b[:,]?\s+(?P<instruction>\S.*)$", re.IGNORECASE)
_MARKER_CHARS = "/*!#;-< \t"


@dataclass(frozen=True)
class CommentSyntax:
    """How comments and strings are written in one language, as far as directives care."""

    line: tuple[str, ...] = ()
    block: tuple[tuple[str, str], ...] = ()
    quotes: str = "\"'"
    hash_needs_space: bool = False


@dataclass(frozen=True)
class Directive:
    """An instruction found on `line`; generated code goes below it with `indent`."""

    line: int
    instruction: str
    indent: str


def find_directive(text: str, line: int, language_id: str, uri: str = "") -> Directive | None:
    """The directive on this line of text, or None when there is none in a comment."""
    syntax = comment_syntax(language_id, uri)
    comment = comment_text(text, syntax)
    if comment is None:
        return None
    match = _DIRECTIVE.match(comment.lstrip(_MARKER_CHARS))
    if match is None:
        return None
    instruction = _strip_closer(match.group("instruction"), syntax).strip()
    if not instruction:
        return None
    return Directive(line=line, instruction=instruction, indent=leading_whitespace(text))


def comment_text(text: str, syntax: CommentSyntax) -> str | None:
    """The text after the first comment opener of `text` that is outside a string, or None."""
    stripped = text.lstrip()
    if syntax.block and (stripped == "*" or stripped.startswith("* ")):
        return stripped[1:]  # the middle of a /* ... */ block: ` * @deepseek ...`
    quote: str | None = None
    index = 0
    while index < len(text):
        char = text[index]
        if quote is not None:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in syntax.quotes:
            quote = char
        else:
            opener = _opener_at(text, index, syntax)
            if opener:
                return text[index + len(opener) :]
        index += 1
    return None


def _opener_at(text: str, index: int, syntax: CommentSyntax) -> str | None:
    for token in (*(opener for opener, _ in syntax.block), *syntax.line):
        if text.startswith(token, index):
            if syntax.hash_needs_space and token == "#" and index and not text[index - 1].isspace():
                continue
            return token
    return None


def _strip_closer(instruction: str, syntax: CommentSyntax) -> str:
    instruction = instruction.rstrip()
    for _, closer in syntax.block:
        if instruction.endswith(closer):
            return instruction[: -len(closer)]
    return instruction


_QUOTES = {
    "rust": '"',
    "haskell": '"',
    "sql": "'",
    "html": "",
    "xml": "",
    "markdown": "",
    "vue": "",
}
_BACKTICK = {"javascript", "typescript", "javascriptreact", "typescriptreact", "go", "kotlin"}
_EXTRA: dict[str, CommentSyntax] = {
    **dict.fromkeys(
        ("lisp", "commonlisp", "clojure", "scheme", "racket", "elisp", "emacs-lisp"),
        CommentSyntax(line=(";",), quotes='"'),
    ),
    "php": CommentSyntax(line=("//", "#"), block=(("/*", "*/"),)),
}


def comment_syntax(language_id: str, uri: str = "") -> CommentSyntax:
    """The comment syntax for an LSP language id, else for the file extension of `uri`."""
    language = language_for(uri, language_id)
    if language.id in _EXTRA:
        return _EXTRA[language.id]
    if not language.line_comment and not language.block_comment:
        return CommentSyntax(line=("#", "//"))  # unknown: the two most common
    quotes = _QUOTES.get(language.id, "\"'" + ("`" if language.id in _BACKTICK else ""))
    return CommentSyntax(
        line=(language.line_comment,) if language.line_comment else (),
        block=(language.block_comment,) if language.block_comment else (),
        quotes=quotes,
        hash_needs_space=language.id == "shellscript",
    )
