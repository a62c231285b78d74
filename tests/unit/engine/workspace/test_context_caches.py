"""What a new cursor reuses (resolutions, rows, packings) and what must make it start afresh."""

from __future__ import annotations

import asyncio
import dataclasses

from deepseek_lsp.engine.workspace import definitions, names, packing
from deepseek_lsp.engine.workspace.assemble import ContextAssembler
from deepseek_lsp.engine.workspace.index import Limits
from deepseek_lsp.engine.workspace.outline import MAX_MEMBERS

from .conftest import document

SHAPES = (
    "class Circle:\n    def area(self): pass\n    def radius(self): pass\n\n"
    "class Square:\n    def area(self): pass\n    def side(self): pass\n"
)


def _text(snippets) -> str:
    return "\n".join(s.text for s in snippets if s.source == "definitions")


def test_the_type_the_lines_above_give_decides_the_members_on_a_remembered_name(make_workspace):
    ws = make_workspace(
        {
            "shapes.py": SHAPES,
            "app.py": "from shapes import Circle, Square\n\ns = Circle()\ns.area()\n║\n",
        }
    )
    assembler = ContextAssembler(ws.builder)
    # 40 tokens: the typed class (the nearest name's) fits, the other one does not
    first = _text(assembler.context(ws.doc, ws.pos, 40, (), ws.rel).snippets)
    assert "class Circle" in first and "class Square" not in first
    square = document(ws.root / "app.py", ws.doc.text.replace("Circle()", "Square()"), 2)
    second = _text(assembler.context(square, ws.pos, 40, (), ws.rel).snippets)
    assert "class Square" in second and "class Circle" not in second
    # the nearest of two assignments says the type
    both = document(ws.root / "app.py", ws.doc.text.replace("s = Circle()", "s = Square()\n"
                    "s = Circle()"), 3)  # fmt: skip
    pos = (ws.pos[0] + 1, 0)
    assert "class Circle" in _text(assembler.context(both, pos, 40, (), ws.rel).snippets)


def test_a_packing_without_nearby_names_is_redone_when_the_index_changes(make_workspace):
    ws = make_workspace({"lib.py": "def helper(a): pass\n", "app.py": "from lib import *\n\n║\n"})
    assembler = ContextAssembler(ws.builder)
    assert "def helper(a)" in _text(assembler.context(ws.doc, ws.pos, 2000).snippets)
    (ws.root / "lib.py").write_text("def helper(a, b): pass\n")
    asyncio.run(ws.builder.files_changed([str(ws.root / "lib.py")], []))
    assert "def helper(a, b)" in _text(assembler.context(ws.doc, ws.pos, 2000).snippets)


def test_a_file_excluded_by_new_globs_leaves_a_remembered_packing_at_once(make_workspace):
    ws = make_workspace(
        {"lib.py": "def helper(a): pass\n", "app.py": "from lib import helper\n\nhelper(1)\n║\n\n"}
    )
    assembler = ContextAssembler(ws.builder)
    assert [s.path for s in assembler.context(ws.doc, ws.pos, 2000, (), ws.rel).snippets] == [
        "lib.py"
    ]
    ws.builder.set_limits(Limits(exclude=("lib.py",)))  # before any rebuild: same generation
    # one blank line more above: a new cursor, the same names near it (the same packing key)
    below = (ws.pos[0] + 1, 0)
    assert assembler.context(ws.doc, below, 2000, (), ws.rel).snippets == ()


def test_rendered_texts_follow_the_outline_they_were_rendered_for(make_workspace):
    methods = "".join(f"func (b *Big) M{i}() {{}}\n" for i in range(MAX_MEMBERS + 5))
    ws = make_workspace(
        {
            "go.mod": "module example.com/m\n",
            "lib/lib.go": f"package lib\n\ntype Big struct{{}}\n\n{methods}",
            "app/app.go": (
                'package app\n\nimport "example.com/m/lib"\n\nfunc f() {\n\tlib.Big.M0()\n\t║\n}\n'
            ),
        }
    )
    assembler = ContextAssembler(ws.builder)
    path = str(ws.root / "app" / "app.go")
    outline = ws.builder.index.outline_of(path)
    assert outline is not None
    last = f"M{MAX_MEMBERS + 4}()"
    above = ws.doc.raw_lines(0, ws.pos[0])

    def pack(o):
        return _text(assembler.packer.pack(ws.builder.gate, path, o, above, (), 9000, ws.rel))

    assert "type Big struct" in pack(outline) and last not in pack(outline)  # the first 40
    mentions = dataclasses.replace(outline, identifiers=frozenset({f"M{MAX_MEMBERS + 4}"}))
    assert last in pack(mentions)  # the file mentions it (same generation): it comes first


def test_remembered_packings_and_names_stay_bounded(make_workspace, monkeypatch):
    monkeypatch.setattr(packing, "MAX_PACKINGS", 3)
    monkeypatch.setattr(definitions, "MAX_REMEMBERED", 5)
    names = "\n".join(f"v{i}.attr{i}()" for i in range(30))
    ws = make_workspace({"lib.py": "def helper(a): pass\n", "app.py": "from lib import *\n\n"
                         f"{names}\n║\n"})  # fmt: skip
    assembler = ContextAssembler(ws.builder)
    for tokens in range(100, 120):
        assembler.context(ws.doc, ws.pos, tokens)
        assert len(assembler.packer._packed) <= 3
    scope = assembler.resolver.scope(str(ws.root / "app.py"), ws.builder.index.outline_of(
        str(ws.root / "app.py")))  # fmt: skip
    assert 0 < len(scope.refs) <= 6 and len(scope.lines) <= 6


