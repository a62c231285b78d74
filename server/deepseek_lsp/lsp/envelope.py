"""Checking one JSON-RPC message before anything is built from it.

pygls 2.1 parses a body with `json.loads(body, object_hook=structure_message)`: the hook runs on
every nested object, so a `"jsonrpc"` member anywhere inside params turns that object into a
message; a body without `"jsonrpc"` comes back as a plain dict and fails on `.jsonrpc`, a
`method` that is not a string fails inside cattrs, and neither is answered. Here the body is
parsed as plain JSON, the envelope is checked by the JSON-RPC 2.0 rules, and only then is the
whole message structured, once, from the top.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
MAX_DEPTH = 64  # LSP's own types nest about 8 deep; deeper is hostile (and would recurse)

_ID = re.compile(rb'"id"\s*:\s*(-?\d{1,18}|"(?:[^"\\]|\\.){0,200}")')


@dataclass(frozen=True)
class Rejected:
    """A message answered with an error instead of being handled (`id` None: answer with null)."""

    code: int
    message: str
    id: int | str | None = None
    answer: bool = True


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _depth_exceeds(value: Any, limit: int) -> bool:
    """True when containers nest deeper than `limit` (iterative: no recursion on hostile input)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list)))
    return False


def _guess_id(body: bytes) -> int | str | None:
    """The id of a message too deep to parse (its first "id" member), to answer it by name."""
    match = _ID.search(body)
    if match is None:
        return None
    raw = match.group(1)
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if _valid_id(value) else None


def parse(body: bytes) -> dict[str, Any] | Rejected:
    """The message as plain JSON, or why it is rejected."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return Rejected(PARSE_ERROR, "The message is not valid UTF-8.")
    except RecursionError:
        return Rejected(
            INVALID_PARAMS, f"params nest deeper than {MAX_DEPTH} levels.", _guess_id(body)
        )
    except ValueError as exc:
        return Rejected(PARSE_ERROR, f"The message is not valid JSON: {exc}.")
    if not isinstance(data, dict):
        kind = "a batch (LSP has none)" if isinstance(data, list) else "not a JSON object"
        return Rejected(INVALID_REQUEST, f"The message is {kind}.")
    return data


def check(data: dict[str, Any]) -> Rejected | None:
    """None for a well-formed request, notification or response; else why not."""
    msg_id = data.get("id")
    id_ok = _valid_id(msg_id)
    answer_id = msg_id if id_ok else None
    is_response = "method" not in data and ("result" in data or "error" in data)
    if is_response:
        if data.get("jsonrpc") != "2.0" or not id_ok:
            why = "A response without jsonrpc 2.0 or an id."
            return Rejected(INVALID_REQUEST, why, answer=False)
        return None
    if data.get("jsonrpc") != "2.0":
        return Rejected(INVALID_REQUEST, 'The message lacks "jsonrpc": "2.0".', answer_id)
    if "id" in data and not id_ok:
        return Rejected(INVALID_REQUEST, "The id must be a string or an integer.")
    method = data.get("method")
    if not isinstance(method, str):
        return Rejected(INVALID_REQUEST, "The method must be a string.", answer_id)
    if data.get("params") is not None and not isinstance(data["params"], (dict, list)):
        return Rejected(INVALID_REQUEST, "params must be an object or an array.", answer_id)
    if _depth_exceeds(data.get("params"), MAX_DEPTH):
        return Rejected(INVALID_PARAMS, f"params nest deeper than {MAX_DEPTH} levels.", answer_id)
    return None
