"""The inline-completion answer written by hand is the text pygls's converter and json write."""

import json

import pytest
from lsprotocol import types
from pygls.protocol import default_converter

from deepseek_lsp.lsp.wire import InlineAnswer, inline_completion_message

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
            item(command=types.Command("t", "c", arguments=[1, -3, True, False, ""])),
        ]
    ),
]  # fmt: skip


def general(msg_id, result):
    """What pygls sends for it: the converter's JSON through json.dumps."""
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "result": CONVERTER.unstructure(result)})


@pytest.mark.parametrize("result", CASES)
@pytest.mark.parametrize("msg_id", [7, 'req-\u00e9"1'])
def test_same_text_as_the_converter_and_json(msg_id, result):
    assert inline_completion_message(msg_id, result) == general(msg_id, result)


def test_awkward_text_is_escaped_as_json_escapes_it():
    text = 'a"b\\c\n\r\t\x00\x1f\u2028 é 😀 \ud800'  # a lone surrogate from a broken editor
    result = types.InlineCompletionList(items=[item(insert_text=text, filter_text=text)])
    written = inline_completion_message(1, result)
    assert written == general(1, result) and written.isascii()
    assert json.loads(written)["result"]["items"][0]["insertText"] == text


def test_what_it_does_not_write_goes_the_general_way():
    snippet = types.StringValue("${1:x}")
    plain = types.InlineCompletionList(items=[item()])
    with_snippet = types.InlineCompletionList(items=[item(insert_text=snippet)])
    assert inline_completion_message(1, with_snippet) is None
    for argument in ({"a": 1}, 2.5, None, [1]):
        odd = types.InlineCompletionList(
            items=[item(command=types.Command("t", "c", arguments=[argument]))]
        )
        assert inline_completion_message(1, odd) is None
    assert inline_completion_message(1.5, plain) is None  # an id json would write as a float


@pytest.mark.parametrize("msg_id", [3, "x\u00e9"])
def test_an_inline_answer_is_sent_as_its_lsprotocol_form_would_be(msg_id):
    answer = InlineAnswer(
        'if x:\n    return "é😀"', (4, 2), (4, 3), ("speculative", "file:///a b.py")
    )
    lsp = answer.to_lsp()
    assert answer.message(msg_id) == general(msg_id, lsp)
    assert answer.message(msg_id) == inline_completion_message(msg_id, lsp)
    (item,) = lsp.items
    assert item.range == types.Range(P(4, 2), P(4, 3))
    assert item.command.arguments == ["speculative", "file:///a b.py"]
    assert answer.message(2.0) is None
