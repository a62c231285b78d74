"""Golden completion cases: document with cursor (║), raw model reply, what the user reads.

What the user reads is the document once the editor has applied the suggestion's range and
text. One file per family of problems (tests/golden/completion/*.txt), shared by the unit
tests, the end-to-end tests and the postprocess benchmark. A file is a list of cases::

    === javascript: an auto-closed quote written again by the model
    --- document
    const s = "║"
    --- reply
    hello";
    --- expected
    const s = "hello";

Sections are the lines up to the next marker, without trailing empty lines; the document and
the expected text end with a newline, the reply does not (a reply that starts with a line break
starts with an empty line). `--- reply finish=length` marks a reply cut off by max_tokens;
`--- expected unchanged` means nothing is shown. Text before the first case describes the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CURSOR = "║"
EXTENSIONS = {
    "python": "py", "javascript": "js", "typescript": "ts", "typescriptreact": "tsx",
    "go": "go", "rust": "rs", "java": "java", "c": "c", "cpp": "cpp", "csharp": "cs",
    "ruby": "rb", "php": "php", "yaml": "yaml", "lua": "lua", "kotlin": "kt", "swift": "swift",
    "shellscript": "sh", "sql": "sql", "html": "html", "css": "css", "json": "json",
    "toml": "toml", "markdown": "md", "scala": "scala", "dart": "dart", "elixir": "ex",
}  # fmt: skip
_HEADER = re.compile(r"=== (\S+): (.+)")
_SECTION = re.compile(r"--- (document|reply|expected)(?: (finish=\w+|unchanged))?")


@dataclass(frozen=True)
class GoldenCase:
    """One document, one reply, one expected result."""

    family: str
    name: str
    language: str
    document: str  # without the cursor marker
    offset: int  # the cursor, as an index into `document`
    reply: str
    finish_reason: str | None
    expected: str

    @property
    def uri(self) -> str:
        """A file URI with the language's extension."""
        slug = re.sub(r"\W+", "_", self.name).strip("_")[:40]
        return f"file:///golden/{self.family}/{slug}.{EXTENSIONS[self.language]}"

    @property
    def cursor(self) -> tuple[int, int]:
        """The cursor as (line, code point)."""
        before = self.document[: self.offset]
        return before.count("\n"), len(before) - (before.rfind("\n") + 1)

    @property
    def id(self) -> str:
        """A short test id."""
        return f"{self.family}/{self.language}: {self.name}"

    def applied(self, text: str, replace: int = 0) -> str:
        """The document after an editor inserts `text` at the cursor over `replace` characters."""
        return self.document[: self.offset] + text + self.document[self.offset + replace :]


def load(directory: Path) -> list[GoldenCase]:
    """Every case of every `*.txt` file in `directory`, in file order."""
    cases: list[GoldenCase] = []
    for path in sorted(directory.glob("*.txt")):
        cases.extend(parse(path.read_text(encoding="utf-8"), path.stem))
    return cases


def parse(text: str, family: str) -> list[GoldenCase]:
    """The cases in one file's text; a clear ValueError for a malformed one."""
    cases: list[GoldenCase] = []
    for chunk in re.split(r"^(?==== )", text, flags=re.MULTILINE):
        if chunk.startswith("=== "):  # anything before the first case describes the file
            cases.append(_case(chunk, family))
    return cases


def _case(chunk: str, family: str) -> GoldenCase:
    """One `=== language: name` block."""
    lines = chunk.split("\n")
    header = _HEADER.fullmatch(lines[0].rstrip())
    if not header:
        raise ValueError(f"{family}: a case must start with '=== language: name': {lines[0]!r}")
    language, name = header.groups()
    if language not in EXTENSIONS:
        raise ValueError(f"{family}/{name}: unknown language {language!r}")
    sections: dict[str, list[str]] = {}
    flags: dict[str, str | None] = {}
    current: list[str] | None = None
    for line in lines[1:]:
        marker = _SECTION.fullmatch(line.rstrip())
        if marker:
            current = sections.setdefault(marker.group(1), [])
            flags[marker.group(1)] = marker.group(2)
        elif current is not None:
            current.append(line)
    missing = {"document", "reply", "expected"} - sections.keys()
    if missing:
        raise ValueError(f"{family}/{name}: missing section(s) {sorted(missing)}")
    marked = _join(sections["document"]) + "\n"
    if marked.count(CURSOR) != 1:
        raise ValueError(f"{family}/{name}: the document needs exactly one {CURSOR}")
    document = marked.replace(CURSOR, "")
    finish = flags["reply"]
    expected = document if flags["expected"] == "unchanged" else _join(sections["expected"]) + "\n"
    return GoldenCase(
        family=family,
        name=name,
        language=language,
        document=document,
        offset=marked.index(CURSOR),
        reply=_join(sections["reply"]),
        finish_reason=finish.split("=", 1)[1] if finish else None,
        expected=expected,
    )


def _join(lines: list[str]) -> str:
    """Section lines without trailing empty ones."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines)
