"""Model replies become code that fits: fences, indentation, minimal edits, redaction."""

from __future__ import annotations

import pytest

from deepseek_lsp.engine.actions.replies import (
    extract_code,
    indent_unit,
    insert_lines,
    minimal_edit,
    rebase_indent,
    replace_lines,
    restore_redacted,
    rewrite_edit,
)
from deepseek_lsp.engine.privacy import placeholder


@pytest.mark.parametrize(
    "reply",
    [
        "```python\ndef f():\n    return 1\n```",
        "```\ndef f():\n    return 1\n```",
        "~~~py\ndef f():\n    return 1\n~~~",
        "Here you go:\n\n```python\ndef f():\n    return 1\n```\n\nThis returns one.",
        "\n\ndef f():\n    return 1\n\n\n",
        "```python\ndef f():\n    return 1",  # cut off before the closing fence
    ],
)
def test_extract_code_takes_the_code_out_of_every_reply_shape(reply):
    assert extract_code(reply) == "def f():\n    return 1"


def test_extract_code_prefers_the_largest_block_and_keeps_inner_blank_lines():
    reply = "Use it like `f()`:\n```\nf()\n```\nCode:\n```python\na = 1\n\nb = 2\n```\n"
    assert extract_code(reply) == "a = 1\n\nb = 2"


def test_a_fence_inside_a_tilde_block_is_content():
    reply = "~~~markdown\n```python\nx = 1\n```\n~~~"
    assert extract_code(reply) == "```python\nx = 1\n```"


def test_rebase_indent_moves_a_flush_left_reply_into_a_method():
    code = "if x:\n    return 1\nreturn 2"
    assert rebase_indent(code, "        ") == [
        "        if x:",
        "            return 1",
        "        return 2",
    ]


def test_rebase_indent_removes_the_replys_own_indentation():
    code = "\n      a = 1\n      if a:\n          b = 2\n"
    assert rebase_indent(code, "  ") == ["  a = 1", "  if a:", "      b = 2"]


def test_rebase_indent_converts_spaces_to_the_files_tabs():
    code = "func f() {\n    if x {\n        y()\n    }\n}"
    assert rebase_indent(code, "\t", unit="\t") == [
        "\tfunc f() {",
        "\t\tif x {",
        "\t\t\ty()",
        "\t\t}",
        "\t}",
    ]


def test_rebase_indent_converts_tabs_to_the_files_spaces():
    code = "def f():\n\tif x:\n\t\treturn 1"
    assert rebase_indent(code, "", unit="  ") == ["def f():", "  if x:", "    return 1"]


def test_indent_unit_reads_the_file():
    assert indent_unit(["a", "\tb"]) == "\t"
    assert indent_unit(["a", "  b", "    c"]) == "  "
    assert indent_unit(["a"]) == "    "


def test_minimal_edit_trims_common_leading_and_trailing_lines():
    old = ["def f(x):", "    y = x + 1", "    return y", ""]
    new = ["def f(x):", "    y = x + 2", "    return y", ""]
    assert minimal_edit(old, new) == (1, 2, ["    y = x + 2"])


def test_minimal_edit_of_an_insertion_and_of_no_change():
    assert minimal_edit(["a", "c"], ["a", "b", "c"]) == (1, 1, ["b"])
    assert minimal_edit(["a", "b"], ["a", "b"]) == (2, 2, [])
    assert minimal_edit(["a", "b", "c"], ["a", "c"]) == (1, 2, [])


def test_minimal_edit_with_repeated_lines_never_overlaps():
    start, end, replacement = minimal_edit(["x", "x"], ["x"])
    assert (start, end, replacement) == (1, 2, [])


def test_restore_redacted_keeps_the_users_secret():
    old = ['    token = "ghp_' + "a" * 36 + '"', "    call(token)"]
    echoed = [f'    token = "{placeholder("github-token")}"', "    call(token, retries=3)"]
    assert restore_redacted(echoed, old) == [old[0], "    call(token, retries=3)"]


def apply(lines: list[str], edit) -> list[str]:
    text = "\n".join(lines)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    start = offsets[edit.start[0]] + edit.start[1]
    end = offsets[edit.end[0]] + edit.end[1]
    return (text[:start] + edit.new_text + text[end:]).split("\n")


@pytest.mark.parametrize(
    ("lines", "at", "expected"),
    [
        (["a", "b"], 1, ["a", "X", "b"]),
        (["a", "b"], 2, ["a", "b", "X"]),
        (["a", "b", ""], 3, ["a", "b", "X", ""]),
        (["a"], 0, ["X", "a"]),
    ],
)
def test_insert_lines_anywhere(lines, at, expected):
    assert apply(lines, insert_lines("u", lines, at, ["X"])) == expected


@pytest.mark.parametrize(
    ("start", "end", "new", "expected"),
    [
        (1, 2, ["B"], ["a", "B", "c"]),
        (2, 3, ["C", "D"], ["a", "b", "C", "D"]),
        (1, 3, [], ["a"]),
        (0, 1, [], ["b", "c"]),
    ],
)
def test_replace_lines_anywhere(start, end, new, expected):
    lines = ["a", "b", "c"]
    assert apply(lines, replace_lines("u", lines, start, end, new)) == expected


def test_rewrite_edit_only_touches_the_changed_line_and_keeps_indentation():
    lines = ["class A:", "    def f(self):", "        x = 1", "        return x", "", "end"]
    reply_code = "def f(self):\n    x = 2\n    return x"  # flush left, as models often answer
    edit = rewrite_edit("u", lines, 1, 3, reply_code)
    assert (edit.start, edit.end, edit.new_text) == ((2, 0), (3, 0), "        x = 2\n")
    assert rewrite_edit("u", lines, 1, 3, "def f(self):\n    x = 1\n    return x") is None
