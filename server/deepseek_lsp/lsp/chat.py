"""`deepseek/chat`: one chat turn, streamed as `$/progress` partial results.

With a `partialResultToken` each delta goes out as `{delta}` (and `{reasoningDelta}` in thinking
mode); the final result still carries the whole text, so a client may ignore the stream.
Cancelling the request closes the upstream stream (the engine consumes it inside `async with`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from deepseek_lsp.api import ApiError, ModelUnavailableError
from deepseek_lsp.engine import chat as engine
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.usage import camel_case
from deepseek_lsp.lsp import guard, protocol
from deepseek_lsp.lsp.convert import selection_of
from deepseek_lsp.lsp.messages import REQUEST_FAILED, error_text
from deepseek_lsp.lsp.server import DeepSeekServer


def _streamer(ls: DeepSeekServer, token: Any, key: str) -> Callable[[str], None] | None:
    if token is None:
        return None

    def send(text: str) -> None:
        if text:
            ls.progress(types.ProgressParams(token=token, value={key: text}))

    return send


def _parse(ls: DeepSeekServer, params: Any) -> dict[str, Any]:
    """Validate the params of PROTOCOL.md; a clear JSON-RPC error for anything else."""
    if not isinstance(params, Mapping) or not isinstance(params.get("message"), str):
        raise JsonRpcInvalidParams("deepseek/chat needs {message: string, ...}.")
    history = params.get("history") or []
    if not isinstance(history, list) or not all(
        isinstance(h, Mapping)
        and isinstance(h.get("role"), str)
        and isinstance(h.get("content"), str)
        for h in history
    ):
        raise JsonRpcInvalidParams("deepseek/chat history must be a list of {role, content}.")
    command = params.get("command")
    if command is not None and not isinstance(command, str):
        raise JsonRpcInvalidParams("deepseek/chat command must be a string.")
    doc: Document | None = None
    rng = None
    text_document = params.get("textDocument")
    if isinstance(text_document, Mapping) and isinstance(text_document.get("uri"), str):
        doc = ls.document(text_document["uri"])
        if params.get("range") is not None:
            try:
                lsp_range = ls.protocol._converter.structure(params["range"], types.Range)
            except Exception as exc:
                raise JsonRpcInvalidParams(f"deepseek/chat range is invalid: {exc}") from None
            rng = selection_of(doc, lsp_range)
    return {
        "message": params["message"],
        "command": command.lstrip("/") if command else None,
        "history": history,
        "document": doc,
        "range": rng,
        "token": params.get("partialResultToken"),
    }


def register(server: DeepSeekServer) -> None:
    """Register `deepseek/chat` on `server`."""

    @server.feature(protocol.CHAT)
    async def chat(ls: DeepSeekServer, params: Any) -> dict[str, Any]:
        """One chat turn with optional command, selection and history; streamed when asked."""
        request = _parse(ls, params)
        await guard.allow(ls, "chat")
        try:
            with ls.metrics.handling("chat"):
                result = await engine.chat(
                    ls.upstream["chat"],
                    ls.settings,
                    request["message"],
                    command=request["command"],
                    history=request["history"],
                    selection=None,  # the engine reads the range (or the enclosing function)
                    document=request["document"],
                    range=request["range"],
                    on_delta=_streamer(ls, request["token"], "delta"),
                    on_reasoning=_streamer(ls, request["token"], "reasoningDelta"),
                    workspace_roots=ls.workspace_roots,
                    definitions=ls.definitions_source(),
                )
        except ApiError as exc:
            ls.engine.usage.errors += 1
            if isinstance(exc, ModelUnavailableError):  # other failures show in the chat panel
                ls.notifier.api_error(exc, setting="chat.model")
            raise JsonRpcException(error_text(exc, "chat.model"), code=REQUEST_FAILED) from None
        ls.engine.usage.add_tokens(result.usage)
        if result.usage is not None:
            ls.spend.record("chat", result.model or ls.settings.chat.model, result.usage)
        answer: dict[str, Any] = {"text": result.text}
        if result.reasoning:
            answer["reasoning"] = result.reasoning
        if result.usage is not None:
            answer["usage"] = camel_case(result.usage)
        return answer
