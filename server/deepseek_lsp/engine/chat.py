"""The `deepseek/chat` conversation, and the one streaming call that chat and code actions share.

`stream_reply` sends messages (credentials redacted when `privacy.redactSecrets` is on), retries
429/5xx through the api's RetryPolicy, and hands each delta to the callbacks as it arrives; the
deltas concatenate exactly to the result's text. Consuming inside `async with` means cancelling the
awaiting task closes the upstream HTTP stream at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Any, Protocol

from deepseek_lsp.api import ChatRequest, RetryPolicy, Usage
from deepseek_lsp.engine.actions.prompts import DefinitionsSource, Messages, enclosing_lines
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.privacy import is_excluded, redact
from deepseek_lsp.engine.uris import uri_to_path
from deepseek_lsp.settings import Settings

OnText = Callable[[str], None]
Range = tuple[tuple[int, int], tuple[int, int]]

CHAT_SYSTEM = (
    "You are DeepSeek, a coding assistant inside the user's editor. Answer precisely and briefly,"
    " in Markdown; put code in fenced blocks tagged with their language."
)
COMMANDS: dict[str, str] = {
    "explain": "Explain the selected code: what it does, how, and anything surprising in it.",
    "fix": "Find and fix the bugs in the selected code. Give the corrected code in one fenced"
    " block, then a short note on what was wrong.",
    "doc": "Write documentation comments for the selected code, in the language's convention.",
    "tests": "Write unit tests for the selected code with the language's usual test framework.",
    "refactor": "Refactor the selected code for readability, keeping its behaviour. Give the new"
    " code in one fenced block and say briefly what changed.",
}
EXCLUDED_TEXT = "This file matches deepseek.privacy.exclude, so nothing from it was sent."


class ChatClient(Protocol):
    """What the engine needs of `DeepSeekClient` (fakes in tests have the same shape)."""

    def stream_chat(
        self, req: ChatRequest, *, retry: RetryPolicy | None, fallback_models: Sequence[str]
    ) -> AbstractAsyncContextManager[Any]:
        """An async context manager that iterates deltas with `.text` and `.reasoning`."""
        ...


@dataclass(frozen=True)
class ChatResult:
    """A whole answer: its text, its reasoning (thinking mode) and the token usage."""

    text: str
    reasoning: str = ""
    usage: Usage | None = None
    model: str = ""
    finish_reason: str | None = None


async def stream_reply(
    client: ChatClient,
    settings: Settings,
    messages: Messages,
    *,
    on_delta: OnText | None = None,
    on_reasoning: OnText | None = None,
    temperature: float | None = None,
) -> ChatResult:
    """Send `messages` and stream the answer through the callbacks; the whole answer at the end."""
    request = ChatRequest(
        model=settings.chat.model,
        messages=_redacted(messages) if settings.privacy.redact_secrets else tuple(messages),
        max_tokens=settings.chat.max_tokens,
        temperature=temperature,
        thinking=settings.chat.thinking,
    )
    text: list[str] = []
    reasoning: list[str] = []
    stream_cm = client.stream_chat(
        request, retry=RetryPolicy(), fallback_models=settings.chat.fallback_models
    )
    async with stream_cm as stream:
        async for delta in stream:
            if delta.reasoning:
                reasoning.append(delta.reasoning)
                if on_reasoning:
                    on_reasoning(delta.reasoning)
            if delta.text:
                text.append(delta.text)
                if on_delta:
                    on_delta(delta.text)
    return ChatResult(
        "".join(text),
        "".join(reasoning),
        getattr(stream, "usage", None),
        getattr(stream, "model", settings.chat.model),
        getattr(stream, "finish_reason", None),
    )


def _redacted(messages: Messages) -> Messages:
    return tuple({**m, "content": redact(m["content"]).text} for m in messages)


async def chat(
    client: ChatClient,
    settings: Settings,
    message: str,
    *,
    command: str | None = None,
    history: Sequence[Mapping[str, Any]] = (),
    selection: str | None = None,
    document: Document | None = None,
    range: Range | None = None,
    on_delta: OnText | None = None,
    on_reasoning: OnText | None = None,
    workspace_roots: Sequence[str] = (),
    definitions: DefinitionsSource | None = None,
) -> ChatResult:
    """One chat turn: system prompt, the selected code, the history, then the user's message."""
    prefix = ""
    if document is not None and is_excluded(
        document.uri, settings.privacy.exclude, workspace_roots
    ):
        document, selection, prefix = None, None, EXCLUDED_TEXT + "\n\n"
        if on_delta:
            on_delta(prefix)
    messages = chat_messages(message, command, history, selection, document, range)
    if definitions is not None and document is not None and range is not None and len(messages) > 2:
        used = definitions(document, range[0][0], range[1][0])
        if used:
            code = messages[1]["content"] + _definitions_block(used, document.language_id)
            messages = (messages[0], {**messages[1], "content": code}, *messages[2:])
    result = await stream_reply(
        client, settings, messages, on_delta=on_delta, on_reasoning=on_reasoning
    )
    return replace(result, text=prefix + result.text) if prefix else result


