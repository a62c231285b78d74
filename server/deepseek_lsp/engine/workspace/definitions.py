"""Context source "definitions the cursor needs": what the code around the cursor refers to.

Names referenced in the current statement and the lines above it are resolved through the
file's imports (see `scope.py`) to definitions in other files: a function's signature, a class or
type with its members (also when a method is called on a value whose type the lines above
reveal). Then the rest of what the file imports by name, then the top-level definitions of
imported modules and of the file's own package: the call being typed is often not written yet.
Each candidate has a rank (lower first); the budget keeps the best, the prompt orders by path.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import NamedTuple

from deepseek_lsp.engine.workspace import members as typed_members
from deepseek_lsp.engine.workspace import names
from deepseek_lsp.engine.workspace.outline import MAX_MEMBERS, Definition, Outline
from deepseek_lsp.engine.workspace.scope import Found, Resolver, Scope

ALL_MEMBERS = 2  # render every member: the code calls methods on a value of the type
LINES_ABOVE = 40
IMPORTED_RANK = 10_000
MENTIONED_RANK = 20_000  # a package's definition the file mentions somewhere
MODULE_RANK = 100_000
TYPED_REFERENCES = 12  # the nearest dotted names get their variable's type looked up
MAX_REMEMBERED = 8192  # resolved names per scope: bounded memory on a huge file
_SELF = frozenset({"self", "this", "cls", "super", "Self"})
_SERIALS = itertools.count(1)  # never reused: a scope rebuilt in one generation starts afresh


@dataclass(frozen=True)
class Candidate:
    """A definition worth sending, rendered, with why (rank: lower is better)."""

    path: str
    definition: Definition
    rank: int
    text: str

    @property
    def key(self) -> tuple[str, str, int]:
        """One definition, whichever way it was reached."""
        return (self.path, self.definition.name, self.definition.line)


def candidate(
    found: Found, rank: int, members: int = 0, mentioned: frozenset[str] = frozenset()
) -> Candidate:
    """A found definition, rendered once."""
    return Candidate(found[0], found[1], rank, render(found[1], members, mentioned))


Hit = tuple[tuple[str, str, int], int, str]  # Candidate.key, members (render), rendered text


class Resolved(NamedTuple):
    """One dotted name's definitions in other files, rendered once per scope (a generation)."""

    serial: int  # unique in the process: a set of nearby definitions is named by serials
    hits: tuple[Hit, ...]
    head: str  # the variable whose type the lines above may give, "" when that cannot matter


def nearby(
    resolver: Resolver,
    scope: Scope,
    path: str,
    outline: Outline,
    lines_above: list[str],
    current: tuple[str, ...],
) -> tuple[tuple[int, ...], list[tuple[Hit, ...]]]:
    """What the names near the cursor resolve to (nearest first), and a name for that answer.

    `scope` is the file's, `current` the cursor line's names. Equal answer names mean equal
    definitions. The nearest TYPED_REFERENCES names are resolved one by one (their variable's
    type counts); past them only the names of each line that resolve to anything are read,
    from the line's row remembered in the scope.
    """
    _own(scope, outline)
    known, rows = scope.refs, scope.lines
    window = lines_above[-LINES_ABOVE:]
    above = list(map(rows.get, reversed(window)))  # no Python frame per line: it runs cold
    if None in above:
        lines = window[::-1]
        above = [row or _row(resolver, scope, path, lines[i]) for i, row in enumerate(above)]
    types: dict[str, str] | None = None
    seen: set[str] = set()
    serials: list[int] = []
    found: list[tuple[Hit, ...]] = []
    refs, taken = current, 0
    while True:
        for ref in refs:
            if ref in seen:
                continue
            resolved = known.get(ref) or _remember(resolver, scope, path, ref, "")
            if resolved.head and len(seen) < TYPED_REFERENCES:
                if types is None:  # each variable's type as the nearest line gives it
                    types = dict(itertools.chain.from_iterable([r[2] for r in reversed(above)]))
                type_name = types.get(resolved.head)
                if type_name:
                    resolved = known.get((ref, type_name)) or _remember(
                        resolver, scope, path, ref, type_name
                    )
            seen.add(ref)
            if resolved.hits:
                serials.append(resolved.serial)
                found.append(resolved.hits)
        if len(seen) >= TYPED_REFERENCES or taken == len(above):
            break
        refs, taken = above[taken][0], taken + 1
    for row in above[taken:]:
        for ref, resolved in row[1]:
            if ref not in seen:
                seen.add(ref)
                serials.append(resolved.serial)
                found.append(resolved.hits)
    return tuple(serials), found


