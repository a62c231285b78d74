"""The server's own text store: line splitting, encodings, incremental edits, speed."""

from __future__ import annotations

import random
import time

import pytest

from deepseek_lsp.engine.document import (
    Document,
    DocumentStore,
    TextChange,
    UnknownDocument,
    split_lines,
)

EMOJI = "\U0001f600"  # 1 code point, 2 UTF-16 units, 4 UTF-8 bytes


def doc(text: str, encoding: str = "utf-16") -> Document:
    return Document("file:///x.py", text, 1, "python", encoding)  # type: ignore[arg-type]


def test_lines_end_only_at_lsp_line_breaks() -> None:
    d = doc("a\fb\u2028c\x0bd\x1ce\x85f\rg\r\nh\ni")
    assert d.line_count == 4
    assert [d.line(n) for n in range(4)] == ["a\fb\u2028c\x0bd\x1ce\x85f", "g", "h", "i"]
    assert [d.line_ending(n) for n in range(4)] == ["\r", "\r\n", "\n", ""]


def test_trailing_newline_gives_an_empty_last_line() -> None:
    assert split_lines("a\n") == ["a\n", ""]
    assert split_lines("") == [""]
    assert doc("a\n").line_count == 2
    assert doc("").line(0) == ""
    assert doc("a").line(5) == ""


@pytest.mark.parametrize(
    ("encoding", "character", "expected"),
    [
        ("utf-16", 1, 1),
        ("utf-16", 2, 1),  # inside the surrogate pair: rounds down to the emoji's start
        ("utf-16", 3, 2),
        ("utf-16", 4, 3),  # "é" is one unit
        ("utf-8", 1, 1),
        ("utf-8", 3, 1),  # inside the emoji's four bytes
        ("utf-8", 5, 2),
        ("utf-8", 6, 2),  # inside "é"
        ("utf-8", 7, 3),
        ("utf-32", 2, 2),
        ("utf-16", 99, 5),  # past the end of the line clamps to its end
    ],
)
def test_client_columns_to_code_points(encoding: str, character: int, expected: int) -> None:
    d = doc(f"a{EMOJI}\u00e9xy\n")
    assert d.from_client_character(0, character, encoding) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("encoding", "expected"), [("utf-16", 4), ("utf-8", 7), ("utf-32", 3)])
def test_code_points_to_client_columns(encoding: str, expected: int) -> None:
    d = doc(f"a{EMOJI}\u00e9xy")
    assert d.to_client_character(0, 3, encoding) == expected  # type: ignore[arg-type]


def test_line_past_the_end_clamps_to_the_end_of_the_document() -> None:
    d = doc("ab\ncd")
    assert d.to_code_points((7, 0)) == (1, 2)
    assert d.offset_at((7, 3)) == 5


def test_offset_and_position_round_trip_in_each_encoding() -> None:
    d = doc(f"x{EMOJI}y\r\nz\u00e9\n")
    assert d.offset_at((0, 3)) == 2  # utf-16 column 3 is after the emoji
    assert d.offset_at((1, 1)) == 6  # "\r\n" counts two code points
    assert d.position_at(2) == (0, 3)
    assert d.position_at(2, "utf-8") == (0, 5)
    assert d.position_at(7, "utf-8") == (1, 3)
    assert d.position_at(4) == (0, 4)  # an offset inside "\r\n" stays on its line
    assert d.position_at(1000) == (2, 0)


def test_incremental_insert_delete_and_replace() -> None:
    d = doc("hello world\nsecond\n")
    d.apply_change((0, 5), (0, 11), ", there", 2)
    assert d.text == "hello, there\nsecond\n"
    d.apply_change((0, 12), (1, 0), " ", 3)  # join two lines
    assert d.text == "hello, there second\n"
    d.apply_change((1, 0), (1, 0), "a\nb\nc", 4)
    assert [d.line(n) for n in range(d.line_count)] == ["hello, there second", "a", "b", "c"]
    assert d.version == 4


def test_full_replacement_when_no_range() -> None:
    d = doc("old")
    d.apply_change(None, None, "new\ntext", 9)
    assert (d.text, d.line_count, d.version) == ("new\ntext", 2, 9)