def test_the_cursor_line_names_leave_out_the_word_being_typed():
    assert names.current_references("x = obj . attr.va") == ("obj.attr", "x")
    assert names.current_references("a::b(c->d, $e.f") == ("$e", "c.d", "a.b")
    assert names.current_references("") == ()
    assert names.current_references("value\n") == ()  # `$` before a last newline


def test_a_line_without_a_capital_gives_no_type_and_one_with_capitals_does():
    assert names.line_types("v = make_thing()") == ()
    assert names.line_types("v: Foo = a; w = Bar(") == (("v", "Foo"), ("w", "Bar"))


def test_prepared_rows_answer_as_rows_made_at_the_cursor(make_workspace):
    lines = "".join(f"x{i} = area(s)\n" if i % 3 else f"s.radius({i})\n" for i in range(60))
    ws = make_workspace({"shapes.py": SHAPES, "app.py": f"from shapes import *\n{lines}║\n"})
    prepared, fresh = ContextAssembler(ws.builder), ContextAssembler(ws.builder)
    steps = sum(1 for _ in prepared.prepare_lines(ws.doc))
    assert steps == ws.doc.line_count
    path = str(ws.root / "app.py")
    scope = prepared.resolver.scope(path, ws.builder.index.outline_of(path))
    assert all(line in scope.lines for line in ws.doc.raw_lines(0, ws.doc.line_count))
    for line in (10, 30, ws.pos[0]):
        pos = (line, 0)
        assert prepared.context(ws.doc, pos, 400, (), ws.rel) == fresh.context(
            ws.doc, pos, 400, (), ws.rel
        )


def test_preparing_rows_stops_when_the_index_changes(make_workspace):
    ws = make_workspace({"lib.py": "def helper(a): pass\n", "app.py": "from lib import *\n\n║\n"})
    assembler = ContextAssembler(ws.builder)
    steps = assembler.prepare_lines(ws.doc)
    next(steps)
    (ws.root / "lib.py").write_text("def helper(a, b): pass\n")
    asyncio.run(ws.builder.files_changed([str(ws.root / "lib.py")], []))
    assert list(steps) == []  # the new generation's scope is not filled with the old one's rows


def test_a_document_over_the_row_cap_is_not_prepared(make_workspace, monkeypatch):
    ws = make_workspace({"app.py": "from lib import *\n" + "x = 1\n" * 50 + "║\n"})
    monkeypatch.setattr(definitions, "MAX_REMEMBERED", 60)
    assert list(ContextAssembler(ws.builder).prepare_lines(ws.doc)) == []


async def test_the_service_prepares_an_opened_documents_rows_in_the_background(tmp_path):
    from deepseek_lsp.engine.workspace.service import WorkspaceService, limits_from
    from deepseek_lsp.settings import Settings

    (tmp_path / "lib.py").write_text("def helper(a): pass\n")
    text = "from lib import helper\n" + "".join(f"v{i} = helper({i})\n" for i in range(80))
    (tmp_path / "app.py").write_text(text)
    doc = document(tmp_path / "app.py", text)
    service = WorkspaceService(limits_from(Settings()), lambda uri: doc, lambda p: p)
    service.start([str(tmp_path)])
    await service.idle()
    service.opened(doc)
    await service.idle()
    path = str(tmp_path / "app.py")
    assembler = service.assembler
    scope = assembler.resolver.scope(path, assembler.builder.index.outline_of(path))
    assert all(line in scope.lines for line in doc.raw_lines(0, doc.line_count))


async def test_snippet_paths_follow_new_roots_though_relative_paths_are_remembered(tmp_path):
    """The service remembers each path's relative form; new roots (`start`) make it ask again."""
    from deepseek_lsp.engine.workspace.service import WorkspaceService, limits_from
    from deepseek_lsp.settings import Settings

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "lib.py").write_text("def helper(a): pass\n")
    text = "from lib import helper\n\nv = helper(1)\n"
    (tmp_path / "pkg" / "app.py").write_text(text)
    doc = document(tmp_path / "pkg" / "app.py", text)
    roots: list[str] = []
    asked: list[str] = []

    def relpath(path: str) -> str:
        asked.append(path)
        return path[len(roots[0]) + 1 :]

    service = WorkspaceService(limits_from(Settings()), lambda uri: doc, relpath)

    async def paths_under(root: str) -> list[str]:
        roots[:] = [root]  # the folders changed: the server calls start
        service.start(roots)
        await service.idle()
        service.opened(doc)
        await service.idle()
        return [s.path for s in service.snippets(doc, (3, 0), 512) if s.source == "definitions"]

    assert await paths_under(str(tmp_path)) == ["pkg/lib.py"]
    service.snippets(doc, (2, 0), 512)
    assert asked.count(str(tmp_path / "pkg" / "lib.py")) == 1  # remembered
    assert await paths_under(str(tmp_path / "pkg")) == ["lib.py"]
