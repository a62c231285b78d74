"""Completion items that replace auto-closed characters right of the cursor."""

from __future__ import annotations

from lsprotocol import types

from deepseek_lsp.engine.document import Document
from deepseek_lsp.lsp.completion import completion_item, replaced_end


def test_the_range_ends_after_the_replaced_characters_in_client_units() -> None:
    doc = Document("file:///w/a.js", 'const s = "😀║"\n'.replace("║", ""), 1, "javascript")
    pos = (0, 12)  # after the emoji, before the auto-closed quote (code points)
    assert doc.to_client_character(0, 12) == 13  # UTF-16: the emoji takes two units
    assert replaced_end(doc, pos, 1) == (0, 14)
    assert replaced_end(doc, pos, 0) == (0, 13)
    assert replaced_end(doc, pos, 99) == (0, 14)  # never past the line's end


def test_a_completion_item_edit_covers_the_replaced_characters() -> None:
    doc = Document("file:///w/a.js", 'x = foo("")\n', 1, "javascript")
    item = completion_item(doc, (0, 9), types.Position(0, 9), 'a", 1)', replace=2)
    assert item.text_edit is not None
    assert item.text_edit.range == types.Range(types.Position(0, 9), types.Position(0, 11))
    assert item.text_edit.new_text == 'a", 1)'
