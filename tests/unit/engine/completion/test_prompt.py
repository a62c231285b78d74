"""The FIM prompt for a cursor: exact cursor boundaries, stable-first layout, budgets, modes."""

from __future__ import annotations

import pytest

from deepseek_lsp.engine.completion.indent_unit import detect_indent_unit, window_indent_unit
from deepseek_lsp.engine.completion.prompt import (
    CHARS_PER_TOKEN,
    PREFIX_LINE_QUANTUM,
    Snippet,
    build_fim_context,
    prefix_window,
    suffix_window,
    window_blocks,
)
from deepseek_lsp.engine.document import Document, Position, split_lines
from deepseek_lsp.engine.languages import language_for

CURSOR = "║"


def at_cursor(marked: str) -> tuple[str, Position]:
    """The text without the marker, and the marker's (line, code-point column)."""
    index = marked.index(CURSOR)
    before = split_lines(marked[:index])
    return marked.replace(CURSOR, "", 1), (len(before) - 1, len(before[-1].rstrip("\r\n")))


def context_for(marked: str, uri: str = "file:///w/src/app.py", language_id: str = "python", **kw):
    text, pos = at_cursor(marked)
    return build_fim_context(Document(uri, text, 1, language_id), pos, **kw)


def test_prompt_ends_at_the_cursor_and_suffix_starts_after_it() -> None:
    marked = "caf\u00e9 = '\U0001f600'\r\ndef f(x):\r\n    return x +║ 1\r\n\r\nprint(f(2))\r\n"
    ctx = context_for(marked)
    before, after = marked.split(CURSOR)
    assert ctx.prompt == before
    assert ctx.suffix == after
    assert ctx.eol == "\r\n"


def test_header_comes_first_in_the_file_comment_syntax() -> None:
    ctx = context_for("x = 1\n║", workspace_relpath="src/app.py")
    assert ctx.prompt == "# Path: src/app.py\nx = 1\n"
    js = context_for("let a;║", "file:///w/a.ts", "typescript", workspace_relpath="a.ts")
    assert js.prompt.startswith("// Path: a.ts\n")
    html = context_for("<p>║", "file:///w/i.html", "html", workspace_relpath="i.html")
    assert html.prompt.startswith("<!-- Path: i.html -->\n")
    assert context_for("x║", workspace_relpath=None).prompt == "x"


def test_snippets_sit_between_header_and_document_in_given_order() -> None:
    snippets = [Snippet("lib/a.py", "def a():\n    pass\n"), Snippet("lib/b.py", "B = 2")]
    ctx = context_for("import a\n║", workspace_relpath="app.py", snippets=snippets)
    assert ctx.prompt == (
        "# Path: app.py\n"
        "# Compare this snippet from lib/a.py:\n# def a():\n#     pass\n"
        "# Compare this snippet from lib/b.py:\n# B = 2\n"
        "import a\n"
    )
    assert ctx.local_prefix == "import a\n"


def test_snippets_that_do_not_fit_are_left_out_but_the_document_stays() -> None:
    big = Snippet("big.py", "x = 1\n" * 500)
    small = Snippet("small.py", "y = 2")
    ctx = context_for("z = 3\n║", snippets=[big, small], budget_tokens=100)
    assert "big.py" not in ctx.prompt
    assert "# Compare this snippet from small.py:\n# y = 2\n" in ctx.prompt
    assert ctx.prompt.endswith("z = 3\n")


def test_block_comment_languages_wrap_snippets() -> None:
    ctx = context_for("a {║", "file:///w/s.css", "css", snippets=[Snippet("t.css", "/* x */ b {}")])
    assert ctx.prompt == "/* Compare this snippet from t.css:\n/* x * / b {}\n*/\na {"


def numbered(lines: int, cursor_line: int) -> str:
    body = [f"line_{n:04d} = {n}\n" for n in range(lines)]
    body[cursor_line] = body[cursor_line].replace(" = ", " = ║", 1)
    return "".join(body)


def test_window_start_is_quantised_and_whole_lines() -> None:
    ctx = context_for(numbered(1000, 700), budget_tokens=400)
    assert ctx.prefix_start_line % PREFIX_LINE_QUANTUM == 0
    assert 0 < ctx.prefix_start_line < 700
    assert ctx.prompt.startswith(f"line_{ctx.prefix_start_line:04d} = ")
    assert len(ctx.prompt) <= 400 * CHARS_PER_TOKEN
    assert ctx.prompt.endswith("line_0700 = ")


def test_window_start_stays_put_while_typing_and_moving_down() -> None:
    starts = set()
    prompts = []
    for cursor_line in range(700, 710):
        ctx = context_for(numbered(1000, cursor_line), budget_tokens=400)
        starts.add(ctx.prefix_start_line)
        prompts.append(ctx.prompt)
    assert len(starts) == 1
    assert all(p.startswith(prompts[0][: len(prompts[0]) - 40]) for p in prompts)


