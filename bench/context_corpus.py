"""Real code nobody here wrote, for bench/context.py: fetched once, cached in bench/.corpus/.

Python sdists come from `pip download --no-binary :all:`, TypeScript packages from `npm pack`
(only packages that ship their .ts sources), Go and Rust repositories from git mirrors (the
`fetch` tool leaves them under /work/.mirror; pass others with --repo NAME=GIT_DIR).

Positions are mined WITHOUT the index under test: plain regexes find top-level function
definitions whose name is defined in exactly one file of the project, and calls of that name in
another file that imports it (or, in Go, shares its package). The cursor goes before the call and
the rest of its line is removed, as a user about to type the call would have it.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / ".corpus"
SDISTS = {"django": "django==5.1.4", "rich": "rich==13.9.4", "httpx": "httpx==0.28.1"}
NPM = {"rxjs": "rxjs@7.8.1", "query-core": "@tanstack/query-core@5.62.0"}
MIRRORS = {
    "cobra": "/work/.mirror/spf13+cobra/repo",
    "viper": "/work/.mirror/spf13+viper/repo",
    "ripgrep": "/work/.mirror/BurntSushi+ripgrep/repo",
}
LANGUAGE = {".py": "python", ".ts": "typescript", ".go": "go", ".rs": "rust"}

_DEFS = {
    "python": re.compile(r"^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(|^class\s+([A-Za-z_]\w*)", re.M),
    "typescript": re.compile(
        r"^export\s+(?:declare\s+)?(?:async\s+)?function\*?\s+([A-Za-z_$][\w$]*)"
        r"|^export\s+(?:const|let)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>"
        r"|^export\s+(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)",
        re.M,
    ),
    "go": re.compile(r"^func\s+([A-Za-z_]\w*)\s*[\[(]", re.M),
    "rust": re.compile(
        r"^\s*pub(?:\([\w:]+\))?\s+(?:const\s+)?(?:async\s+)?fn\s+([a-z_]\w*)", re.M
    ),
}
# Every definition of a name, for "defined in exactly one file": private Rust functions and
# methods count too (ripgrep's private `fn search` in main.rs, viper's method and dotenv's
# function `flattenAndMergeMap`), or a call of one would be taken for a call of the other.
_ALL_DEFS = {
    "rust": re.compile(r"^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?"
                       r"fn\s+([a-z_]\w*)", re.M),
    "go": re.compile(r"^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*[\[(]", re.M),
}  # fmt: skip
_CALL = re.compile(r"(?<![\w.$:])((?:[A-Za-z_]\w*(?:\.|::))?([A-Za-z_$][\w$]*))\s*\(")


@dataclass(frozen=True)
class Position:
    """A call of a function defined in another file, with the cursor before the call."""

    project: str
    path: str  # the calling file (absolute)
    line: int
    column: int
    name: str
    defined_in: str  # the defining file (absolute)
    text: str  # the calling file with the cursor line cut at the cursor


def fetch_all(names: list[str] | None = None) -> dict[str, Path]:
    """Project name -> extracted source folder (fetched and extracted on first use)."""
    src = CORPUS / "src"
    src.mkdir(parents=True, exist_ok=True)
    projects: dict[str, Path] = {}
    for name, spec in SDISTS.items():
        if names is None or name in names:
            projects[name] = _sdist(name, spec, src)
    for name, spec in NPM.items():
        if names is None or name in names:
            projects[name] = _npm(name, spec, src)
    for name, git_dir in MIRRORS.items():
        if (names is None or name in names) and Path(git_dir).exists():
            projects[name] = _git(name, git_dir, src)
    return projects


def _sdist(name: str, spec: str, src: Path) -> Path:
    target = src / name
    if not target.exists():
        downloads = CORPUS / "sdists"
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", "-q",
             "--disable-pip-version-check", "-d", str(downloads), spec],
            check=True, capture_output=True,
        )  # fmt: skip
        wanted = spec.replace("==", "-").lower()
        archive = next(p for p in downloads.iterdir() if p.name.lower().startswith(wanted))
        _extract(archive, target)
    return target


def _npm(name: str, spec: str, src: Path) -> Path:
    target = src / name
    if not target.exists():
        downloads = CORPUS / "npm"
        downloads.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(
            ["npm", "pack", spec, "--silent"], cwd=downloads, check=True, capture_output=True,
            text=True,
        )  # fmt: skip
        _extract(downloads / out.stdout.strip().splitlines()[-1], target)
    return target


def _git(name: str, git_dir: str, src: Path) -> Path:
    target = src / name
    if not target.exists():
        target.mkdir(parents=True)
        archive = subprocess.run(
            ["git", f"--git-dir={git_dir}", "archive", "HEAD"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "x", "-C", str(target)], input=archive, check=True)
    return target


def _extract(archive: Path, target: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    inner = [p for p in target.iterdir() if p.is_dir()]
    if len(inner) == 1:  # one top folder (package/ or name-version/): use it as the root
        for child in inner[0].iterdir():
            child.rename(target / child.name)
        inner[0].rmdir()


def source_files(root: Path) -> list[Path]:
    """The project's sources of the four languages, tests and type stubs included."""
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in ("node_modules", ".git", "dist"))
        for name in sorted(files):
            if Path(name).suffix in LANGUAGE and not name.endswith(".d.ts"):
                found.append(Path(directory) / name)
    return found


