"""The inline-completion answer written by hand equals what pygls's converter writes."""

import json

import pytest
from lsprotocol import types
from pygls.protocol import default_converter

from deepseek_lsp.lsp.wire import inline_completion_list

CONVERTER = default_converter()
P = types.Position


def item(**kw):
    return types.InlineCompletionItem(**{"insert_text": "return a + b\n\tpass é😀", **kw})


CASES = [
    types.InlineCompletionList(items=[]),
    types.InlineCompletionList(items=[item()]),
    types.InlineCompletionList(
        items=[
            item(
                range=types.Range(P(3, 4), P(3, 9)),
                command=types.Command("DeepSeek: accepted", "deepseek.acceptCompletion",
                                      arguments=["upstream", "file:///a%20b.py"]),
            ),
            item(filter_text="ret", command=types.Command("t", "c", tooltip="tip")),
            item(command=types.Command("t", "c", arguments=[1, 2.5, True])),
        ]
    ),
]  # fmt: skip


@pytest.mark.parametrize("result", CASES)
def test_same_json_as_the_converter(result):
    assert inline_completion_list(result) == CONVERTER.unstructure(result)


def test_what_it_does_not_write_goes_the_general_way():
    snippet = types.StringValue("${1:x}")
    assert inline_completion_list(types.InlineCompletionList(items=[item(insert_text=snippet)]))\
        is None  # fmt: skip
    nested = types.Command("t", "c", arguments=[{"a": 1}])
    assert inline_completion_list(types.InlineCompletionList(items=[item(command=nested)])) is None


def test_the_result_is_plain_json():
    written = inline_completion_list(CASES[2])
    assert json.loads(json.dumps(written)) == written
