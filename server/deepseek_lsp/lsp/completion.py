"""`textDocument/inlineCompletion`, `textDocument/completion`, usage and show/accept telemetry.

Thin on purpose: convert positions, call the engine, build lsprotocol types. Inline completion
and completion use different scheduler slots, so VS Code's simultaneous requests of both kinds
never cancel each other; identical prompts still share one upstream call.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from deepseek_lsp.api import ApiError
from deepseek_lsp.engine.completion import Suggestion, Trigger
from deepseek_lsp.engine.document import Document
from deepseek_lsp.lsp import guard, protocol, wire
from deepseek_lsp.lsp.server import DeepSeekServer
from deepseek_lsp.lsp.vim_completion import vim_completion_item

log = logging.getLogger(__name__)

ACCEPT_COMMAND = wire.ACCEPT_COMMAND
# Not " " or "\n": clients that auto-trigger on these would ask on nearly every keystroke.
TRIGGER_CHARACTERS = [".", "(", "[", "{", ",", ":", "="]


async def suggest(
    ls: DeepSeekServer, doc: Document, pos: tuple[int, int], trigger: Trigger, slot: str
) -> Suggestion | None:
    """Ask the engine; report API failures to the user (once a minute per kind)."""
    if guard.completion_refusal(ls, invoked=trigger == "invoked"):
        return None
    try:
        with ls.metrics.handling("completion"):
            suggestion = await ls.engine.complete(
                doc,
                pos,
                trigger,
                slot=slot,
                workspace_relpath=ls.relpath(doc.uri),
                workspace_roots=ls.workspace_roots,
            )
    except ApiError as exc:
        log.warning("completion failed: %s", exc.message)
        ls.notifier.api_error(exc, setting="completion.model")
        return None
    if suggestion is not None:
        ls.metrics.hit(suggestion.source)
    return suggestion


def cursor(doc: Document, position: types.Position) -> tuple[tuple[int, int], types.Position]:
    """The cursor as (line, code point) and as a clamped client position."""
    line, char = doc.to_code_points((position.line, position.character))
    return (line, char), types.Position(line, doc.to_client_character(line, char))


def register(server: DeepSeekServer) -> None:
    """Register completion handlers on `server`."""

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: DeepSeekServer, params: types.InlineCompletionParams | wire.InlineParams
    ) -> types.InlineCompletionList | wire.InlineAnswer:
        """One DeepSeek suggestion at the cursor, as ghost text (lsprotocol types when sent).

        The usual request's params come as `wire.InlineParams` (read without cattrs).
        """
        doc = ls.document(params.text_document.uri)
        line, char = doc.to_code_points((params.position.line, params.position.character))
        invoked = params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked
        trigger: Trigger = "invoked" if invoked else "automatic"
        suggestion = await suggest(ls, doc, (line, char), trigger, "inline")
        if suggestion is None:
            return types.InlineCompletionList(items=[])
        start = (line, doc.to_client_character(line, char))
        end = replaced_end(doc, (line, char), suggestion.replace)
        return wire.InlineAnswer(suggestion.text, start, end, (suggestion.source, doc.uri))

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=False),
    )
    async def completion(
        ls: DeepSeekServer, params: types.CompletionParams
    ) -> types.CompletionList:
        """The same suggestion as a completion item, for editors without ghost text."""
        doc = ls.document(params.text_document.uri)
        pos, client_pos = cursor(doc, params.position)
        kind = params.context.trigger_kind if params.context else None
        trigger: Trigger = "invoked" if kind == types.CompletionTriggerKind.Invoked else "automatic"
        suggestion = await suggest(ls, doc, pos, trigger, "completion")
        if suggestion is None:
            return types.CompletionList(is_incomplete=True, items=[])
        if ls.vim_client is not None:
            vim_item = vim_completion_item(ls.vim_client, doc, pos, suggestion.text)
            return types.CompletionList(is_incomplete=True, items=[vim_item] if vim_item else [])
        item_caps = "text_document.completion.completion_item"
        snippets = ls.client_supports(f"{item_caps}.snippet_support")
        formats = ls.client_capability(f"{item_caps}.documentation_format") or []
        markdown = types.MarkupKind.Markdown in formats
        item = completion_item(
            doc,
            pos,
            client_pos,
            suggestion.text,
            snippets=snippets,
            markdown=markdown,
            replace=suggestion.replace,
        )
        return types.CompletionList(is_incomplete=True, items=[item])

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: DeepSeekServer, params: types.DidChangeTextDocumentParams) -> None:
        """A keystroke: feeds the debounce, may drop a speculation (the store has the text)."""
        doc = ls.open_document(params.text_document.uri)
        ls.engine.document_changed(params.text_document.uri, doc)
        if doc is not None:
            ls.warmup.touch(doc)
        if ls.workspace_context is not None and doc is not None:
            ls.workspace_context.changed(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: DeepSeekServer, params: types.DidCloseTextDocumentParams) -> None:
        """Forget per-document state."""
        ls.engine.document_closed(params.text_document.uri)
        ls.warmup.forget(params.text_document.uri)
        if ls.workspace_context is not None:
            ls.workspace_context.closed(params.text_document.uri)

    @server.command(ACCEPT_COMMAND)
    def accept_completion(ls: DeepSeekServer, *args: Any) -> None:
        """The user accepted a suggestion (arguments `[source, uri]`): count it, speculate."""
        uri = args[1] if len(args) > 1 and isinstance(args[1], str) else None
        ls.engine.suggestion_accepted(_open_document(ls, uri))

    @server.feature(protocol.USAGE)
    async def usage(ls: DeepSeekServer, params: Any) -> dict[str, Any]:
        """Counters since the server started, and money (today's and this month's persisted)."""
        await ls.spend.refresh()
        counters = {**ls.engine.usage.to_json(), **ls.spend.to_json()}
        if ls.workspace_context is not None:  # the workspace index's size, once built
            counters.update(ls.workspace_context.status())
        return counters

    @server.feature(protocol.DID_SHOW_COMPLETION)
    def did_show(ls: DeepSeekServer, params: Any) -> None:
        """Telemetry: a suggestion was shown."""
        ls.engine.suggestion_shown()

    @server.feature(protocol.DID_PARTIALLY_ACCEPT_COMPLETION)
    def did_partially_accept(ls: DeepSeekServer, params: Any) -> None:
        """Part of a suggestion was accepted (a word or a line); all of it counts as an accept.

        The rest of a partly accepted suggestion is served by typed-ahead, so only an accept
        that took the whole text speculates.
        """
        item, length = _accepted_item(params)
        text = item.get("insertText") if isinstance(item, dict) else None
        whole = isinstance(text, str) and isinstance(length, int) and length >= len(text)
        uri = _item_uri(item)
        ls.engine.suggestion_accepted(_open_document(ls, uri) if whole else None, whole=whole)


def _open_document(ls: DeepSeekServer, uri: str | None) -> Document | None:
    """The open document for `uri` (or for the last suggestion served), if any."""
    if uri is None:
        served = ls.engine.last_served()
        uri = served.uri if served is not None else None
    return ls.documents.get(uri) if uri is not None and uri in ls.documents else None


def _accepted_item(params: Any) -> tuple[Any, Any]:
    """`{item, acceptedLength}` of a partial accept, as plain JSON."""
    if not isinstance(params, dict):
        return None, None
    return params.get("item"), params.get("acceptedLength")


def _item_uri(item: Any) -> str | None:
    """The document URI our accept command carries in an item, if it is there."""
    command = item.get("command") if isinstance(item, dict) else None
    args = command.get("arguments") if isinstance(command, dict) else None
    return (
        args[1] if isinstance(args, list) and len(args) > 1 and isinstance(args[1], str) else None
    )


def replaced_end(doc: Document, pos: tuple[int, int], replace: int) -> tuple[int, int]:
    """Where an item's range ends, in the client's encoding.

    After the `replace` code points right of the cursor that the suggestion writes itself
    (auto-closed quotes and brackets), so the editor replaces them instead of keeping two.
    """
    line, column = pos
    end = min(column + max(replace, 0), len(doc.line(line)))
    return line, doc.to_client_character(line, end)


def escape_snippet(text: str) -> str:
    """Plain text as snippet syntax (no tab stops, no variables)."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def relative_to_line_indent(text: str, line_indent: str) -> str:
    """Later lines without the cursor line's indentation, which clients add back.

    (LSP's default insertTextMode for snippets is adjustIndentation.)
    """
    lines = text.split("\n")
    rest = lines[1:]
    if line_indent and rest and all(ln.startswith(line_indent) or not ln.strip() for ln in rest):
        lines[1:] = [ln[len(line_indent) :] for ln in rest]
    return "\n".join(lines)


