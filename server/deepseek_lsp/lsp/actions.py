"""`textDocument/codeAction`, `codeAction/resolve` and the `deepseek.*` action commands.

Listing never calls the API (editors ask on every cursor move). The work happens in
`codeAction/resolve` (returns the edit) or in the action's command (applies it with
`workspace/applyEdit`). Clients that cannot resolve an `edit` (eglot) get commands instead.
Explain produces prose: it is always a command, returning `{text}` and showing it too.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from deepseek_lsp.api import ApiError
from deepseek_lsp.engine import actions as engine
from deepseek_lsp.engine.actions import ActionKind, ActionResult
from deepseek_lsp.engine.document import Document
from deepseek_lsp.lsp import guard
from deepseek_lsp.lsp.convert import diagnostics_of, selection_of
from deepseek_lsp.lsp.edits import workspace_edit
from deepseek_lsp.lsp.messages import REQUEST_FAILED, error_text
from deepseek_lsp.lsp.server import DeepSeekServer

log = logging.getLogger(__name__)

BATCH_DOCSTRINGS = "deepseek.addDocstringsToFile"
BATCH_TITLE = "DeepSeek: add docstrings to every function in this file"
BATCH_CONCURRENCY = 4

_KINDS = {
    ActionKind.EXPLAIN: types.CodeActionKind.Empty,
    ActionKind.FIX: types.CodeActionKind.QuickFix,
    ActionKind.ADD_DOCSTRING: types.CodeActionKind.RefactorRewrite,
    ActionKind.GENERATE_TESTS: types.CodeActionKind.Refactor,
    ActionKind.REFACTOR: types.CodeActionKind.RefactorRewrite,
    ActionKind.RUN_INSTRUCTION: types.CodeActionKind.RefactorRewrite,
}


def _wants(only: Sequence[str] | None, kind: str) -> bool:
    """Honour `context.only` (a kind matches itself and its sub-kinds)."""
    return not only or any(kind == o or kind.startswith(f"{o}.") or o == "" for o in only)


def _command(
    kind: ActionKind, uri: str, rng: types.Range, diags: Sequence[types.Diagnostic]
) -> types.Command:
    args: list[Any] = [uri, rng]
    if kind is ActionKind.FIX and diags:
        args.append(list(diags))
    return types.Command(title=kind.title, command=kind.command, arguments=args)


def _converter(ls: DeepSeekServer) -> Any:
    return ls.protocol._converter


def parse_arguments(
    ls: DeepSeekServer, args: Sequence[Any]
) -> tuple[Document, types.Range, list[types.Diagnostic]]:
    """`[uri, range, diagnostics?]` as sent in our commands; a clear error otherwise."""
    if len(args) < 2 or not isinstance(args[0], str):
        raise JsonRpcInvalidParams("Expected arguments [uri, range] (and optionally diagnostics).")
    try:
        rng = _converter(ls).structure(args[1], types.Range)
        diags = [
            _converter(ls).structure(d, types.Diagnostic)
            for d in (args[2] if len(args) > 2 else [])
        ]
    except Exception as exc:
        raise JsonRpcInvalidParams(f"Invalid range or diagnostics: {exc}") from None
    return ls.document(args[0]), rng, diags


async def run(
    ls: DeepSeekServer,
    kind: ActionKind,
    doc: Document,
    rng: types.Range,
    diags: Sequence[types.Diagnostic],
) -> ActionResult:
    """Run an action with the server's client and settings; API errors become a clear reply."""
    await guard.allow(ls, "actions")
    try:
        with ls.metrics.handling("actions"):
            result = await engine.run_action(
                kind,
                doc,
                selection_of(doc, rng),
                diagnostics_of(diags),
                ls.upstream["actions"],
                ls.settings,
                workspace_root=ls.workspace_roots[0] if ls.workspace_roots else None,
                workspace_roots=ls.workspace_roots,
                definitions=ls.definitions_source(),
            )
    except ApiError as exc:
        ls.notifier.api_error(exc, setting="chat.model")
        raise JsonRpcException(error_text(exc, "chat.model"), code=REQUEST_FAILED) from None
    record(ls, result)
    return result


def record(ls: DeepSeekServer, result: ActionResult) -> None:
    """Count an action's tokens and price them (at the chat model: actions use it)."""
    if result.usage is not None:
        ls.engine.usage.add_tokens(result.usage)
        ls.spend.record("actions", ls.settings.chat.model, result.usage)


async def apply(ls: DeepSeekServer, title: str, result: ActionResult, uri: str) -> dict[str, Any]:
    """Apply an action's edits (one undo); say why when there is nothing to apply."""
    if not result.edits:
        if result.text:
            ls.notifier.info(f"DeepSeek: {result.text}")
        return {"applied": False, "text": result.text or ""}
    edit = workspace_edit(ls, result.edits, result.create_files, (uri, result.version))
    outcome = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=edit, label=title)
    )
    if not outcome.applied:
        reason = outcome.failure_reason or "the document changed while DeepSeek was answering"
        ls.notifier.show("apply", f"The edit was not applied: {reason}. Run the action again.")
    return {"applied": bool(outcome.applied)}


async def explain(ls: DeepSeekServer, doc: Document, rng: types.Range) -> dict[str, Any]:
    """Prose, with work-done progress while it runs; shown too, as many clients drop results."""
    token = str(uuid.uuid4())
    progress = None
    if ls.client_supports("window.work_done_progress"):  # never wait for the client to agree
        progress = asyncio.ensure_future(_begin_progress(ls, token))
    try:
        result = await run(ls, ActionKind.EXPLAIN, doc, rng, [])
    finally:
        if progress is not None and not progress.done():
            progress.cancel()  # the client never created the token: no begin, no end
        elif progress is not None and not progress.cancelled() and progress.result():
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))
    text = result.text or ""
    ls.notifier.info(text)
    return {"text": text}


