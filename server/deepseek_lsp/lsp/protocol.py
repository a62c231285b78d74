"""The JSON-RPC side of the server: our own document store, typed custom methods, bad params.

pygls 2.1 has habits we cannot live with (PYGLS_NOTES.md): its document store splits lines
at form feeds and rebuilds the whole text on every keystroke; a request whose params fail to
deserialize is logged and never answered; params of methods it does not know arrive as
namedtuples; and it serves requests before `initialize` and drops them after `shutdown`. This
subclass fixes them at the protocol boundary; `receive` is where every message body enters
(see envelope.py for the checks, rpc.py for the bookkeeping).
"""

from __future__ import annotations

import contextvars
import json
import logging
from typing import Any

import attrs
from cattrs.errors import ClassValidationError
from cattrs.v import transform_error
from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.io_ import StdoutWriter
from pygls.protocol import lsp_method

from deepseek_lsp.engine.document import DocumentStore, UnknownDocument
from deepseek_lsp.lsp import early_init, envelope, wire
from deepseek_lsp.lsp.early_init import EarlyStart
from deepseek_lsp.lsp.envelope import Rejected
from deepseek_lsp.lsp.rpc import TrackedProtocol

log = logging.getLogger(__name__)

CHAT = "deepseek/chat"
USAGE = "deepseek/usage"
DID_SHOW_COMPLETION = "textDocument/didShowCompletion"
DID_PARTIALLY_ACCEPT_COMPLETION = "textDocument/didPartiallyAcceptCompletion"
CUSTOM_METHODS = (CHAT, USAGE, DID_SHOW_COMPLETION, DID_PARTIALLY_ACCEPT_COMPLETION)
SERVER_NOT_INITIALIZED = -32002
METHOD_NOT_FOUND = -32601
INLINE = types.TEXT_DOCUMENT_INLINE_COMPLETION


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


def _quiet(why: str) -> Rejected:
    """A notification that is dropped (notifications are never answered)."""
    return Rejected(envelope.INVALID_REQUEST, why, answer=False)


def _encoding_name(encoding: Any) -> str:
    value = getattr(encoding, "value", encoding)
    return str(value or "utf-16").lower()


