"""The inline-completion answer as JSON by hand: it is sent after every wait for DeepSeek.

pygls turns a result into JSON through cattrs, one generated function per class (list, item,
range, two positions, command); right after the wait that is cold code, about 0.1 ms on the
way to the editor. The shape is LSP's and fixed; anything this does not know (a snippet
`StringValue`, a new field) goes the general way, and a test holds both ways equal.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types


def inline_completion_list(result: types.InlineCompletionList) -> dict[str, Any] | None:
    """`result` as LSP JSON, or None when it holds something this does not write."""
    items = []
    for item in result.items:
        if type(item) is not types.InlineCompletionItem or type(item.insert_text) is not str:
            return None
        out: dict[str, Any] = {"insertText": item.insert_text}
        if item.filter_text is not None:
            out["filterText"] = item.filter_text
        if item.range is not None:
            out["range"] = _range(item.range)
        if item.command is not None:
            command = _command(item.command)
            if command is None:
                return None
            out["command"] = command
        items.append(out)
    return {"items": items}


def _range(rng: types.Range) -> dict[str, Any]:
    start, end = rng.start, rng.end
    return {
        "start": {"line": start.line, "character": start.character},
        "end": {"line": end.line, "character": end.character},
    }


def _command(command: types.Command) -> dict[str, Any] | None:
    out: dict[str, Any] = {"title": command.title, "command": command.command}
    if command.tooltip is not None:
        out["tooltip"] = command.tooltip
    if command.arguments is not None:
        if not all(type(a) in (str, int, float, bool) for a in command.arguments):
            return None  # not plain JSON values: let the converter decide
        out["arguments"] = list(command.arguments)
    return out
