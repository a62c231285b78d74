"""Where the generated tests for a source file go, by each language's convention.

Python: `tests/test_x.py` when a `tests/` folder sits next to the top package (or at the workspace
root), else `test_x.py` beside the source. JS/TS: `x.test.ts` beside it. Go: `x_test.go`. Rust: a
`#[cfg(test)] mod tests` appended to the same file. Java: `src/test/java/.../XTest.java`. Ruby:
`spec/x_spec.rb`. A test file that exists already is appended to, otherwise created.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from deepseek_lsp.engine.actions.replies import TextEdit, insert_lines
from deepseek_lsp.engine.document import split_lines
from deepseek_lsp.engine.uris import path_to_uri

Exists = Callable[[str], bool]


@dataclass(frozen=True)
class TestTarget:
    """The file the tests go to (a POSIX path) and whether it is created or appended to."""

    __test__ = False  # not a pytest class

    path: str
    mode: Literal["create", "append"]
    same_file: bool = False


def target_for_tests(
    source: str, language_id: str, workspace_root: str | None, exists: Exists
) -> TestTarget:
    """Where tests for `source` (a POSIX path) go; `exists` tells whether a path exists."""
    path = PurePosixPath(source)
    if language_id == "rust":
        return TestTarget(source, "append", same_file=True)
    target = _target_path(path, language_id, workspace_root, exists)
    return TestTarget(str(target), "append" if exists(str(target)) else "create")


def _target_path(
    path: PurePosixPath, language_id: str, workspace_root: str | None, exists: Exists
) -> PurePosixPath:
    stem, suffix = path.stem, path.suffix
    if language_id == "python":
        return _python_target(path, workspace_root, exists)
    if language_id in ("javascript", "typescript", "javascriptreact", "typescriptreact"):
        return path.with_name(f"{stem}.test{suffix}")
    if language_id == "go":
        return path.with_name(f"{stem}_test.go")
    if language_id == "java":
        return _java_target(path)
    if language_id == "ruby":
        return _ruby_target(path, workspace_root)
    return path.with_name(f"test_{stem}{suffix}")


def _python_target(
    path: PurePosixPath, workspace_root: str | None, exists: Exists
) -> PurePosixPath:
    name = f"test_{path.stem}.py"
    package = path.parent
    while exists(str(package / "__init__.py")) and package.parent != package:
        package = package.parent
    candidates = [package / "tests"]
    if workspace_root:
        candidates.append(PurePosixPath(workspace_root) / "tests")
    for folder in candidates:
        if exists(str(folder)):
            return folder / name
    return path.with_name(name)


def _java_target(path: PurePosixPath) -> PurePosixPath:
    parts = path.parts
    for index in range(len(parts) - 2):
        if parts[index : index + 3] == ("src", "main", "java"):
            rest = parts[index + 3 : -1]
            return PurePosixPath(
                *parts[:index], "src", "test", "java", *rest, f"{path.stem}Test.java"
            )
    return path.with_name(f"{path.stem}Test.java")


def _ruby_target(path: PurePosixPath, workspace_root: str | None) -> PurePosixPath:
    root = PurePosixPath(workspace_root) if workspace_root else path.parent
    try:
        relative = path.relative_to(root)
    except ValueError:
        root, relative = path.parent, PurePosixPath(path.name)
    if relative.parts[:1] in (("lib",), ("app",)):
        relative = PurePosixPath(*relative.parts[1:])
    return root / "spec" / relative.with_name(f"{path.stem}_spec.rb")


def read_lines(path: str) -> list[str]:
    """The lines of a file on disk, without their endings (blocking: run it in a thread)."""
    with open(path, encoding="utf-8", errors="replace", newline="") as file:
        return [line.rstrip("\r\n") for line in split_lines(file.read())]


def edit_for_tests(
    target: TestTarget,
    source_uri: str,
    source_lines: Sequence[str],
    test_lines: Sequence[str],
    existing: Sequence[str] | None,
    eol: str = "\n",
) -> tuple[TextEdit, tuple[str, ...]]:
    """The edit adding `test_lines` where `target` says, and the URIs to create first."""
    if target.same_file:
        at = len(source_lines)
        return insert_lines(source_uri, source_lines, at, ["", *test_lines], eol), ()
    uri = path_to_uri(target.path)
    if existing is not None:
        return insert_lines(uri, existing, len(existing), ["", *test_lines]), ()
    return TextEdit(uri, (0, 0), (0, 0), "\n".join(test_lines) + "\n"), (uri,)
