"""Postprocess filters, each with golden cases: the document with its cursor (║), what the model
wrote, and what the user is shown.
"""

from __future__ import annotations

import pytest

from deepseek_lsp.engine.completion import postprocess as post
from deepseek_lsp.engine.completion.prompt import FimContext, build_fim_context
from deepseek_lsp.engine.document import Document, split_lines

CURSOR = "║"
EXT = {"python": "py", "javascript": "js", "go": "go", "yaml": "yaml", "markdown": "md"}


def ctx_for(marked: str, language: str = "python") -> FimContext:
    index = marked.index(CURSOR)
    before = split_lines(marked[:index])
    pos = (len(before) - 1, len(before[-1].rstrip("\r\n")))
    doc = Document(f"file:///w/x.{EXT[language]}", marked.replace(CURSOR, "", 1), 1, language)
    return build_fim_context(doc, pos)


def run(marked: str, completion: str, language: str = "python") -> str:
    return post.postprocess(completion, ctx_for(marked, language)).text


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


# -- code fences ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "completion",
    [
        "```python\nreturn a + b\n```",
        "```py\nreturn a + b\n```\nThis adds the numbers.",
        "~~~\nreturn a + b\n~~~",
        "return a + b\n```",
    ],
)
def test_a_reply_wrapped_in_a_markdown_fence_loses_its_fences(completion: str) -> None:
    assert run("def add(a, b):\n    ║\n", completion) == "return a + b"


def test_fences_are_content_in_a_markdown_document() -> None:
    marked = "# Usage\n\n║\n"
    assert run(marked, "```sh\npip install x\n```", "markdown") == "```sh\npip install x\n```"


# -- a copy of the line below --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marked", "completion", "language"),
    [
        ("def f(x):\n    ║\n    return x\n", "return x", "python"),
        ("def f(x):\n    y = ║\n    y = x + 1\n", "x + 1", "python"),
        ("function f() {\n  ║\n  done();\n}\n", "done();\n}", "javascript"),
        ("items:\n  ║\n\n  - b\n", "- b", "yaml"),
    ],
)
def test_a_suggestion_that_copies_the_line_below_is_dropped(
    marked: str, completion: str, language: str
) -> None:
    assert run(marked, completion, language) == ""


def test_a_line_that_only_starts_like_the_line_below_is_kept() -> None:
    assert run("def f(x):\n    ║\n    return x\n", "x += 1") == "x += 1"


def process(marked: str, completion: str, language: str = "python", finish: str | None = None):
    return post.postprocess(completion, ctx_for(marked, language), finish)


def applied(marked: str, completion: str, language: str = "python", finish: str | None = None):
    """The cursor line as the user reads it once the editor applied the item."""
    draft = process(marked, completion, language, finish)
    before, after = marked.split(CURSOR)
    return (before + draft.text + after[draft.replace :]).split("\n")[before.count("\n")]


# -- overlap give or take `;` and whitespace -----------------------------------------------------


@pytest.mark.parametrize(
    ("marked", "completion", "shown"),
    [
        ('console.log("║");', 'hello world");', 'console.log("hello world");'),
        ('console.log("║");', 'hello world" );', 'console.log("hello world");'),
        ("if (║) {", "x > 0){", "if (x > 0) {"),
        ("call(║, b);", "a, b)", "call(a, b);"),
    ],
)
def test_the_rest_of_the_line_is_recognised_give_or_take_a_semicolon_or_blanks(
    marked: str, completion: str, shown: str
) -> None:
    assert applied(marked, completion, "javascript") == shown


# -- auto-closed characters are replaced, not doubled --------------------------------------------


@pytest.mark.parametrize(
    ("marked", "completion", "replace", "shown"),
    [
        ('const s = "║"', 'hello";', 1, 'const s = "hello";'),
        ("x = foo(║)", "a).to_s", 1, "x = foo(a).to_s"),
        ('print("║")', 'done", flush=True)', 2, 'print("done", flush=True)'),
        ('foo(["║"])', 'a", "b"]);', 3, 'foo(["a", "b"]);'),
    ],
)
def test_auto_closed_characters_the_reply_writes_are_replaced(
    marked: str, completion: str, replace: int, shown: str
) -> None:
    assert process(marked, completion, "javascript").replace == replace
    assert applied(marked, completion, "javascript") == shown


def test_a_reply_that_ends_with_the_auto_closed_characters_is_trimmed_instead() -> None:
    draft = process('x = "║"', 'hello"')
    assert (draft.text, draft.replace) == ("hello", 0)


# -- doubled space -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marked", "completion", "shown"),
    [
        ("x = ║", " sum(a)", "x = sum(a)"),
        ("x = ║", "  sum(a)", "x = sum(a)"),
        ("x =║", " sum(a)", "x = sum(a)"),
        ("foo(a, ║b)", " c, ", "foo(a, c, b)"),
    ],
)
def test_a_blank_after_a_blank_is_not_doubled(marked: str, completion: str, shown: str) -> None:
    assert applied(marked, completion) == shown


# -- a line that loops, a line cut off by max_tokens ---------------------------------------------


def test_a_line_that_repeats_a_piece_of_itself_is_dropped() -> None:
    assert run("foo = ║", "foo = foo = foo = foo = foo = foo = foo = foo = ") == ""
    loop = "a = 1\n    b = 2\n    c = c = c = c = c = c = c = c = c"
    assert run("def f():\n    ║\n", loop) == "a = 1\n    b = 2"


@pytest.mark.parametrize("line", ["[0, 0, 0, 0, 0, 0, 0, 0]", '"--------------------------"'])
def test_pieces_without_letters_are_content_not_loops(line: str) -> None:
    assert run("x = ║", line) == line


def test_a_last_line_cut_off_by_max_tokens_is_left_out() -> None:
    body = "total = 0\n    for x in xs:\n        total += x\n    return tot"
    draft = process("def f(xs):\n    ║\n", body, finish="length")
    assert draft.text == "total = 0\n    for x in xs:\n        total += x"
    assert process("x = ║", '"a long string that', finish="length").text == ""
    assert process("x = ║", '"a whole string"', finish="stop").text == '"a whole string"'
