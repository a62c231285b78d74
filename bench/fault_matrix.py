"""Print the API fault matrix (tests/e2e/faults.py): every fault x every feature, with timings.

Run: `.venv/bin/python bench/fault_matrix.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.faults import render, run_matrix

from deepseek_lsp.testing import FakeDeepSeek


def main() -> None:
    fake = FakeDeepSeek()
    fake.start()
    try:
        print(
            render(run_matrix(fake, {"DEEPSEEK_BASE_URL": fake.base_url, "DEEPSEEK_API_KEY": "sk"}))
        )
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
