"""JSON-RPC envelope checks and the strict converter."""

from __future__ import annotations

import pytest
from lsprotocol import types

from deepseek_lsp.lsp import envelope
from deepseek_lsp.lsp.envelope import Rejected
from deepseek_lsp.lsp.strict import strict_converter


@pytest.mark.parametrize(
    ("message", "code", "msg_id"),
    [
        ({"id": 1, "method": "x"}, -32600, 1),
        ({"jsonrpc": "2.0", "id": 1, "method": 5}, -32600, 1),
        ({"jsonrpc": "2.0", "id": [1], "method": "x"}, -32600, None),
        ({"jsonrpc": "2.0", "id": True, "method": "x"}, -32600, None),
        ({"jsonrpc": "2.0", "id": 2, "method": "x", "params": 3}, -32600, 2),
        ({"jsonrpc": "1.0", "id": 3, "method": "x"}, -32600, 3),
    ],
)
def test_invalid_requests(message: dict, code: int, msg_id: object) -> None:
    problem = envelope.check(message)
    assert isinstance(problem, Rejected) and (problem.code, problem.id) == (code, msg_id)


def test_good_messages_pass() -> None:
    assert envelope.check({"jsonrpc": "2.0", "id": "a", "method": "x", "params": None}) is None
    assert envelope.check({"jsonrpc": "2.0", "method": "x", "params": []}) is None
    assert envelope.check({"jsonrpc": "2.0", "id": 1, "result": None}) is None


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b"", b"nul"])
def test_parse_errors(body: bytes) -> None:
    problem = envelope.parse(body)
    assert isinstance(problem, Rejected) and (problem.code, problem.id) == (-32700, None)


def test_a_batch_is_an_invalid_request() -> None:
    problem = envelope.parse(b"[]")
    assert isinstance(problem, Rejected) and problem.code == -32600


def test_deep_nesting_is_invalid_params_with_the_id() -> None:
    deep = b'{"jsonrpc":"2.0","id":9,"method":"x","params":' + b'{"a":' * 5000 + b"1" + b"}" * 5001
    problem = envelope.parse(deep)
    assert isinstance(problem, Rejected) and (problem.code, problem.id) == (-32602, 9)
    nested: dict = {"a": 1}
    for _ in range(100):
        nested = {"a": nested}
    problem = envelope.check({"jsonrpc": "2.0", "id": 4, "method": "x", "params": nested})
    assert isinstance(problem, Rejected) and (problem.code, problem.id) == (-32602, 4)


def test_nested_jsonrpc_members_stay_data() -> None:
    data = envelope.parse(b'{"jsonrpc":"2.0","id":1,"method":"x","params":{"t":{"jsonrpc":"y"}}}')
    assert data == {"jsonrpc": "2.0", "id": 1, "method": "x", "params": {"t": {"jsonrpc": "y"}}}


@pytest.mark.parametrize(
    ("value", "cls"),
    [
        ({"line": "1", "character": 4}, types.Position),
        ({"line": 1, "character": 4.9}, types.Position),
        ({"line": True, "character": 4}, types.Position),
        (1.0, types.InlineCompletionTriggerKind),
        ({"uri": 5}, types.TextDocumentIdentifier),
        (3, types.CodeActionKind),
    ],
)
def test_wrong_types_are_refused_not_coerced(value: object, cls: type) -> None:
    with pytest.raises(Exception):  # noqa: B017 - cattrs wraps the TypeError variously
        strict_converter().structure(value, cls)


def test_right_types_still_structure_to_enums() -> None:
    converter = strict_converter()
    assert converter.structure(1, types.DiagnosticSeverity) is types.DiagnosticSeverity.Error
    assert converter.structure("quickfix", types.CodeActionKind) is types.CodeActionKind.QuickFix
    assert converter.structure({"line": 1, "character": 4}, types.Position) == types.Position(1, 4)
