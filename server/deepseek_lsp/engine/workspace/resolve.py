"""From an import as written to the workspace files that define it, per language.

Python: relative imports, packages and `src/` layouts (every ancestor folder, and its `src/`, is
tried as a root). JS/TS: relative paths with extension and `index` resolution (`./x.js` may be
`./x.ts`). Go: the module's own packages via `go.mod`. Rust: `crate::`, `self::`, `super::`
and `mod` files. Java and Kotlin: package paths. C/C++: `#include "..."` beside the file,
then anywhere.
"""

from __future__ import annotations

import os

from deepseek_lsp.engine.workspace.imports import Import
from deepseek_lsp.engine.workspace.index import WorkspaceIndex

JS_EXTENSIONS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
FAMILY = {
    "javascriptreact": "javascript",
    "typescript": "javascript",
    "typescriptreact": "javascript",
    "cpp": "c",
    "kotlin": "java",
}


def module_files(index: WorkspaceIndex, from_path: str, language: str, imp: Import) -> list[str]:
    """The indexed files the import's module names (empty for other people's packages)."""
    family = FAMILY.get(language, language)
    if family == "python":
        found = _python(index, from_path, imp.module)
        return [found] if found else []
    if family == "javascript":
        found = _javascript(index, from_path, imp.module)
        return [found] if found else []
    if family == "go":
        return _go(index, from_path, imp.module)
    if family == "rust":
        found = rust_module(index, from_path, imp.module)
        return [found[0]] if found else []
    if family == "java":
        return _java(index, imp)
    if family == "c":
        return _c(index, from_path, imp.module)
    return []


def same_package(index: WorkspaceIndex, from_path: str, language: str) -> list[str]:
    """Files whose top-level names are in scope without an import (Go package, Java package)."""
    family = FAMILY.get(language, language)
    if family not in ("go", "java"):
        return []
    ext = os.path.splitext(from_path)[1]
    exts = (".java", ".kt") if family == "java" else (ext,)  # one package, either language
    tests = from_path.endswith("_test.go")  # a test file also sees the package's other tests
    return [
        p
        for p in index.in_dir(os.path.dirname(from_path))
        if p != from_path and p.endswith(exts) and (tests or not p.endswith("_test.go"))
    ]


def _python(index: WorkspaceIndex, from_path: str, module: str) -> str | None:
    if module.startswith("."):
        dots = len(module) - len(module.lstrip("."))
        base = os.path.dirname(from_path)
        for _ in range(dots - 1):
            base = os.path.dirname(base)
        rest = module.lstrip(".")
        return _python_at(index, base, rest.split(".") if rest else [])
    parts = module.split(".")
    directory = os.path.dirname(from_path)
    while True:
        for root in (directory, os.path.join(directory, "src")):
            found = _python_at(index, root, parts)
            if found:
                return found
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _python_at(index: WorkspaceIndex, base: str, parts: list[str]) -> str | None:
    joined = os.path.join(base, *parts) if parts else base
    for candidate in (joined + ".py", joined + ".pyi", os.path.join(joined, "__init__.py")):
        if candidate in index.files:
            return candidate
    return None


def _javascript(index: WorkspaceIndex, from_path: str, module: str) -> str | None:
    if not module.startswith("."):
        return None
    base = os.path.normpath(os.path.join(os.path.dirname(from_path), module))
    stems = [base]
    stem, ext = os.path.splitext(base)
    if ext in (".js", ".jsx", ".mjs", ".cjs"):
        stems.insert(0, stem)  # TypeScript's ESM style: "./x.js" means ./x.ts
    for s in stems:
        if s in index.files:
            return s
        for candidate in [s + e for e in JS_EXTENSIONS] + [
            os.path.join(s, "index" + e) for e in JS_EXTENSIONS
        ]:
            if candidate in index.files:
                return candidate
    return None


def _go(index: WorkspaceIndex, from_path: str, module: str) -> list[str]:
    directory = os.path.dirname(from_path)
    while True:
        entry = index.files.get(os.path.join(directory, "go.mod"))
        if entry is not None and entry.module:
            if module == entry.module or module.startswith(entry.module + "/"):
                rest = module[len(entry.module) :].lstrip("/")
                target = os.path.join(directory, *rest.split("/")) if rest else directory
                return [
                    p
                    for p in index.in_dir(target)
                    if p.endswith(".go") and not p.endswith("_test.go")
                ]
            return []
        parent = os.path.dirname(directory)
        if parent == directory:
            return []
        directory = parent


