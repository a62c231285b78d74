"""The FIM request for a cursor: prompt, suffix and stop sequences, redacted, with its cache key.

Pure given the settings, so the engine can build it once per document edit and cursor, and
`deepseek-lsp complete --show-prompt` can show exactly what would be sent.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cached_property

from deepseek_lsp.api import FimRequest
from deepseek_lsp.engine import privacy
from deepseek_lsp.engine.completion import postprocess as post
from deepseek_lsp.engine.completion import prompt as fim_prompt
from deepseek_lsp.engine.completion.cache import cache_key, local_key
from deepseek_lsp.engine.document import Document
from deepseek_lsp.settings import Settings

SUFFIX_BUDGET_TOKENS = 384
READY_AFTER_SECONDS = 0.005  # the POST is written by then; an answer this fast computes it itself


@dataclass(frozen=True)
class Prepared:
    """A FIM request ready to go, with what postprocessing needs."""

    ctx: fim_prompt.FimContext
    request: FimRequest
    key: str  # this process's caches and in-flight work (`local_key`)
    redactions: int
    snippets: tuple[fim_prompt.Snippet, ...] = ()  # cross-file context offered to the prompt

    def ready_answer_soon(self) -> None:
        """Work out what only the answer needs a moment after the request has gone.

        That is while DeepSeek thinks, not on the way there: `FimContext.indent_unit` and
        `close_allowance`.
        """
        asyncio.get_running_loop().call_later(READY_AFTER_SECONDS, self.ready_answer)

    def ready_answer(self) -> None:
        """What postprocessing reads lazily, worked out now (a repeat costs nothing)."""
        ctx = self.ctx
        ctx.indent_unit  # noqa: B018 - cached properties, computed here
        if ctx.multiline and not ctx.indent_blocks:  # only a brace language's block end reads it
            ctx.close_allowance  # noqa: B018

    @cached_property
    def shared_key(self) -> str:
        """The key the team cache (Redis) shares between processes: computed only for it."""
        r = self.request
        params = {"max_tokens": r.max_tokens, "t": r.temperature, "stop": r.stop}
        return cache_key(r.model, params, r.prompt, r.suffix)


def prepare(
    s: Settings,
    doc: Document,
    pos: tuple[int, int],
    workspace_relpath: str | None = None,
    snippets: tuple[fim_prompt.Snippet, ...] = (),
) -> Prepared:
    """Build the FIM request for a cursor (code-point column), redacted as it will be sent."""
    ctx = fim_prompt.build_fim_context(
        doc,
        pos,
        budget_tokens=s.context.prompt_tokens,
        suffix_tokens=SUFFIX_BUDGET_TOKENS,
        workspace_relpath=workspace_relpath,
        snippets=snippets,
        context_tokens=s.context.max_tokens,
    )
    prompt, suffix, pieces, redactions = ctx.prompt, ctx.suffix, ctx.pieces, 0
    if s.privacy.redact_secrets:
        red_prompt = privacy.redact_pieces(pieces or (prompt,), prompt)
        red_suffix = privacy.redact(suffix)
        prompt, suffix = red_prompt.text, red_suffix.text
        pieces = red_prompt.pieces if pieces else ()
        redactions = red_prompt.count + red_suffix.count
    request = FimRequest(
        model=s.completion.model,
        prompt=prompt,
        suffix=suffix,
        max_tokens=s.completion.max_tokens,
        temperature=s.completion.temperature,
        stop=post.stop_sequences(ctx),
        pieces=pieces,  # the body is assembled from them (they recur: their JSON is cached)
    )
    params = (request.max_tokens, request.temperature, tuple(request.stop))
    key = local_key(request.model, params, prompt, suffix)
    return Prepared(ctx, request, key, redactions, snippets)


class PrepareOnce:
    """`prepare`, once per document edit, cursor and settings (a repeat costs nothing).

    Keyed on the document object itself and its edit counter, so a copy made for a speculation
    never answers for the real document, and a client that repeats a version number never gets
    a stale prompt.
    """

    def __init__(self) -> None:
        self._for: dict[str, tuple[Document, object, Prepared]] = {}

    def __call__(
        self,
        s: Settings,
        doc: Document,
        pos: tuple[int, int],
        relpath: str | None,
        snippets: tuple[fim_prompt.Snippet, ...] = (),
    ) -> Prepared:
        """The request for this cursor, built now or on an earlier call for the same state.

        The cross-file snippets are part of the key: other files change without this one.
        """
        key = (doc.edits, pos, relpath, s, snippets)
        memo = self._for.get(doc.uri)
        if memo is not None and memo[0] is doc and memo[1] == key:
            return memo[2]
        prepared = prepare(s, doc, pos, relpath, snippets)
        self._for[doc.uri] = (doc, key, prepared)
        return prepared

    def forget(self, uri: str) -> None:
        """Drop a closed document's entry."""
        self._for.pop(uri, None)