def test_edit_with_utf16_columns_after_an_emoji() -> None:
    d = doc(f"{EMOJI}ab")
    d.apply_change((0, 2), (0, 3), "X", 2)  # utf-16 column 2 is after the emoji
    assert d.text == f"{EMOJI}Xb"
    d.apply_change((0, 5), (0, 9), "!", 3)  # end past the line clamps
    assert d.text == f"{EMOJI}Xb!"


def test_edit_with_utf8_columns() -> None:
    d = doc("\u00e9t\u00e9", "utf-8")
    d.apply_change((0, 3), (0, 5), "", 2)  # delete the second "é" (2 bytes at byte 3)
    assert d.text == "\u00e9t"


def test_cr_and_lf_split_across_an_edit_pair_up() -> None:
    d = doc("a\rxb")
    assert d.line_count == 2
    d.apply_change((1, 0), (1, 1), "\n", 2)  # "a\r" + "\n" is one CRLF break
    assert [d.line_ending(n) for n in range(d.line_count)] == ["\r\n", ""]
    assert d.text == "a\r\nb"
    d.apply_change((0, 1), (0, 1), "\r", 3)
    assert d.line_count == 3 and d.text == "a\r\r\nb"


def test_crlf_document_edits_keep_their_endings() -> None:
    d = doc("one\r\ntwo\r\n")
    d.apply_change((0, 3), (0, 3), "\r\nmid", 2)
    assert d.text == "one\r\nmid\r\ntwo\r\n"
    assert d.line(1) == "mid"


def test_prefix_and_suffix_walk_lines_outward() -> None:
    d = doc("l0\nl1\nl2 cursor here\nl3\nl4\n")
    assert d.prefix((2, 3), 100) == "l0\nl1\nl2 "
    assert d.prefix((2, 3), 5) == "1\nl2 "
    assert d.suffix((2, 3), 100) == "cursor here\nl3\nl4\n"
    assert d.suffix((2, 3), 14) == "cursor here\nl3"


def test_text_is_cached_until_the_next_edit() -> None:
    d = doc("a\nb")
    first = d.text
    assert d.text is first
    d.apply_change((1, 1), (1, 1), "c", 2)
    assert d.text == "a\nbc"


def _boundary(text: str, offset: int) -> int:
    """An offset that is a position: never between the two halves of a CRLF."""
    inside_crlf = 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n"
    return offset - 1 if inside_crlf else offset


def test_random_edits_match_a_naive_string_model() -> None:
    rng = random.Random(7)
    pieces = ["x", "\n", "\r\n", "\r", "\n\r", EMOJI, "\u00e9", "", "ab\ncd"]
    text = "start\r\nmiddle\rend\n"
    d = doc(text, "utf-8")
    for version in range(300):
        a, b = sorted(_boundary(text, rng.randrange(len(text) + 1)) for _ in range(2))
        new = rng.choice(pieces)
        d.apply_change(d.position_at(a), d.position_at(b), new, version)
        text = text[:a] + new + text[b:]
        assert d.text == text
        assert d.line_count == len(split_lines(text))
        probe = _boundary(text, rng.randrange(len(text) + 1))
        assert d.offset_at(d.position_at(probe)) == probe


def test_keystrokes_on_a_large_file_are_cheap() -> None:
    lines = [f"    value_{n} = compute({n}, 'text')  # comment\n" for n in range(50_000)]
    d = doc("".join(lines))
    d.to_code_points((0, 0))
    started = time.perf_counter()
    for i in range(200):
        line = 25_000 + i % 50
        d.apply_change((line, 10), (line, 10), "x", i + 2)
        d.prefix((line, 11), 4000)
        d.suffix((line, 11), 1000)
    average = (time.perf_counter() - started) / 200
    assert average < 1e-3, f"{average * 1e6:.0f} us per keystroke"
    assert d.line(25_000).startswith("    value_x")


def test_store_open_change_close() -> None:
    store = DocumentStore("utf-8")
    store.open("file:///a.py", "x = 1\n", 1, "python")
    changed = store.change("file:///a.py", [TextChange("2", (0, 4), (0, 5))], 2)
    assert changed.text == "x = 2\n" and changed.version == 2 and changed.encoding == "utf-8"
    assert "file:///a.py" in store and len(store) == 1
    store.close("file:///a.py")
    with pytest.raises(UnknownDocument):
        store.get("file:///a.py")
    with pytest.raises(KeyError):
        store.change("file:///a.py", [], 3)