def _own(scope: Scope, outline: Outline) -> None:
    """The scope's remembered texts render what `outline` mentions: another outline, afresh."""
    if scope.outline is not outline:
        scope.refs.clear()
        scope.lines.clear()
        scope.outline = outline


def prepare_row(resolver: Resolver, scope: Scope, path: str, outline: Outline, line: str) -> None:
    """Remember `line`'s row ahead of a cursor below it (see `ContextAssembler.prepare_lines`)."""
    _own(scope, outline)
    if line not in scope.lines:
        _row(resolver, scope, path, line)


def _row(resolver: Resolver, scope: Scope, path: str, line: str) -> Row:
    """A line's names, those that resolve (untyped) to anything, its (variable, type) pairs."""
    if len(scope.lines) > MAX_REMEMBERED:
        scope.lines.clear()
    refs = names.line_references(line)
    resolving = []
    for ref in refs:
        resolved = scope.refs.get(ref) or _remember(resolver, scope, path, ref, "")
        if resolved.hits:
            resolving.append((ref, resolved))
    row = (refs, tuple(resolving), names.line_types(line))
    scope.lines[line] = row = row if any(row) else _EMPTY_ROW
    return row


def near_candidates(found: list[tuple[Hit, ...]]) -> dict[tuple[str, str, int], str]:
    """Definitions by key, in the order first reached; a later typed view's members win."""
    near: dict[tuple[str, str, int], str] = {}
    for hits in found:
        for key, members, text in hits:
            old = near.get(key)
            if old is None or (members and old != text):
                near[key] = text
    return near


Row = tuple[tuple[str, ...], tuple[tuple[str, Resolved], ...], tuple[tuple[str, str], ...]]
_EMPTY_ROW: Row = ((), (), ())


def _remember(resolver: Resolver, scope: Scope, path: str, ref: str, type_name: str) -> Resolved:
    """Resolve and render `ref` (its head of type `type_name`, if known) once per scope."""
    if len(scope.refs) > MAX_REMEMBERED:
        scope.refs.clear()
    hits, head = _resolve_reference(resolver, scope, ref, type_name)
    mentioned = scope.outline.identifiers if scope.outline is not None else frozenset()
    rendered = tuple(
        ((f[0], f[1].name, f[1].line), members, render(f[1], members, mentioned))
        for f, members in hits
        if f[0] != path
    )
    resolved = Resolved(next(_SERIALS), rendered, head)
    scope.refs[(ref, type_name) if type_name else ref] = resolved
    return resolved


def _resolve_reference(
    resolver: Resolver, scope: Scope, ref: str, type_name: str
) -> tuple[list[tuple[Found, int]], str]:
    """What one dotted name near the cursor refers to, and which members matter (render).

    And the head whose type (from the lines above) would change the answer, or "".
    """
    head, *tail = ref.split(".")
    found = _resolve_name(resolver, scope, head)
    typed_head = ""
    if tail and head not in scope.modules and (found is None or found[1].kind == "variable"):
        typed_head = "" if head in _SELF else head
        typed = _value_type(resolver, scope, head, type_name, found)
        if typed is not None:
            named = typed_members.named(resolver, typed, tail[0])
            return [(typed, ALL_MEMBERS), *((m, 0) for m in named)], typed_head
    if found is not None:
        own = [(m, 0) for m in typed_members.named(resolver, found, tail[0])] if tail else []
        return [(found, int(bool(tail) or found[1].kind == "class")), *own], typed_head
    if head in scope.modules and tail:
        member = resolver.lookup(scope.modules[head], tail[0])
        return ([(member, int(len(tail) > 1))] if member is not None else []), typed_head
    return [], typed_head


