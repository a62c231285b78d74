"""Docstrings go where each language wants them, written in its form; functions are found."""

from __future__ import annotations

import pytest

from deepseek_lsp.engine.actions.docstrings import (
    clean_docstring_reply,
    find_functions,
    format_docstring,
    insertion_for,
)


def documented(source: str, language: str, name: str, reply: str) -> str:
    """`source` with the docstring built from `reply` inserted for function `name`."""
    lines = source.split("\n")
    span = next(s for s in find_functions(lines, language) if s.name == name)
    where = insertion_for(lines, span, language)
    lines[where.line : where.line] = format_docstring(reply, language, where.indent, name)
    return "\n".join(lines)


PY_SOURCE = """\
import os


class Store:
    @cached
    def get(
        self, key: str
    ) -> str:
        return os.environ[key]
"""

PY_EXPECTED = """\
import os


class Store:
    @cached
    def get(
        self, key: str
    ) -> str:
        \"\"\"Read `key` from the environment.

        Raises KeyError when it is not set.
        \"\"\"
        return os.environ[key]
"""


def test_python_docstring_is_the_first_statement_of_the_body():
    reply = "```\nRead `key` from the environment.\n\nRaises KeyError when it is not set.\n```"
    assert documented(PY_SOURCE, "python", "get", reply) == PY_EXPECTED


def test_python_one_line_docstring_and_a_reply_with_its_own_quotes():
    source = "def add(a, b):\n    return a + b\n"
    reply = '"""Add two numbers."""'
    expected = 'def add(a, b):\n    """Add two numbers."""\n    return a + b\n'
    assert documented(source, "python", "add", reply) == expected


TS_SOURCE = """\
export class Cart {
  @Memo()
  total(items: Item[]): number {
    return items.reduce((s, i) => s + i.price, 0);
  }
}
"""

TS_EXPECTED = """\
export class Cart {
  /**
   * Sum of the items' prices.
   * @param items the items in the cart
   */
  @Memo()
  total(items: Item[]): number {
    return items.reduce((s, i) => s + i.price, 0);
  }
}
"""


def test_typescript_jsdoc_goes_above_the_decorators_with_the_declarations_indent():
    reply = "/**\n * Sum of the items' prices.\n * @param items the items in the cart\n */"
    assert documented(TS_SOURCE, "typescript", "total", reply) == TS_EXPECTED


@pytest.mark.parametrize(
    ("language", "source", "name", "reply", "expected"),
    [
        (
            "go",
            "func (s *Server) Handle(w http.ResponseWriter) error {\n\treturn nil\n}",
            "Handle",
            "Serves one request.",
            "// Handle serves one request.\nfunc (s *Server) Handle(w http.ResponseWriter) error"
            " {\n\treturn nil\n}",
        ),
        (
            "rust",
            "    pub fn area(&self) -> f64 {\n        self.w * self.h\n    }",
            "area",
            "The area in square metres.",
            "    /// The area in square metres.\n    pub fn area(&self) -> f64 {\n"
            "        self.w * self.h\n    }",
        ),
        (
            "java",
            "    @Override\n    public int size() {\n        return n;\n    }",
            "size",
            "Number of elements.",
            "    /**\n     * Number of elements.\n     */\n    @Override\n    public int size() {\n"
            "        return n;\n    }",
        ),
        (
            "c",
            "static int add(int a, int b) {\n  return a + b;\n}",
            "add",
            "Adds two ints.",
            "/**\n * Adds two ints.\n */\nstatic int add(int a, int b) {\n  return a + b;\n}",
        ),
        (
            "ruby",
            "  def total\n    items.sum(&:price)\n  end",
            "total",
            "# Sum of the prices.",
            "  # Sum of the prices.\n  def total\n    items.sum(&:price)\n  end",
        ),
        (
            "shellscript",
            'backup() {\n  tar czf "$1.tgz" "$1"\n}',
            "backup",
            "Archives a directory.",
            '# Archives a directory.\nbackup() {\n  tar czf "$1.tgz" "$1"\n}',
        ),
        (
            "lua",
            "local function greet(name)\n  print(name)\nend",
            "greet",
            "Prints the name.",
            "-- Prints the name.\nlocal function greet(name)\n  print(name)\nend",
        ),
    ],
)
def test_docstring_above_the_declaration(language, source, name, reply, expected):
    assert documented(source, language, name, reply) == expected