async def _begin_progress(ls: DeepSeekServer, token: str) -> bool:
    """Create and begin a progress token; False when the client refused or answered garbage."""
    try:
        await ls.work_done_progress.create_async(token)
    except Exception as exc:
        log.info("no work-done progress: %s", exc)
        return False
    ls.work_done_progress.begin(
        token, types.WorkDoneProgressBegin(title="DeepSeek: explaining", cancellable=False)
    )
    return True


def _resolvable(ls: DeepSeekServer) -> list[str] | None:
    """The code-action properties the client can resolve lazily (eglot: none)."""
    support = ls.client_capabilities.text_document
    support = getattr(getattr(support, "code_action", None), "resolve_support", None)
    return getattr(support, "properties", None)


def register(server: DeepSeekServer) -> None:
    """Register code-action handlers and commands on `server`."""

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[
                types.CodeActionKind.QuickFix,
                types.CodeActionKind.Refactor,
                types.CodeActionKind.RefactorRewrite,
                types.CodeActionKind.Source,
            ],
            resolve_provider=True,
        ),
    )
    def code_action(ls: DeepSeekServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        """The DeepSeek actions that fit the range; no API call here."""
        doc = ls.document(params.text_document.uri)
        if ls.engine.is_excluded(doc.uri, ls.workspace_roots) or not guard.actions_allowed(ls):
            return []
        diags = list(params.context.diagnostics or [])
        kinds = engine.available_actions(
            doc, selection_of(doc, params.range), diagnostics_of(diags)
        )
        resolve = "edit" in (_resolvable(ls) or [])
        only = params.context.only
        result = []
        for kind in kinds:
            lsp_kind = _KINDS[kind]
            if not _wants(only, lsp_kind):
                continue
            action = types.CodeAction(title=kind.title, kind=lsp_kind)
            if kind is ActionKind.FIX:
                action.diagnostics = diags
            if resolve and kind is not ActionKind.EXPLAIN:
                action.data = {
                    "kind": kind.value,
                    "uri": doc.uri,
                    "range": _converter(ls).unstructure(params.range),
                    "diagnostics": _converter(ls).unstructure(diags),
                }
            else:
                action.command = _command(kind, doc.uri, params.range, diags)
            result.append(action)
        if _wants(only, types.CodeActionKind.Source):
            result.append(
                types.CodeAction(
                    title=BATCH_TITLE,
                    kind=types.CodeActionKind.Source,
                    command=types.Command(
                        title=BATCH_TITLE, command=BATCH_DOCSTRINGS, arguments=[doc.uri]
                    ),
                )
            )
        return result

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve_code_action(ls: DeepSeekServer, action: types.CodeAction) -> types.CodeAction:
        """Do the work of a listed action and return its edit."""
        data = action.data if isinstance(action.data, dict) else {}
        if not data:
            return action  # a command-only action (Neovim resolves those too): nothing to add
        try:
            kind = ActionKind(data["kind"])
            doc, rng, diags = parse_arguments(
                ls, [data["uri"], data["range"], data.get("diagnostics") or []]
            )
        except (KeyError, ValueError):
            raise JsonRpcInvalidParams("This code action was not made by deepseek-lsp.") from None
        result = await run(ls, kind, doc, rng, diags)
        if result.edits:
            action.edit = workspace_edit(
                ls, result.edits, result.create_files, (doc.uri, result.version)
            )
        elif result.text:
            ls.notifier.info(f"DeepSeek: {result.text}")
        return action

    def make_command(kind: ActionKind) -> None:
        @server.command(kind.command)
        async def command(ls: DeepSeekServer, *args: Any) -> dict[str, Any]:
            doc, rng, diags = parse_arguments(ls, args)
            if kind is ActionKind.EXPLAIN:
                return await explain(ls, doc, rng)
            return await apply(ls, kind.title, await run(ls, kind, doc, rng, diags), doc.uri)

        command.__doc__ = f"{kind.title} (arguments: uri, range)."

    for kind in ActionKind:
        make_command(kind)

    @server.command(BATCH_DOCSTRINGS)
    async def add_docstrings_to_file(ls: DeepSeekServer, *args: Any) -> dict[str, Any]:
        """Docstrings for every function lacking one, applied as one edit (one undo)."""
        if not args or not isinstance(args[0], str):
            raise JsonRpcInvalidParams("Expected arguments [uri].")
        doc = ls.document(args[0])
        await guard.allow(ls, "actions")
        try:
            with ls.metrics.handling("actions"):
                result = await engine.add_docstrings_to_file(
                    doc,
                    ls.upstream["actions"],
                    ls.settings,
                    concurrency=BATCH_CONCURRENCY,
                    workspace_root=ls.workspace_roots[0] if ls.workspace_roots else None,
                    workspace_roots=ls.workspace_roots,
                )
        except ApiError as exc:
            ls.notifier.api_error(exc, setting="chat.model")
            raise JsonRpcException(error_text(exc, "chat.model"), code=REQUEST_FAILED) from None
        record(ls, result)
        outcome = await apply(ls, BATCH_TITLE, result, doc.uri)
        if result.text and result.edits:
            ls.notifier.info(f"DeepSeek: {result.text}")
        return {**outcome, "edits": len(result.edits)}
