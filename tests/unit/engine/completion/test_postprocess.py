"""Postprocess filters, each with golden cases: the document with its cursor (║), what the model
wrote, and what the user is shown.
"""

from __future__ import annotations

import pytest

from deepseek_lsp.engine.completion import postprocess as post
from deepseek_lsp.engine.completion.prompt import FimContext, build_fim_context
from deepseek_lsp.engine.document import Document, split_lines

CURSOR = "║"
EXT = {"python": "py", "javascript": "js", "go": "go", "yaml": "yaml"}


def ctx_for(marked: str, language: str = "python") -> FimContext:
    index = marked.index(CURSOR)
    before = split_lines(marked[:index])
    pos = (len(before) - 1, len(before[-1].rstrip("\r\n")))
    doc = Document(f"file:///w/x.{EXT[language]}", marked.replace(CURSOR, "", 1), 1, language)
    return build_fim_context(doc, pos)


def run(marked: str, completion: str, language: str = "python") -> str:
    return post.postprocess(completion, ctx_for(marked, language))


def test_one_chain_holds_every_filter_once() -> None:
    assert len(set(post.FILTERS)) == len(post.FILTERS)
    assert post.FILTERS[-1] is post.restore_line_endings


def test_stop_sequences_save_tokens_in_single_line_mode() -> None:
    assert post.stop_sequences(ctx_for("x = foo(║a)")) == ("\n",)
    assert post.stop_sequences(ctx_for("def f():\n    ║")) == ()


# -- single line ---------------------------------------------------------------------------------


def test_single_line_mode_keeps_the_first_line() -> None:
    assert run("total = price(║x)", "rate * \nmore()\n") == "rate * "


def test_single_line_mode_drops_a_suggestion_that_starts_on_the_next_line() -> None:
    assert run("total = price(║x)", "\nnext_line()") == ""


# -- suffix overlap ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marked", "completion", "shown"),
    [
        ("print(║)", '"hello")', '"hello"'),
        ("print(║)", "foo()", "foo()"),  # balanced: the ")" is the call's own
        ('x = "║"', 'hello"', "hello"),
        ('msg = "\U0001f600 caf║"', '\u00e9 \u00e0 la carte"', "\u00e9 \u00e0 la carte"),
        ("f(g(║))", "1, 2))", "1, 2"),
        ("items = [║]", "1, 2, 3]", "1, 2, 3"),
        ("value = {║}", "'a': 1}", "'a': 1"),
        ("print(║)", ")", ""),  # nothing left but what is already there
        ("call(║, b)", "a, b)", "a"),  # the model rewrote the rest of the line
        ("x = price(║x)", "foo(x)", "foo("),
        ("y = x║ + 1", "2 + 1", "2"),
    ],
)
def test_closers_already_after_the_cursor_are_trimmed(
    marked: str, completion: str, shown: str
) -> None:
    assert run(marked, completion) == shown


def test_trailing_lines_that_repeat_the_next_lines_are_trimmed() -> None:
    marked = "def f(x):\n    ║\n    return y\n"
    assert run(marked, "y = x * 2\n    return y\n") == "y = x * 2"


def test_a_copy_of_the_following_code_is_cut_where_it_starts() -> None:
    marked = "function f() {\n  ║\n  done();\n}\n"
    shown = run(marked, "start();\n  done();\n}", "javascript")
    assert shown == "start();"


# -- block end -----------------------------------------------------------------------------------


def test_python_suggestion_stops_at_a_dedent_below_the_body() -> None:
    marked = "def f(x):║\n"
    completion = "\n    y = x + 1\n    if y:\n        y -= 1\n    return y\n\ndef g():\n    pass"
    assert run(marked, completion) == "\n    y = x + 1\n    if y:\n        y -= 1\n    return y"


def test_python_body_at_an_indented_blank_line_stops_at_the_dedent() -> None:
    marked = "class A:\n    def f(self):\n        ║\n"
    completion = "return 1\n\n    def g(self):\n        return 2"
    assert run(marked, completion) == "return 1"


def test_yaml_is_an_indentation_language_too() -> None:
    marked = "services:\n  web:\n    ║\n"
    assert run(marked, "image: nginx\n    ports: [80]\n  db:\n    image: pg", "yaml") == (
        "image: nginx\n    ports: [80]"
    )