def test_find_functions_in_python_skips_strings_and_reports_docstrings():
    source = '''\
@app.route("/")
def index():
    """Home."""
    return "hi"

def helper(x): return x

TEMPLATE = """
def not_a_function():
    pass
"""

class Model:
    def save(self):
        # persist it
        db.add(self)

    async def load(self):
        pass
'''
    spans = {s.name: s for s in find_functions(source.split("\n"), "python")}
    assert set(spans) == {"index", "helper", "Model", "save", "load"}
    assert spans["index"].decl_start == 0 and spans["index"].start == 1
    assert spans["index"].has_docstring and not spans["index"].needs_docstring
    assert spans["helper"].body is None and not spans["helper"].needs_docstring
    assert (spans["save"].start, spans["save"].end) == (13, 15)
    assert (spans["Model"].start, spans["Model"].end) == (12, 18)
    assert spans["load"].needs_docstring


def test_find_functions_in_brace_languages_ignores_calls_and_prototypes():
    source = """\
// Adds things.
function add(a, b) {
  return a + b;
}
describe("add", () => {
  it("works", () => {
    expect(add(1, 2)).toBe(3);
  });
});
const mul = (a, b) => {
  if (a) {
    return a * b;
  }
};
"""
    spans = {s.name: s for s in find_functions(source.split("\n"), "javascript")}
    assert set(spans) == {"add", "mul"}
    assert spans["add"].has_docstring and (spans["add"].start, spans["add"].end) == (1, 3)
    assert not spans["mul"].has_docstring and spans["mul"].end == 13

    header = "int add(int a, int b);\nint sub(int a, int b) {\n  return a - b;\n}"
    assert [s.name for s in find_functions(header.split("\n"), "c")] == ["sub"]


def test_clean_docstring_reply_strips_what_models_add():
    assert clean_docstring_reply("```go\n// Sum adds.\n// It is fast.\n```") == [
        "Sum adds.",
        "It is fast.",
    ]
    assert clean_docstring_reply("/// Area.") == ["Area."]
    assert clean_docstring_reply("") == []


def test_no_functions_are_guessed_in_markup_or_data():
    prose = "Call the helper(x) when {\n  needed\n}"
    assert find_functions(prose.split("\n"), "markdown") == []
    assert find_functions(prose.split("\n"), "yaml") == []


# A function whose body is still empty is a function (issue 9): it gets "add a docstring".
EMPTY_PY = [  # (source, function, its docstring after the fix)
    ("def add(a, b):\n    \n", "add", 'def add(a, b):\n    """Doc."""\n    \n'),
    ("def add(a, b):\n", "add", 'def add(a, b):\n    """Doc."""\n'),
    (
        "class Calc:\n    def add(self, a, b):\n\n    def sub(self, a, b):\n        return a - b\n",
        "add",
        'class Calc:\n    def add(self, a, b):\n        """Doc."""\n\n'
        "    def sub(self, a, b):\n        return a - b\n",
    ),
    (
        "def add(a, b):\n\tpass\n\ndef mul(a, b):\n",
        "mul",
        'def add(a, b):\n\tpass\n\ndef mul(a, b):\n\t"""Doc."""\n',
    ),
]


@pytest.mark.parametrize(("source", "name", "expected"), EMPTY_PY)
def test_python_function_with_an_empty_body_takes_a_docstring(source, name, expected):
    span = next(s for s in find_functions(source.split("\n"), "python") if s.name == name)
    assert span.needs_docstring and span.empty_body
    assert documented(source, "python", name, "Doc.") == expected


def test_python_empty_body_span_covers_the_blank_body_line():
    lines = ["def add(a, b):", "    ", "", "x = 1", ""]
    (span,) = find_functions(lines, "python")
    assert (span.start, span.body, span.end) == (0, 1, 1)


def test_python_one_liner_still_takes_none():
    (span,) = find_functions(["def f(): pass", ""], "python")
    assert not span.needs_docstring


EMPTY_BRACES = [
    ("javascript", "function add(a, b) {}\n", "/**"),
    ("javascript", "function add(a, b) {\n}\n", "/**"),
    ("typescript", "class C {\n  add(a: number, b: number): number {}\n}\n", "  /**"),
    ("typescript", "export const add = (a: number, b: number) => {};\n", "/**"),
    ("go", "func add(a, b int) int {}\n", "// add "),
    ("rust", "fn add(a: i32, b: i32) -> i32 {}\n", "/// "),
    ("java", "class C {\n    int add(int a, int b) {}\n}\n", "    /**"),
    ("c", "int add(int a, int b) {}\n", "/**"),
]


@pytest.mark.parametrize(("language", "source", "opener"), EMPTY_BRACES)
def test_brace_stubs_with_empty_bodies_take_a_docstring(language, source, opener):
    span = next(s for s in find_functions(source.split("\n"), language) if s.name == "add")
    assert span.needs_docstring, span
    out = documented(source, language, "add", "Add a and b.").split("\n")
    assert out[span.decl_start].startswith(opener), out
    assert "a and b." in out[span.decl_start] or "Add a and b." in "\n".join(out)