class DeepSeekProtocol(TrackedProtocol):
    """LanguageServerProtocol with our document store and an answer for every request."""

    def __init__(self, server: Any, converter: Any) -> None:
        super().__init__(server, converter)
        self.documents = DocumentStore()
        self.initialize_seen = False
        self.shutdown_seen = False
        self.early: EarlyStart | None = None

    # --- initialize answered before we were loaded (early_init) -------------------------------

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        """Suppress the answer to an `initialize` answered early; keep a full one for next time.

        An inline-completion list is written by hand (`wire`), not through cattrs.
        """
        kind = type(result)
        if error is None and kind in (wire.InlineAnswer, types.InlineCompletionList):
            written = (
                result.message(msg_id)
                if kind is wire.InlineAnswer
                else wire.inline_completion_message(msg_id, result)
            )
            if written is not None and type(self.writer) is StdoutWriter and self._include_headers:
                self._result_types.pop(msg_id, None)
                self._write_message(written)
                return
        if type(result) is wire.InlineAnswer:
            result = result.to_lsp()  # the general way: another writer, an odd id, or an error
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

    def _write_message(self, body: str) -> None:
        """`_send_data` for a message already written as JSON text (ASCII, as json.dumps).

        Only for the server's own stdout writer, whose `write` is synchronous.
        """
        kind = f"{self.CONTENT_TYPE}; charset={self.CHARSET}"
        try:
            self.writer.write(  # type: ignore[union-attr]
                f"Content-Length: {len(body)}\r\nContent-Type: {kind}\r\n\r\n{body}".encode()
            )
        except BrokenPipeError:
            log.exception("Error sending data. BrokenPipeError")
            raise
        except Exception as error:
            log.exception("Error sending data")
            self._server._report_server_error(error, JsonRpcInternalError)

    # --- every message body enters here ------------------------------------------------------

    def receive(self, body: bytes) -> bool:
        """Check, gate and handle one message; False when the body was not JSON at all."""
        data = envelope.parse(body)
        if isinstance(data, Rejected):
            self.reject(data)
            return data.code != envelope.PARSE_ERROR
        if data.get("method") == INLINE and self._servable_inline(data):
            fast = wire.inline_request(data)
            if fast is not None:  # its shape is a well-formed envelope: nothing to check
                self.handle_message(fast)
                return True
        problem = envelope.check(data) or self._gate(data) or self._unknown(data)
        if problem is not None:
            if problem.code == envelope.INVALID_PARAMS and "id" not in data:
                log.warning("notification %s dropped: %s", data.get("method"), problem.message)
            else:
                self.reject(problem)
            return True
        self.handle_message(self.structure_message(data))
        return True

    def _servable_inline(self, data: dict[str, Any]) -> bool:
        """What `check`, `_gate` and `_unknown` ask of an inline request that `wire` reads whole.

        Its id, method, params and their depth are `wire.inline_request`'s to check; ~25 µs of
        checks saved before every invoked request (cold).
        """
        return (
            data.get("jsonrpc") == "2.0"
            and self.initialize_seen
            and not self.shutdown_seen
            and INLINE in self.fm.features
        )

    def reject(self, problem: Rejected) -> None:
        """Answer a message that will not be handled (id null when it has none we can use)."""
        if not problem.answer:
            log.warning("message dropped: %s", problem.message)
            return
        error = {"code": problem.code, "message": problem.message}
        self._send_data({"jsonrpc": "2.0", "id": problem.id, "error": error})  # id null kept

    def _unknown(self, data: dict[str, Any]) -> Rejected | None:
        """-32601 for a method nobody serves (pygls: -32602 when such a request has no params)."""
        method = data.get("method")
        if method is None or method == types.CANCEL_REQUEST:
            return None
        if method in self.fm.features or method in self.fm.builtin_features:
            return None
        why = f"Method not found: {method}"
        return Rejected(METHOD_NOT_FOUND, why, data.get("id"), answer="id" in data)

    def _gate(self, data: dict[str, Any]) -> Rejected | None:
        """The lifecycle: nothing before `initialize`, nothing after `shutdown` but `exit`."""
        method = data.get("method")
        is_request = "id" in data
        if method is None or method == types.EXIT:
            return None
        if not self.initialize_seen and method != types.INITIALIZE:
            why = f"{method} before initialize: the server is not initialized yet."
            return Rejected(SERVER_NOT_INITIALIZED, why, data["id"]) if is_request else _quiet(why)
        if self.shutdown_seen:
            why = f"{method} after shutdown: the server is shutting down."
            code = envelope.INVALID_REQUEST
            return Rejected(code, why, data["id"]) if is_request else _quiet(why)
        if method == types.INITIALIZE:
            if self.initialize_seen:
                why = "initialize was already sent."
                return Rejected(envelope.INVALID_REQUEST, why, data.get("id"), answer=is_request)
            self.initialize_seen = is_request
        if method == types.SHUTDOWN and is_request:
            self.shutdown_seen = True
        return None

    def get_message_type(self, method: str) -> Any:
        """Our own methods keep plain JSON params; the rest are lsprotocol types."""
        if method in CUSTOM_METHODS:
            return RawRequest if method in (CHAT, USAGE) else RawNotification
        return super().get_message_type(method)

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Answer a request whose params cannot be read with -32602 instead of dropping it.

        A reply of the wrong shape fails the request it answers (pygls drops it).
        """
        try:
            return super().structure_message(data)
        except Exception as exc:
            if "id" in data and "method" in data:
                error = JsonRpcInvalidParams(f"Invalid params for {data['method']}: {_why(exc)}")
                self._send_response(data["id"], error=error.to_response_error())
            elif "id" in data:
                self.fail_reply(data["id"], _why(exc))
            return _Dropped()

    def handle_message(self, message: Any) -> None:
        """Dispatch as pygls does, with the message's kind read from its attributes.

        pygls asks `isinstance` of its runtime-checkable Protocols, which walks the Protocol's
        attributes on every call: ~50 µs per request and twice per keystroke's `didChange`.
        A message that was answered already because it could not be read is skipped.
        """
        if isinstance(message, _Dropped):
            return
        if message.jsonrpc != "2.0":
            log.warning("Unknown message %r", message)
            return
        method = getattr(message, "method", None)
        if self._shutdown and method != types.EXIT:
            log.warning("Server shutting down. No more requests!")
            return
        ctx = contextvars.copy_context()  # each handler in its own context, as in pygls
        if method is not None and hasattr(message, "params"):
            if hasattr(message, "id"):
                ctx.run(self._handle_request, message.id, method, message.params)
            else:
                ctx.run(self._handle_notification, method, message.params)
        elif hasattr(message, "result"):
            ctx.run(self._handle_response, message.id, message.result)
        else:
            ctx.run(self._handle_response, message.id, None, message.error)

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
        language = item.language_id if isinstance(item.language_id, str) else ""
        self.documents.open(item.uri, item.text, item.version, language)
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