def mine(project: str, root: Path, limit: int, seed: int = 7) -> list[Position]:
    """Up to `limit` positions of the project, sampled deterministically."""
    files = source_files(root)
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in files}
    defined: dict[tuple[str, str], list[Path]] = {}
    targets: set[tuple[str, str]] = set()
    for path, text in texts.items():
        language = LANGUAGE[path.suffix]
        for match in _DEFS[language].finditer(text):
            targets.add((language, next(g for g in match.groups() if g)))
        for match in _ALL_DEFS.get(language, _DEFS[language]).finditer(text):
            name = next(g for g in match.groups() if g)
            holders = defined.setdefault((language, name), [])
            if path not in holders:
                holders.append(path)
    unique = {key: paths[0] for key, paths in defined.items() if len(paths) == 1 and key in targets}
    context = _Project(root, _go_module(root), texts)
    positions = []
    for path, text in texts.items():
        positions += _positions(project, path, text, LANGUAGE[path.suffix], unique, context)
    random.Random(seed).shuffle(positions)
    return sorted(positions[:limit], key=lambda p: (p.path, p.line))


def _positions(
    project: str,
    path: Path,
    text: str,
    language: str,
    unique: dict[tuple[str, str], Path],
    context: _Project,
) -> list[Position]:
    lines = text.split("\n")
    import_lines = [line for line in lines if _is_import(line, language)]
    imports = "\n".join(_bindings(line, language) for line in import_lines)
    strings = _docstring_lines(lines) if language == "python" else set()
    found, seen = [], set()
    for number, line in enumerate(lines):
        stripped = line.lstrip()
        if (
            not stripped
            or stripped.startswith(("#", "//", "*", "/*"))
            or _is_import(line, language)
            or number in strings
        ):
            continue
        if re.match(r"\s*(?:pub\s+)?(?:async\s+)?(?:def|fn|func|function|class)\b", line):
            continue
        for match in _CALL.finditer(line):
            name = match.group(2)
            home = unique.get((language, name))
            if home is None or home == path or name in seen:
                continue
            visible = re.search(rf"\b{re.escape(name)}\b", imports) or (
                language == "go" and (home.parent == path.parent or "." in match.group(1))
            )
            if language == "rust" and "::" in match.group(1):
                visible = visible or re.search(rf"\b{match.group(1).split('::')[0]}\b", imports)
            if not visible or not _calls_home(match, home, language, import_lines, context):
                continue
            seen.add(name)
            column = match.start(1)
            cut = "\n".join([*lines[:number], line[:column], *lines[number + 1 :]])
            found.append(Position(project, str(path), number, column, name, str(home), cut))
    return found


def _is_import(line: str, language: str) -> bool:
    if language == "python":
        return bool(re.match(r"\s*(from\s+\S+\s+import|import)\s", line))
    if language == "typescript":
        return bool(re.match(r"\s*(import|export)\s.*\bfrom\b|\s*import\s", line))
    if language == "rust":
        return bool(re.match(r"\s*(pub(\(\w+\))?\s+)?use\s", line))
    return bool(re.match(r'\s*(import\b|"[\w./-]+"$)', line.strip()))


