"""Running a DeepSeek code action: ask the model, turn the reply into edits.

`run_action` snapshots the
document, asks the model, and turns the reply into edits computed on that snapshot (positions are
code-point columns; the lsp layer converts them and can pin the edit to `ActionResult.version`).
`add_docstrings_to_file` documents every function lacking a docstring, a bounded number of requests
at a time, and returns all insertions together so they apply as one workspace edit (one undo).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from deepseek_lsp.engine.actions import docstrings, prompts, replies, testfiles
from deepseek_lsp.engine.actions.docstrings import FunctionSpan, enclosing_function, find_functions
from deepseek_lsp.engine.actions.kinds import (
    ActionKind,
    ActionResult,
    Range,
    directive_in,
    language_of,
)
from deepseek_lsp.engine.actions.prompts import DefinitionsSource, Diagnostic, build_context
from deepseek_lsp.engine.actions.replies import (
    TextEdit,
    extract_code,
    indent_unit,
    insert_lines,
    rebase_indent,
)
from deepseek_lsp.engine.chat import (
    EXCLUDED_TEXT,
    ChatClient,
    ChatResult,
    short_path,
    stream_reply,
    sum_usage,
)
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.privacy import is_excluded
from deepseek_lsp.engine.uris import uri_to_path
from deepseek_lsp.settings import Settings

OnText = Callable[[str], None]
MAX_DOC_TARGET = 150  # lines of a function sent when asking for its docstring
EXISTING_TEST_LINES = 60  # lines of an existing test file shown to the model


@dataclass(frozen=True)
class _Snapshot:
    """The document as it was when the action started; edits are computed on it."""

    uri: str
    version: int
    language: str
    lines: tuple[str, ...]
    eol: str
    path: str

    @classmethod
    def of(cls, doc: Document, root: str | None) -> _Snapshot:
        """Copy the document's lines now (it may change while the model answers)."""
        lines = tuple(doc.line(i) for i in range(doc.line_count))
        eol = doc.line_ending(0) or "\n"
        return cls(doc.uri, doc.version, language_of(doc), lines, eol, short_path(doc.uri, root))

    def result(
        self,
        edits: Sequence[TextEdit],
        reply: ChatResult,
        text: str | None = None,
        create_files: tuple[str, ...] = (),
    ) -> ActionResult:
        """The action's result, pinned to the snapshot's version."""
        return ActionResult(tuple(edits), create_files, text, reply.usage, self.version)


def _snapshot_unless_excluded(
    doc: Document, settings: Settings, root: str | None, roots: Sequence[str]
) -> _Snapshot | None:
    """The document's snapshot, or None when its path must never be sent."""
    if is_excluded(doc.uri, settings.privacy.exclude, roots):
        return None
    return _Snapshot.of(doc, root)


async def run_action(
    kind: ActionKind,
    doc: Document,
    selection: Range,
    diagnostics: Sequence[Diagnostic],
    client: ChatClient,
    settings: Settings,
    *,
    on_delta: OnText | None = None,
    workspace_root: str | None = None,
    workspace_roots: Sequence[str] = (),
    definitions: DefinitionsSource | None = None,
) -> ActionResult:
    """Run one action; code comes back as edits, an explanation as `text`."""
    snap = _snapshot_unless_excluded(doc, settings, workspace_root, workspace_roots)
    if snap is None:
        return ActionResult(text=EXCLUDED_TEXT)
    fixing = diagnostics if kind is ActionKind.FIX else ()
    first, last = prompts.target_lines(snap.lines, snap.language, selection, fixing)
    ctx = build_context(snap.lines, snap.language, snap.path, first, last)
    if definitions is not None:
        ctx = replace(ctx, definitions=definitions(doc, first, last))
    ask = _Ask(client, settings, on_delta)
    if kind is ActionKind.EXPLAIN:
        reply = await ask(prompts.explain_messages(ctx), temperature=None)
        return ActionResult(text=reply.text, usage=reply.usage, version=snap.version)
    if kind is ActionKind.FIX:
        touching = [d for d in diagnostics if d.touches(first, last)]
        return await _rewrite(snap, first, last, prompts.fix_messages(ctx, touching), ask)
    if kind is ActionKind.REFACTOR:
        return await _rewrite(snap, first, last, prompts.refactor_messages(ctx), ask)
    if kind is ActionKind.ADD_DOCSTRING:
        return await _docstring_action(snap, selection[0][0], ask)
    if kind is ActionKind.GENERATE_TESTS:
        return await _tests_action(snap, ctx, workspace_root, ask)
    return await _instruction_action(snap, selection, ask)


class _Ask:
    """One model call with the action's client, settings and delta callback."""

    def __init__(self, client: ChatClient, settings: Settings, on_delta: OnText | None) -> None:
        self.client, self.settings, self.on_delta = client, settings, on_delta

    async def __call__(
        self, messages: prompts.Messages, temperature: float | None = 0.0
    ) -> ChatResult:
        return await stream_reply(
            self.client, self.settings, messages, on_delta=self.on_delta, temperature=temperature
        )


def _unusable(reply: ChatResult, code: str) -> str | None:
    """Why a reply must not become an edit, or None when it can."""
    if reply.finish_reason == "length":
        return "The answer was cut off (deepseek.chat.maxTokens); nothing was changed."
    if not code.strip():
        return "DeepSeek returned no code; nothing was changed."
    return None


