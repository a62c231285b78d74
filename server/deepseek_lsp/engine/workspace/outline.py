"""A file's outline: its imports and definitions with signatures, not its whole text.

The index keeps one `Outline` per file (a few hundred bytes per definition), parsed with
tree-sitter in a worker thread. A definition's `signature` is its header as written (up to the
body), whitespace collapsed; `doc` is the first line of its docstring or leading comment.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from deepseek_lsp.engine.workspace import grammars
from deepseek_lsp.engine.workspace.imports import Import, extract_imports

MAX_SIGNATURE = 240
PARSE_CHUNK = 8192  # bytes handed to tree-sitter at a time
MAX_MEMBERS = 40
MAX_METHODS = 160  # Go methods and Rust impl items gathered onto their type
_SPACES = re.compile(r"\s+")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


@dataclass(frozen=True)
class Definition:
    """One function, class, type or constant; members belong to the class or type `parent`."""

    name: str
    kind: str  # function | class | type | variable | method | field
    signature: str
    line: int
    doc: str = ""
    parent: str = ""
    members: tuple[Definition, ...] = ()


@dataclass(frozen=True)
class Outline:
    """What context assembly needs from one file."""

    language: str
    imports: tuple[Import, ...] = ()
    definitions: tuple[Definition, ...] = ()
    package: str = ""  # Go package / Java package clause
    identifiers: frozenset[str] = frozenset()  # every name the file mentions
    by_name: dict[str, Definition] = field(default_factory=dict, compare=False, repr=False)

    def find(self, name: str) -> Definition | None:
        """A top-level definition (or a Go/Rust method's receiver type) by name."""
        return self.by_name.get(name)


def outline(language_id: str, text: str) -> Outline | None:
    """Parse `text`; None when the language has no grammar here."""
    parser = grammars.parser_for(language_id)
    if parser is None:
        return None
    data = text.encode("utf-8", errors="replace")

    def read(offset: int, _point: object) -> bytes:
        # tree-sitter keeps the GIL for a whole parse (150 ms for a 400 kB file, measured):
        # read in chunks and let the event loop's thread run between them.
        time.sleep(0)
        return data[offset : offset + PARSE_CHUNK]

    root = parser.parse(read).root_node
    family = _FAMILY.get(language_id, language_id)
    definitions = _attach_methods(_collect(root, family, ""))
    imports, package = extract_imports(root, family, text)
    by_name: dict[str, Definition] = {}
    for d in definitions:
        by_name.setdefault(d.name, d)
    names = frozenset(map(sys.intern, set(_IDENTIFIER.findall(text))))  # shared across files
    return Outline(language_id, tuple(imports), tuple(definitions), package, names, by_name)


_FAMILY = {
    "javascriptreact": "javascript",
    "typescript": "javascript",
    "typescriptreact": "javascript",
    "cpp": "c",
}
# Node types whose children are definitions of the same level (wrappers).
_WRAPPERS = {
    "python": {"decorated_definition"},
    "javascript": {"export_statement", "ambient_declaration"},
    "rust": set(),
    "go": set(),
    "java": set(),
    "kotlin": set(),
    "c": {"template_declaration", "linkage_specification", "declaration_list"},
}
_CONTAINERS = {"namespace_definition", "mod_item", "internal_module", "module"}
_KINDS = {
    "function_definition": "function",
    "function_declaration": "function",
    "generator_function_declaration": "function",
    "function_signature": "function",
    "function_item": "function",
    "method_declaration": "method",
    "method_definition": "method",
    "method_signature": "method",
    "constructor_declaration": "method",
    "abstract_method_signature": "method",
    "class_definition": "class",
    "class_declaration": "class",
    "abstract_class_declaration": "class",
    "class_specifier": "class",
    "struct_specifier": "class",
    "struct_item": "class",
    "enum_item": "type",
    "union_item": "type",
    "trait_item": "class",
    "impl_item": "impl",
    "interface_declaration": "class",
    "record_declaration": "class",
    "object_declaration": "class",  # Kotlin
    "property_declaration": "variable",
    "enum_declaration": "type",
    "enum_specifier": "type",
    "type_alias_declaration": "type",
    "type_item": "type",
    "type_definition": "type",
    "type_spec": "class",
    "type_declaration": "group",
    "const_item": "variable",
    "static_item": "variable",
    "lexical_declaration": "group",
    "variable_declaration": "group",
    "const_declaration": "group",
    "var_declaration": "group",
    "const_spec": "variable",
    "var_spec": "variable",
    "variable_declarator": "variable",
    "field_declaration": "field",
    "public_field_definition": "field",
    "property_signature": "field",
    "macro_definition": "function",
    "preproc_def": "variable",
    "preproc_function_def": "function",
    "declaration": "decl",
    "expression_statement": "assign",
}
_BODY_TYPES = {
    "block", "class_body", "declaration_list", "field_declaration_list", "interface_body",
    "object_type", "enum_body", "statement_block", "compound_statement", "struct_type",
    "interface_type", "enum_variant_list", "enum_class_body", "record_declaration_body",
    "function_body",
}  # fmt: skip


def _collect(node: Any, family: str, parent: str, before: Any = None) -> list[Definition]:
    found: list[Definition] = []
    previous = before
    for child in node.named_children:
        kind = _KINDS.get(child.type)
        if (
            child.type in _WRAPPERS.get(family, ())
            or child.type == "ERROR"
            or (child.type in _CONTAINERS and child.child_by_field_name("body") is not None)
        ):
            inner = child if child.type not in _CONTAINERS else child.child_by_field_name("body")
            found += _collect(inner, family, parent, previous)
        elif kind == "group":
            found += _collect(child, family, parent, previous)
        elif kind is not None:
            definition = _definition(child, kind, family, parent, previous)
            if definition is not None:
                found.append(definition)
        previous = child
    return found


def _definition(node: Any, kind: str, family: str, parent: str, previous: Any) -> Definition | None:
    if kind == "assign":
        return _python_assignment(node, parent) if family == "python" and not parent else None
    name_node = _name_node(node, kind)
    if name_node is None:
        return None
    name = _text(name_node)
    if kind == "decl":
        if not _has_function(node):
            return None
        kind = "function"
    body = _body(node)
    signature = _signature(node, body)
    members: tuple[Definition, ...] = ()
    if body is not None and kind in ("class", "impl"):
        cap = MAX_METHODS if kind == "impl" else MAX_MEMBERS
        members = tuple(_collect(body, family, name)[:cap])
    if kind == "method" and not parent and node.type == "method_declaration" and family == "go":
        parent = _go_receiver(node)
    if parent and kind == "function":
        kind = "method"
    return Definition(
        name, kind, signature, node.start_point[0], _doc(node, body, previous), parent, members
    )


def _name_node(node: Any, kind: str) -> Any | None:
    if node.type == "impl_item":
        return node.child_by_field_name("type")
    name = node.child_by_field_name("name")
    if name is not None:
        return name
    if node.type == "property_declaration":  # Kotlin: `val name: Type = ...`
        variable = next((c for c in node.named_children if c.type == "variable_declaration"), None)
        return (
            variable.named_children[0] if variable is not None and variable.named_children else None
        )
    declarator = node.child_by_field_name("declarator")
    while declarator is not None:
        inner = declarator.child_by_field_name("declarator")
        if inner is None or declarator.type in ("identifier", "field_identifier"):
            if "identifier" in declarator.type:
                return declarator
            return declarator.child_by_field_name("name")
        declarator = inner
    return None


def _has_function(node: Any) -> bool:
    declarator = node.child_by_field_name("declarator")
    while declarator is not None:
        if declarator.type == "function_declarator":
            return True
        declarator = declarator.child_by_field_name("declarator")
    return False


def _body(node: Any) -> Any | None:
    body = node.child_by_field_name("body")
    if body is None and node.type in ("type_spec", "variable_declarator"):
        value = node.child_by_field_name("type") or node.child_by_field_name("value")
        if value is not None and value.type in ("struct_type", "interface_type", "arrow_function"):
            return value.child_by_field_name("body") or _first_body(value)
    return body if body is not None else _first_body(node)


def _first_body(node: Any) -> Any | None:
    return next((c for c in node.named_children if c.type in _BODY_TYPES), None)


def _signature(node: Any, body: Any) -> str:
    data = node.text
    end = body.start_byte - node.start_byte if body is not None else len(data)
    if node.type == "function_definition" and node.child_by_field_name("parameters"):
        last = node.child_by_field_name("return_type") or node.child_by_field_name("parameters")
        end = min(end, last.end_byte - node.start_byte)  # Python: not a comment after the colon
    text = data[: min(end, MAX_SIGNATURE * 2)].decode("utf-8", errors="replace")
    text = _SPACES.sub(" ", text).strip().rstrip("{:=").strip()
    if node.type == "type_spec":
        text = "type " + text
    return text[:MAX_SIGNATURE]


def _doc(node: Any, body: Any, previous: Any) -> str:
    if body is not None and body.type == "block" and body.named_children:
        first = body.named_children[0]
        if first.type == "expression_statement" and first.named_children:
            string = first.named_children[0]
            if string.type == "string":
                return _first_line(_text(string).strip("\"'rbuRBU"))
    comment = previous is not None and previous.type in ("comment", "line_comment", "block_comment")
    if comment and node.start_point[0] - previous.end_point[0] <= 1:
        return _first_line(re.sub(r"^\s*(/\*\*?|///?|//!|\*|#)\s?", "", _text(previous)))
    return ""


def _first_line(text: str) -> str:
    for line in text.strip().splitlines():
        line = line.strip().lstrip("*/#! ").removesuffix("*/").strip()
        if line:
            return line[:160]
    return ""


def _python_assignment(node: Any, parent: str) -> Definition | None:
    inner = node.named_children[0] if node.named_children else None
    if inner is None or inner.type != "assignment":
        return None
    left = inner.child_by_field_name("left")
    if left is None or left.type != "identifier":
        return None
    line = _text(node).split("\n", 1)[0]
    return Definition(
        _text(left), "variable", line[:MAX_SIGNATURE], node.start_point[0], "", parent
    )


def _go_receiver(node: Any) -> str:
    receiver = node.child_by_field_name("receiver")
    names = re.findall(r"[A-Za-z_]\w*", _text(receiver)) if receiver is not None else []
    return names[-1] if names else ""


def _attach_methods(definitions: list[Definition]) -> list[Definition]:
    """Go methods and Rust impl blocks become members of their type."""
    types = {d.name: i for i, d in enumerate(definitions) if d.kind in ("class", "type")}
    extra: dict[int, list[Definition]] = {}
    kept: list[Definition] = []
    for d in definitions:
        owner = d.parent if d.kind == "method" else d.name if d.kind == "impl" else ""
        owner = re.sub(r"<.*", "", owner)
        if owner in types and d.kind in ("method", "impl"):
            extra.setdefault(types[owner], []).extend(d.members if d.kind == "impl" else [d])
        elif d.kind == "impl":  # the type lives in another file: keep its methods findable
            kept.append(Definition(owner, "class", d.signature, d.line, d.doc, "", d.members))
        else:
            kept.append(d)
    for index, members in extra.items():
        base = definitions[index]
        merged = Definition(
            base.name, base.kind, base.signature, base.line, base.doc, base.parent,
            (base.members + tuple(members))[:MAX_METHODS],
        )  # fmt: skip
        kept[kept.index(base)] = merged
    return kept


def _text(node: Any) -> str:
    return node.text.decode("utf-8", errors="replace")
