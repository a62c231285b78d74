"""What a file's imports bring into scope: local name -> where its definition lives.

Computed once per (file, imports, index generation) and cached by `Resolver`, so a keystroke
only pays for dictionary lookups. Re-exports (JS/TS `export ... from`, Rust `pub use`, Python
names imported into an `__init__.py`) are followed a few hops.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from deepseek_lsp.engine.workspace.imports import Import
from deepseek_lsp.engine.workspace.index import WorkspaceIndex
from deepseek_lsp.engine.workspace.outline import Definition, Outline
from deepseek_lsp.engine.workspace.resolve import FAMILY, module_files, rust_module, same_package

MAX_HOPS = 4
MAX_IMPORTS_REMEMBERED = 4096  # (file, import) -> its files, per index state
Found = tuple[str, Definition]  # (path, definition)


@dataclass
class Scope:
    """Names bound by one file's imports, resolved into the workspace."""

    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # local -> (files..., original)
    modules: dict[str, tuple[str, ...]] = field(default_factory=dict)  # alias -> files
    open_files: tuple[str, ...] = ()  # star imports, Go/Java package, C includes
    memo: dict[str, Found | None] = field(default_factory=dict)  # name -> what it resolved to
    refs: dict[Any, Any] = field(default_factory=dict)  # name [, head's type] -> its resolution
    outline: Outline | None = None  # the outline `refs` was rendered for (what it mentions)
    lines: dict[str, Any] = field(default_factory=dict)  # a line -> its names' resolutions


class Resolver:
    """Finds definitions for names as a given file sees them."""

    def __init__(self, index: WorkspaceIndex) -> None:
        self.index = index
        self._scopes: dict[tuple[str, tuple[Import, ...]], tuple[int, Scope]] = {}
        self.cache: dict[Any, tuple[int, Any]] = {}  # other per-generation answers
        self._files_of: dict[tuple[str, int], tuple[int, Import, list[str]]] = {}
        self._last: tuple[str, Outline, int, Scope] | None = None

    def scope(self, path: str, outline: Outline) -> Scope:
        """The file's import scope, cached until the index or the imports change."""
        generation = self.index.generation
        last = self._last  # the cursor's file again: no hashing of every import it has
        if last is not None and last[1] is outline and last[2] == generation and last[0] == path:
            return last[3]
        key = (path, outline.imports)
        cached = self._scopes.get(key)
        if cached is not None and cached[0] == generation:
            scope = cached[1]
        else:
            scope = self._build(path, outline)
            if len(self._scopes) > 256:
                self._scopes.clear()
            self._scopes[key] = (generation, scope)
        self._last = (path, outline, generation, scope)
        return scope

    def _build(self, path: str, outline: Outline) -> Scope:
        scope = Scope()
        open_files: list[str] = same_package(self.index, path, outline.language)
        for imp in outline.imports:
            files, module = self._module_or_files(path, outline.language, imp)
            if not files or files == [path]:  # `use super::X` in `mod tests`: this file's own
                continue
            if module:  # `use crate::flags::doc::version;` then `version::generate()`
                scope.modules[imp.names[0][1]] = tuple(files)
                continue
            if imp.alias:
                scope.modules[imp.alias] = tuple(files)
            if imp.star:
                open_files += files
            for original, local in imp.names:
                scope.names[local] = (*files, original)
        scope.open_files = tuple(dict.fromkeys(f for f in open_files if f != path))
        return scope

    def _files(self, path: str, language: str, imp: Import) -> list[str]:
        """The import's files (not to be changed), remembered per index state and import.

        Re-exports are followed at every cursor whose names are new, and finding a module's
        file joins and probes paths: ~25 Python calls a cursor in Django.
        """
        generation, key = self.index.generation, (path, id(imp))
        cached = self._files_of.get(key)
        if cached is not None and cached[0] == generation and cached[1] is imp:
            return cached[2]
        files = self._module_or_files(path, language, imp)[0]
        if len(self._files_of) > MAX_IMPORTS_REMEMBERED:
            self._files_of.clear()
        self._files_of[key] = (generation, imp, files)
        return files

    def _module_or_files(self, path: str, language: str, imp: Import) -> tuple[list[str], bool]:
        """The import's files, and whether its one name is a module (Rust)."""
        family = FAMILY.get(language, language)
        if family == "rust" and len(imp.names) == 1 and not imp.star:
            found = rust_module(self.index, path, imp.module + "::" + imp.names[0][0])
            if found and not found[1] and found[0] != path:  # `use crate::a::b;`: module b
                return [found[0]], True
        return module_files(self.index, path, language, imp), False

    def lookup(self, files: tuple[str, ...] | list[str], name: str, hops: int = 0) -> Found | None:
        """`name` defined in (or re-exported by) one of `files`."""
        for file in files:
            outline = self.index.outline_of(file)
            if outline is None:
                continue
            found = outline.find(name)
            if found is not None and found.kind != "impl":
                return file, found
            if hops < MAX_HOPS:
                follow = self._reexport(file, outline, name, hops)
                if follow is not None:
                    return follow
        return None

    def _reexport(self, file: str, outline: Outline, name: str, hops: int) -> Found | None:
        """Follow `export {name} from`, `export *`, `pub use`, and `__init__.py` imports."""
        python_init = os.path.basename(file) == "__init__.py"
        for imp in outline.imports:
            if not (imp.reexport or python_init):
                continue
            original = next((o for o, local in imp.names if local == name), None)
            if original is None and not imp.star:
                continue
            files = self._files(file, outline.language, imp)
            found = self.lookup(files, original or name, hops + 1)
            if found is not None:
                return found
        return None

    def module_definitions(self, files: tuple[str, ...] | list[str]) -> list[Found]:
        """Every top-level definition of the files (a package or module alias).

        Then what they re-export by name (Rust `pub use a::{b, c}`, `export {x} from`):
        ripgrep's `flags::parse()` is defined in flags/parse.rs and re-exported by flags/mod.rs.
        """
        found: list[Found] = []
        for file in files:
            outline = self.index.outline_of(file)
            if outline is not None:
                found += [(file, d) for d in outline.definitions]
        for file in files:
            outline = self.index.outline_of(file)
            for imp in outline.imports if outline is not None else ():
                if not imp.reexport or imp.star:
                    continue
                targets = self._files(file, outline.language, imp)
                for original, _local in imp.names:
                    hit = self.lookup(targets, original, MAX_HOPS - 1) if targets else None
                    if hit is not None:
                        found.append(hit)
        return found