async def _rewrite(
    snap: _Snapshot, first: int, last: int, messages: prompts.Messages, ask: _Ask
) -> ActionResult:
    """Replace lines `first..last` with the model's version, touching only the changed lines."""
    reply = await ask(messages)
    code = extract_code(reply.text)
    problem = _unusable(reply, code)
    if problem:
        return snap.result((), reply, text=problem)
    edit = replies.rewrite_edit(snap.uri, snap.lines, first, last, code, snap.eol)
    if edit is None:
        return snap.result((), reply, text="DeepSeek suggested no change.")
    return snap.result([edit], reply)


async def _docstring_action(snap: _Snapshot, line: int, ask: _Ask) -> ActionResult:
    span = enclosing_function(find_functions(snap.lines, snap.language), line)
    if span is None or not span.needs_docstring:
        return ActionResult(text="No function without a docstring here.", version=snap.version)
    edit, reply = await _docstring_edit(snap, span, ask)
    return snap.result([edit] if edit else [], reply)


async def _docstring_edit(
    snap: _Snapshot, span: FunctionSpan, ask: _Ask
) -> tuple[TextEdit | None, ChatResult]:
    """The insertion of `span`'s docstring, positioned on the snapshot."""
    last = min(span.end, span.start + MAX_DOC_TARGET)
    ctx = build_context(snap.lines, snap.language, snap.path, span.decl_start, last)
    reply = await ask(prompts.docstring_messages(ctx, span.name))
    where = docstrings.insertion_for(snap.lines, span, snap.language)
    lines = docstrings.format_docstring(reply.text, snap.language, where.indent, span.name)
    if not lines or reply.finish_reason == "length":
        return None, reply
    return insert_lines(snap.uri, snap.lines, where.line, lines, snap.eol), reply


async def _tests_action(
    snap: _Snapshot, ctx: prompts.CodeContext, root: str | None, ask: _Ask
) -> ActionResult:
    source = uri_to_path(snap.uri)
    target = await asyncio.to_thread(
        testfiles.target_for_tests, source, snap.language, root, os.path.exists
    )
    existing = None
    if target.mode == "append" and not target.same_file:
        existing = await asyncio.to_thread(testfiles.read_lines, target.path)
    head = "\n".join(existing[:EXISTING_TEST_LINES]) if existing is not None else None
    reply = await ask(prompts.tests_messages(ctx, short_path(target.path, root), head))
    code = extract_code(reply.text)
    problem = _unusable(reply, code)
    if problem:
        return snap.result((), reply, text=problem)
    lines = rebase_indent(code, "", indent_unit(snap.lines))
    edit, created = testfiles.edit_for_tests(
        target, snap.uri, snap.lines, lines, existing, snap.eol
    )
    return snap.result([edit], reply, create_files=created)


async def _instruction_action(snap: _Snapshot, selection: Range, ask: _Ask) -> ActionResult:
    first, last = selection[0][0], selection[1][0]
    found = directive_in(lambda n: snap.lines[n], snap.language, snap.uri, first, last)
    if found is None:
        return ActionResult(text="No @deepseek instruction on this line.", version=snap.version)
    first = max(0, found.line - 30)
    ctx = build_context(snap.lines, snap.language, snap.path, first, found.line)
    reply = await ask(prompts.instruction_messages(ctx, found.instruction))
    code = extract_code(reply.text)
    problem = _unusable(reply, code)
    if problem:
        return snap.result((), reply, text=problem)
    lines = rebase_indent(code, found.indent, indent_unit(snap.lines))
    if lines and lines[0].strip() == snap.lines[found.line].strip():
        lines = lines[1:]  # the model repeated the instruction's comment
    edit = insert_lines(snap.uri, snap.lines, found.line + 1, lines, snap.eol)
    return snap.result([edit], reply)


async def add_docstrings_to_file(
    doc: Document,
    client: ChatClient,
    settings: Settings,
    *,
    concurrency: int = 4,
    workspace_root: str | None = None,
    workspace_roots: Sequence[str] = (),
) -> ActionResult:
    """Docstrings for every function lacking one, at most `concurrency` requests at a time."""
    snap = _snapshot_unless_excluded(doc, settings, workspace_root, workspace_roots)
    if snap is None:
        return ActionResult(text=EXCLUDED_TEXT)
    spans = [s for s in find_functions(snap.lines, snap.language) if s.needs_docstring]
    if not spans:
        return ActionResult(text="Every function here has a docstring.", version=snap.version)
    gate = asyncio.Semaphore(max(1, concurrency))
    ask = _Ask(client, settings, None)

    async def one(span: FunctionSpan) -> tuple[TextEdit | None, ChatResult]:
        async with gate:
            return await _docstring_edit(snap, span, ask)

    outcomes = await asyncio.gather(*(one(s) for s in spans), return_exceptions=True)
    return _combined(snap, outcomes)


def _combined(
    snap: _Snapshot, outcomes: Sequence[tuple[TextEdit | None, ChatResult] | BaseException]
) -> ActionResult:
    """One result from many: non-overlapping edits in document order, usage summed."""
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    done = [o for o in outcomes if not isinstance(o, BaseException)]
    for error in errors:
        if not isinstance(error, Exception):
            raise error  # a cancellation or the like
    if errors and not done:
        raise errors[0]
    edits = {edit.start: edit for edit, _ in done if edit is not None}
    usage = sum_usage([reply.usage for _, reply in done])
    text = None
    if errors:
        text = f"{len(errors)} of {len(outcomes)} docstrings failed: {errors[0]}"
    ordered = tuple(edits[start] for start in sorted(edits))
    return ActionResult(ordered, text=text, usage=usage, version=snap.version)
