"""The definitions part of a cursor's context: packed into its budget, and remembered.

At a new cursor most of this work used to recompute an answer the server already had: over
200 cursors in Django's query.py, 50 distinct sets of nearby definitions and 4 distinct packings.
So a packing is remembered per (file, outline, nearby definitions as `definitions.nearby` names
them, budget) until the index generation or the gate (the exclude globs in force) changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from deepseek_lsp.engine.completion.prompt import Snippet
from deepseek_lsp.engine.workspace import definitions
from deepseek_lsp.engine.workspace.index import Gate
from deepseek_lsp.engine.workspace.outline import Outline
from deepseek_lsp.engine.workspace.scope import Resolver

TITLE_COST = 40  # characters a file's title line costs in the prompt
MIN_USEFUL = 60  # characters: a shorter room left fits no definition with its title
MAX_PACKINGS = 256  # remembered packings: a few strings each, dropped with the generation

Packed = tuple[tuple[str, str], ...]  # (path, its definitions in line order), by path


class Packer:
    """Definitions for a cursor within a budget; one per assembler."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._packed: dict[tuple[object, ...], list[Any]] = {}  # packed, shown, snippets, paths
        self._state: tuple[int, Gate | None] = (-1, None)  # what `_packed` was computed under
        self._rest: tuple[list[definitions.Candidate], Gate, list[_Row]] | None = None

    def pack(
        self,
        gate: Gate,
        path: str,
        outline: Outline,
        lines_above: list[str],
        current: tuple[str, ...],
        budget: int,
        relpath: Callable[[str], str],
    ) -> tuple[Snippet, ...]:
        """What the lines above, the cursor line's names and the imports need, best first."""
        resolver = self.resolver
        generation = resolver.index.generation
        if self._state[0] != generation or self._state[1] is not gate:
            self._packed.clear()  # the index or the exclude globs changed: all of it is stale
            self._state = (generation, gate)
        scope = resolver.scope(path, outline)
        serials, found = definitions.nearby(resolver, scope, path, outline, lines_above, current)
        # the index holds one outline per path and generation: its id names it here
        key = (path, id(outline), serials, budget)
        entry = self._packed.get(key)
        if entry is None:
            near = definitions.near_candidates(found)
            rest = self._rows(definitions.background(resolver, path, outline), gate)
            candidates = [
                (k[0], k[2], text, _cost(text))
                for k, text in near.items()
                if not gate.excluded(k[0])
            ]
            candidates += [row[1:] for row in rest if row[0] not in near]
            if len(self._packed) >= MAX_PACKINGS:
                self._packed.clear()
            packed = _fit(candidates, budget)
            entry = self._packed[key] = [packed, None, (), [p for p, _ in packed]]
        shown = list(map(relpath, entry[3]))
        if shown != entry[1]:  # the snippets as well, while the paths read the same
            entry[2] = tuple(
                Snippet(s, t, "definitions") for s, (_, t) in zip(shown, entry[0], strict=True)
            )
            entry[1] = shown
        return entry[2]

    def _rows(self, rest: list[definitions.Candidate], gate: Gate) -> list[_Row]:
        """`rest` as (key, path, line, text, cost) less what `gate` excludes, made once per list.

        The background list is the same object at every cursor of a file (cached per index
        state); reading each candidate's key property and asking the gate again was ~40
        Python calls at every cursor whose packing was new.
        """
        if self._rest is None or self._rest[0] is not rest or self._rest[1] is not gate:
            rows = [
                (c.key, c.path, c.definition.line, c.text, _cost(c.text))
                for c in rest
                if not gate.excluded(c.path)
            ]
            self._rest = (rest, gate, rows)
        return self._rest[2]


_Row = tuple[tuple[str, str, int], str, int, str, int]


def _cost(text: str) -> int:
    """Characters a definition costs in the prompt, a comment marker per line included."""
    return len(text) + 4 * (text.count("\n") + 1)


def _fit(candidates: Iterable[tuple[str, int, str, int]], budget: int) -> Packed:
    """The best candidates (path, line, text, cost) that fit, each file's in line order."""
    picked: dict[str, list[tuple[int, str]]] = {}
    size = 0
    for path, line, text, cost in candidates:
        cost += 0 if path in picked else TITLE_COST
        if size + cost > budget:
            if budget - size < MIN_USEFUL:
                break  # full: nothing worth sending fits any more
            continue
        size += cost
        picked.setdefault(path, []).append((line, text))
    return tuple((p, "\n".join([t for _, t in sorted(picked[p])])) for p in sorted(picked))
