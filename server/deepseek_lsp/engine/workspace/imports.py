"""What a file imports, per language, read from its tree-sitter tree.

An `Import` names a module as the file writes it (`..util`, `./store`, `github.com/x/y/z`,
`crate::a::b`, `com.x.Y`, `"a/b.h"`) and the names it binds locally: `(original, local)` pairs,
`alias` for a module bound to one name (`import numpy as np`, `import * as fs`, a Go package).
`reexport` marks JS/TS `export ... from` and Rust `pub use`, which the resolver follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Import:
    """One import statement's module and bindings."""

    module: str
    names: tuple[tuple[str, str], ...] = ()
    alias: str = ""
    star: bool = False
    reexport: bool = False


_NESTED = {
    "python": (
        re.compile(r"^([ \t]+)(?:from[ \t]+\S+[ \t]+import|import)[ \t]", re.M),
        ("import_statement", "import_from_statement"),
        ("from", "import", "dotted_name"),
    ),
    "rust": (
        re.compile(r"^([ \t]+)(?:pub(?:\([\w: ]+\))?[ \t]+)?use[ \t]", re.M),
        ("use_declaration",),
        ("use", "pub", "visibility_modifier", "crate", "self", "super"),
    ),
}


def extract_imports(root: Any, family: str, text: str = "") -> tuple[list[Import], str]:
    """The file's imports and its package name (Go, Java; "" elsewhere)."""
    reader = _READERS.get(family)
    if reader is None:
        return [], ""
    imports: list[Import] = []
    package = ""
    for node in _walk_top(root):
        if family in ("go", "java", "kotlin") and node.type in _PACKAGE:
            package = _text(node).split()[-1].rstrip(";") if _text(node).split() else ""
            continue
        imports += reader(node)
    if family in _NESTED and text:
        imports += [i for node in _nested(root, text, family) for i in reader(node)]
    return list(dict.fromkeys(imports)), package


def _nested(root: Any, text: str, family: str) -> list[Any]:
    """Imports inside functions (Python's way around import cycles, Rust's `use` in a test).

    Found by a line regex and the tree's node at that point: walking every node would cost
    far more than the parse on a large file.
    """
    pattern, wanted, tokens = _NESTED[family]
    found, row, last = [], 0, 0
    for match in pattern.finditer(text):
        row += text.count("\n", last, match.start())
        last = match.start()
        column = len(match.group(1).encode("utf-8"))
        node = root.descendant_for_point_range((row, column), (row, column + 1))
        while node is not None and node.type not in wanted:
            node = node.parent if node.type in tokens else None
        if node is not None and node.start_point[0] == row and node.parent is not root:
            found.append(node)
    return found


def _walk_top(root: Any) -> list[Any]:
    """Top-level statements, plus those one level inside Python `if`/`try` blocks.

    A half-typed line can make tree-sitter wrap the rest of the file in an ERROR node: its
    children are still the file's statements, so they are read as if at the top.
    """
    nodes = []
    for child in root.named_children:
        if child.type == "ERROR":
            nodes += _walk_top(child)
            continue
        nodes.append(child)
        if child.type in ("if_statement", "try_statement", "mod_item"):
            nodes += [g for c in child.named_children for g in c.named_children]
    return nodes


def _python(node: Any) -> list[Import]:
    if node.type == "import_statement":
        out = []
        for item in node.named_children:
            if item.type == "aliased_import":
                out.append(Import(_text(item.child_by_field_name("name")), alias=_alias(item)))
            else:
                name = _text(item)
                out.append(Import(name, alias=name.split(".")[0]))
        return out
    if node.type != "import_from_statement":
        return []
    module = _text(node.child_by_field_name("module_name"))
    names, star = [], False
    for item in node.children_by_field_name("name"):
        if item.type == "aliased_import":
            names.append((_text(item.child_by_field_name("name")), _alias(item)))
        else:
            names.append((_text(item), _text(item)))
    star = any(c.type == "wildcard_import" for c in node.named_children)
    return [Import(module, tuple(names), star=star)]


def _alias(node: Any) -> str:
    alias = node.child_by_field_name("alias")
    return _text(alias) if alias is not None else ""


def _javascript(node: Any) -> list[Import]:
    source = node.child_by_field_name("source")
    if node.type not in ("import_statement", "export_statement") or source is None:
        return []
    module = _text(source).strip("'\"`")
    names: list[tuple[str, str]] = []
    alias, star = "", False
    for part in _descendants(node, {"import_specifier", "export_specifier", "namespace_import",
                                    "namespace_export", "identifier"}, depth=3):  # fmt: skip
        if part.type in ("import_specifier", "export_specifier"):
            name = _text(part.child_by_field_name("name"))
            local = part.child_by_field_name("alias")
            names.append((name, _text(local) if local is not None else name))
        elif part.type in ("namespace_import", "namespace_export"):
            alias = _text(part.named_children[0]) if part.named_children else ""
        elif part.parent is not None and part.parent.type == "import_clause":
            names.append(("default", _text(part)))
    if node.type == "export_statement" and not names and not alias:
        star = True
    return [Import(module, tuple(names), alias, star, reexport=node.type == "export_statement")]


