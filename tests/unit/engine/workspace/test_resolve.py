"""Definitions the cursor needs, resolved through each language's imports to other files."""

from __future__ import annotations

import pytest


def test_python_relative_import_gives_the_signature_and_docstring(make_workspace):
    ws = make_workspace(
        {
            "pkg/__init__.py": "",
            "pkg/util.py": 'def helper(a: int) -> int:\n    """Doubles."""\n    return 2 * a\n',
            "pkg/app.py": "from .util import helper\n\nx = ║\n",
        }
    )
    assert ws.definitions() == "def helper(a: int) -> int\n    Doubles."


def test_python_src_layout_and_package_reexport(make_workspace):
    ws = make_workspace(
        {
            "src/shop/__init__.py": "from .money import Money\n",
            "src/shop/money.py": (
                "class Money:\n    def __init__(self, cents: int):\n        self.cents = cents\n"
                "    def add(self, other: 'Money') -> 'Money':\n        return other\n"
                "    def _private(self):\n        pass\n"
            ),
            "tests/test_money.py": "from shop import Money\n\nm = Money(3)\nm.║\n",
        }
    )
    found = ws.definitions()
    assert "class Money" in found
    assert "def add(self, other: 'Money') -> 'Money'" in found  # members: a method is called
    assert "def __init__(self, cents: int)" in found
    assert "_private" not in found


def test_python_module_alias_attribute(make_workspace):
    ws = make_workspace(
        {
            "app/db.py": "def connect(url: str):\n    pass\n\ndef close():\n    pass\n",
            "app/main.py": "import app.db as db\n\nconn = db.connect(║)\n",
        }
    )
    assert "def connect(url: str)" in ws.definitions()


def test_typescript_extension_index_and_reexport_chain(make_workspace):
    ws = make_workspace(
        {
            "src/lib/index.ts": "export { parse } from './parser';\nexport * from './format';\n",
            "src/lib/parser.ts": "export function parse(text: string): Node { return null }\n",
            "src/lib/format.ts": "export const format = (n: Node): string => '';\n",
            "src/main.ts": "import { parse, format } from './lib';\n\nconst n = ║\n",
        }
    )
    found = ws.definitions()
    assert "function parse(text: string): Node" in found
    assert "format = (n: Node): string =>" in found


def test_typescript_esm_js_suffix_means_the_ts_file(make_workspace):
    ws = make_workspace(
        {
            "src/clock.ts": "export class Clock {\n  now(): number { return 0 }\n}\n",
            "src/main.ts": "import { Clock } from './clock.js';\n\nconst c = new Clock();\nc.║\n",
        }
    )
    assert "class Clock\n    now(): number" in ws.definitions()


def test_go_module_package_and_same_package(make_workspace):
    ws = make_workspace(
        {
            "go.mod": "module example.com/app\n",
            "store/store.go": (
                "package store\n\n// Store keeps items.\ntype Store struct{ n int }\n\n"
                "func (s *Store) Get(id int) int { return id }\n\n"
                "func New() *Store { return nil }\n"
            ),
            "main/helpers.go": 'package main\n\nfunc helper() string { return "" }\n',
            "main/main.go": (
                'package main\n\nimport "example.com/app/store"\n\nfunc main() {\n'
                "\ts := store.New()\n\t║\n}\n"
            ),
        }
    )
    found = ws.definitions()
    assert "func New() *Store" in found
    assert "func helper() string" in found  # same package, another file, no import
    assert "func (s *Store) Get(id int) int" in found


def test_rust_crate_super_and_pub_use(make_workspace):
    ws = make_workspace(
        {
            "Cargo.toml": "[package]\nname = 'x'\n",
            "src/lib.rs": "pub mod net;\npub mod app;\n",
            "src/net/mod.rs": "mod tcp;\npub use self::tcp::connect;\n",
            "src/net/tcp.rs": (
                "/// Opens a socket.\npub fn connect(addr: &str) -> Conn { todo!() }\n"
            ),
            "src/app/mod.rs": "pub mod run;\n",
            "src/app/config.rs": "pub struct Config { pub port: u16 }\n",
            "src/app/run.rs": (
                "use crate::net::connect;\nuse super::config::Config;\n\n"
                "fn run(c: Config) {\n    ║\n}\n"
            ),
        }
    )
    found = ws.definitions()
    assert "pub fn connect(addr: &str) -> Conn\n    Opens a socket." in found
    assert "pub struct Config" in found


def test_java_package_import_and_same_package(make_workspace):
    ws = make_workspace(
        {
            "src/com/acme/util/Strings.java": (
                "package com.acme.util;\npublic class Strings {\n"
                "  public static String pad(String s, int n) { return s; }\n}\n"
            ),
            "src/com/acme/app/Helper.java": (
                "package com.acme.app;\nclass Helper { static int twice(int x) { return 2*x; } }\n"
            ),
            "src/com/acme/app/Main.java": (
                "package com.acme.app;\nimport com.acme.util.Strings;\n"
                "class Main {\n  void run() {\n    ║\n  }\n}\n"
            ),
        }
    )
    found = ws.definitions()
    assert "public static String pad(String s, int n)" in found
    assert "static int twice(int x)" in found


@pytest.mark.parametrize("header", ["geometry.h", "include/geometry.h"])
def test_c_quoted_include(make_workspace, header):
    ws = make_workspace(
        {
            header: "/* Area of a circle. */\ndouble area(double r);\n",
            "main.c": (
                f'#include "{header.rsplit("/", 1)[-1]}"\n#include <stdio.h>\n\n'
                "int main() {\n  ║\n}\n"
            ),
        }
    )
    assert "double area(double r);\n    Area of a circle." in ws.definitions()


def test_names_near_the_cursor_come_first_when_the_budget_is_small(make_workspace):
    ws = make_workspace(
        {
            "lib.py": "".join(f"def f{i}(value_{i}: int) -> int:\n    pass\n" for i in range(40)),
            "app.py": "from lib import " + ", ".join(f"f{i}" for i in range(40)) + "\n\nf37(1)\n║",
        }
    )
    found = ws.definitions(max_tokens=60)
    assert "def f37(value_37: int) -> int" in found
    assert "def f0(" not in found


def test_no_context_for_names_the_file_defines_itself(make_workspace):
    ws = make_workspace({"a.py": "def local():\n    pass\n\nlocal(║)\n", "b.py": "X = 1\n"})
    assert ws.definitions() == ""


def test_rust_other_crate_of_the_workspace(make_workspace):
    ws = make_workspace(
        {
            "Cargo.toml": "[workspace]\nmembers = ['crates/*']\n",
            "crates/matcher/Cargo.toml": '[package]\nname = "grep-matcher"\n',
            "crates/matcher/src/lib.rs": "pub fn is_match(hay: &[u8]) -> bool { true }\n",
            "crates/cli/Cargo.toml": '[package]\nname = "grep-cli"\n',
            "crates/cli/src/main.rs": "use grep_matcher::is_match;\n\nfn main() {\n    ║\n}\n",
        }
    )
    assert "pub fn is_match(hay: &[u8]) -> bool" in ws.definitions()
