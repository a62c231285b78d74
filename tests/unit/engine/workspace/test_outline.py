"""Outlines per language: definitions with signatures and doc lines, imports, members."""

from __future__ import annotations

import pytest

from deepseek_lsp.engine.workspace import grammars
from deepseek_lsp.engine.workspace.imports import Import
from deepseek_lsp.engine.workspace.outline import outline


def names(o) -> list[tuple[str, str]]:
    return [(d.kind, d.signature) for d in o.definitions]


def test_python_definitions_members_docstrings_and_imports():
    o = outline(
        "python",
        "import os.path as osp\nfrom ..core import (Base, helper as h)\nLIMIT = 10\n"
        'class Cart(Base):\n    """Items to buy."""\n'
        "    def add(self, item) -> None:\n        pass\n"
        "@cache\ndef total(cart: Cart) -> float:  # note\n    return 0.0\n",
    )
    assert names(o) == [
        ("variable", "LIMIT = 10"),
        ("class", "class Cart(Base)"),
        ("function", "def total(cart: Cart) -> float"),
    ]
    cart = o.find("Cart")
    assert cart.doc == "Items to buy."
    assert [m.signature for m in cart.members] == ["def add(self, item) -> None"]
    assert o.imports == (
        Import("os.path", alias="osp"),
        Import("..core", (("Base", "Base"), ("helper", "h"))),
    )


def test_typescript_exports_interfaces_and_jsdoc():
    o = outline(
        "typescript",
        "import def, { a as b } from './x';\nexport * from './y';\n"
        "/** Parses. */\nexport function parse(s: string): Ast { return null }\n"
        "export interface Ast { kind: string; walk(v: Visitor): void }\n",
    )
    assert o.find("parse").doc == "Parses."
    assert [m.signature for m in o.find("Ast").members] == [
        "kind: string",
        "walk(v: Visitor): void",
    ]
    assert o.imports[0] == Import("./x", (("default", "def"), ("a", "b")))
    assert o.imports[1].star and o.imports[1].reexport


def test_go_methods_join_their_type():
    o = outline(
        "go",
        'package shop\nimport (\n  "fmt"\n  m "example.com/x/money"\n)\n'
        "// Cart holds items.\ntype Cart struct{ items []Item }\n"
        "func (c *Cart) Add(i Item) error { return nil }\n",
    )
    assert o.package == "shop"
    cart = o.find("Cart")
    assert cart.signature == "type Cart struct" and cart.doc == "Cart holds items."
    assert [m.name for m in cart.members] == ["items", "Add"]
    assert o.imports == (Import("fmt", alias="fmt"), Import("example.com/x/money", alias="m"))


def test_rust_impl_blocks_and_use_trees():
    o = outline(
        "rust",
        "use crate::a::{b::C, d as e};\npub use super::f::*;\nmod g;\n"
        "pub struct S { x: u8 }\nimpl S { pub fn new() -> Self { S { x: 0 } } }\n",
    )
    assert [m.signature for m in o.find("S").members] == ["x: u8", "pub fn new() -> Self"]
    assert Import("crate::a::b", (("C", "C"),)) in o.imports
    assert Import("crate::a", (("d", "e"),)) in o.imports
    assert Import("super::f", star=True, reexport=True) in o.imports
    assert Import("self::g", alias="g") in o.imports


@pytest.mark.parametrize(
    ("language", "text", "signature"),
    [
        ("java", "class A { public int get(int i) { return i; } }", "public int get(int i)"),
        ("c", "static int twice(int x) { return 2 * x; }", "static int twice(int x)"),
        ("cpp", "namespace n { int f(int a) { return a; } }", "int f(int a)"),
        ("javascript", "export const f = (a) => a;", "f = (a) =>"),
    ],
)
def test_other_languages(language, text, signature):
    o = outline(language, text)
    found = [d.signature for d in o.definitions] + [
        m.signature for d in o.definitions for m in d.members
    ]
    assert signature in found


def test_no_grammar_means_no_outline():
    assert not grammars.supported("ruby")
    assert outline("ruby", "def f; end") is None


def loaded(imports: str, prefixes: str) -> str:
    import subprocess
    import sys

    code = (
        f"import sys, {imports}\n"
        f"print(sorted(m for m in sys.modules if m.startswith({prefixes!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_nothing_of_the_room_is_imported_before_initialize():
    # start-up imports the server only; the room comes after the initialize answer
    room = ("deepseek_lsp.engine.workspace", "pathspec", "tree_sitter")
    assert loaded("deepseek_lsp.lsp.app, deepseek_lsp.cli", room) == "[]"


def test_grammars_load_on_first_use_not_on_import():
    assert loaded("deepseek_lsp.engine.workspace.service", ("tree_sitter",)) == "[]"
