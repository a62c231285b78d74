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

from lsprotocol import types

ACCEPT_COMMAND = "deepseek.acceptCompletion"
ACCEPT_TITLE = "DeepSeek: accepted"


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
        return (
            f'{{"jsonrpc": "2.0", "id": {id_text}, "result": {{"items": [{{"insertText": '
            f'{_string(self.text)}, "range": {{"start": {{"line": {sl}, "character": {sc}}}, '
            f'"end": {{"line": {el}, "character": {ec}}}}}, "command": {{"title": '
            f'"{ACCEPT_TITLE}", "command": "{ACCEPT_COMMAND}", "arguments": '
            f"[{_string(source)}, {_string(uri)}]}}}}]}}}}"
        )


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
    result_text = '{"items": [' + ", ".join(items) + "]}"
    return '{"jsonrpc": "2.0", "id": ' + id_text + ', "result": ' + result_text + "}"


def _range(rng: types.Range) -> str:
    start, end = rng.start, rng.end
    return (
        f'{{"start": {{"line": {int(start.line)}, "character": {int(start.character)}}}, '
        f'"end": {{"line": {int(end.line)}, "character": {int(end.character)}}}}}'
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