def rust_module(index: WorkspaceIndex, from_path: str, path: str) -> tuple[str, list[str]] | None:
    """The file of the deepest module `path` names, and the segments left (items in it)."""
    segments = [s for s in path.split("::") if s]
    if not segments:
        return None
    current_dir = _rust_module_dir(from_path)
    head = segments[0]
    if head == "crate":
        root = _rust_crate_root(index, from_path, segments[1] if len(segments) > 1 else "")
        if root is None:
            return None
        directory, file = root, _rust_root_file(index, root)
    elif head == "self":
        directory, file = current_dir, from_path
    elif head == "super":
        directory = os.path.dirname(current_dir)
        file = _rust_dir_file(index, directory)
        while len(segments) > 1 and segments[1] == "super":
            directory = os.path.dirname(directory)
            file = _rust_dir_file(index, directory)
            segments = segments[1:]
    elif (crate := _rust_workspace_crate(index, head)) is not None:
        directory, file = crate, _rust_root_file(index, crate)
    else:
        directory, file = current_dir, from_path
        segments = ["self", *segments]
    rest = segments[1:]
    while rest:
        candidate = _rust_child(index, directory, rest[0])
        if candidate is None:
            break
        directory, file, rest = os.path.join(directory, rest[0]), candidate, rest[1:]
    return (file, rest) if file else None


def _rust_workspace_crate(index: WorkspaceIndex, name: str) -> str | None:
    """The src/ folder of another crate of the workspace named `name` (a Cargo.toml's name)."""
    for path in index.by_marker("Cargo.toml"):
        entry = index.files.get(path)
        if entry is not None and entry.module == name:
            return os.path.join(os.path.dirname(path), "src")
    return None


def _rust_module_dir(path: str) -> str:
    name = os.path.basename(path)
    if name in ("lib.rs", "main.rs", "mod.rs"):
        return os.path.dirname(path)
    return os.path.splitext(path)[0]


def _rust_crate_root(index: WorkspaceIndex, from_path: str, first: str) -> str | None:
    """The folder `crate::` means: the crate's src/, else the nearest folder above the file.

    The nearest folder whose modules include `first`: a `[[bin]]`/`[[test]]` root such as
    crates/core/main.rs or tests/tests.rs, which Cargo.toml names by path.
    """
    src = _rust_crate_src(index, from_path)
    if (
        src is not None
        and _rust_root_file(index, src)
        and (not first or _rust_child(index, src, first))
    ):
        return src
    directory = os.path.dirname(from_path)
    top = os.path.dirname(src) if src is not None else ""
    while first and directory.startswith(top):
        if _rust_child(index, directory, first):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return src


def _rust_child(index: WorkspaceIndex, directory: str, name: str) -> str | None:
    sub = os.path.join(directory, name)
    return next((c for c in (sub + ".rs", os.path.join(sub, "mod.rs")) if c in index.files), None)


def _rust_crate_src(index: WorkspaceIndex, from_path: str) -> str | None:
    directory = os.path.dirname(from_path)
    while True:
        if os.path.join(directory, "Cargo.toml") in index.files:
            return os.path.join(directory, "src")
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _rust_root_file(index: WorkspaceIndex, src: str) -> str:
    for name in ("lib.rs", "main.rs"):
        if os.path.join(src, name) in index.files:
            return os.path.join(src, name)
    return ""


def _rust_dir_file(index: WorkspaceIndex, directory: str) -> str:
    for candidate in (directory + ".rs", os.path.join(directory, "mod.rs")):
        if candidate in index.files:
            return candidate
    return _rust_root_file(index, directory)


def _java(index: WorkspaceIndex, imp: Import) -> list[str]:
    suffix = os.sep + imp.module.replace(".", os.sep)
    dirs = [d for d in index.dirs if d.endswith(suffix)]
    if imp.star:
        return [p for d in dirs for p in index.in_dir(d)]
    names = {f"{n}.java" for n, _ in imp.names} | {f"{n}.kt" for n, _ in imp.names}
    named = [p for d in dirs for p in index.in_dir(d) if os.path.basename(p) in names]
    if named:
        return named
    # Kotlin: a top-level function or a class may live in any file of its package
    return [p for d in dirs for p in index.in_dir(d) if p.endswith(".kt")]


def _c(index: WorkspaceIndex, from_path: str, module: str) -> list[str]:
    beside = os.path.normpath(os.path.join(os.path.dirname(from_path), module))
    if beside in index.files:
        return [beside]
    suffix = os.sep + module.replace("/", os.sep)
    return sorted(p for p in index.files if p.endswith(suffix))[:1]