def completion_item(
    doc: Document,
    pos: tuple[int, int],
    client_pos: types.Position,
    text: str,
    *,
    snippets: bool = False,
    markdown: bool = False,
    replace: int = 0,
) -> types.CompletionItem:
    """An item that replaces the word before the cursor, so clients' filtering keeps it.

    Clients that take snippets get one (escaped): Neovim 0.11 inserts a plain-text item only
    up to its first space.
    """
    line_text = doc.line(pos[0])[: pos[1]]
    word_len = len(line_text) - len(
        line_text.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
    )
    word = line_text[len(line_text) - word_len :]
    start = types.Position(client_pos.line, doc.to_client_character(pos[0], pos[1] - word_len))
    first_line = text.split("\n", 1)[0].strip() or text.strip()
    new_text = word + text
    if snippets:
        line = doc.line(pos[0])
        new_text = escape_snippet(
            relative_to_line_indent(new_text, line[: len(line) - len(line.lstrip())])
        )
    return types.CompletionItem(
        label=(word + first_line)[:80] or text.strip()[:80],
        kind=types.CompletionItemKind.Snippet if "\n" in text else types.CompletionItemKind.Text,
        detail="DeepSeek",
        documentation=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=f"```{doc.language_id}\n{word}{text}\n```"
        )
        if markdown
        else word + text,
        filter_text=word + text.split("\n", 1)[0],
        sort_text="0000",
        preselect=True,
        insert_text_format=types.InsertTextFormat.Snippet
        if snippets
        else types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(
            range=types.Range(start, types.Position(*replaced_end(doc, pos, replace))),
            new_text=new_text,
        ),
        command=types.Command(
            title=wire.ACCEPT_TITLE, command=ACCEPT_COMMAND, arguments=["completion", doc.uri]
        ),
    )
