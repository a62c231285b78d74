"""Every fault of the fake DeepSeek x every feature: answered once, in time, upstream closed."""

from __future__ import annotations

from deepseek_lsp.testing import FakeDeepSeek

from .conftest import API_KEY
from .faults import render, run_matrix


def test_every_cell_of_the_fault_matrix_is_answered_in_time_with_upstream_closed(
    fake: FakeDeepSeek,
) -> None:
    matrix = run_matrix(fake, {"DEEPSEEK_BASE_URL": fake.base_url, "DEEPSEEK_API_KEY": API_KEY})
    text = render(matrix)
    print(text)
    failed = [(f, n, c) for f, cells in matrix.items() for n, c in cells.items() if not c.ok]
    assert not failed, text
