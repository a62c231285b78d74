"""Which files never leave the machine: the `privacy.exclude` globs.

`is_excluded` decides whether a document may be sent at all (not even as context for another
file). Globs are VS Code/gitignore style and matched relative to the deepest workspace root.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from urllib.parse import unquote, urlparse


def is_excluded(path: str, globs: Sequence[str], workspace_roots: Sequence[str] = ()) -> bool:
    """Whether `path` (a file URI or a plain path) matches any glob.

    Each glob is matched against the path relative to the deepest workspace root containing it
    (the absolute path without its leading slash when none does) and against the bare file name.
    """
    if not globs:
        return False
    return _excluded(path, tuple(globs), tuple(workspace_roots))


@functools.lru_cache(maxsize=512)
def _excluded(path: str, globs: tuple[str, ...], workspace_roots: tuple[str, ...]) -> bool:
    """`is_excluded`, once per document, globs and roots: every completion request asks."""
    matcher = _compile_globs(globs)
    full = _normalise(path)
    relative = _relative(full, [_normalise(root) for root in workspace_roots])
    name = full.rsplit("/", 1)[-1]
    return matcher(relative) is not None or matcher(name) is not None


def _normalise(path: str) -> str:
    """A POSIX-style absolute path from a file URI or an OS path; drive letters in lower case."""
    if path.startswith("file:"):
        parsed = urlparse(path)
        path = unquote(parsed.path)
        if parsed.netloc and parsed.netloc != "localhost":
            path = f"//{parsed.netloc}{path}"  # a UNC share
    path = path.replace("\\", "/")
    if re.match(r"^/[A-Za-z]:", path):
        path = path[1:]
    if re.match(r"^[A-Za-z]:", path):
        path = path[0].lower() + path[1:]
    return path.rstrip("/") if len(path) > 1 else path


def _relative(full: str, roots: Sequence[str]) -> str:
    best = ""
    for root in roots:
        if full.startswith(root.rstrip("/") + "/") and len(root) > len(best):
            best = root.rstrip("/")
    return full[len(best) + 1 :] if best else full.lstrip("/")


@functools.lru_cache(maxsize=32)
def _compile_globs(globs: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """One regex for all globs, compiled once per distinct tuple of globs."""
    parts = [_glob_to_regex(g.strip().lstrip("/")) for g in globs if g.strip()]
    if not parts:
        return lambda _text: None
    return re.compile("|".join(f"(?:{part})" for part in parts), re.DOTALL).fullmatch


def _glob_to_regex(glob: str) -> str:
    """Translate a VS Code/gitignore-style glob: ``**`` spans directories, ``*`` and ``?`` not."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        char = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")  # zero or more whole directories
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (end := glob.find("]", i + 2)) != -1:
            body = glob[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append(f"[{'^/' if negate else ''}{body.replace(chr(92), chr(92) * 2)}]")
            i = end + 1
        elif char == "{" and (end := glob.find("}", i)) != -1:
            options = glob[i + 1 : end].split(",")
            out.append("(?:" + "|".join(_glob_to_regex(o) for o in options) + ")")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)
