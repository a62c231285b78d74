"""Prompt blocks prepared in the background: all of them, in slices, never for a stale text."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from deepseek_lsp.engine.completion import indent_unit, warmup
from deepseek_lsp.engine.completion.warmup import Warmup
from deepseek_lsp.engine.document import BLOCK_LINES, Document
from deepseek_lsp.engine.privacy import secrets

KEY = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(warmup, "QUIET_SECONDS", 0.0)
    secrets.clear_cache()
    indent_unit.block_leads.cache_clear()
    indent_unit.block_shape.cache_clear()
    yield
    secrets.clear_cache()


def make_doc(lines: int = 10 * BLOCK_LINES + 5, uri: str = "file:///w/app.py") -> Document:
    name = uri.rsplit("/", 1)[-1].split(".")[0]  # each document its own text
    text = "".join(
        f'TOKEN = "{KEY}"\n' if i == 40 else f"    {name}_{i} = compute({i})\n"
        for i in range(lines)
    )
    return Document(uri, text, 1, "python")


class Ticks:
    """A clock that moves one slice's worth at every reading: one block per slice."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += warmup.SLICE_SECONDS
        return self.now


async def settled(w: Warmup, uri: str) -> None:
    for _ in range(10_000):
        await asyncio.sleep(0)
        if not w.busy(uri):
            return
    raise AssertionError("the warm-up never finished")


def uncached_redactions(doc: Document) -> int:
    """How many of `doc`'s whole blocks `redact_pieces` would still redact itself.

    Checked on a copy of the caches, so that asking does not prepare them.
    """
    calls: list[str] = []
    real = secrets.redact
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(secrets, "_pieces", dict(secrets._pieces))
        patch.setattr(secrets, "_cache", dict(secrets._cache))
        patch.setattr(secrets, "redact", lambda text: calls.append(text) or real(text))
        for block in range(doc.line_count // BLOCK_LINES):
            text = doc.block_text(block)
            assert secrets.redact_pieces([text], text) == real(text)
    return len(calls)


async def test_every_whole_block_is_redacted_and_read_ahead():
    doc = make_doc()
    w = Warmup(lambda: True, lambda uri: True)
    w.touch(doc)
    assert w.busy(doc.uri)
    await settled(w, doc.uri)
    assert indent_unit.block_shape.cache_info().currsize == doc.line_count // BLOCK_LINES
    assert uncached_redactions(doc) == 0
    # The block with the token was redacted ahead, as the request would have done.
    block = secrets.redact_pieces([doc.block_text(1)], doc.block_text(1))
    assert block.count == 1 and KEY not in block.text


async def test_it_works_in_slices_that_let_other_work_in_between():
    doc = make_doc()
    w = Warmup(lambda: True, lambda uri: True, clock=Ticks())
    w.touch(doc)
    others = 0
    while w.busy(doc.uri):
        await asyncio.sleep(0)  # a keystroke's handler gets its turn between two slices
        others += 1
    assert others >= doc.line_count // BLOCK_LINES
    assert indent_unit.block_shape.cache_info().currsize == doc.line_count // BLOCK_LINES


async def test_an_edit_stops_the_old_pass_and_the_new_touch_starts_over():
    doc = make_doc()
    w = Warmup(lambda: True, lambda uri: True, clock=Ticks())
    w.touch(doc)
    for _ in range(3):
        await asyncio.sleep(0)
    assert w.busy(doc.uri)
    doc.apply_change((0, 0), (0, 0), "import os\n", 2)  # the editor's didChange
    for _ in range(2):
        await asyncio.sleep(0)
    assert not w.busy(doc.uri)  # the pass for the old text gave up at its next slice
    assert uncached_redactions(doc) > 0
    w.touch(doc)
    await settled(w, doc.uri)
    assert uncached_redactions(doc) == 0


async def test_nothing_is_redacted_when_redaction_is_off():
    doc = make_doc()
    w = Warmup(lambda: False, lambda uri: True)
    w.touch(doc)
    await settled(w, doc.uri)
    assert indent_unit.block_shape.cache_info().currsize > 0
    assert uncached_redactions(doc) == doc.line_count // BLOCK_LINES


async def test_excluded_closed_and_huge_documents_are_left_alone():
    excluded = make_doc(uri="file:///w/.env.py")
    w = Warmup(lambda: True, lambda uri: not uri.endswith(".env.py"))
    w.touch(excluded)
    await settled(w, excluded.uri)
    assert uncached_redactions(excluded) > 0

    closed = make_doc(uri="file:///w/closed.py")
    w.touch(closed)
    w.forget(closed.uri)
    await asyncio.sleep(0.01)
    assert uncached_redactions(closed) > 0

    huge = make_doc(lines=warmup.MAX_LINES + 1, uri="file:///w/huge.py")
    w.touch(huge)
    assert not w.busy(huge.uri)


def test_without_an_event_loop_touch_does_nothing():
    w = Warmup(lambda: True, lambda uri: True)
    doc = make_doc()
    w.touch(doc)
    assert not w.busy(doc.uri)


async def test_every_whole_block_is_encoded_for_the_request_body_ahead():
    from deepseek_lsp.api import body
    from deepseek_lsp.engine.completion.request import prepare
    from deepseek_lsp.settings import Settings

    body._escaped_piece.cache_clear()
    doc = make_doc()
    w = Warmup(lambda: True, lambda uri: True)
    w.touch(doc)
    await settled(w, doc.uri)
    assert body._escaped_piece.cache_info().currsize == doc.line_count // BLOCK_LINES
    req = prepare(Settings(), doc, (3 * BLOCK_LINES, 0)).request  # window: 3 whole blocks
    assert KEY not in req.prompt  # block 1 was encoded in its redacted form
    before = body._escaped_piece.cache_info()
    assert body.fim_body(req, req.model) == body.json_body(req.body(req.model))
    after = body._escaped_piece.cache_info()
    assert after.hits - before.hits == 3
