"""The inline-completion answer written by hand is the text pygls's converter and json write."""

import json

import pytest
from lsprotocol import types
from pygls.protocol import default_converter

from deepseek_lsp.lsp.strict import strict_converter
from deepseek_lsp.lsp.wire import InlineAnswer, inline_completion_message, inline_request

INLINE = types.TEXT_DOCUMENT_INLINE_COMPLETION

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


def _request(params: object, msg_id: object = 7) -> dict[str, object]:
    return {"jsonrpc": "2.0", "id": msg_id, "method": INLINE, "params": params}


def _params(line: object = 3, character: object = 4, kind: object = 1) -> dict[str, object]:
    return {
        "textDocument": {"uri": "file:///w/a.py"},
        "position": {"line": line, "character": character},
        "context": {"triggerKind": kind},
    }


def _read(value: object) -> tuple[object, ...]:
    """What the handler reads of a request, from either shape."""
    p = value.params  # type: ignore[attr-defined]
    return (
        value.id,  # type: ignore[attr-defined]
        value.method,  # type: ignore[attr-defined]
        value.jsonrpc,  # type: ignore[attr-defined]
        p.text_document.uri,
        p.position.line,
        p.position.character,
        p.context.trigger_kind,
        type(p.context.trigger_kind),
        p.context.selected_completion_info,
        p.work_done_token,
    )


@pytest.mark.parametrize(
    "data",
    [
        _request(_params()),
        _request(_params(kind=2), msg_id="abc"),
        _request(_params(0, 0)),
        _request(_params(2**31 - 1, 2**31 - 1)),
        _request(_params(12, 40, 1), msg_id=-5),
    ],
)
def test_the_usual_request_reads_as_the_strict_converter_reads_it(data):
    fast = inline_request(data)
    assert fast is not None
    assert _read(fast) == _read(strict_converter().structure(data, types.InlineCompletionRequest))


@pytest.mark.parametrize(
    "data",
    [
        _request(_params(line=-1)),
        _request(_params(character=2**31)),
        _request(_params(line="3")),
        _request(_params(line=True)),
        _request(_params(character=4.0)),
        _request(_params(kind=3)),
        _request(_params(kind=1.0)),
        _request(_params(kind=True)),
        _request({**_params(), "workDoneToken": "t"}),
        _request({**_params(), "extra": 1}),
        _request({**_params(), "textDocument": {"uri": 5}}),
        _request({**_params(), "textDocument": {"uri": "file:///a", "version": 1}}),
        _request({**_params(), "context": {"triggerKind": 1, "selectedCompletionInfo": None}}),
        _request({"textDocument": {"uri": "file:///a"}, "position": {"line": 1}}),
        _request([1, 2]),
        _request(None),
        _request(_params(), msg_id=1.5),
        _request(_params(), msg_id=None),
    ],
)
def test_anything_else_goes_the_general_way(data):
    assert inline_request(data) is None
