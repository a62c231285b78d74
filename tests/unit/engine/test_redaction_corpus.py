"""Redaction measured both ways on the corpora in tests/data (bench/redaction.py prints rates).

Every credential shape must lose its secret; every real-code line (taken from packages nobody
here wrote, its source noted beside it) must come back unchanged.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from deepseek_lsp.engine.privacy import redact

DATA = Path(__file__).resolve().parents[2] / "data"


def _corpus():
    spec = importlib.util.spec_from_file_location("redaction_corpus", DATA / "redaction_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


CREDENTIALS = _corpus().CREDENTIALS
REAL_LINES = [json.loads(line) for line in (DATA / "redaction_real_code.jsonl").open()]


def test_corpora_are_large_enough() -> None:
    assert len(CREDENTIALS) >= 60
    assert len(REAL_LINES) >= 200


@pytest.mark.parametrize("entry", CREDENTIALS, ids=lambda entry: entry.name)
def test_every_credential_shape_is_caught(entry) -> None:
    result = redact(entry.text)
    for secret in entry.secrets:
        assert secret not in result.text
    assert result.count >= 1
    assert "REDACTED_" in result.text


def test_all_credentials_in_one_prompt_are_caught() -> None:
    text = "\n".join(entry.text for entry in CREDENTIALS)
    result = redact(text)
    assert [e.name for e in CREDENTIALS if any(s in result.text for s in e.secrets)] == []


@pytest.mark.parametrize("entry", REAL_LINES, ids=lambda entry: entry["source"])
def test_real_code_line_is_unchanged(entry: dict[str, str]) -> None:
    assert redact(entry["line"]).text == entry["line"]


def test_real_code_as_one_prompt_is_unchanged() -> None:
    text = "\n".join(entry["line"] for entry in REAL_LINES)
    result = redact(text)
    assert result.count == 0
    assert result.text == text


def test_pieces_redact_exactly_as_the_joined_text() -> None:
    """The prompt is redacted block by block (cached per block): same text, count and kinds."""
    import random

    from deepseek_lsp.engine.privacy import redact_pieces
    from deepseek_lsp.engine.privacy.secrets import clear_cache

    lines = [e.text for e in CREDENTIALS] + [e["line"] for e in REAL_LINES]
    random.Random(11).shuffle(lines)
    text = "\n".join(lines) + "\n"
    split = text.splitlines(keepends=True)
    pieces = ["".join(split[i : i + 7]) for i in range(0, len(split), 7)]
    whole = redact(text)
    assert whole.count >= len(CREDENTIALS)
    for attempt in range(2):  # cold, then from the block cache
        if attempt == 0:
            clear_cache()
        assert redact_pieces(pieces) == whole
    pem = next(e.text for e in CREDENTIALS if "PRIVATE KEY" in e.text and e.text.count("\n") > 3)
    halves = pem.split("\n")
    cut = ["\n".join(halves[:2]) + "\n", "\n".join(halves[2:])]  # a PEM block across two pieces
    assert redact_pieces(cut) == redact(pem) and redact(pem).count >= 1
