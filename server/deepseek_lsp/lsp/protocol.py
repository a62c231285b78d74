"""The JSON-RPC side of the server: our own document store, typed custom methods, bad params.

pygls 2.1 has three habits we cannot live with (PYGLS_NOTES.md): its document store splits lines
at form feeds and rebuilds the whole text on every keystroke; a request whose params fail to
deserialize is logged and never answered; and params of methods it does not know arrive as
namedtuples. This subclass fixes all three at the protocol boundary.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import attrs
from cattrs.errors import ClassValidationError
from cattrs.v import transform_error
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol, lsp_method

from deepseek_lsp.engine.document import DocumentStore, UnknownDocument
from deepseek_lsp.lsp import early_init
from deepseek_lsp.lsp.early_init import EarlyStart

log = logging.getLogger(__name__)

CHAT = "deepseek/chat"
USAGE = "deepseek/usage"
DID_SHOW_COMPLETION = "textDocument/didShowCompletion"
DID_PARTIALLY_ACCEPT_COMPLETION = "textDocument/didPartiallyAcceptCompletion"
CUSTOM_METHODS = (CHAT, USAGE, DID_SHOW_COMPLETION, DID_PARTIALLY_ACCEPT_COMPLETION)


@attrs.define
class RawRequest:
    """A request to one of our own methods; params stay plain JSON (dicts and lists)."""

    id: int | str
    method: str
    jsonrpc: str
    params: Any = None


@attrs.define
class RawNotification:
    """A notification of one of our own methods; params stay plain JSON."""

    method: str
    jsonrpc: str
    params: Any = None


@attrs.define
class _Dropped:
    """Stands in for a message that could not be read; `handle_message` ignores it."""

    jsonrpc: str = "dropped"


def _why(exc: BaseException) -> str:
    """What was wrong with the params, as cattrs can say it ("required field missing @ $.x")."""
    cause = exc.__cause__ or exc
    if isinstance(cause, ClassValidationError):
        return "; ".join(transform_error(cause, path="$"))
    return str(cause)


def _encoding_name(encoding: Any) -> str:
    value = getattr(encoding, "value", encoding)
    return str(value or "utf-16").lower()


class DeepSeekProtocol(LanguageServerProtocol):
    """LanguageServerProtocol with our document store and an answer for every request."""

    def __init__(self, server: Any, converter: Any) -> None:
        super().__init__(server, converter)
        self.documents = DocumentStore()
        self.early: EarlyStart | None = None

    # --- initialize answered before we were loaded (early_init) -------------------------------

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        """Suppress the answer to an `initialize` answered early; keep a full one for next time."""
        if isinstance(result, types.InitializeResult) and error is None:
            full = json.loads(json.dumps(result, default=self._serialize_message))
            early, self.early = self.early, None
            env = getattr(self._server, "env", {})
            if early is not None and early.answered_id == msg_id:
                if full != early.answered:
                    log.warning("the early initialize answer differed from ours; turning it off")
                    early_init.store(env, full, disabled=True)
                return
            if early_init.enabled(env) and early_init.load(env) != full:
                early_init.store(env, full)
        elif self.early is not None and self.early.answered_id == msg_id:
            self.early = None
            log.error("initialize failed after it was answered early: %s", error)
            return
        super()._send_response(msg_id, result, error)

    # --- every request gets an answer --------------------------------------------------------

    def get_message_type(self, method: str) -> Any:
        """Our own methods keep plain JSON params; the rest are lsprotocol types."""
        if method in CUSTOM_METHODS:
            return RawRequest if method in (CHAT, USAGE) else RawNotification
        return super().get_message_type(method)

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Answer a request whose params cannot be read with -32602 instead of dropping it."""
        try:
            return super().structure_message(data)
        except Exception as exc:
            if "id" in data and "method" in data:
                error = JsonRpcInvalidParams(f"Invalid params for {data['method']}: {_why(exc)}")
                self._send_response(data["id"], error=error.to_response_error())
            return _Dropped()

    def handle_message(self, message: Any) -> None:
        """Skip messages that were answered already because they could not be read."""
        if isinstance(message, _Dropped):
            return
        super().handle_message(message)

    # --- documents ---------------------------------------------------------------------------

    @property
    def position_encoding(self) -> str:
        """The negotiated encoding: "utf-8", "utf-16" or "utf-32"."""
        try:
            return _encoding_name(self.workspace.position_encoding)
        except RuntimeError:
            return "utf-16"

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        """Keep the document in our own line store."""
        item = params.text_document
        self.documents.encoding = self.position_encoding  # type: ignore[assignment]
        self.documents.open(item.uri, item.text, item.version, item.language_id)
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        """Apply incremental edits to our store; an unknown document is reported, not fatal."""
        try:
            doc = self.documents.get(params.text_document.uri)
        except UnknownDocument:
            log.warning(
                "didChange for a document that was never opened: %s", params.text_document.uri
            )
            return
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = (change.range.start.line, change.range.start.character)
                end = (change.range.end.line, change.range.end.character)
                doc.apply_change(start, end, change.text, params.text_document.version)
            else:
                doc.apply_change(None, None, change.text, params.text_document.version)
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        """Forget the document."""
        self.documents.close(params.text_document.uri)
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _user_handler(self, method: str, params: Any) -> Any:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None
