"""Workspaces on disk from a dict of files; the file with `║` is the one being edited."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.languages import language_for
from deepseek_lsp.engine.workspace.assemble import ContextAssembler
from deepseek_lsp.engine.workspace.builder import IndexBuilder
from deepseek_lsp.engine.workspace.index import Limits

CURSOR = "║"


@dataclass
class Workspace:
    root: Path
    builder: IndexBuilder
    doc: Document | None
    pos: tuple[int, int]

    def rel(self, path: str) -> str:
        return str(Path(path).relative_to(self.root))

    def context(self, max_tokens: int = 4000, open_docs: tuple[Document, ...] = ()):
        assert self.doc is not None
        assembler = ContextAssembler(self.builder)
        return assembler.context(self.doc, self.pos, max_tokens, open_docs, self.rel).snippets

    def definitions(self, max_tokens: int = 4000) -> str:
        return "\n".join(s.text for s in self.context(max_tokens) if s.source == "definitions")

    def run(self, coro) -> None:
        asyncio.run(coro)


def document(path: Path, text: str, version: int = 1) -> Document:
    uri = path.resolve().as_uri()
    return Document(uri, text, version, language_for(uri).id, "utf-32")


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[..., Workspace]:
    def make(files: dict[str, str], limits: Limits | None = None) -> Workspace:
        doc, pos = None, (0, 0)
        for rel, text in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if CURSOR in text:
                before = text.split(CURSOR)[0]
                pos = (before.count("\n"), len(before.rsplit("\n", 1)[-1]))
                text = text.replace(CURSOR, "")
                doc = document(path, text)
            path.write_text(text)
        builder = IndexBuilder(limits)

        async def build() -> None:
            await builder.set_roots([str(tmp_path)])

        asyncio.run(build())
        return Workspace(tmp_path.resolve(), builder, doc, pos)

    return make
