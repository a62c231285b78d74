"""The house rules, checked: no import circle, arrows only lsp -> engine -> api, small modules,
and a keystroke's path that stays in the rooms named for it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from deepseek_lsp.engine.document import Document
from deepseek_lsp.lsp.completion import suggest
from deepseek_lsp.lsp.server import DeepSeekServer
from deepseek_lsp.testing import FakeDeepSeek, FakeReply

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "deepseek_lsp"
MAX_LINES = 330  # "about 300": a module past this wants splitting
# What a keystroke may run, from the completion handler down to the HTTP call.
KEYSTROKE_ROOMS = (
    "deepseek_lsp.lsp.",
    "deepseek_lsp.engine.completion.",
    "deepseek_lsp.api.",
    "deepseek_lsp.engine.document",
    "deepseek_lsp.engine.privacy",
    "deepseek_lsp.engine.workspace.",  # cross-file context, the room beside completion/ (issue 12)
    # Shared tables and counters the pipeline reads or bumps: comment syntax, usage counts.
    "deepseek_lsp.engine.languages",
    "deepseek_lsp.engine.usage",
    "deepseek_lsp.engine.uris",
    "deepseek_lsp.settings",
    # Issue 14: the policy and the spend caps are checked before a request goes upstream and
    # each answer is priced; all in memory (the spend file is written off the event loop).
    "deepseek_lsp.engine.policy",
    "deepseek_lsp.engine.spend.",
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every deepseek_lsp module `path` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                names.add(sub if sub in modules else node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("deepseek_lsp")}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) for name, path in modules.items()}


def test_no_two_modules_import_each_other_even_through_others() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1 on the stack, 2 done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                pytest.fail("import circle: " + " -> ".join([*stack[stack.index(dep) :], dep]))
            if dep not in state:
                visit(dep, [*stack, dep])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


@pytest.mark.parametrize(
    ("room", "forbidden"),
    [
        ("deepseek_lsp.engine", ("deepseek_lsp.lsp", "pygls", "lsprotocol")),
        ("deepseek_lsp.api", ("deepseek_lsp.lsp", "deepseek_lsp.engine", "pygls", "lsprotocol")),
    ],
)
def test_arrows_point_only_from_lsp_to_engine_to_api(room: str, forbidden: tuple[str, ...]) -> None:
    for name, path in _modules().items():
        if not name.startswith(room):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            targets = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for target in targets:
                assert not target.startswith(forbidden), f"{name} imports {target}"


def test_no_module_is_much_over_three_hundred_lines() -> None:
    sizes = {name: len(path.read_text().splitlines()) for name, path in _modules().items()}
    assert {n: s for n, s in sizes.items() if s > MAX_LINES} == {}


@pytest.fixture
def fake():
    with FakeDeepSeek() as server:
        server.script(FakeReply(text="return a + b"))
        yield server


async def test_a_keystroke_runs_only_in_the_completion_rooms(fake: Any) -> None:
    ls = DeepSeekServer({"DEEPSEEK_API_KEY": "sk-test", "DEEPSEEK_BASE_URL": fake.base_url})
    doc = Document("file:///w/a.py", "def add(a, b):\n    \n", 1, "python")
    seen: set[str] = set()

    def record(frame: FrameType, event: str, arg: object) -> None:
        if event == "call":
            name = frame.f_globals.get("__name__", "")
            if name.startswith("deepseek_lsp"):
                seen.add(name)

    sys.setprofile(record)
    try:
        suggestion = await suggest(ls, doc, (1, 4), "invoked", "inline")
    finally:
        sys.setprofile(None)
        await ls.client.aclose()
    assert suggestion is not None and suggestion.text == "return a + b"
    assert "deepseek_lsp.engine.completion.engine" in seen  # the trace did see the pipeline
    outside = sorted(n for n in seen if not n.startswith(KEYSTROKE_ROOMS) and "testing" not in n)
    assert outside == []