def _go(node: Any) -> list[Import]:
    if node.type != "import_declaration":
        return []
    out = []
    for spec in _descendants(node, {"import_spec"}, depth=3):
        path = _text(spec.child_by_field_name("path")).strip('"`')
        name = spec.child_by_field_name("name")
        alias = _text(name) if name is not None else _go_package_name(path)
        out.append(Import(path, alias=alias, star=alias == "."))
    return out


def _go_package_name(path: str) -> str:
    """The name a Go import binds: not `v2` of `example.com/x/v2`, nor `.v3` of `yaml.v3`.

    By convention only: the real name is the package clause of the imported files.
    """
    parts = path.split("/")
    last = parts[-2] if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]) else parts[-1]
    return re.sub(r"\.v\d+$", "", last).removeprefix("go-")


def _rust(node: Any) -> list[Import]:
    if node.type == "mod_item" and node.child_by_field_name("body") is None:
        name = _text(node.child_by_field_name("name"))
        return [Import("self::" + name, alias=name)]
    if node.type != "use_declaration":
        return []
    public = any(c.type == "visibility_modifier" for c in node.children)
    argument = node.child_by_field_name("argument")
    out = []
    depth = _inline_mods(node)
    for path, local in _rust_tree(argument, ""):
        path = _out_of_inline_mods(path, depth)
        if local == "*":
            out.append(Import(path, star=True, reexport=public))
        else:
            module, _, name = path.rpartition("::")
            out.append(Import(module or name, ((name, local),), reexport=public))
    return out


def _inline_mods(node: Any) -> int:
    """How many `mod name { ... }` blocks of its file enclose the node."""
    depth, parent = 0, node.parent
    while parent is not None:
        depth += parent.type == "mod_item"
        parent = parent.parent
    return depth


def _out_of_inline_mods(path: str, depth: int) -> str:
    """`super::x` in `mod tests { }` is the file's own module: paths are file-relative."""
    segments = path.split("::")
    while depth and segments and segments[0] == "super":
        segments, depth = segments[1:], depth - 1
        if not segments or segments[0] != "super":
            segments = ["self", *segments]
    return "::".join(segments)


def _rust_tree(node: Any, prefix: str) -> list[tuple[str, str]]:
    """(full path, local name) pairs of a use tree; local "*" for a glob."""
    join = lambda rest: f"{prefix}::{rest}" if prefix else rest  # noqa: E731
    if node.type in ("identifier", "scoped_identifier", "crate", "self", "super"):
        path = join(_text(node))
        return [(path, path.rsplit("::", 1)[-1])]
    if node.type == "use_as_clause":
        path = join(_text(node.child_by_field_name("path")))
        return [(path, _text(node.child_by_field_name("alias")))]
    if node.type == "use_wildcard":
        return [(join(_text(node).removesuffix("::*").removesuffix("*")), "*")]
    if node.type == "scoped_use_list":
        base = node.child_by_field_name("path")
        inner = join(_text(base)) if base is not None else prefix
        return _rust_tree(node.child_by_field_name("list"), inner)
    if node.type == "use_list":
        return [pair for child in node.named_children for pair in _rust_tree(child, prefix)]
    return []


def _java(node: Any) -> list[Import]:
    if node.type != "import_declaration":
        return []
    text = _text(node).removeprefix("import").strip().rstrip(";").strip()
    text = text.removeprefix("static ").strip()
    if text.endswith(".*"):
        return [Import(text[:-2], star=True)]
    module, _, name = text.rpartition(".")
    return [Import(module, ((name, name),))]


def _c(node: Any) -> list[Import]:
    if node.type != "preproc_include":
        return []
    path = node.child_by_field_name("path")
    if path is None or path.type != "string_literal":
        return []  # <system> headers are not the workspace's
    return [Import(_text(path).strip('"'), star=True)]


def _kotlin(node: Any) -> list[Import]:
    if node.type != "import":
        return []
    path = next((c for c in node.named_children if c.type == "qualified_identifier"), None)
    if path is None:
        return []
    alias = next((c for c in node.named_children if c.type == "identifier"), None)
    if _text(node).rstrip().endswith("*"):
        return [Import(_text(path), star=True)]
    module, _, name = _text(path).rpartition(".")
    return [Import(module, ((name, _text(alias) if alias is not None else name),))]


_PACKAGE = ("package_clause", "package_declaration", "package_header")
_READERS = {"python": _python, "javascript": _javascript, "go": _go, "rust": _rust,
            "java": _java, "kotlin": _kotlin, "c": _c}  # fmt: skip


def _descendants(node: Any, types: set[str], depth: int) -> list[Any]:
    found = []
    for child in node.named_children:
        if child.type in types:
            found.append(child)
        if depth > 1 and child.type not in types:
            found += _descendants(child, types, depth - 1)
    return found


def _text(node: Any) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None else ""
