"""Cross-file context on real code: recall of definitions, prompt size, cost, memory, latency.

Run ``.venv/bin/python bench/context.py`` (first run fetches the corpus into bench/.corpus/;
``--json`` for raw figures, ``--projects django,rxjs`` to choose). See context_corpus.py for how
positions are mined (independently of the index under test). For each position the calling file
is open in the "editor" (outlined from its text, the rest of the cursor line removed); "disk"
means the defining file is only on disk, "open" that it is open too. A position counts as
recalled when a snippet from the defining file names the function. Timings are
``time.perf_counter`` in this process (one core of a shared two-core machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import context_corpus as corpus
import context_latency as latency
from deepseek_lsp.engine.completion.prompt import CHARS_PER_TOKEN, build_fim_context
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.workspace.assemble import ContextAssembler
from deepseek_lsp.engine.workspace.builder import IndexBuilder
from deepseek_lsp.settings import ContextSettings

DEFAULTS = ContextSettings()
TARGETS = {"recall_open": 0.90, "recall_disk": 0.80, "assembly_p50_ms": 1.0, "rss_mb": 120.0}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))] if ordered else 0.0


def doc_for(path: str, text: str, version: int = 1) -> Document:
    uri = Path(path).as_uri()
    return Document(uri, text, version, corpus.LANGUAGE[Path(path).suffix], "utf-32")


def recalled(snippets: tuple[Any, ...], position: corpus.Position, root: Path) -> bool:
    home = str(Path(position.defined_in).relative_to(root))
    word = re.compile(rf"\b{re.escape(position.name)}\b")
    return any(s.path == home and word.search(s.text) for s in snippets)


async def measure_project(name: str, root: Path, limit: int, budgets: list[int]) -> dict[str, Any]:
    """Recall per budget and mode, prompt sizes and assembly cost for one project."""
    positions = corpus.mine(name, root, limit)
    builder = IndexBuilder()
    started = time.perf_counter()
    await builder.set_roots([str(root)])
    build_s = time.perf_counter() - started
    assembler = ContextAssembler(builder)

    def rel(path: str) -> str:
        return str(Path(path).relative_to(root))

    hits = {(b, m): 0 for b in budgets for m in ("disk", "open")}
    context_tokens: list[float] = []
    cost_new, cost_key = [], []
    for position in positions:
        doc = doc_for(position.path, position.text)
        pos = (position.line, position.column)
        await builder.document_text(position.path, position.text)
        for budget in budgets:
            snippets = assembler.context(doc, pos, budget, (), rel).snippets
            hits[(budget, "disk")] += recalled(snippets, position, root)
            if budget == DEFAULTS.max_tokens:
                fim = build_fim_context(doc, pos, snippets=snippets, context_tokens=budget)
                context_tokens.append(fim.local_prefix_start / CHARS_PER_TOKEN)
        cost_new.append(_time_new_position(assembler, doc, pos))
        cost_key.append(_time_keystroke(assembler, position, pos))
        home_text = Path(position.defined_in).read_text(encoding="utf-8", errors="replace")
        home = doc_for(position.defined_in, home_text)
        await builder.document_text(position.defined_in, home_text)
        for budget in budgets:
            snippets = assembler.context(doc, pos, budget, (home,), rel).snippets
            hits[(budget, "open")] += recalled(snippets, position, root)
        await builder.document_closed(position.defined_in)
        await builder.document_closed(position.path)
    n = max(len(positions), 1)
    return {
        "project": name,
        "files_indexed": len(builder.index.files),
        "index_build_s": build_s,
        "positions": len(positions),
        "recall": {f"{m}@{b}": hits[(b, m)] / n for (b, m) in hits},
        "context_tokens_p50": statistics.median(context_tokens) if context_tokens else 0,
        "context_tokens_p90": pct(context_tokens, 90),
        "assembly_new_position_ms": {"p50": pct(cost_new, 50), "p90": pct(cost_new, 90)},
        "assembly_keystroke_ms": {"p50": pct(cost_key, 50), "p90": pct(cost_key, 90)},
    }


def _time_new_position(assembler: ContextAssembler, doc: Document, pos: tuple[int, int]) -> float:
    """A request at a position not asked before (index unchanged): the per-request cost."""
    assembler._answers.clear()
    started = time.perf_counter()
    assembler.context(doc, pos, DEFAULTS.max_tokens)
    return (time.perf_counter() - started) * 1000


def _time_keystroke(
    assembler: ContextAssembler, position: corpus.Position, pos: tuple[int, int]
) -> float:
    """The next keystroke on the same line: a new document version, one more character."""
    lines = position.text.split("\n")
    lines[position.line] += "x"
    doc = doc_for(position.path, "\n".join(lines), version=2)
    started = time.perf_counter()
    assembler.context(doc, (pos[0], pos[1] + 1), DEFAULTS.max_tokens)
    return (time.perf_counter() - started) * 1000


def report(results: dict[str, Any], budgets: list[int]) -> None:
    out = sys.stdout.write
    out("Cross-file context on real code (bench/context.py)\n\n")
    head = "project      files  positions " + " ".join(
        f"{m}@{b:<6}" for b in budgets for m in ("disk", "open")
    )
    out(head + "   ctx tok p50  new-pos p50/p90 ms  keystroke p50 ms  build s\n")
    for r in results["projects"]:
        cells = " ".join(
            f"{r['recall'][f'{m}@{b}']:>10.0%}" for b in budgets for m in ("disk", "open")
        )
        new, key = r["assembly_new_position_ms"], r["assembly_keystroke_ms"]
        out(
            f"{r['project']:<12} {r['files_indexed']:>5}  {r['positions']:>9} {cells}"
            f"   {r['context_tokens_p50']:>11.0f}  {new['p50']:>7.3f}/{new['p90']:<7.3f}"
            f"   {key['p50']:>14.4f}  {r['index_build_s']:>7.1f}\n"
        )
    b = DEFAULTS.max_tokens
    total = results["overall"]
    out(
        f"\nall positions at the default context.maxTokens={b}: recall open "
        f"{total[f'open@{b}']:.1%} (target >= {TARGETS['recall_open']:.0%}), on disk "
        f"{total[f'disk@{b}']:.1%} (target >= {TARGETS['recall_disk']:.0%})\n"
    )
    for key, value in results.get("extra", {}).items():
        out(f"{key}: {value}\n")


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    names = args.projects.split(",") if args.projects else None
    projects = corpus.fetch_all(names)
    budgets = [int(b) for b in args.budgets.split(",")]
    if DEFAULTS.max_tokens not in budgets:
        budgets.append(DEFAULTS.max_tokens)
    results = [await measure_project(n, r, args.positions, budgets) for n, r in projects.items()]
    overall = {}
    for key in results[0]["recall"]:
        hit = sum(r["recall"][key] * r["positions"] for r in results)
        overall[key] = hit / max(sum(r["positions"] for r in results), 1)
    extra: dict[str, Any] = {}
    big = max(projects.items(), key=lambda item: len(corpus.source_files(item[1])))
    if not args.skip_rss:
        extra[f"server RSS with the {big[0]} index (target <= 120 MB)"] = latency.rss_mb(big[1])
        extra[
            f"event-loop lag while indexing {big[0]} (ms p50/p99/max)"
        ] = await latency.loop_lag_while_indexing(big[1])
    return {"projects": results, "overall": overall, "budgets": budgets, "extra": extra}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--projects", default="", help="comma-separated (default: all)")
    parser.add_argument("--positions", type=int, default=150, help="per project")
    parser.add_argument("--budgets", default="1536,3072,6144", help="context.maxTokens values")
    parser.add_argument("--skip-rss", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    if args.json:
        sys.stdout.write(json.dumps(results, indent=2) + "\n")
    else:
        report(results, results["budgets"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
