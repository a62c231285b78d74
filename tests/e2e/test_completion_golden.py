"""A sample of the golden completion set (at least one case per family) through the real server.

Each case's reply comes from the fake DeepSeek over HTTP; the test applies the item's range and
text as an editor would and compares what the user reads. The auto-closed family also goes
through `textDocument/completion` (textEdit) and in UTF-8 positions.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from deepseek_lsp.testing import golden
from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import inline_params, lsp_session, open_doc

CASES = golden.load(Path(__file__).parents[1] / "golden" / "completion")
ISSUE_EXAMPLES = {
    "javascript: a string and its semicolon",
    "javascript: the rest of the line with its semicolon",
    "python: assignment after its space",
    "python: a line that repeats itself",
    "python: a body cut in its last line",
    "yaml: a list item at the end of the file",
    "php: a method after public function",
    "python: a docstring after its opening quotes",
    "go: a comment after a finished return",
    "python: return already below",
    "python: a fenced body with a language tag",
}
SAMPLE = [c for c in CASES if f"{c.language}: {c.name}" in ISSUE_EXAMPLES] + [
    next(c for c in CASES if c.family == family) for family in ("block_end", "indentation", "empty")
]
UNITS = {"utf-16": lambda s: len(s.encode("utf-16-le")) // 2, "utf-8": lambda s: len(s.encode())}


def client_position(case: golden.GoldenCase, encoding: str) -> types.Position:
    line, column = case.cursor
    text = case.document.split("\n")[line]
    return types.Position(line, UNITS[encoding](text[:column]))


def offset_of(document: str, pos: types.Position, encoding: str) -> int:
    """The code-point offset of a client position, as the editor resolves it."""
    lines = document.split("\n")
    text, units = lines[pos.line], 0
    column = 0
    while column < len(text) and units < pos.character:
        units += UNITS[encoding](text[column])
        column += 1
    return sum(len(line) + 1 for line in lines[: pos.line]) + column


def apply(document: str, edit_range: types.Range, text: str, encoding: str) -> str:
    start = offset_of(document, edit_range.start, encoding)
    end = offset_of(document, edit_range.end, encoding)
    return document[:start] + text + document[end:]


def test_the_sample_covers_every_family() -> None:
    assert {case.family for case in SAMPLE} == {case.family for case in CASES}


async def test_golden_sample_through_the_real_server(fake):
    async with lsp_session(fake) as client:
        for case in SAMPLE:
            fake.script(FakeReply(text=case.reply, finish_reason=case.finish_reason))
            open_doc(client, case.uri, case.document, language=case.language)
            pos = client_position(case, "utf-16")
            result = await client.text_document_inline_completion_async(
                inline_params(case.uri, pos.line, pos.character)
            )
            shown = case.document
            if result.items:
                item = result.items[0]
                assert item.range is not None and item.range.start == pos
                shown = apply(case.document, item.range, item.insert_text, "utf-16")
            assert shown == case.expected, case.id


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
async def test_auto_closed_characters_are_replaced_by_both_kinds_of_item(fake, encoding):
    cases = [c for c in CASES if c.family == "auto_close"][:4]
    async with lsp_session(fake, encodings=[encoding]) as client:
        for case in cases:
            open_doc(client, case.uri, case.document, language=case.language)
            pos = client_position(case, encoding)
            fake.script(FakeReply(text=case.reply))
            inline = await client.text_document_inline_completion_async(
                inline_params(case.uri, pos.line, pos.character)
            )
            (item,) = inline.items
            assert item.range.end.character > pos.character, case.id  # covers the closers
            assert apply(case.document, item.range, item.insert_text, encoding) == case.expected
            listed = await client.text_document_completion_async(
                types.CompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=case.uri),
                    position=pos,
                    context=types.CompletionContext(
                        trigger_kind=types.CompletionTriggerKind.Invoked
                    ),
                )
            )
            (entry,) = listed.items
            edit = entry.text_edit
            assert isinstance(edit, types.TextEdit)
            assert apply(case.document, edit.range, edit.new_text, encoding) == case.expected
        fim = [r for r in fake.requests if r.path.endswith("/beta/completions")]
        assert len(fim) == len(cases)  # the completion item came from the cache
