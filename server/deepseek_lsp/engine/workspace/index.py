"""The workspace index: every readable source file's outline, kept current.

The index is plain data mutated on one thread (the event loop's); reading and parsing files is
done by `scan_root` and `load_files`, which touch no shared state and run in a worker thread (see
`builder.py`). Paths are absolute, in the OS's form. Excluded and ignored files are never read:
`Gate.allows` is asked before any `open`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from deepseek_lsp.engine import privacy
from deepseek_lsp.engine.languages import language_from_path
from deepseek_lsp.engine.workspace import grammars, ignore
from deepseek_lsp.engine.workspace.outline import Outline, outline

log = logging.getLogger(__name__)

MARKER_FILES = ("go.mod", "Cargo.toml", "__init__.py", "package.json", "tsconfig.json")


@dataclass(frozen=True)
class Limits:
    """How much of a workspace is indexed."""

    max_files: int = 5000
    max_file_bytes: int = 256_000
    exclude: tuple[str, ...] = ()  # privacy.exclude


@dataclass(frozen=True)
class FileEntry:
    """One indexed file: its outline (None for marker files such as go.mod) and its stamp."""

    path: str
    outline: Outline | None
    stamp: tuple[float, int] = (0.0, 0)  # mtime, size; (0, 0) for editor text
    module: str = ""  # go.mod's module path


@dataclass
class Gate:
    """Says whether a path may be read at all: under a root, not ignored, not excluded."""

    roots: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    _stacks: dict[str, ignore.IgnoreStack] = field(default_factory=dict)
    _excluded: dict[str, bool] = field(default_factory=dict)

    def allows(self, path: str) -> bool:
        """The single-file check used for watched-file events and open documents."""
        root = ignore.inside_root(path, self.roots)
        if root is None or self.excluded(path):
            return False
        rel = os.path.relpath(path, root).split(os.sep)
        if any(part in ignore.SKIPPED_DIRS for part in rel[:-1]) or ignore.skipped_name(rel[-1]):
            return False
        directory = os.path.dirname(path)
        stack = self._stacks.get(directory)
        if stack is None:
            stack = self._stacks[directory] = ignore.stack_for(path, root)
        return not stack.ignored(path)

    def excluded(self, path: str) -> bool:
        """privacy.exclude, relative to the workspace roots (remembered per path)."""
        known = self._excluded.get(path)
        if known is None:
            if len(self._excluded) > 50_000:
                self._excluded.clear()
            known = self._excluded[path] = privacy.is_excluded(
                path, self.limits.exclude, self.roots
            )
        return known

    def forget_ignore_files(self) -> None:
        """An ignore file changed: read them again."""
        self._stacks.clear()


def indexable(path: str) -> str | None:
    """The language id to outline `path` with, "" for a marker file, None to skip it."""
    name = os.path.basename(path)
    if name in MARKER_FILES and name != "__init__.py":
        return ""
    lang = language_from_path(path)
    return lang.id if lang is not None and grammars.supported(lang.id) else None


def scan_root(root: str, gate: Gate, cap: int) -> tuple[list[str], bool]:
    """Indexable files under `root`, honouring every ignore rule; True when `cap` was hit."""
    found: list[str] = []
    stacks = {root: ignore.IgnoreStack().child(root)}
    for directory, dirs, files in os.walk(root):
        stack = stacks.pop(directory, None) or ignore.stack_for(os.path.join(directory, "x"), root)
        kept = []
        for name in sorted(dirs):
            sub = os.path.join(directory, name)
            if name in ignore.SKIPPED_DIRS or os.path.islink(sub) or stack.ignored(sub, True):
                continue
            kept.append(name)
            stacks[sub] = stack.child(sub)
        dirs[:] = kept
        for name in sorted(files):
            path = os.path.join(directory, name)
            if indexable(path) is None or ignore.skipped_name(name):
                continue
            if stack.ignored(path) or gate.excluded(path):
                continue
            if len(found) >= cap:
                return found, True
            found.append(path)
    return found, False


def load_file(path: str, limits: Limits) -> FileEntry | None:
    """Read and outline one file from disk (worker thread); None when it is not worth indexing."""
    language = indexable(path)
    if language is None:
        return None
    try:
        stat = os.stat(path)
        if stat.st_size > limits.max_file_bytes:
            return None
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    stamp = (stat.st_mtime, stat.st_size)
    if language == "":
        return FileEntry(path, None, stamp, _go_module(path, data))
    if ignore.looks_generated(data):
        return None
    return FileEntry(
        path, _on_disk(outline(language, data.decode("utf-8", errors="replace"))), stamp
    )


def _on_disk(parsed: Outline | None) -> Outline | None:
    """A file only on disk keeps no `identifiers` (a third of the index's memory, measured).

    They answer "does the file being edited mention this name?", asked only of the document
    under the cursor, which is open and outlined from the editor's text (`text_entry`).
    """
    if parsed is None or not parsed.identifiers:
        return parsed
    return dataclasses.replace(parsed, identifiers=frozenset())


def text_entry(path: str, text: str, language_id: str | None = None) -> FileEntry | None:
    """An open document's outline from the editor's text (worker thread)."""
    language = indexable(path)
    if language is None:
        return None
    if language == "":
        return FileEntry(path, None, (0.0, 0), _go_module(path, text.encode()))
    parsed = outline(language_id if grammars.supported(language_id or "") else language, text)
    return FileEntry(path, parsed)


def _go_module(path: str, data: bytes) -> str:
    """go.mod's module path, or Cargo.toml's crate name as `use` writes it (`grep_cli`)."""
    name = os.path.basename(path)
    lines = data.decode("utf-8", errors="replace").splitlines()
    if name == "go.mod":
        for line in lines:
            if line.startswith("module "):
                return line.split()[1].strip('"')
    if name == "Cargo.toml":
        section = ""
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("["):
                section = stripped
            elif section == "[package]" and stripped.replace(" ", "").startswith("name="):
                return stripped.split("=", 1)[1].strip().strip("\"'").replace("-", "_")
    return ""


class WorkspaceIndex:
    """Outlines by path, plus the lookups resolution needs (by directory, by name, by symbol)."""

    def __init__(self) -> None:
        self.files: dict[str, FileEntry] = {}
        self.dirs: dict[str, set[str]] = {}
        self.symbols: dict[str, set[str]] = {}  # top-level name -> paths defining it
        self.generation = 0  # bumped on every change: caches key on it
        self.listeners: list[Callable[[], None]] = []

    def put(self, entries: Iterable[FileEntry]) -> None:
        """Add or replace entries (event-loop thread)."""
        for entry in entries:
            self._drop(entry.path)
            self.files[entry.path] = entry
            self.dirs.setdefault(os.path.dirname(entry.path), set()).add(entry.path)
            if entry.outline is not None:
                for name in entry.outline.by_name:
                    self.symbols.setdefault(name, set()).add(entry.path)
        self.generation += 1

    def remove(self, paths: Sequence[str]) -> None:
        """Drop files (deleted, newly ignored, or under a removed folder)."""
        known = [p for p in paths if p in self.files]
        for path in known:
            self._drop(path)
        if known:
            self.generation += 1

    def remove_under(self, root: str) -> None:
        """Drop every file below `root`."""
        prefix = root.rstrip(os.sep) + os.sep
        self.remove([p for p in self.files if p.startswith(prefix)])

    def _drop(self, path: str) -> None:
        old = self.files.pop(path, None)
        if old is None:
            return
        self.dirs.get(os.path.dirname(path), set()).discard(path)
        if old.outline is not None:
            for name in old.outline.by_name:
                holders = self.symbols.get(name)
                if holders is not None:
                    holders.discard(path)
                    if not holders:
                        del self.symbols[name]

    def outline_of(self, path: str) -> Outline | None:
        """The outline of an indexed file, or None."""
        entry = self.files.get(path)
        return entry.outline if entry is not None else None

    def by_marker(self, name: str) -> list[str]:
        """Indexed marker files (go.mod, Cargo.toml) of that name."""
        return [p for p, e in self.files.items() if e.outline is None and p.endswith(name)]

    def in_dir(self, directory: str) -> list[str]:
        """Indexed files directly in `directory`, sorted."""
        return sorted(self.dirs.get(directory, ()))
