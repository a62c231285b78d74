"""Speculation bookkeeping: the cursor after an insert, accept detection, the gate."""

from __future__ import annotations

from deepseek_lsp.engine.completion.speculative import AcceptGate, Served, Speculations
from deepseek_lsp.engine.document import Document

URI = "file:///home/ada/a.py"


def doc_at(marked: str) -> tuple[Document, tuple[int, int]]:
    """A document from text with `║` at the cursor, and the cursor (code points)."""
    before, after = marked.split("║")
    lines = before.split("\n")
    return Document(URI, before + after, 1, "python"), (len(lines) - 1, len(lines[-1]))


def served_at(marked: str, text: str) -> tuple[Document, Served]:
    doc, pos = doc_at(marked)
    return doc, Served(URI, doc.version, pos, text, doc.prefix(pos, 512), doc.suffix(pos, 128))


def test_cursor_after_a_single_and_a_multi_line_suggestion() -> None:
    _, one = served_at("x = ║\n", "compute(1)")
    assert one.after == (0, 14)
    _, many = served_at("def f():\n    ║\n", "a = 1\n    return a")
    assert many.after == (2, 12)


def test_inserted_copy_leaves_the_document_alone() -> None:
    doc, served = served_at("def f():\n    ║\nprint(f())\n", "return 1\n")
    copy = doc.with_inserted(served.pos, served.text)
    assert copy.text == "def f():\n    return 1\n\nprint(f())\n"
    assert doc.text == "def f():\n    \nprint(f())\n"
    assert copy.version == doc.version + 1 and copy.encoding == doc.encoding
    assert served.accepted_in(copy) and not served.accepted_in(doc)


def test_target_is_the_document_after_the_accept_in_either_order() -> None:
    spec = Speculations()
    doc, served = served_at("x = ║\ny = 2\n", "compute(1)")
    before_edit = spec.target(doc, served)
    assert before_edit is not None and before_edit.line(0) == "x = compute(1)"
    doc.apply_change((0, 4), (0, 4), "compute(1)", 2)
    assert spec.target(doc, served) is doc
    doc.apply_change((0, 14), (0, 14), "x", 3)  # the user typed something else
    assert spec.target(doc, served) is None


def test_gate_allows_until_enough_shown_go_unaccepted() -> None:
    gate = AcceptGate(window=10)
    for _ in range(4):
        gate.shown()
    assert gate.allows()  # too few to judge
    for _ in range(6):
        gate.shown()
    assert not gate.allows()  # ten shown, none accepted
    gate.accepted()
    gate.accepted()
    assert gate.allows()  # two in ten


def test_gate_without_show_telemetry_counts_accepts_only() -> None:
    gate = AcceptGate(window=10)
    for _ in range(8):
        gate.accepted()
    assert gate.allows()


def test_speculated_keys_are_used_once() -> None:
    spec = Speculations()
    spec.note_key(URI, "k1")
    assert spec.used("k1") and not spec.used("k1") and not spec.used("k2")
