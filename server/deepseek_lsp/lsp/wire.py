"""The inline-completion answer as JSON text by hand: it is sent after every wait for DeepSeek.

pygls turns a result into JSON through cattrs, one generated function per class (list, item,
range, two positions, command), then `json.dumps` of the message; right after the wait both are
cold code: 0.1 ms for cattrs, then 60 µs for the encoder on this VM, on the way to the editor.
Here the message is written as text, its strings escaped by the encoder's own C function, the
same text `json.dumps` gives (ASCII, its default separators). The shape is LSP's and fixed;
anything this does not know (a snippet `StringValue`, a new field, a command argument that is
not a string, an integer or a boolean) goes the general way, and a test holds both ways equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from json.encoder import encode_basestring_ascii as _string
from typing import Any, NamedTuple

from lsprotocol import types
from lsprotocol.validators import UINTEGER_MAX_VALUE

ACCEPT_COMMAND = "deepseek.acceptCompletion"
ACCEPT_TITLE = "DeepSeek: accepted"
# the accept command's JSON up to its arguments, as `_command` writes it
_ACCEPT = f'{{"title": {_string(ACCEPT_TITLE)}, "command": {_string(ACCEPT_COMMAND)}, "arguments": '
_TRIGGERS = {kind.value: kind for kind in types.InlineCompletionTriggerKind}
_PARAM_KEYS = frozenset({"textDocument", "position", "context"})


class InlinePosition(NamedTuple):
    """`types.Position`'s fields."""

    line: int
    character: int


class InlineDocument(NamedTuple):
    """`types.TextDocumentIdentifier`'s field."""

    uri: str


class InlineContext(NamedTuple):
    """`types.InlineCompletionContext` without a selected completion."""

    trigger_kind: types.InlineCompletionTriggerKind
    selected_completion_info: None = None


class InlineParams(NamedTuple):
    """`InlineCompletionParams` as the handler reads it: the same names, plain tuples."""

    text_document: InlineDocument
    position: InlinePosition
    context: InlineContext
    work_done_token: None = None


class InlineRequest(NamedTuple):
    """An inline-completion request as `handle_message` reads it."""

    id: int | str
    params: InlineParams
    method: str = types.TEXT_DOCUMENT_INLINE_COMPLETION
    jsonrpc: str = "2.0"


def inline_request(data: dict[str, Any]) -> InlineRequest | None:
    """The request of the common shape read without cattrs, or None (the general way).

    Structuring it as lsprotocol types costs ~75 µs before every invoked request (four classes,
    their validators, cold after the user's pause); this ~20 µs. Only the exact usual shape is
    read here: JSON types checked as the strict converter checks them (`strict.py`), positions
    within LSP's uinteger; anything else (a selected completion, a progress token, an extra
    key, a bad value) goes through cattrs, which also words the -32602 for a bad one.
    """
    params, msg_id = data.get("params"), data.get("id")
    if type(params) is not dict or params.keys() != _PARAM_KEYS or type(msg_id) not in (int, str):
        return None
    document, position, context = params["textDocument"], params["position"], params["context"]
    if type(document) is not dict or type(position) is not dict or type(context) is not dict:
        return None
    if document.keys() != {"uri"} or position.keys() != {"line", "character"}:
        return None
    uri, line, character = document["uri"], position["line"], position["character"]
    kind = context.get("triggerKind") if context.keys() == {"triggerKind"} else None
    if type(uri) is not str or type(kind) is not int or kind not in _TRIGGERS:
        return None
    if type(line) is not int or type(character) is not int:
        return None
    if not (0 <= line <= UINTEGER_MAX_VALUE and 0 <= character <= UINTEGER_MAX_VALUE):
        return None
    document_id, at = InlineDocument(uri), InlinePosition(line, character)
    return InlineRequest(msg_id, InlineParams(document_id, at, InlineContext(_TRIGGERS[kind])))


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    """One ghost-text suggestion, as the handler returns it: plain values, no lsprotocol types.

    Six lsprotocol objects with their validators cost ~60 µs on code gone cold in the wait for
    DeepSeek; `to_lsp` makes them only where the answer goes the general way.
    """

    text: str
    start: tuple[int, int]  # (line, character) in the client's encoding
    end: tuple[int, int]
    arguments: tuple[str, str]  # the accept command's (source, document URI)

    def to_lsp(self) -> types.InlineCompletionList:
        """The same answer as lsprotocol types."""
        start, end = types.Position(*self.start), types.Position(*self.end)
        command = types.Command(ACCEPT_TITLE, ACCEPT_COMMAND, arguments=list(self.arguments))
        item = types.InlineCompletionItem(self.text, range=types.Range(start, end), command=command)
        return types.InlineCompletionList(items=[item])

    def message(self, msg_id: object) -> str | None:
        """The JSON-RPC answer as text, equal to `inline_completion_message(msg_id, to_lsp())`."""
        id_text = _id(msg_id)
        if id_text is None:
            return None
        (sl, sc), (el, ec) = self.start, self.end
        source, uri = self.arguments
        item = (
            f'{{"insertText": {_string(self.text)}, "range": {_range_text(sl, sc, el, ec)}, '
            f'"command": {_ACCEPT}[{_string(source)}, {_string(uri)}]}}}}'
        )
        return _message(id_text, [item])


def _id(msg_id: object) -> str | None:
    """A request id as JSON, or None for one this does not write (json.dumps decides)."""
    if type(msg_id) is int:
        return str(msg_id)
    if type(msg_id) is str:
        return _string(msg_id)
    return None


def inline_completion_message(msg_id: object, result: types.InlineCompletionList) -> str | None:
    """The JSON-RPC answer `{"jsonrpc", "id", "result"}` for `result`, or None (general way)."""
    id_text = _id(msg_id)
    if id_text is None:
        return None
    items = []
    for item in result.items:
        if type(item) is not types.InlineCompletionItem or type(item.insert_text) is not str:
            return None
        fields = ['"insertText": ' + _string(item.insert_text)]
        if item.filter_text is not None:
            fields.append('"filterText": ' + _string(item.filter_text))
        if item.range is not None:
            fields.append('"range": ' + _range(item.range))
        if item.command is not None:
            command = _command(item.command)
            if command is None:
                return None
            fields.append('"command": ' + command)
        items.append("{" + ", ".join(fields) + "}")
    return _message(id_text, items)


def _message(id_text: str, items: list[str]) -> str:
    """The JSON-RPC answer around the items' JSON texts."""
    return (
        '{"jsonrpc": "2.0", "id": ' + id_text + ', "result": {"items": [' + ", ".join(items) + "]}}"
    )


def _range(rng: types.Range) -> str:
    start, end = rng.start, rng.end
    return _range_text(int(start.line), int(start.character), int(end.line), int(end.character))


def _range_text(sl: int, sc: int, el: int, ec: int) -> str:
    return (
        f'{{"start": {{"line": {sl}, "character": {sc}}}, '
        f'"end": {{"line": {el}, "character": {ec}}}}}'
    )


def _command(command: types.Command) -> str | None:
    fields = ['"title": ' + _string(command.title), '"command": ' + _string(command.command)]
    if command.tooltip is not None:
        fields.append('"tooltip": ' + _string(command.tooltip))
    if command.arguments is not None:
        values = []
        for value in command.arguments:
            if type(value) is str:
                values.append(_string(value))
            elif type(value) is bool:
                values.append("true" if value else "false")
            elif type(value) is int:
                values.append(str(value))
            else:
                return None  # floats and structures: the converter and json.dumps decide
        fields.append('"arguments": [' + ", ".join(values) + "]")
    return "{" + ", ".join(fields) + "}"
