"""Context source "definitions the cursor needs": what the code around the cursor refers to.

Names referenced in the current statement and the lines above it are resolved through the
file's imports (see `scope.py`) to definitions in other files: a function's signature, a class or
type with its members (also when a method is called on a value whose type the lines above
reveal). Then the rest of what the file imports by name, then the top-level definitions of
imported modules and of the file's own package: the call being typed is often not written yet.
Each candidate has a rank (lower first); the budget keeps the best, the prompt orders by path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deepseek_lsp.engine.workspace.outline import Definition, Outline
from deepseek_lsp.engine.workspace.scope import Found, Resolver, Scope

LINES_ABOVE = 40
_REFERENCE = re.compile(r"[A-Za-z_$][\w$]*(?:\s*(?:\.|::|->)\s*[A-Za-z_$][\w$]*)*")
_SPLIT = re.compile(r"\s*(?:\.|::|->)\s*")
_TYPED = (
    r"(?:{v}\s*(?::|=\s*(?:new\s+|await\s+)?|:=\s*&?|=\s*&)\s*"
    r"(?:[\w.]+\.|[\w:]+::)?(?P<t>[A-Z][\w]*)"
    r"|(?P<u>[A-Z]\w*)(?:<[^>]*>)?[*&\s]+{v}\b)"
)
TOP_RANK = 0
IMPORTED_RANK = 1000
MODULE_RANK = 2000


@dataclass(frozen=True)
class Candidate:
    """A definition worth sending, with why (rank) and whether to show members."""

    path: str
    definition: Definition
    rank: int
    members: bool


def references(lines_above: list[str], current: str) -> list[str]:
    """Dotted names near the cursor, nearest first, each once."""
    seen: dict[str, None] = {}
    for line in [current, *reversed(lines_above[-LINES_ABOVE:])]:
        for match in reversed(list(_REFERENCE.finditer(line))):
            seen.setdefault(_SPLIT.sub(".", match.group()), None)
    return list(seen)


def needed(
    resolver: Resolver,
    path: str,
    outline: Outline,
    lines_above: list[str],
    current: str,
) -> list[Candidate]:
    """Definitions from other files that the cursor's surroundings use, best first."""
    scope = resolver.scope(path, outline)
    chosen: dict[tuple[str, str, int], Candidate] = {}

    def add(found: Found | None, rank: int, members: bool = False) -> None:
        if found is None or found[0] == path:
            return
        key = (found[0], found[1].name, found[1].line)
        old = chosen.get(key)
        if old is None or rank < old.rank or (members and not old.members):
            chosen[key] = Candidate(found[0], found[1], min(rank, old.rank if old else rank),
                                    members or bool(old and old.members))  # fmt: skip

    text_above = "\n".join(lines_above[-LINES_ABOVE:])
    for rank, ref in enumerate(references(lines_above, current)):
        head, *tail = ref.split(".")
        found = _resolve_name(resolver, scope, head)
        if found is not None:
            add(found, rank, members=bool(tail) or found[1].kind == "class")
            continue
        if head in scope.modules and tail:
            add(resolver.lookup(scope.modules[head], tail[0]), rank, members=len(tail) > 1)
            continue
        if tail:
            type_name = _type_of(head, text_above)
            if type_name:
                add(_resolve_name(resolver, scope, type_name), rank, members=True)
    for rank, (_local, bound) in enumerate(scope.names.items(), IMPORTED_RANK):
        add(resolver.lookup(bound[:-1], bound[-1]), rank)
    module_files = [f for files in scope.modules.values() for f in files]
    for rank, found in enumerate(
        resolver.module_definitions([*module_files, *scope.open_files]), MODULE_RANK
    ):
        if not found[1].name.startswith("_"):
            add(found, rank)
    return sorted(chosen.values(), key=lambda c: c.rank)


def _resolve_name(resolver: Resolver, scope: Scope, name: str) -> Found | None:
    bound = scope.names.get(name)
    if bound is not None:
        return resolver.lookup(bound[:-1], bound[-1])
    if scope.open_files:
        return resolver.lookup(scope.open_files, name)
    return None


def _type_of(variable: str, text: str) -> str:
    """The type the lines above give `variable` (`v = Foo(`, `v: Foo`, `Foo v`, `v := &Foo{`)."""
    if not re.fullmatch(r"[A-Za-z_]\w*", variable):
        return ""
    pattern = re.compile(_TYPED.format(v=re.escape(variable)))
    matches = list(pattern.finditer(text))
    if not matches:
        return ""
    last = matches[-1]
    return last.group("t") or last.group("u") or ""


def render(definition: Definition, members: bool) -> str:
    """A definition as the prompt shows it: signature, doc line, member signatures."""
    lines = [definition.signature]
    if definition.doc:
        lines.append(f"    {definition.doc}")
    if members or definition.kind == "class":
        lines += [f"    {m.signature}" for m in definition.members if not m.name.startswith("_")
                  or m.name == "__init__"]  # fmt: skip
    return "\n".join(lines)