@dataclass(frozen=True)
class _Project:
    root: Path
    go_module: str
    texts: dict[Path, str]


def _go_module(root: Path) -> str:
    try:
        found = re.search(r"^module\s+(\S+)", (root / "go.mod").read_text(), re.M)
    except OSError:
        return ""
    return found.group(1) if found else ""


def _bindings(line: str, language: str) -> str:
    """What an import line binds: in TS not the `from '...'` part (every line says "from")."""
    if language == "typescript":
        return re.split(r"\bfrom\s*['\"]", line)[0]
    return line


def _docstring_lines(lines: list[str]) -> set[int]:
    """Python lines inside or opening a triple-quoted string: prose, not calls."""
    inside, found = False, set()
    for number, line in enumerate(lines):
        quotes = line.count('"""') + line.count("'''")
        if inside or quotes:
            found.add(number)
        if quotes % 2:
            inside = not inside
    return found


def _calls_home(
    match: re.Match[str], home: Path, language: str, import_lines: list[str], project: _Project
) -> bool:
    """Whether the call is of the definition in `home`, not of a same-named one elsewhere.

    Found on the corpus: `time.time()`, `date(...)` from datetime, `join` from os.path,
    `Array.from(...)`, Go's `json.Unmarshal`, Rust's `OsStr::from_bytes` and `v.parse()` were
    taken for calls of the project's functions of those names.
    """
    qualifier = match.group(1)[: -len(match.group(2))].rstrip(".:")
    name = match.group(2)
    if language == "python":
        word = qualifier or name
        return any(_project_import(line, word, home, project) for line in import_lines)
    if language == "typescript":
        return not qualifier or any(re.search(rf"\b{qualifier}\b", line) for line in import_lines)
    if language == "go":
        return _go_calls_home(qualifier, home, import_lines, project)
    if language == "rust":
        return _rust_calls_home(match.group(1), qualifier, name, home, project)
    return True


def _project_import(line: str, word: str, home: Path, project: _Project) -> bool:
    if not re.search(rf"\b{re.escape(word)}\b", line):
        return False
    parts = [p for p in home.relative_to(project.root).parts if p not in ("src", "lib")]
    top = re.escape(parts[0].removesuffix(".py")) if parts else ""
    return bool(re.match(rf"\s*(from\s+(\.|{top}\b)|import\s+{top}\b)", line))


def _go_calls_home(qualifier: str, home: Path, import_lines: list[str], project: _Project) -> bool:
    for line in import_lines:
        spec = re.match(r'\s*(?:import\s+)?(?:(\w+)\s+)?"([^"]+)"', line)
        if spec is None:
            continue
        alias = spec.group(1) or _go_package_name(spec.group(2))
        if qualifier and alias == qualifier:  # a package's function: that package's file
            module = project.go_module
            inside = module and (spec.group(2) + "/").startswith(module + "/")
            rest = spec.group(2)[len(module) :].strip("/")
            return bool(inside) and home.parent == project.root.joinpath(*rest.split("/"))
    return True  # unqualified (same package) or a method on a value


def _go_package_name(path: str) -> str:
    """`github.com/pelletier/go-toml/v2` is package toml's path; `gopkg.in/yaml.v3` yaml's."""
    parts = path.split("/")
    last = parts[-2] if re.fullmatch(r"v\d+", parts[-1]) and len(parts) > 1 else parts[-1]
    return re.sub(r"\.v\d+$", "", last).removeprefix("go-")


def _rust_calls_home(
    written: str, qualifier: str, name: str, home: Path, project: _Project
) -> bool:
    text = project.texts.get(home, "")
    if "." in written:  # value.name(): a method, so it takes self
        method = rf"fn\s+{name}\s*(?:<[^>]*>)?\s*\(\s*&?\s*(?:'\w+\s+)?(?:mut\s+)?self\b"
        return bool(re.search(method, text))
    if not qualifier or qualifier in ("crate", "self", "super"):
        return True
    if qualifier[0].isupper():  # Type::name(): home declares or implements the type
        kind = rf"\b(?:struct|enum|trait|union|type)\s+{qualifier}\b|\bimpl\b[^{{;]*\b{qualifier}\b"
        return bool(re.search(kind, text))
    return qualifier in home.with_suffix("").parts  # module::name(): home is that module
