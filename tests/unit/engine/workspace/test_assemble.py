"""The assembled context: stable order, budgets, and what it costs per keystroke."""

from __future__ import annotations

import itertools
import time

from deepseek_lsp.engine.completion.prompt import build_fim_context
from deepseek_lsp.engine.workspace.assemble import ContextAssembler

from .conftest import document

FILES = {
    "z_last.py": "def zeta(a): pass\n",
    "a_first.py": "def alpha(b): pass\n",
    "m_mid.py": "def mid(c): pass\n",
    "app.py": (
        "from z_last import zeta\nfrom a_first import alpha\nfrom m_mid import mid\n\nmid(1)\n║"
    ),
}


def test_snippets_are_ordered_by_source_then_path_not_by_score(make_workspace):
    ws = make_workspace(FILES)
    snippets = ws.context()
    assert [s.path for s in snippets] == ["a_first.py", "m_mid.py", "z_last.py"]
    assert {s.source for s in snippets} == {"definitions"}


def test_prompt_keeps_its_prefix_while_typing_on_a_line(make_workspace):
    ws = make_workspace(FILES)
    assembler = ContextAssembler(ws.builder)
    prompts = []
    text = ws.doc.text
    for typed in ("", "z", "ze", "zet"):
        doc = document(ws.root / "app.py", text + typed, version=len(typed) + 1)
        pos = (ws.pos[0], ws.pos[1] + len(typed))
        snippets = assembler.context(doc, pos, 2000, (), ws.rel).snippets
        prompts.append(build_fim_context(doc, pos, snippets=snippets, context_tokens=2000).prompt)
    for before, after in itertools.pairwise(prompts):
        assert after.startswith(before)


def test_budget_is_respected(make_workspace):
    ws = make_workspace(
        {
            "lib.py": "".join(
                f"def function_{i}(argument: int) -> int: pass\n" for i in range(200)
            ),
            "app.py": "from lib import *\n║",
        }
    )
    snippets = ws.context(max_tokens=300)
    rendered = build_fim_context(ws.doc, ws.pos, snippets=snippets, context_tokens=300)
    assert 0 < len(rendered.prompt) - len(rendered.local_prefix) <= 300 * 3
    assert rendered.snippets  # what fit is reported


def test_repeated_request_is_cached_and_cheap(make_workspace):
    ws = make_workspace(FILES)
    assembler = ContextAssembler(ws.builder)
    first = assembler.context(ws.doc, ws.pos, 2000)
    started = time.perf_counter()
    for _ in range(200):
        again = assembler.context(ws.doc, ws.pos, 2000)
    per_call = (time.perf_counter() - started) / 200
    assert again is first
    assert per_call < 0.001


def test_a_change_in_another_file_is_seen_next_request(make_workspace):
    import asyncio

    ws = make_workspace(FILES)
    assembler = ContextAssembler(ws.builder)
    assert "def mid(c)" in assembler.context(ws.doc, ws.pos, 2000).snippets[1].text
    (ws.root / "m_mid.py").write_text("def mid(c, d): pass\n")
    asyncio.run(ws.builder.files_changed([str(ws.root / "m_mid.py")], []))
    assert "def mid(c, d)" in assembler.context(ws.doc, ws.pos, 2000).snippets[1].text


def test_a_far_reference_is_remembered_only_until_the_index_changes(make_workspace):
    import asyncio

    # `far.helper` is the 15th name from the cursor: past the typed references, so its
    # resolution is remembered for the scope; the other file's change must still be seen.
    nearer = "\n".join(f"v{i} = {i}" for i in range(14))
    ws = make_workspace(
        {
            "far.py": "def helper(a):\n    return a\n",
            "app.py": f"import far\n\nfar.helper(1)\n{nearer}\n║",
        }
    )
    assembler = ContextAssembler(ws.builder)
    assert "def helper(a)" in ws.definitions()
    other = ws.doc.__class__(ws.doc.uri, ws.doc.text + "\n", 2, ws.doc.language_id, "utf-32")
    assert "def helper(a)" in "\n".join(
        s.text for s in assembler.context(other, (other.line_count - 1, 0), 4000).snippets
    )
    (ws.root / "far.py").write_text("def helper(a, b):\n    return a\n")
    asyncio.run(ws.builder.files_changed([str(ws.root / "far.py")], []))
    assert "def helper(a, b)" in ws.definitions()
