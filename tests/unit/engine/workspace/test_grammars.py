"""Parsing in slices: the same tree as one parse, and nothing kept once the tree is gone."""

from __future__ import annotations

import gc
import tracemalloc

from deepseek_lsp.engine.workspace import grammars

# Multi-byte characters and a class spanning many slices, so slice ends fall inside tokens,
# inside characters and inside an unfinished block.
SOURCE = (
    "class Big:\n"
    + "".join(f'    def m{i}(self, x="é{i}ü"):\n        return x * {i}  # ✓\n' for i in range(900))
    + "\ndef tail():\n    return 'end'\n"
).encode()


def test_sliced_parse_equals_a_single_parse():
    parser = grammars.parser_for("python")
    assert len(SOURCE) > 5 * grammars.SLICE_BYTES
    tree = parser.parse(SOURCE)
    whole = parser.parser.parse(SOURCE)
    assert str(tree.root_node) == str(whole.root_node)
    assert not tree.root_node.has_error
    assert tree.root_node.children[-1].text == b"def tail():\n    return 'end'"


def test_a_read_callable_gives_the_same_tree():
    parser = grammars.parser_for("python")
    tree = parser.parse(lambda offset, _point: SOURCE[offset : offset + 1000])
    assert str(tree.root_node) == str(parser.parser.parse(SOURCE).root_node)


def test_parsing_keeps_no_copy_of_the_text():
    # py-tree-sitter 0.26's callback form kept every chunk it was given (the whole text).
    parser = grammars.parser_for("python")
    parser.parse(SOURCE)  # grammar and parser allocated before measuring
    gc.collect()
    tracemalloc.start()
    try:
        for i in range(5):
            text = SOURCE + f"# {i}\n".encode()
            tree = parser.parse(lambda offset, _point, t=text: t[offset : offset + 8192])
            del tree, text
        gc.collect()
        kept, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < len(SOURCE) // 4


def test_no_grammar_no_parser():
    assert grammars.parser_for("cobol") is None