def test_one_huge_line_is_cut_at_the_budget() -> None:
    ctx = context_for("a = [" + "1, " * 5000 + "║]", budget_tokens=100)
    assert len(ctx.prompt) == 100 * CHARS_PER_TOKEN
    assert ctx.prompt.endswith("1, ")
    assert ctx.prefix_start_line == 0


def test_suffix_window_takes_whole_lines_within_its_budget() -> None:
    ctx = context_for("x = ║1\n" + "abcdefghi\n" * 100, suffix_tokens=10)
    assert ctx.suffix == "1\n" + "abcdefghi\n" * 2  # 2 + 20 chars of the 30 allowed
    assert context_for("x║ = 1", suffix_tokens=0).suffix == ""


@pytest.mark.parametrize(
    ("marked", "multiline"),
    [
        ("def f():║", True),
        ("    ║", True),
        ("║", True),
        ("if (ok) {║}", True),
        ("items.map((x) =>║", True),
        ("foo(║)", True),
        ("list.each do |x|║", True),
        ("if x then║", True),
        ("x = foo(║a)", False),
        ("print('hi║')", False),
        ("return x +║", False),
        ("    retur║\n    x = 1\n", False),
        ("x = 1║\ny = 2\n", False),
        ("# a comment║\n", False),
    ],
)
def test_single_or_multi_line(marked: str, multiline: bool) -> None:
    assert context_for(marked).multiline is multiline


def test_indentation_and_line_end_are_exposed() -> None:
    ctx = context_for("def f():\n    x = 1\n    y = x║  \n")
    assert (ctx.indent, ctx.at_line_end, ctx.line_prefix) == ("    ", True, "    y = x")
    assert ctx.cursor == (2, 9)
    mid = context_for("\tcall(║x)")
    assert (mid.indent, mid.at_line_end, mid.line_suffix) == ("\t", False, "x)")


def test_indent_unit_follows_the_file() -> None:
    assert context_for("if a:\n\tb\n\tif c:\n\t\td\n║").indent_unit == "\t"
    assert context_for("if a:\n  b\n  if c:\n    d\n║").indent_unit == "  "
    assert context_for("x = 1\n║").indent_unit == ""
    assert context_for("package main\n║", "file:///w/m.go", "go").indent_unit == "\t"


def test_language_is_guessed_from_the_extension_when_unspecific() -> None:
    assert context_for("x║", "file:///w/main.go", "plaintext").language == "go"
    assert language_for("file:///w/App.TSX", "").id == "typescriptreact"
    assert language_for("file:///w/run.zsh", None).id == "shellscript"
    assert language_for("file:///w/x.unknown", "plaintext").id == "plaintext"
    assert language_for("file:///w/x.py", "bash").id == "shellscript"
    assert language_for("untitled:Untitled-1", "plaintext").line_comment is None


def test_cross_file_context_has_its_own_budget_and_says_what_fit() -> None:
    doc_text = "".join(f"line_{n} = {n}\n" for n in range(200)) + "║"
    snippets = [
        Snippet("lib/a.py", "def a(): ...", "definitions"),
        Snippet("lib/big.py", "x = 1\n" * 400, "definitions"),
        Snippet("lib/c.py", "def c(): ...", "similar"),
    ]
    ctx = context_for(doc_text, snippets=snippets, budget_tokens=100, context_tokens=50)
    assert ctx.prompt.startswith(
        "# Definitions in lib/a.py:\n# def a(): ...\n# Compare this snippet from lib/c.py:\n"
    )
    assert [s.path for s in ctx.snippets] == ["lib/a.py", "lib/c.py"]
    # the document window keeps its whole budget: the same window as with no snippets at all
    alone = context_for(doc_text, budget_tokens=100)
    assert ctx.local_prefix == alone.local_prefix


