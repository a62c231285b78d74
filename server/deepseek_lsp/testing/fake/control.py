"""HTTP control endpoints of the fake DeepSeek server (``/_fake/...``).

They give a test that runs the server as a subprocess the same levers as the in-process API:

- ``POST /_fake/script``: a FakeReply as JSON, or a list of them; queued in order.
- ``POST /_fake/config`` / ``GET /_fake/config``: server-wide settings (delays, keys, models...).
- ``GET /_fake/requests``: what was received so far.
- ``POST /_fake/reset``: forget requests, scripts and cache; restore the initial config.
- ``GET /_fake/wait_requests?n=2&timeout=5&finished=1`` and ``GET /_fake/wait_hangup?timeout=5``:
  block until the condition holds (200) or time out (408).

They need no key and are not recorded.
"""

from __future__ import annotations

from typing import Any

from deepseek_lsp.testing.fake.http import HttpRequest
from deepseek_lsp.testing.fake.state import FakeState
from deepseek_lsp.testing.fake.types import FakeReply


def _error(status: int, message: str) -> tuple[int, dict[str, Any]]:
    """A control error in DeepSeek's shape."""
    return status, {
        "error": {"message": message, "type": "fake_control", "param": None, "code": None}
    }


def _number(request: HttpRequest, name: str, default: float) -> float:
    """A numeric query parameter."""
    return float(request.query.get(name, default))


async def _wait(state: FakeState, request: HttpRequest, what: str) -> tuple[int, Any]:
    """The two blocking waits."""
    timeout = _number(request, "timeout", 5.0)
    try:
        if what == "requests":
            n = int(_number(request, "n", 1))
            finished = request.query.get("finished", "0") not in ("0", "false", "")
            found = await state.wait_async(
                state.requests_predicate(n, finished), timeout, f"{n} requests"
            )
            return 200, [r.to_json() for r in found]
        hung = await state.wait_async(state.hangup_predicate(), timeout, "a hang-up")
        return 200, hung.to_json()
    except TimeoutError as exc:
        return _error(408, str(exc))


async def handle_control(state: FakeState, request: HttpRequest, body: Any) -> tuple[int, Any]:
    """Answer one control request: (status, JSON data)."""
    action = (request.method, request.path.rstrip("/"))
    try:
        if action == ("POST", "/_fake/script"):
            items = body if isinstance(body, list) else [body]
            replies = [FakeReply.from_json(item) for item in items if isinstance(item, dict)]
            if len(replies) != len(items):
                return _error(400, "script body must be a FakeReply object or a list of them")
            state.script(*replies)
            return 200, {"queued": len(replies), "pending": state.pending_scripts()}
        if action == ("POST", "/_fake/config"):
            if not isinstance(body, dict):
                return _error(400, "config body must be a JSON object")
            state.config.update_from_json(body)
            return 200, state.config.to_json()
        if action == ("GET", "/_fake/config"):
            return 200, state.config.to_json()
        if action == ("GET", "/_fake/requests"):
            return 200, [r.to_json() for r in state.requests()]
        if action == ("POST", "/_fake/reset"):
            state.reset()
            return 200, {"reset": True}
        if action == ("GET", "/_fake/wait_requests"):
            return await _wait(state, request, "requests")
        if action == ("GET", "/_fake/wait_hangup"):
            return await _wait(state, request, "hangup")
    except (TypeError, ValueError) as exc:
        return _error(400, str(exc))
    return _error(404, f"unknown control endpoint {request.method} {request.path}")
