"""Tree-sitter grammars, loaded on first use: importing a grammar costs start-up time.

Each grammar package bundles its compiled grammar (nothing is downloaded at run time). A
language whose package is missing simply has no outline; its files still serve similar snippets.
"""

from __future__ import annotations

import functools
import importlib
import threading
from typing import Any

_local = threading.local()  # a Parser is not safe to share between threads

# language id -> (module, function returning the grammar pointer)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "javascriptreact": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "typescriptreact": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "java": ("tree_sitter_java", "language"),
    "kotlin": ("tree_sitter_kotlin", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
}


def supported(language_id: str) -> bool:
    """Whether an outline can be made for this language id."""
    return language_id in _GRAMMARS


def parser_for(language_id: str) -> Any | None:
    """The calling thread's tree-sitter Parser for the language, or None without its grammar."""
    parsers = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    if language_id not in parsers:
        grammar = _grammar(language_id)
        if grammar is None:
            parsers[language_id] = None
        else:
            from tree_sitter import Parser

            parsers[language_id] = Parser(grammar)
    return parsers[language_id]


@functools.cache
def _grammar(language_id: str) -> Any | None:
    if language_id not in _GRAMMARS:
        return None
    module_name, function = _GRAMMARS[language_id]
    try:
        from tree_sitter import Language

        module = importlib.import_module(module_name)
        return Language(getattr(module, function)())
    except (ImportError, AttributeError, ValueError):
        return None