def test_brace_block_keeps_a_closer_the_suffix_does_not_have() -> None:
    marked = "function f() {║"
    completion = "\n  return 1;\n}\n\nfunction g() {\n  return 2;\n}"
    assert run(marked, completion, "javascript") == "\n  return 1;\n}"


def test_brace_block_drops_a_closer_the_suffix_already_has() -> None:
    marked = "function f() {║\n}\n"
    assert run(marked, "\n  return 1;\n}\n", "javascript") == "\n  return 1;"


def test_brace_block_on_one_line_keeps_the_line_break_before_the_existing_closer() -> None:
    marked = "func main() {║}\n"
    assert run(marked, "\n\tfmt.Println(1)\n}", "go") == "\n\tfmt.Println(1)\n"


def test_brace_counts_ignore_brackets_in_strings_and_comments() -> None:
    marked = 'if (ok) {║\n  log("}}}"); // }\n}\n'
    assert run(marked, "\n  go();\n  stop();", "javascript") == "\n  go();\n  stop();"


def test_brace_block_stops_at_a_sibling_statement_after_the_block() -> None:
    marked = "function f() {\n  if (a) {\n    ║\n  }\n}\n"
    assert run(marked, "b();\n  }\n  c();", "javascript") == "b();"


# -- indentation ---------------------------------------------------------------------------------


def test_first_line_indented_from_column_zero_is_rebased_to_the_cursor() -> None:
    marked = "def f(x):\n    ║\n"
    assert run(marked, "    y = x\n    return y") == "y = x\n    return y"


def test_single_first_line_with_a_doubled_indent_is_rebased() -> None:
    assert run("def f(x):\n    ║\n", "    return x") == "return x"


def test_genuinely_deeper_first_line_is_kept() -> None:
    marked = "if a:\n    if b:\n        ║\n"
    assert run(marked, "    c()") == "    c()"


def test_tabs_become_the_files_spaces() -> None:
    marked = "def f(x):\n    if x:\n        pass\n    ║\n"
    assert run(marked, "for i in x:\n\tprint(i)") == "for i in x:\n    print(i)"


def test_spaces_become_the_files_tabs() -> None:
    marked = "func f() {\n\tif x {\n\t\ty()\n\t}\n\t║\n}\n"
    assert run(marked, "for {\n\t    z()\n\t}", "go") == "for {\n\t\tz()\n\t}"


# -- repetition, whitespace, empties, line endings -----------------------------------------------


def test_a_trailing_repetition_loop_is_cut_to_one_copy() -> None:
    marked = "def f():\n    ║\n"
    completion = "x = 1\n    y += 1\n    y += 1\n    y += 1\n    y +"
    assert run(marked, completion) == "x = 1\n    y += 1"


def test_a_repeated_pair_of_lines_is_a_loop_too() -> None:
    completion = "a()\n    b()\n    a()\n    b()\n    a()\n    b()"
    assert run("def f():\n    ║\n", completion) == "a()\n    b()"


def test_lines_repeated_twice_are_left_alone() -> None:
    assert run("def f():\n    ║\n", "x()\n    x()\n    y()") == "x()\n    x()\n    y()"


def test_whitespace_before_text_on_the_cursor_line_is_kept() -> None:
    assert run("total = ║price", "rate * ") == "rate * "
    assert run("if (ok) {║}", "\n  go();\n", "javascript") == "\n  go();\n"


def test_a_long_loop_is_cut_quickly() -> None:
    completion = "first()\n" + "    again()\n" * 5000 + "    aga"
    assert run("def f():\n    ║\n", completion) == "first()\n    again()"


def test_trailing_whitespace_and_blank_lines_are_stripped() -> None:
    assert run("def f():\n    ║\n", "a = 1   \n    b = 2\t\n\n\n") == "a = 1\n    b = 2"


@pytest.mark.parametrize("completion", ["", "   ", "\n\n", "\t \n  "])
def test_empty_or_blank_suggestions_are_dropped(completion: str) -> None:
    assert run("def f():\n    ║\n", completion) == ""


def test_crlf_documents_get_crlf_suggestions() -> None:
    marked = "def f(x):║\r\n\r\nprint(1)\r\n"
    assert run(marked, "\r\n    return x\n") == "\r\n    return x"