def _value_type(
    resolver: Resolver, scope: Scope, head: str, type_name: str, found: Found | None
) -> Found | None:
    """The type of the value `head` names, or None.

    The lines above say it first (`v := New()`, `v: Foo`: `type_name`), else the
    package-level variable `head` is (`var v *Viper`).
    """
    typed = None
    if type_name and head not in _SELF:
        typed = _resolve_name(resolver, scope, type_name)
    typed = typed_members.constructed(resolver, typed or found)  # `New()`: the type it returns
    return None if typed is None or typed[1].kind == "variable" else typed


def background(resolver: Resolver, path: str, outline: Outline) -> list[Candidate]:
    """What the file imports and its package holds, whatever the cursor: cached per index state.

    Names the file mentions anywhere come before the ones it does not.
    """
    # the outline object itself is compared: hashing its imports ran ~20 dataclass __hash__
    key = ("background", path)
    cached = resolver.cache.get(key)
    if cached is not None and cached[0] == resolver.index.generation and cached[1][0] is outline:
        return cached[1][1]  # type: ignore[no-any-return]
    scope = resolver.scope(path, outline)
    found: list[tuple[Found, int]] = []
    for rank, (_local, bound) in enumerate(scope.names.items(), IMPORTED_RANK):
        hit = resolver.lookup(bound[:-1], bound[-1])
        if hit is not None:
            found.append((hit, rank))
    own = set(scope.open_files)  # the package's files (or star imports) before modules
    module_files = [f for files in scope.modules.values() for f in files if f not in own]
    hidden = _unexported if outline.language == "go" else _private
    for rank, hit in enumerate(
        resolver.module_definitions([*scope.open_files, *module_files]), MODULE_RANK
    ):
        if not hidden(hit[1].name, hit[0] in own):
            mentioned = hit[1].name in outline.identifiers
            found.append((hit, rank - (MODULE_RANK - MENTIONED_RANK) * mentioned))
    seen: set[tuple[str, str, int]] = set()
    result = []
    for hit, rank in sorted(found, key=lambda item: item[1]):
        made = candidate(hit, rank, False, outline.identifiers)
        if made.path != path and made.key not in seen:
            seen.add(made.key)
            result.append(made)
    if len(resolver.cache) > 64:
        resolver.cache.clear()
    resolver.cache[key] = (resolver.index.generation, (outline, result))
    return result


def _private(name: str, _own: bool) -> bool:
    return name.startswith("_")


def _unexported(name: str, own: bool) -> bool:
    """Go: another package's lower-case names cannot be used from here."""
    return not own and not name[:1].isupper()


def _resolve_name(resolver: Resolver, scope: Scope, name: str) -> Found | None:
    """A bare name through the imports, remembered in the scope (valid for this generation)."""
    if name in scope.memo:
        return scope.memo[name]
    bound = scope.names.get(name)
    if bound is not None:
        found = resolver.lookup(bound[:-1], bound[-1])
    else:
        found = resolver.lookup(scope.open_files, name) if scope.open_files else None
    scope.memo[name] = found
    return found


def render(definition: Definition, members: int, mentioned: frozenset[str] = frozenset()) -> str:
    """A definition as the prompt shows it: signature, doc line, member signatures.

    `members` is 0 (a function), 1 (a type named near the cursor or imported: its first
    MAX_MEMBERS public members, those the current file mentions first, in declared order) or
    ALL_MEMBERS (the code calls methods on a value of the type: every one, up to MAX_METHODS).
    """
    lines = [definition.signature]
    if definition.doc:
        lines.append(f"    {definition.doc}")
    if members or definition.kind == "class":
        shown = [
            m for m in definition.members if not m.name.startswith("_") or m.name == "__init__"
        ]
        if len(shown) > MAX_MEMBERS and members != ALL_MEMBERS:
            chosen = {
                id(m) for m in sorted(shown, key=lambda m: m.name not in mentioned)[:MAX_MEMBERS]
            }
            shown = [m for m in shown if id(m) in chosen]
        lines += [f"    {m.signature}" for m in shown]
    return "\n".join(lines)