def _reference_window(lines: list[str], line: int, column: int, max_chars: int) -> tuple[str, int]:
    """The window by its definition: the most whole lines above that fit, snapped up."""
    current = lines[line].rstrip("\n")[:column]
    if len(current) >= max_chars:  # a line longer than the budget: its end only
        return current[len(current) - max_chars :], line
    size, first = len(current), line
    while first > 0 and size + len(lines[first - 1]) <= max_chars:
        first -= 1
        size += len(lines[first])
    start = first
    if first > 0:
        snapped = -(-first // PREFIX_LINE_QUANTUM) * PREFIX_LINE_QUANTUM
        start = snapped if snapped <= line else first
    return "".join(lines[start:line]) + current, start


def test_prefix_window_matches_its_definition_at_every_budget_and_after_edits() -> None:
    """The binary search over line starts takes exactly the lines a line-by-line walk would."""
    import random

    rng = random.Random(3)
    lines = [" " * rng.randrange(0, 12) + "x" * rng.randrange(0, 60) + "\n" for _ in range(400)]
    doc = Document("file:///w/a.py", "".join(lines) + "end", 1, "python")
    lines.append("end")
    for step in range(300):
        if step % 7 == 0:  # an edit: the offsets above it stay, those below are rebuilt
            at = rng.randrange(0, 399)
            doc.apply_change((at, 0), (at, 0), "yy\n", step + 2)
            lines[at : at + 1] = ["yy\n", lines[at]]
        line = rng.randrange(0, len(lines) - 1)
        column = rng.randrange(0, len(lines[line]))
        budget = rng.choice([0, 5, 50, 300, 2000, 100_000])
        assert prefix_window(doc, (line, column), budget) == _reference_window(
            lines, line, column, budget
        ), (line, column, budget)


def test_window_indent_unit_reads_only_what_detect_indent_unit_would_count() -> None:
    """The backward read finds the indentation a scan of the whole window finds."""
    import random

    rng = random.Random(5)
    for units in (("  ", "    "), ("\t", "  "), ("   ", "")):
        body = []
        for n in range(600):  # runs of lines in one unit or the other: the sample size matters
            unit = units[(n // 25) % 2 if rng.random() < 0.8 else rng.randrange(2)]
            depth = rng.randrange(0, 4)
            body.append("" if n % 5 == 0 else unit * depth + f"v{n} = {n}")
        doc = Document("file:///w/a.py", "\n".join(body), 1, "python")
        for _ in range(200):
            line = rng.randrange(0, 600)
            start = rng.randrange(0, line + 1)
            current = doc.line(line)[: rng.randrange(0, len(doc.line(line)) + 1)]
            window = "".join(doc.raw_lines(start, line)) + current
            pieces = [*window_blocks(doc, start, line), current]
            assert window_indent_unit(pieces) == detect_indent_unit(window)


def test_suffix_window_matches_its_definition_at_every_budget_and_after_edits() -> None:
    """The binary search forward takes exactly the lines a line-by-line walk would."""
    import random

    rng = random.Random(4)
    lines = ["\t" * rng.randrange(0, 3) + "y" * rng.randrange(0, 50) + "\n" for _ in range(300)]
    lines.append("tail")
    doc = Document("file:///w/a.go", "".join(lines), 1, "go")
    for step in range(300):
        if step % 9 == 0:
            at = rng.randrange(0, 299)
            doc.apply_change((at, 0), (at, 0), "z\n", step + 2)
            lines[at : at + 1] = ["z\n", lines[at]]
        line = rng.randrange(0, len(lines))
        column = rng.randrange(0, len(lines[line].rstrip("\n")) + 1)
        budget = rng.choice([0, 3, 40, 400, 1152, 100_000])
        text = lines[line][column : column + budget + 1]
        if len(text) >= budget:
            expected = text[:budget]
        else:
            expected, n = text, line + 1
            while n < len(lines) and len(expected) + len(lines[n]) <= budget:
                expected += lines[n]
                n += 1
        assert suffix_window(doc, (line, column), budget) == expected, (line, column, budget)


def test_window_indent_unit_by_block_shapes_agrees_on_real_files() -> None:
    """Whole blocks summed up as shapes give what counting every lead gives, on others' code."""
    import random
    from pathlib import Path

    import httpx
    import pygls

    rng = random.Random(11)
    files = sorted(Path(httpx.__file__).parent.rglob("*.py"))
    files += sorted(Path(pygls.__file__).parent.rglob("*.py"))
    checked = 0
    for path in files:
        doc = Document(path.as_uri(), path.read_text(encoding="utf-8"), 1, "python")
        for _ in range(20):
            line = rng.randrange(0, doc.line_count)
            start = rng.randrange(0, line + 1)
            start -= start % PREFIX_LINE_QUANTUM if rng.random() < 0.5 else 0
            current = doc.line(line)[: rng.randrange(0, len(doc.line(line)) + 1)]
            window = "".join(doc.raw_lines(start, line)) + current
            pieces = [*window_blocks(doc, start, line), current]
            assert window_indent_unit(pieces) == detect_indent_unit(window), (path, line, start)
            checked += 1
    assert checked > 900


def test_equally_common_steps_go_to_the_one_seen_first() -> None:
    assert detect_indent_unit("a\n  b\nc\n    d\n") == "  "
    assert detect_indent_unit("a\n    b\nc\n  d\n") == "    "
    assert detect_indent_unit("a\n          b\n") == ""  # a 10-space step is no unit
    assert detect_indent_unit("a\n\tb\n\tc\n  d\n") == "\t"


def test_the_same_snippets_tuple_renders_once_and_a_changed_language_anew() -> None:
    from deepseek_lsp.engine.completion import prompt

    snippets = (Snippet("lib/a.py", "def f(x): ...", "definitions"),)
    py, js = language_for("file:///w/b.py"), language_for("file:///w/b.js")
    first = prompt._render_all(py, snippets)
    assert prompt._render_all(py, snippets) is first  # remembered: the same list back
    assert prompt._render_all(js, snippets)[0][1].startswith("// Definitions in lib/a.py:")
    assert first[0][1].startswith("# Definitions in lib/a.py:")
    listed = list(snippets)
    assert prompt._render_all(py, listed) is not prompt._render_all(py, listed)  # lists change
