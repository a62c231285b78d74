"""Typed-ahead reuse. Fixtures show the cursor as `║`; prefixes are cut to 512 chars, as the
completion engine sends them."""

from __future__ import annotations

import time

from deepseek_lsp.engine.completion.typed_ahead import TypedAhead

URI = "file:///home/ada/a.py"
WINDOW = 512
HEADER = "".join(f"line_{n} = compute({n})\n" for n in range(60))  # > 512 chars of real text


def at(document: str) -> tuple[str, str]:
    """(prefix, suffix) around the `║` cursor, windowed like the engine does."""
    before, after = document.split("║")
    return before[-WINDOW:], after[:WINDOW]


def shown(document: str, text: str) -> TypedAhead:
    typed_ahead = TypedAhead()
    typed_ahead.remember(URI, *at(document), text)
    return typed_ahead


def test_same_position_returns_whole_suggestion() -> None:
    doc = HEADER + "def add(a, b):\n    ret║\n"
    assert shown(doc, "urn a + b").lookup(URI, *at(doc)) == "urn a + b"


def test_typing_the_start_serves_the_rest() -> None:
    t = shown(HEADER + "def add(a, b):\n    ret║\n", "urn a + b")
    assert t.lookup(URI, *at(HEADER + "def add(a, b):\n    retu║\n")) == "rn a + b"
    assert t.lookup(URI, *at(HEADER + "def add(a, b):\n    return a║\n")) == " + b"


def test_typing_the_whole_suggestion_ends_it() -> None:
    t = shown(HEADER + "x = ║\n", "42")
    assert t.lookup(URI, *at(HEADER + "x = 4║\n")) == "2"
    assert t.lookup(URI, *at(HEADER + "x = 42║\n")) is None


def test_diverging_keystroke_ends_it() -> None:
    t = shown(HEADER + "x = ║\n", "compute(1)")
    assert t.lookup(URI, *at(HEADER + "x = cz║\n")) is None


def test_backspace_within_typed_part_still_works() -> None:
    t = shown(HEADER + "x = ║\n", "compute(1)")
    assert t.lookup(URI, *at(HEADER + "x = comp║\n")) == "ute(1)"
    assert t.lookup(URI, *at(HEADER + "x = co║\n")) == "mpute(1)"
    assert t.lookup(URI, *at(HEADER + "x = ║\n")) == "compute(1)"


def test_backspace_before_anchor_ends_it() -> None:
    t = shown(HEADER + "x = ║\n", "compute(1)")
    assert t.lookup(URI, *at(HEADER + "x =║\n")) is None


def test_changed_text_after_cursor_ends_it() -> None:
    t = shown(HEADER + "x = ║\nprint(x)\n", "compute(1)")
    assert t.lookup(URI, *at(HEADER + "x = c║\nprint(x)\n")) == "ompute(1)"
    assert t.lookup(URI, *at(HEADER + "x = c║\nprint(y)\n")) is None


def test_edit_far_above_the_window_does_not_matter() -> None:
    t = shown(HEADER + "x = ║\n", "compute(1)")
    edited = "# a new comment at the top\n" + HEADER + "x = c║\n"
    assert t.lookup(URI, *at(edited)) == "ompute(1)"


def test_edit_just_before_the_cursor_ends_it() -> None:
    t = shown(HEADER + "total = x + ║\n", "compute(1)")
    assert t.lookup(URI, *at(HEADER + "total = y + c║\n")) is None


def test_short_document_compares_the_whole_prefix() -> None:
    t = shown("x = ║", "compute(1)")
    assert t.lookup(URI, *at("x = comp║")) == "ute(1)"
    assert t.lookup(URI, *at("y\nx = comp║")) is None  # text added before the anchor
    assert t.lookup(URI, *at("x =║")) is None


def test_empty_document_start() -> None:
    t = shown("║", "import os\n")
    assert t.lookup(URI, *at("im║")) == "port os\n"
    assert t.lookup(URI, *at("ix║")) is None


def test_short_document_growing_past_the_window() -> None:
    doc = "a" * (WINDOW - 3)
    t = shown(doc + "║", "bcdefgh")
    assert t.lookup(URI, *at(doc + "bcde║")) == "fgh"


def test_other_documents_and_forget() -> None:
    t = shown(HEADER + "x = ║\n", "compute(1)")
    assert t.lookup("file:///other.py", *at(HEADER + "x = ║\n")) is None
    t.forget(URI)
    assert t.lookup(URI, *at(HEADER + "x = ║\n")) is None


def test_remember_replaces_and_empty_text_forgets() -> None:
    t = shown(HEADER + "x = ║\n", "compute(1)")
    t.remember(URI, *at(HEADER + "x = c║\n"), "ount")
    assert t.lookup(URI, *at(HEADER + "x = co║\n")) == "unt"
    t.remember(URI, *at(HEADER + "x = c║\n"), "")
    assert t.lookup(URI, *at(HEADER + "x = c║\n")) is None


def test_lookup_does_not_depend_on_document_size() -> None:
    big = "".join(f"value_{n} = {n}\n" for n in range(200_000))  # ~3 MB
    before = big + "x = "
    t = TypedAhead()
    t.remember(URI, before, "\n", "compute(1)")  # even when handed the whole prefix
    typed = before + "com"
    start = time.perf_counter()
    for _ in range(100):
        assert t.lookup(URI, typed, "\n") == "pute(1)"
    # A scan of 3 MB per lookup would take far longer than this.
    assert time.perf_counter() - start < 0.05
