"""Which files the index reads, and how it follows changes: ignore files, caps, deletions."""

from __future__ import annotations

import asyncio
import builtins
import logging
import os

from deepseek_lsp.engine.workspace.index import Limits

from .conftest import document


def indexed(ws) -> list[str]:
    return sorted(ws.rel(p) for p in ws.builder.index.files)


def test_gitignore_nested_negation_and_deepseekignore(make_workspace):
    ws = make_workspace(
        {
            ".gitignore": "*.gen.py\nbuild/\n",
            "app.py": "",
            "model.gen.py": "",
            "build/out.py": "",
            "sub/.gitignore": "!keep.gen.py\nlocal.py\n",
            "sub/keep.gen.py": "",
            "sub/local.py": "",
            "sub/ok.py": "",
            ".deepseekignore": "secret_algo.py\n",
            "secret_algo.py": "",
            "other/secret_algo.py": "",
        }
    )
    assert indexed(ws) == ["app.py", "sub/keep.gen.py", "sub/ok.py"]


def test_generated_vendored_binary_and_large_files_are_skipped(make_workspace):
    ws = make_workspace(
        {
            "node_modules/lib/index.js": "export function f() {}\n",
            "dist/app.js": "export function f() {}\n",
            "vendor.min.js": "var a=1;",
            "package-lock.json": "{}",
            "bundle.js": "var a=1;" * 1000,  # one line of 8,000 characters: minified
            "blob.py": "x = 1\0\0\0",
            "big.py": "x = 1\n" * 100,
            "src/app.ts": "export const a = 1;\n",
            "go.mod": "module m\n",
        },
        Limits(max_file_bytes=500),
    )
    assert indexed(ws) == ["go.mod", "src/app.ts"]


def test_cap_on_files_is_logged(make_workspace, caplog):
    caplog.set_level(logging.WARNING)
    ws = make_workspace({f"m{i}.py": f"def f{i}(): pass\n" for i in range(10)}, Limits(max_files=4))
    assert len(ws.builder.index.files) == 4
    assert "index capped at 4 files" in caplog.text


def test_excluded_file_is_never_read(make_workspace, monkeypatch):
    opened: list[str] = []
    real_open = builtins.open

    def spy(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    ws = make_workspace(
        {"config/secrets.py": "API = 1\n", "app.py": "from config.secrets import API\n║"},
        Limits(exclude=("config/secrets.py",)),
    )
    assert not [p for p in opened if p.endswith("secrets.py")]
    assert "config/secrets.py" not in indexed(ws)
    # Nor does a watched-file event bring it in.
    asyncio.run(ws.builder.files_changed([str(ws.root / "config/secrets.py")], []))
    assert not [p for p in opened if p.endswith("secrets.py")]
    assert ws.definitions() == ""


def test_deleted_file_leaves_the_index(make_workspace):
    ws = make_workspace({"lib.py": "def gone(): pass\n", "app.py": "from lib import gone\n║"})
    assert "def gone()" in ws.definitions()
    (ws.root / "lib.py").unlink()
    asyncio.run(ws.builder.files_changed([], [str(ws.root / "lib.py")]))
    assert "lib.py" not in indexed(ws)
    assert ws.definitions() == ""
    assert "gone" not in ws.builder.index.symbols


def test_changed_file_is_read_again_and_unchanged_ones_are_not(make_workspace):
    ws = make_workspace({"lib.py": "def f(a): pass\n", "app.py": "from lib import f\n║"})
    (ws.root / "lib.py").write_text("def f(a, bb, ccc): pass\n")
    asyncio.run(ws.builder.files_changed([str(ws.root / "lib.py")], []))
    assert "def f(a, bb, ccc)" in ws.definitions()
    generation = ws.builder.index.generation
    asyncio.run(ws.builder.rebuild())  # nothing changed on disk
    entry = ws.builder.index.files[str(ws.root / "lib.py")]
    assert entry.outline.definitions[0].signature == "def f(a, bb, ccc)"
    assert ws.builder.index.generation - generation <= 1


def test_open_document_is_read_from_the_editor_not_the_disk(make_workspace):
    ws = make_workspace({"lib.py": "def on_disk(): pass\n", "app.py": "from lib import *\n║"})
    lib = ws.root / "lib.py"
    editor = document(lib, "def in_editor(x): pass\n")
    asyncio.run(ws.builder.document_text(str(lib), editor.text, "python"))
    asyncio.run(ws.builder.files_changed([str(lib)], []))  # the disk must not win while open
    assert "def in_editor(x)" in ws.definitions()
    asyncio.run(ws.builder.document_closed(str(lib)))
    assert "def on_disk()" in ws.definitions()


def test_new_ignore_rule_drops_files_on_the_next_event(make_workspace):
    ws = make_workspace({"gen.py": "def g(): pass\n", "app.py": "║"})
    (ws.root / ".deepseekignore").write_text("gen.py\n")
    asyncio.run(ws.builder.files_changed([str(ws.root / ".deepseekignore")], []))
    assert indexed(ws) == ["app.py"]


def test_removed_folder_leaves_the_index(make_workspace, tmp_path):
    ws = make_workspace({"a/x.py": "", "b/y.py": ""})
    asyncio.run(ws.builder.set_roots([str(ws.root / "a")]))
    assert indexed(ws) == ["a/x.py"]


def test_files_only_on_disk_keep_no_identifiers(tmp_path):
    from deepseek_lsp.engine.workspace.index import load_file, text_entry

    path = tmp_path / "app.py"
    path.write_text("import json\n\ndef run(payload):\n    return json.dumps(payload)\n")
    on_disk = load_file(str(path), Limits())
    assert on_disk is not None and on_disk.outline is not None
    assert on_disk.outline.find("run") is not None  # the outline itself is whole
    assert on_disk.outline.identifiers == frozenset()
    opened = text_entry(str(path), path.read_text())
    assert opened is not None and opened.outline is not None
    assert {"json", "dumps", "payload"} <= opened.outline.identifiers
