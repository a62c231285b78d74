"""Which files may be read for context: .gitignore, .deepseekignore, privacy.exclude, bundles.

Ignore files are read with `pathspec` (gitignore semantics, negation included) at every level of
the tree; the deepest file with an opinion on a path decides, as git does. `.deepseekignore`
follows the same syntax and is checked on its own, so a user can keep a file out of prompts
without touching `.gitignore` (and a `!` in `.gitignore` cannot bring it back).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import pathspec

IGNORE_FILES = (".gitignore", ".deepseekignore")
# Directories that hold tools' output or other people's code, never the user's sources.
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "bower_components", "dist", "__pycache__",
        ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
        ".cache", ".next", ".nuxt", "target", ".gradle", ".idea", ".eggs", "site-packages",
    }
)  # fmt: skip
# Generated files: lockfiles, minified or bundled output, source maps.
SKIPPED_NAMES = frozenset(
    {
        "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "poetry.lock",
        "go.sum", "composer.lock", "uv.lock", "Gemfile.lock", "Pipfile.lock", "bun.lockb",
    }
)  # fmt: skip
SKIPPED_SUFFIXES = (".min.js", ".min.css", ".bundle.js", ".map", ".min.mjs", ".pb.go", "_pb2.py")


@dataclass
class IgnoreStack:
    """The ignore specs in force in one directory: (directory, kind, spec), outermost first."""

    specs: list[tuple[str, str, pathspec.PathSpec]] = field(default_factory=list)

    def child(self, directory: str) -> IgnoreStack:
        """The stack for `directory`: this one plus its own ignore files, if any."""
        added = [(directory, kind, spec) for kind, spec in _read_specs(directory)]
        return IgnoreStack(self.specs + added) if added else self

    def ignored(self, path: str, is_dir: bool = False) -> bool:
        """Whether any ignore kind says no to `path` (absolute)."""
        return any(self._decides(kind, path, is_dir) for kind in IGNORE_FILES)

    def _decides(self, kind: str, path: str, is_dir: bool) -> bool:
        for directory, spec_kind, spec in reversed(self.specs):
            if spec_kind != kind:
                continue
            rel = os.path.relpath(path, directory).replace(os.sep, "/")
            result = spec.check_file(rel + "/" if is_dir else rel)
            if result.include is not None:
                return bool(result.include)
        return False


def _read_specs(directory: str) -> list[tuple[str, pathspec.PathSpec]]:
    specs = []
    for kind in IGNORE_FILES:
        try:
            with open(os.path.join(directory, kind), encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()
        except OSError:
            continue
        specs.append((kind, pathspec.GitIgnoreSpec.from_lines(lines)))
    return specs


def stack_for(path: str, root: str) -> IgnoreStack:
    """The ignore stack for a file's directory, read from `root` down (for single-file checks)."""
    stack = IgnoreStack()
    directory = os.path.dirname(path)
    rel = os.path.relpath(directory, root)
    parts = [] if rel == "." else rel.split(os.sep)
    current = root
    stack = stack.child(current)
    for part in parts:
        current = os.path.join(current, part)
        stack = stack.child(current)
    return stack


def skipped_name(name: str) -> bool:
    """Lockfiles, minified bundles and generated code: never context."""
    return name in SKIPPED_NAMES or name.endswith(SKIPPED_SUFFIXES)


def looks_generated(data: bytes) -> bool:
    """Binary (a NUL byte) or minified (very long lines) content."""
    head = data[:8192]
    if b"\0" in head:
        return True
    lines = head.split(b"\n")
    return (len(head) >= 4096 and len(lines) < 4) or any(len(line) > 2000 for line in lines[:-1])


def inside_root(path: str, roots: Sequence[str]) -> str | None:
    """The deepest root that contains `path`, or None."""
    best = None
    for root in roots:
        if (path == root or path.startswith(root.rstrip(os.sep) + os.sep)) and (
            best is None or len(root) > len(best)
        ):
            best = root
    return best
