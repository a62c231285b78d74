"""Single- or multi-line from what the position needs (cursor marked ║)."""

from __future__ import annotations

import pytest

from deepseek_lsp.engine.completion import postprocess as post
from deepseek_lsp.engine.completion.multiline import line_complete
from deepseek_lsp.engine.completion.prompt import build_fim_context
from deepseek_lsp.engine.document import Document

CURSOR = "║"


def ctx_for(marked: str, ext: str, language: str):
    index = marked.index(CURSOR)
    before = marked[:index]
    pos = (before.count("\n"), len(before) - before.rfind("\n") - 1)
    doc = Document(f"file:///w/x.{ext}", marked.replace(CURSOR, ""), 1, language)
    return build_fim_context(doc, pos)


@pytest.mark.parametrize(
    ("marked", "ext", "language"),
    [
        ("services:\n  - name: app║\n", "yaml", "yaml"),
        ('def add(a, b):\n    """║\n    return a + b\n', "py", "python"),
        ('def add(a, b):\n    """║"""\n', "py", "python"),
        ("<?php\nclass C {\n    public function ║\n}\n", "php", "php"),
        ("def add(a, b)║\n", "py", "python"),
        ("fun sum(a: Int): Int║\n", "kt", "kotlin"),
        ("x = compute(\n    a,║\n)\n", "py", "python"),
        ("def f():\n    x = 1║\n\n    return x\n", "py", "python"),
    ],
)
def test_positions_that_need_several_lines(marked: str, ext: str, language: str) -> None:
    ctx = ctx_for(marked, ext, language)
    assert ctx.multiline
    assert post.stop_sequences(ctx) == ()


@pytest.mark.parametrize(
    ("marked", "ext", "language", "stops"),
    [
        ("func f() int {\n\treturn a + b║\n}\n", "go", "go", ()),
        ("const a = 1;║\nconst b = 2;\n", "ts", "typescript", ()),
        ("# a comment║\nx = 1\n", "py", "python", ()),
        ("let a =║\n", "js", "javascript", ()),
        ("x = foo(║a)\n", "py", "python", ("\n",)),
        ("print('hi║')\n", "py", "python", ("\n",)),
        ("class A {\n    void f() {\n        int x = 1;║\n        g(x);\n", "java", "java", ()),
    ],
)
def test_positions_that_need_one_line(
    marked: str, ext: str, language: str, stops: tuple[str, ...]
) -> None:
    ctx = ctx_for(marked, ext, language)
    assert not ctx.multiline
    assert post.stop_sequences(ctx) == stops  # at a line's end the line may start below


def test_a_single_line_reply_may_start_with_a_line_break() -> None:
    ctx = ctx_for("func f() int {\n\tx := 1║\n\treturn x\n}\n", "go", "go")
    shown = post.postprocess("\n\ty := 2\n\tz := 3", ctx).text
    assert shown == "\n\ty := 2"


def test_a_single_line_answer_is_complete_once_its_text_line_ends() -> None:
    assert not line_complete("\n\n  ")
    assert not line_complete("\n    foo(")
    assert line_complete("\n    foo()\n")
    assert not line_complete("```go\n")  # a fence line is not the answer
    assert line_complete("```go\nx := 1\n")


@pytest.mark.parametrize(
    "marked", ["match = re.match(p, s)║\nprint(match)\n", "module.exports = f;║\nrun();\n"]
)
def test_a_keyword_used_as_a_name_is_not_a_header(marked: str) -> None:
    assert not ctx_for(marked, "py", "python").multiline


def test_open_brackets_by_remembered_lines_counts_as_a_scan_of_every_bracket() -> None:
    """Lines folded by (floor, net) give the depth of a bracket-by-bracket scan floored at 0."""
    import random
    import re

    from deepseek_lsp.engine.completion import multiline
    from deepseek_lsp.engine.document import Document
    from deepseek_lsp.engine.languages import language_for

    def scan(lines: list[str]) -> int:
        depth = 0
        for text in lines:
            text = text.split("#", 1)[0]
            for char in re.findall(r"[()\[\]]", multiline._strip_strings(text)):
                depth = depth + 1 if char in "([" else max(0, depth - 1)
        return depth

    rng = random.Random(9)
    parts = ["(", ")", "[", "]", "x", " ", "'(', ", '")"', "# (", "{"]
    lang = language_for("file:///a.py")
    for _ in range(500):
        lines = ["".join(rng.choice(parts) for _ in range(rng.randrange(0, 8))) for _ in range(6)]
        doc = Document("file:///a.py", "\n".join(lines) + "\n", 1, "python")
        pos = (5, len(lines[5]))
        assert multiline._open_brackets(doc, pos, lang, "") == scan(lines), lines