def chat_messages(
    message: str,
    command: str | None,
    history: Sequence[Mapping[str, Any]],
    selection: str | None,
    document: Document | None,
    span: Range | None,
) -> Messages:
    """Stable first: system, the code in view, the earlier turns, then this turn's ask."""
    messages: list[dict[str, str]] = [{"role": "system", "content": CHAT_SYSTEM}]
    code = _code_in_view(selection, document, span)
    if code:
        messages.append({"role": "user", "content": code})
        messages.append({"role": "assistant", "content": "I have the code. What should I do?"})
    for turn in history:
        role, content = turn.get("role"), turn.get("content")
        if role in ("user", "assistant") and isinstance(content, str) and content:
            messages.append({"role": str(role), "content": content})
    messages.append({"role": "user", "content": _ask(command, message)})
    return tuple(messages)


def _definitions_block(text: str, language: str) -> str:
    ticks = "````" if "```" in text else "```"
    return f"\n\nDefinitions it uses from other files:\n{ticks}{language}\n{text}\n{ticks}"


def _ask(command: str | None, message: str) -> str:
    if not command:
        return message
    template = COMMANDS.get(command.lstrip("/"), f"/{command.lstrip('/')}")
    return f"{template}\n\n{message}".strip() if message.strip() else template


def _code_in_view(selection: str | None, document: Document | None, span: Range | None) -> str:
    """The selected code (or the function around an empty selection), with path and language."""
    language = document.language_id if document else ""
    if selection is None and document is not None and span is not None:
        selection = _range_text(document, span)
    if not selection or not selection.strip():
        return ""
    ticks = "````" if "```" in selection else "```"
    where = f" from {short_path(document.uri)} ({language})" if document else ""
    return f"Selected code{where}:\n{ticks}{language}\n{selection}\n{ticks}"


def _range_text(document: Document, span: Range) -> str:
    (first, first_col), (last, last_col) = span
    if (first, first_col) == (last, last_col):
        lines = [document.line(i) for i in range_lines(document, first)]
        span = enclosing_lines(lines, document.language_id, first - max(0, first - 400))
        if span is None:
            return ""
        return "\n".join(lines[span[0] : span[1] + 1])
    parts = [document.line(i) for i in range_lines(document, first, last)]
    if len(parts) == 1:
        return parts[0][first_col:last_col]
    return "\n".join([parts[0][first_col:], *parts[1:-1], parts[-1][:last_col]])


def range_lines(document: Document, first: int, last: int | None = None) -> range:
    """Line numbers `first..last` (inclusive), or a window of 400 lines around `first`."""
    if last is None:
        return range(max(0, first - 400), min(document.line_count, first + 400))
    return range(max(0, first), min(document.line_count, last + 1))


def short_path(uri: str, root: str | None = None) -> str:
    """The path relative to the workspace root, else its last three parts (no home directory)."""
    path = uri_to_path(uri)
    if root and path.startswith(root.rstrip("/") + "/"):
        return path[len(root.rstrip("/")) + 1 :]
    return "/".join(path.split("/")[-3:]).lstrip("/")


def sum_usage(usages: Sequence[Usage | None]) -> Usage | None:
    """The token counts of several answers added up (None when none reported any)."""
    present = [u for u in usages if u is not None]
    if not present:
        return None
    return Usage(
        prompt_tokens=sum(u.prompt_tokens for u in present),
        completion_tokens=sum(u.completion_tokens for u in present),
        prompt_cache_hit_tokens=sum(u.prompt_cache_hit_tokens for u in present),
        prompt_cache_miss_tokens=sum(u.prompt_cache_miss_tokens for u in present),
        reasoning_tokens=sum(u.reasoning_tokens for u in present),
    )
