"""The FIM body assembled from cached pieces is byte for byte the body encoded whole."""

import json
import random
from pathlib import Path

import httpx
import pygls
import pytest

from deepseek_lsp.api import FimRequest
from deepseek_lsp.api.body import _escaped_piece, fim_body, json_body
from deepseek_lsp.engine.completion.prompt import Snippet
from deepseek_lsp.engine.completion.request import prepare
from deepseek_lsp.engine.document import Document
from deepseek_lsp.settings import Settings

CORPUS = Path(__file__).parents[3] / "bench" / ".corpus" / "src"  # git-ignored; used if present


def real_files() -> list[Path]:
    """Source nobody here wrote: installed packages, the stdlib, and the bench corpus if any."""
    roots = [Path(httpx.__file__).parent, Path(pygls.__file__).parent, Path(json.__file__).parent]
    files = sorted(p for root in roots for p in root.rglob("*.py"))
    if CORPUS.is_dir():
        corpus = sorted(CORPUS.rglob("*.py")) + sorted(CORPUS.rglob("*.js"))
        files += random.Random(5).sample(corpus, min(60, len(corpus)))
    return files


def old_body(req: FimRequest, model: str) -> bytes:
    return json_body(req.body(model))


def test_real_prompts_encode_identically_cold_and_cached():
    rng = random.Random(13)
    files = real_files()
    assert len(files) > 40
    checked = 0
    for index, path in enumerate(files):
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        lines = text.split("\n")
        doc = Document(path.as_uri(), text, 1, "python" if path.suffix == ".py" else "javascript")
        other = files[(index + 1) % len(files)].read_text(encoding="utf-8", errors="replace")
        snippets = (Snippet("pkg/other.py", other[:1500], "similar"),)
        for _ in range(4):
            line = rng.randrange(len(lines))
            pos = (line, rng.randrange(len(lines[line]) + 1))
            for prepared in (
                prepare(Settings(), doc, pos),
                prepare(Settings(), doc, pos, "a/b.py", snippets),
            ):
                req = prepared.request
                assert req.pieces and "".join(req.pieces) == req.prompt
                for model in (req.model, "deepseek-v4-pro"):
                    assert fim_body(req, model) == old_body(req, model)
                    assert fim_body(req, model) == old_body(req, model)  # from the piece cache
                checked += 1
    assert checked >= 8 * len(files)


EDGE_PIECES = [
    ("", "", ""),
    ('say "hi"\n', "back\\slash\\\n", '\\"'),
    ("".join(map(chr, range(32))) + "\x7f\n", "\u2028\u2029\n", "\t"),
    ("non-BMP \U0001f600 \U00010348\n", "é ü 中文\n", "\U0001f4a9"),
    ("lone \ud800 high\n", "lone \udfff low\n", "end \udbff"),
    ("pair split \ud83d", "\ude00 across pieces\n", ""),
    ('"prompt":""\n', '{"model":"x","prompt":""}\n', '"prompt":"'),
    ("", "only the cursor line \ud800", ""),
]


@pytest.mark.parametrize("pieces", EDGE_PIECES)
@pytest.mark.parametrize("suffix", ["", '\n"prompt":""', "tail \udc80 surrogate", "\x00\x1f\\"])
def test_edge_cases_encode_identically(pieces, suffix):
    for stop in ((), ("\n\n", '"prompt":""', "\ud800")):
        req = FimRequest("m", "".join(pieces), suffix, 64, 0.2, stop, pieces=pieces)
        for model in ("m", 'we"ird\\model', "mod\ud800el"):
            assert fim_body(req, model) == old_body(req, model)
            assert fim_body(req, model) == old_body(req, model)


def test_a_lone_surrogate_becomes_the_replacement_character():
    req = FimRequest("m", "a\ud800b\n\U0001f600", "", pieces=("a\ud800b\n", "\U0001f600"))
    body = json.loads(fim_body(req, "m"))
    assert body["prompt"] == "a\ufffdb\n\U0001f600"


def test_numbers_of_equal_value_but_other_type_are_encoded_as_given():
    for temperature, max_tokens in ((0.0, 64), (0, 64), (1, 64), (1.0, 64), (0.0, True)):
        req = FimRequest("m", "a\nb", "", max_tokens, temperature, pieces=("a\n", "b"))
        assert fim_body(req, "m") == old_body(req, "m")


def test_a_request_without_pieces_is_encoded_whole():
    req = FimRequest("m", "x = 1\n", "")
    assert req.pieces == ()
    assert fim_body(req, "m") == old_body(req, "m")


def test_recurring_pieces_are_cached_and_the_cursor_line_is_not():
    block, cursor = "def cached_block_for_the_test():\n", "    retu"
    req = FimRequest("m", block + cursor, "", pieces=(block, cursor))
    before = _escaped_piece.cache_info()
    fim_body(req, "m")
    fim_body(req, "m")
    after = _escaped_piece.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)
    assert _escaped_piece(block) == json.dumps(block)[1:-1].encode()


def test_pieces_that_do_not_join_to_the_prompt_are_refused():
    with pytest.raises(ValueError, match="join to its prompt"):
        FimRequest("m", "abc", "", pieces=("ab", "d"))
    assert FimRequest("m", "abc", "", pieces=("ab", "c")) == FimRequest("m", "abc", "")


def test_prepare_sends_the_redacted_pieces():
    key = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    text = "".join(f"line_{i} = {i}\n" for i in range(70)) + f'TOKEN = "{key}"\nx = '
    doc = Document("file:///w/conf.py", text, 1, "python")
    prepared = prepare(Settings(), doc, (71, 4))
    req = prepared.request
    assert prepared.redactions == 1 and key not in req.prompt
    assert len(req.pieces) > 2 and "".join(req.pieces) == req.prompt
    assert fim_body(req, req.model) == old_body(req, req.model)
