"""What the postprocess filters cost per suggestion, on the golden completion set.

The filters run on every suggestion the server shows, so they must stay cheap next to the
network round trip (tens to hundreds of milliseconds). Each golden case's reply is cut at the
request's stop strings as DeepSeek would cut it, then postprocessed `--repeat` times; the
figure per case is its fastest run, and the report gives the median and the 90th percentile
over the cases. The prompt is built outside the timing (it is not a filter).

    .venv/bin/python bench/postprocess_cost.py [--golden tests/golden/completion] [--repeat 50]
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import time
from pathlib import Path

from deepseek_lsp.engine.completion import postprocess as post
from deepseek_lsp.engine.completion.prompt import build_fim_context
from deepseek_lsp.engine.document import Document
from deepseek_lsp.testing import golden

TARGET_P50_US = 100.0  # a tenth of a millisecond: invisible next to any network call
TARGET_P90_US = 300.0
GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "golden" / "completion"


def cut_at_stops(text: str, stops: tuple[str, ...]) -> str:
    """The reply as the API returns it for the request's stop strings."""
    cuts = [text.find(s) for s in stops if s in text]
    return text[: min(cuts)] if cuts else text


def cost_us(case: golden.GoldenCase, repeat: int) -> float:
    """The fastest of `repeat` postprocess runs for one case, in microseconds."""
    doc = Document(case.uri, case.document, 1, case.language)
    ctx = build_fim_context(doc, case.cursor)
    reply = cut_at_stops(case.reply, post.stop_sequences(ctx))
    takes_finish = "finish_reason" in inspect.signature(post.postprocess).parameters
    args = (reply, ctx, case.finish_reason) if takes_finish else (reply, ctx)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        post.postprocess(*args)
        best = min(best, time.perf_counter() - started)
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--golden", type=Path, default=GOLDEN)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    cases = golden.load(args.golden)
    costs = sorted(cost_us(case, args.repeat) for case in cases)
    p50 = statistics.median(costs)
    p90 = costs[int(0.9 * (len(costs) - 1))]
    print(f"postprocess cost per suggestion over {len(cases)} golden cases")
    print(f"  p50 {p50:7.1f} us   (target <= {TARGET_P50_US:.0f} us)")
    print(f"  p90 {p90:7.1f} us   (target <= {TARGET_P90_US:.0f} us)")
    print(f"  max {costs[-1]:7.1f} us")


if __name__ == "__main__":
    main()
