"""Languages the engine knows: ids, file extensions and comment syntax.

The prompt header (`# Path: src/app.py`), snippets from other files, code actions and the
`@deepseek` directive all need to write or recognise a comment in the file's own syntax, and the
postprocessor needs to know whether blocks are delimited by indentation or by brackets.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class Language:
    """One language's id, extensions and comment syntax."""

    id: str
    extensions: tuple[str, ...] = ()
    line_comment: str | None = None
    block_comment: tuple[str, str] | None = None
    indent_blocks: bool = False  # blocks end by dedenting (Python, YAML, Haskell)

    def comment(self, text: str) -> str:
        """`text` as a one-line comment, or "" when the language has no comments."""
        if self.line_comment:
            return f"{self.line_comment} {text}"
        if self.block_comment:
            return f"{self.block_comment[0]} {text} {self.block_comment[1]}"
        return ""


_C_BLOCK = ("/*", "*/")
_HTML_BLOCK = ("<!--", "-->")

PLAINTEXT = Language("plaintext", (".txt",))

LANGUAGES: tuple[Language, ...] = (
    Language("python", (".py", ".pyi", ".pyw"), "#", indent_blocks=True),
    Language("javascript", (".js", ".mjs", ".cjs"), "//", _C_BLOCK),
    Language("javascriptreact", (".jsx",), "//", _C_BLOCK),
    Language("typescript", (".ts", ".mts", ".cts"), "//", _C_BLOCK),
    Language("typescriptreact", (".tsx",), "//", _C_BLOCK),
    Language("go", (".go",), "//", _C_BLOCK),
    Language("rust", (".rs",), "//", _C_BLOCK),
    Language("java", (".java",), "//", _C_BLOCK),
    Language("c", (".c", ".h"), "//", _C_BLOCK),
    Language("cpp", (".cpp", ".cc", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++"), "//", _C_BLOCK),
    Language("csharp", (".cs",), "//", _C_BLOCK),
    Language("ruby", (".rb", ".rake", ".gemspec"), "#", ("=begin", "=end")),
    Language("shellscript", (".sh", ".bash", ".zsh", ".ksh"), "#"),
    Language("sql", (".sql",), "--", _C_BLOCK),
    Language("lua", (".lua",), "--", ("--[[", "]]")),
    Language("html", (".html", ".htm", ".xhtml"), None, _HTML_BLOCK),
    Language("xml", (".xml", ".xsd", ".xsl", ".xslt", ".svg", ".plist"), None, _HTML_BLOCK),
    Language("css", (".css",), None, _C_BLOCK),
    Language("scss", (".scss",), "//", _C_BLOCK),
    Language("less", (".less",), "//", _C_BLOCK),
    Language("php", (".php", ".phtml"), "//", _C_BLOCK),
    Language("kotlin", (".kt", ".kts"), "//", _C_BLOCK),
    Language("swift", (".swift",), "//", _C_BLOCK),
    Language("yaml", (".yaml", ".yml"), "#", indent_blocks=True),
    Language("toml", (".toml",), "#"),
    Language("markdown", (".md", ".markdown"), None, _HTML_BLOCK),
    Language("haskell", (".hs", ".lhs"), "--", ("{-", "-}"), indent_blocks=True),
    Language("scala", (".scala", ".sc"), "//", _C_BLOCK),
    Language("dart", (".dart",), "//", _C_BLOCK),
    Language("r", (".r",), "#"),
    Language("perl", (".pl", ".pm"), "#"),
    Language("elixir", (".ex", ".exs"), "#"),
    Language("jsonc", (".jsonc",), "//", _C_BLOCK),
    Language("json", (".json",)),
    Language("dockerfile", (".dockerfile",), "#"),
    Language("makefile", (".mk",), "#"),
    Language("ini", (".ini", ".cfg"), ";"),
    Language("vue", (".vue",), None, _HTML_BLOCK),
)

_BY_ID: dict[str, Language] = {lang.id: lang for lang in LANGUAGES}
_ALIASES = {
    "py": "python",
    "js": "javascript",
    "jsx": "javascriptreact",
    "ts": "typescript",
    "tsx": "typescriptreact",
    "c++": "cpp",
    "cs": "csharp",
    "c#": "csharp",
    "sh": "shellscript",
    "bash": "shellscript",
    "zsh": "shellscript",
    "shell": "shellscript",
    "yml": "yaml",
    "md": "markdown",
    "golang": "go",
    "rs": "rust",
    "rb": "ruby",
    "kt": "kotlin",
    "hs": "haskell",
    "docker": "dockerfile",
    "make": "makefile",
}
_BY_EXTENSION: dict[str, Language] = {
    ext.lower(): lang for lang in LANGUAGES for ext in lang.extensions
}
_BY_FILENAME = {
    "dockerfile": "dockerfile",
    "makefile": "makefile",
    "gnumakefile": "makefile",
    ".bashrc": "shellscript",
    ".zshrc": "shellscript",
    ".profile": "shellscript",
    "rakefile": "ruby",
    "gemfile": "ruby",
}
_UNSPECIFIC_IDS = {"", "plaintext", "text", "plain", "unknown"}


def get_language(language_id: str) -> Language | None:
    """The language for an LSP language id (or a common alias), if known."""
    key = language_id.strip().lower()
    return _BY_ID.get(_ALIASES.get(key, key))


def language_from_path(path: str) -> Language | None:
    """Guess the language from a file name or URI."""
    if "://" in path:
        path = unquote(urlparse(path).path)
    name = posixpath.basename(path.replace("\\", "/")).lower()
    if name in _BY_FILENAME:
        return _BY_ID[_BY_FILENAME[name]]
    _, ext = posixpath.splitext(name)
    return _BY_EXTENSION.get(ext)


def language_for(uri: str, language_id: str | None = None) -> Language:
    """The document's language: its id when specific, else guessed from the extension."""
    if language_id and language_id.strip().lower() not in _UNSPECIFIC_IDS:
        known = get_language(language_id)
        if known is not None:
            return known
        guessed = language_from_path(uri)
        return guessed or Language(language_id.strip().lower())
    return language_from_path(uri) or PLAINTEXT
