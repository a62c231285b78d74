"""Cross-file context for one cursor: both sources, within a token budget, in a stable order.

This runs on every keystroke's request, so it only reads what the background work prepared:
outlines from the index, import scopes cached per index generation, window token sets cached
per document version, and the whole answer cached per (document, cursor line, lines above,
references, index generation). The snippets come out ordered by source, then path, then line,
never by score, so the prompt's prefix does not move while the set of snippets stays the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from deepseek_lsp.engine.completion.prompt import CHARS_PER_TOKEN, Snippet
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.uris import uri_to_path
from deepseek_lsp.engine.workspace import definitions, names, similar
from deepseek_lsp.engine.workspace.builder import IndexBuilder
from deepseek_lsp.engine.workspace.outline import Outline
from deepseek_lsp.engine.workspace.packing import TITLE_COST, Packer
from deepseek_lsp.engine.workspace.scope import Resolver

SIMILAR_SHARE = 0.3  # at most this part of the context budget goes to similar snippets
RECENT_DOCUMENTS = 10


@dataclass(frozen=True)
class Context:
    """The snippets for one request and what produced them."""

    snippets: tuple[Snippet, ...] = ()


_NOTHING = Context()


class ContextAssembler:
    """One per server; reads the index that `builder` keeps current."""

    def __init__(self, builder: IndexBuilder) -> None:
        self.builder = builder
        self.resolver = Resolver(builder.index)
        self.packer = Packer(self.resolver)
        self._windows: dict[str, similar.Windows] = {}
        self._answers: dict[str, tuple[tuple[object, ...], Context]] = {}

    def context(
        self,
        doc: Document,
        pos: tuple[int, int],
        max_tokens: int,
        open_docs: Sequence[Document] = (),
        relpath: Callable[[str], str] = os.path.basename,
    ) -> Context:
        """Snippets from other files for the cursor at `pos` (code points)."""
        outline = self._outline(doc)
        others = [d for d in open_docs if d.uri != doc.uri][:RECENT_DOCUMENTS]
        if outline is None and not others:
            return _NOTHING  # outside the workspace folders, nothing else open: no source
        line = min(pos[0], max(doc.line_count - 1, 0))
        # the document's own line objects, endings kept: their hashes are cached from request
        # to request (stripped copies would be new strings to hash); no pattern sees the ending
        above = doc.raw_lines(max(0, line - definitions.LINES_ABOVE), line)
        refs = names.current_references(doc.line(line)[: pos[1]])
        key = (line, tuple(above), refs, self.builder.index.generation, max_tokens,
               tuple((d.uri, d.version) for d in others), id(outline))  # fmt: skip
        cached = self._answers.get(doc.uri)
        if cached is not None and cached[0] == key:
            return cached[1]
        budget = max(max_tokens, 0) * CHARS_PER_TOKEN
        similar_snippets = self._similar(above, others, int(budget * SIMILAR_SHARE), relpath)
        used = sum(len(s.text) + 4 * s.text.count("\n") + TITLE_COST for s in similar_snippets)
        found = self._definitions(doc, outline, above, refs, budget - used, relpath)
        answer = Context(found + tuple(similar_snippets))
        if len(self._answers) > 64:
            self._answers.clear()
        self._answers[doc.uri] = (key, answer)
        return answer

    def prepare_lines(self, doc: Document) -> Iterator[None]:
        """Remember each line's row of `doc` (its names, what resolves), a step per line.

        A cursor in a part of the file not served yet reads 40 lines whose rows are new, about
        0.3 ms cold at p50 on Django's query.py; rows are the line's, not the cursor's, so the
        service prepares them in the background (`WorkspaceService`). Stops at the scope's cap.
        """
        outline = self._outline(doc)
        if outline is None or doc.line_count > definitions.MAX_REMEMBERED // 2:
            return
        path = uri_to_path(doc.uri)
        scope = self.resolver.scope(path, outline)
        for line in doc.raw_lines(0, doc.line_count):
            if self.resolver.scope(path, outline) is not scope:
                return  # the index changed meanwhile: that change prepares its own
            definitions.prepare_row(self.resolver, scope, path, outline, line)
            yield

    def definitions_for(
        self,
        doc: Document,
        first: int,
        last: int,
        max_tokens: int,
        relpath: Callable[[str], str] = os.path.basename,
    ) -> list[Snippet]:
        """Definitions from other files that the lines first..last (a selection) use."""
        lines = [doc.line(i) for i in range(max(first, 0), min(last + 1, doc.line_count))]
        budget = max(max_tokens, 0) * CHARS_PER_TOKEN
        return list(self._definitions(doc, self._outline(doc), lines, (), budget, relpath))

    def _outline(self, doc: Document) -> Outline | None:
        """The index's outline of the document (the editor's text, or the disk's).

        Never parsed here: a 10,000-line file takes ~100 ms, too long for a keystroke; a
        document outside the workspace folders has no definitions source.
        """
        return self.builder.index.outline_of(uri_to_path(doc.uri))

    def _definitions(
        self,
        doc: Document,
        outline: Outline | None,
        above: list[str],
        current: tuple[str, ...],
        budget: int,
        relpath: Callable[[str], str],
    ) -> tuple[Snippet, ...]:
        if outline is None or budget <= 0:
            return ()
        path = uri_to_path(doc.uri)
        return self.packer.pack(self.builder.gate, path, outline, above, current, budget, relpath)

    def _similar(
        self, above: list[str], others: list[Document], budget: int, relpath: Callable[[str], str]
    ) -> list[Snippet]:
        if not others or budget <= 0:
            return []
        query = similar.tokens("\n".join(raw.rstrip("\r\n") for raw in above[-similar.WINDOW :]))
        docs = []
        for other in others:
            path = uri_to_path(other.uri)
            if self.builder.gate.excluded(path) or (
                self.builder.gate.roots and not self.builder.gate.allows(path)
            ):
                continue
            cached = self._windows.get(other.uri)
            if cached is None or cached.key != (other.uri, other.version):
                cached = self._windows[other.uri] = similar.windows(
                    other.uri, other.version, other.text
                )
            docs.append(cached)
        kept, size = [], 0
        for match in similar.best_windows(query, docs):
            cost = len(match.text) + 4 * similar.WINDOW + TITLE_COST
            if size + cost <= budget:
                size += cost
                kept.append(Snippet(relpath(uri_to_path(match.uri)), match.text, "similar"))
        return sorted(kept, key=lambda s: s.path)
