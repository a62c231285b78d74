"""Members of a type as a call on a value needs them: `v.Method(` once `v`'s type is known.

Two things the type's own outline does not say: which type a constructor returns (`v := New()`
gives `*Viper`, `let s = Searcher::new()` gives `Searcher`), and the methods a Go type gets in
the other files of its package (cobra's `Command` has methods in a dozen files). Both answers
are cached per index generation, so a keystroke pays for dictionary lookups.
"""

from __future__ import annotations

import os
import re

from deepseek_lsp.engine.workspace.outline import Definition
from deepseek_lsp.engine.workspace.scope import Found, Resolver

_CAPITAL = re.compile(r"\b([A-Z]\w*)")
_WRAPPERS = frozenset({"Result", "Option", "Box", "Arc", "Rc", "Promise", "Optional", "Ok"})
_CALLABLE = frozenset({"function", "method"})


def return_type(definition: Definition) -> str:
    """The type a function's signature returns or a variable's declares ("" if unsaid)."""
    signature = definition.signature
    after = signature.find(definition.name) + len(definition.name)
    if definition.kind in _CALLABLE:
        after = _closing(signature, signature.find("(", after)) + 1
        if after <= 0:
            return ""
    elif definition.kind != "variable":
        return ""
    for name in _CAPITAL.findall(signature[after:]):
        if name == "Self":
            return definition.parent
        if name not in _WRAPPERS:
            return name
    return ""


def _closing(text: str, start: int) -> int:
    """Index of the parenthesis closing the one at `start`, -1 when unbalanced."""
    if start < 0:
        return -1
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def constructed(resolver: Resolver, found: Found | None) -> Found | None:
    """The type a found function returns (or variable holds), looked up beside it.

    Else `found` itself, which may be the type already.
    """
    if found is None:
        return None
    name = return_type(found[1])
    if not name or name == found[1].name:
        return found
    outline = resolver.index.outline_of(found[0])
    if outline is None:
        return found
    own = outline.find(name)
    if own is not None:
        return (found[0], own)
    scope = resolver.scope(found[0], outline)
    bound = scope.names.get(name)
    files = bound[:-1] if bound is not None else scope.open_files
    typed = resolver.lookup(files, bound[-1] if bound is not None else name)
    return typed if typed is not None else found


def named(resolver: Resolver, typed: Found, name: str) -> list[Found]:
    """The members called `name` of the type: its own, then methods from other files."""
    own = [(typed[0], m) for m in typed[1].members if m.name == name]
    return own + [f for f in package_methods(resolver, typed) if f[1].name == name]


def package_methods(resolver: Resolver, typed: Found) -> list[Found]:
    """Go: methods of the type declared in the other files of its package (cached)."""
    path, definition = typed
    if not path.endswith(".go") or definition.kind not in ("class", "type"):
        return []
    key = ("methods", path, definition.name)
    cached = resolver.cache.get(key)
    if cached is not None and cached[0] == resolver.index.generation:
        return cached[1]
    found: list[Found] = []
    for other in resolver.index.in_dir(os.path.dirname(path)):
        outline = resolver.index.outline_of(other) if other != path else None
        if outline is not None and outline.package and not other.endswith("_test.go"):
            found += [
                (other, d)
                for d in outline.definitions
                if d.kind == "method" and d.parent == definition.name
            ]
    if len(resolver.cache) > 64:
        resolver.cache.clear()
    resolver.cache[key] = (resolver.index.generation, found)
    return found
