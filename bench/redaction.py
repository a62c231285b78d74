"""Secret redaction measured both ways, and what it costs per prompt.

False positives: every .py/.js/.ts/.go file of code nobody here wrote (this venv's site-packages,
a node_modules tree, optionally a directory of Go sources) is redacted; each changed line is
listed in a review file so a person can classify it (a real secret, a key-shaped test fixture or
a false positive). True positives: the credential corpus in tests/data/redaction_corpus.py, every
entry of which must lose its secret. Cost: p50/p95 of `redact` on ~6 KB windows of the real files.

    .venv/bin/python bench/redaction.py [--node-modules DIR] [--go DIR] [--review FILE]

Go sources used for the figures in the closing note: golang/oauth2, go-sql-driver/mysql,
spf13/cobra, gin-gonic/gin and go-redis/redis, each unpacked under one directory given as --go.
The cost is measured cold (no line of the window seen before) and per keystroke (the window plus
one typed character: `redact` caches results per line, as consecutive prompts share all but one).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import sysconfig
import time
from collections import Counter
from pathlib import Path

from deepseek_lsp.engine.privacy import redact, secrets

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "redaction_corpus.py"
EXTENSIONS = {".py", ".js", ".ts", ".mjs", ".cjs", ".go"}
WINDOW = 6000


def real_files(roots: list[Path]) -> list[Path]:
    """Every source file under the roots, in a stable order."""
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            files += sorted(p for p in root.rglob("*") if p.suffix in EXTENSIONS and p.is_file())
    return files


def changed_lines(original: str, redacted: str) -> list[tuple[int, str, str]]:
    """(line number, before, after) of each line the redaction changed."""
    before, after = original.split("\n"), redacted.split("\n")
    if len(before) != len(after):  # a private key body spanning lines: one finding
        at = next(i for i, (b, a) in enumerate(zip(before, after, strict=False)) if b != a)
        return [(at + 1, before[at] + " ... (private key body)", after[at])]
    return [(i + 1, b, a) for i, (b, a) in enumerate(zip(before, after, strict=True)) if b != a]


def false_positives(files: list[Path], review: Path) -> tuple[int, int, Counter[str]]:
    """Lines scanned, lines changed, and changed lines per top directory."""
    lines = flagged = 0
    per_root: Counter[str] = Counter()
    with review.open("w") as out:
        for path in files:
            text = path.read_text(errors="replace")
            lines += text.count("\n") + 1
            result = redact(text)
            if not result.count:
                continue
            for number, before, after in changed_lines(text, result.text):
                flagged += 1
                per_root[path.suffix] += 1
                out.write(
                    f"{path}:{number}\n  - {before.strip()[:300]}\n  + {after.strip()[:300]}\n"
                )
    return lines, flagged, per_root


def true_positives() -> tuple[int, list[str]]:
    """Corpus size and the entries whose secret survived."""
    sys.path.insert(0, str(CORPUS.parent))
    import redaction_corpus as corpus  # test data, found at run time

    missed = [
        f"{entry.name}: {entry.text!r}"
        for entry in corpus.CREDENTIALS
        if any(secret in redact(entry.text).text for secret in entry.secrets)
    ]
    return len(corpus.CREDENTIALS), missed


def prompt_windows(files: list[Path], count: int = 400) -> list[str]:
    """~6 KB windows of real files (files at least that long), as the completion prompt sends."""
    rng = random.Random(9)
    big = [p for p in files if p.stat().st_size >= WINDOW]
    windows = []
    for path in rng.sample(big, min(count, len(big))):
        text = path.read_text(errors="replace")
        start = rng.randrange(len(text) - WINDOW + 1)
        windows.append(text[start : start + WINDOW])
    return windows


def percentiles(timings: list[float]) -> tuple[float, float]:
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)]


def cost_cold(windows: list[str]) -> tuple[float, float]:
    """p50/p95 ms of `redact` on a window none of whose lines was seen before."""
    timings = []
    for window in windows:
        secrets.clear_cache()
        begin = time.perf_counter()
        redact(window)
        timings.append((time.perf_counter() - begin) * 1000)
    return percentiles(timings)


def cost_typing(windows: list[str], keys: int = 20) -> tuple[float, float]:
    """p50/p95 ms per keystroke: the same window with one more character typed at its end."""
    timings = []
    for window in windows[:100]:
        secrets.clear_cache()
        redact(window)
        for i in range(keys):
            prompt = window + "x" * (i + 1)
            begin = time.perf_counter()
            redact(prompt)
            timings.append((time.perf_counter() - begin) * 1000)
    return percentiles(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--node-modules", type=Path, action="append", default=[], help="default: the extension's"
    )
    parser.add_argument("--go", type=Path, action="append", default=[])
    parser.add_argument("--review", type=Path, default=Path("/tmp/redaction-review.txt"))
    args = parser.parse_args()
    site = Path(sysconfig.get_paths()["purelib"])
    node = args.node_modules or [ROOT / "vscode-extension/node_modules"]
    roots = [site, *node, *args.go]
    files = real_files(roots)
    by_ext = Counter(p.suffix for p in files)
    lines, flagged, per_ext = false_positives(files, args.review)
    size, missed = true_positives()
    windows = prompt_windows(files)
    cold, typing = cost_cold(windows), cost_typing(windows)
    rate = flagged / lines * 10_000 if lines else 0.0
    print(f"real code: {len(files)} files ({dict(sorted(by_ext.items()))}), {lines} lines")
    print(f"  roots: {', '.join(str(r) for r in roots)}")
    print(f"  changed lines: {flagged} ({dict(per_ext)}); review them in {args.review}")
    print(f"  changed lines per 10,000 lines: {rate:.3f}   (target 0 after review)")
    print(
        f"credential corpus: {size - len(missed)}/{size} caught = {(size - len(missed)) / size:.1%}"
        "   (target 100 %)"
    )
    for entry in missed:
        print(f"  MISSED {entry}")
    print(f"cost per 6 KB prompt of real code ({len(windows)} windows), target p50 < 0.2 ms:")
    print(
        f"  per keystroke (all lines but one seen): p50 {typing[0]:.3f} ms, p95 {typing[1]:.3f} ms"
    )
    print(f"  cold (no line seen before):             p50 {cold[0]:.3f} ms, p95 {cold[1]:.3f} ms")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
