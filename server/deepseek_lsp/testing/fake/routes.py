"""Request handling of the fake DeepSeek server: one connection, its requests, the endpoints.

Control endpoints (``/_fake/...``) live in ``fake_control``; what a reply contains is decided in
``fake_plan``, and how its bytes go out (delays, keep-alives, faults) in ``fake_send``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

from deepseek_lsp.testing.fake.control import handle_control
from deepseek_lsp.testing.fake.http import BadRequest, HttpConnection, HttpRequest
from deepseek_lsp.testing.fake.plan import PlanError, make_plan, validate
from deepseek_lsp.testing.fake.send import Exchange, send_full, send_stream
from deepseek_lsp.testing.fake.state import FakeState
from deepseek_lsp.testing.fake.text import prompt_text
from deepseek_lsp.testing.fake.types import FakeReply, RecordedRequest

_connections = itertools.count(1)

ROUTES = {
    ("POST", "/chat/completions"): "chat",
    ("POST", "/beta/chat/completions"): "chat",
    ("POST", "/beta/completions"): "fim",
    ("GET", "/models"): "models",
    ("GET", "/user/balance"): "balance",
}


def route(method: str, path: str) -> str | None:
    """The endpoint for a method and path (with or without ``/v1``), or None."""
    path = path.rstrip("/") or "/"
    path = path[3:] if path.startswith("/v1/") else path
    return ROUTES.get((method, path))


async def handle_connection(
    state: FakeState, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Serve requests on one connection until either side closes it."""
    conn = HttpConnection(reader, writer)
    conn.number = next(_connections)
    try:
        while True:
            try:
                request = await conn.read_request()
            except BadRequest as exc:
                record = RecordedRequest("?", "?", {}, None, time.monotonic(), "bad_request")
                await Exchange(state, conn, record).send_error(400, message=str(exc), keep=False)
                return
            if request is None or not await dispatch(state, conn, request):
                return
            if not request.keep_alive:
                return
    except (ConnectionError, OSError):
        pass
    finally:
        await conn.close()


def _parse_json(raw: bytes) -> Any:
    """The body as JSON, or None if empty or not JSON."""
    try:
        return json.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError):
        return None


async def dispatch(state: FakeState, conn: HttpConnection, request: HttpRequest) -> bool:
    """Answer one request; False when the connection must close."""
    body = _parse_json(request.body)
    if request.path.startswith("/_fake/"):
        record = RecordedRequest(
            request.method, request.path, {}, body, time.monotonic(), "control"
        )
        status, data = await handle_control(state, request, body)
        return await Exchange(state, conn, record).send_json(status, data, request.keep_alive)
    endpoint = route(request.method, request.path)
    record = RecordedRequest(
        request.method,
        request.path,
        request.headers,
        body,
        time.monotonic(),
        endpoint or "unknown",
        request.body,
        connection=conn.number,
    )
    state.record(record)
    exchange = Exchange(state, conn, record)
    try:
        return await _answer(exchange, request, endpoint, body)
    except (ConnectionError, OSError):
        return exchange.hung_up_now()
    except Exception as exc:  # a fake-server bug must not look like a silent hang
        if exchange.record.status is not None:
            return False
        return await exchange.send_error(500, message=f"fake server error: {exc!r}", keep=False)


def _authorized(state: FakeState, headers: dict[str, str]) -> bool:
    """Whether ``Authorization: Bearer <key>`` carries an accepted key."""
    scheme, _, key = headers.get("authorization", "").partition(" ")
    key = key.strip()
    valid = state.config.valid_keys
    return scheme.lower() == "bearer" and bool(key) and (valid is None or key in valid)


async def _answer(ex: Exchange, request: HttpRequest, endpoint: str | None, body: Any) -> bool:
    """Route an API request to its endpoint."""
    if endpoint is None:
        known = any(route(m, request.path) for m in ("GET", "POST"))
        return await ex.send_error(405 if known else 404, keep=request.keep_alive)
    if not _authorized(ex.state, request.headers):
        return await ex.send_error(401, keep=request.keep_alive)
    if endpoint == "models":
        return await _models(ex, request)
    if endpoint == "balance":
        return await _balance(ex, request)
    if not isinstance(body, dict):
        return await ex.send_error(400, message="request body is not a JSON object")
    kind = endpoint
    messages = body.get("messages")
    if kind == "chat" and isinstance(messages, list) and messages:
        last = messages[-1]
        if isinstance(last, dict) and last.get("prefix") is True:
            kind = "prefix"
    ex.record.endpoint = kind
    try:
        validate(ex.state, request.path, kind, body)
    except PlanError as exc:
        return await ex.send_error(exc.status, message=exc.message)
    reply = ex.state.take_script(kind, body, prompt_text(body))
    if reply is not None and reply.model_unavailable:  # status 422 if scripted so, else 400
        status = reply.status if reply.status in (400, 422) else 400
        return await ex.send_error(status, message="Model Not Exist")
    if reply is not None and reply.effective_status != 200:
        return await ex.send_error(reply.effective_status, reply, keep=request.keep_alive)
    plan = make_plan(ex.state, kind, body, reply or FakeReply())
    if body.get("stream") is True:
        return await send_stream(ex, plan, reply or FakeReply(), request.keep_alive)
    return await send_full(ex, plan, reply or FakeReply(), request.keep_alive)


async def _scripted_status(ex: Exchange, endpoint: str, body: Any) -> bool | None:
    """A scripted error for models/balance, if one is queued."""
    reply = ex.state.take_script(endpoint, body, "")
    if reply is not None and reply.effective_status != 200:
        return await ex.send_error(reply.effective_status, reply)
    return None


async def _models(ex: Exchange, request: HttpRequest) -> bool:
    """``GET /models``."""
    if (done := await _scripted_status(ex, "models", None)) is not None:
        return done
    data = [{"id": m, "object": "model", "owned_by": "deepseek"} for m in ex.state.config.models]
    return await ex.send_json(200, {"object": "list", "data": data}, request.keep_alive)


async def _balance(ex: Exchange, request: HttpRequest) -> bool:
    """``GET /user/balance``."""
    if (done := await _scripted_status(ex, "balance", None)) is not None:
        return done
    total = ex.state.config.balance
    info = {"currency": "USD", "total_balance": total, "granted_balance": "0.00"}
    info["topped_up_balance"] = total
    available = float(total) > 0
    return await ex.send_json(
        200, {"is_available": available, "balance_infos": [info]}, request.keep_alive
    )
