"""Time to first token against prompt size, on the fake DeepSeek's cost model.

Run ``.venv/bin/python bench/context_ttft.py`` after bench/context.py has fetched the corpus.
A typist retypes real lines of real files (httpx, rxjs, cobra) one character per request, the
other files of the project on disk and indexed; each request's prompt is built by the real engine
(`CompletionEngine.prepare`, cross-file context included) and fed to the fake's prefix cache
(`PrefixCache`: hits are whole 64-token units of the longest common prefix with earlier prompts).
Time to first token = base + missed tokens x miss cost + cached tokens x hit cost, which is the
fake's model (`miss_token_delay`, `hit_token_delay`). DeepSeek publishes no prefill speed: the
defaults (10,000 missed tokens/s, cached ones 50x cheaper, as their price) are assumptions, and
the table is printed for a slower prefill too. Cost uses deepseek-flash off-peak prices.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import context_corpus as corpus
from deepseek_lsp.api import ApiConfig, DeepSeekClient
from deepseek_lsp.engine.completion import CompletionEngine
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.workspace.service import WorkspaceService, limits_from
from deepseek_lsp.settings import Settings
from deepseek_lsp.testing.fake.payloads import PrefixCache, estimate_tokens

HIT_USD, MISS_USD = 0.003 / 1e6, 0.15 / 1e6  # deepseek-flash off-peak, per token
BASE_S = 0.150


@dataclasses.dataclass
class Result:
    window: int
    context: int
    prompt_tokens: float
    ttft_p50: float
    ttft_p90: float
    reuse: float
    usd_per_1000: float
    cold_ttft: float


def sessions(project: str, lines: int, seed: int) -> list[tuple[Path, int]]:
    root = corpus.CORPUS / "src" / project
    files = [p for p in corpus.source_files(root) if p.stat().st_size > 4000]
    rng = random.Random(seed)
    picked = []
    for path in rng.sample(files, min(lines, len(files))):
        text = path.read_text(encoding="utf-8", errors="replace").split("\n")
        candidates = [i for i, t in enumerate(text) if 20 <= len(t.strip()) <= 60 and i > 40]
        if candidates:
            picked.append((path, rng.choice(candidates)))
    return picked


async def run(project: str, window: int, context: int, lines: int, miss_s: float, hit_s: float):
    root = corpus.CORPUS / "src" / project
    settings = Settings()
    settings = dataclasses.replace(
        settings,
        context=dataclasses.replace(settings.context, max_tokens=context, prompt_tokens=window),
    )
    engine = CompletionEngine(settings, DeepSeekClient(ApiConfig.from_settings(settings)))
    docs: dict[str, Document] = {}
    service = WorkspaceService(
        limits_from(settings), docs.get, lambda p: str(Path(p).relative_to(root))
    )
    service.start([str(root)])
    await service.idle()
    engine.context_source = service.snippets
    cache = PrefixCache()
    ttfts, reuse, tokens, cost, colds = [], [], [], 0.0, []
    for path, line in sessions(project, lines, seed=11):
        text = path.read_text(encoding="utf-8", errors="replace").split("\n")
        target = text[line]
        indent = len(target) - len(target.lstrip())
        previous = None
        for typed in range(indent, len(target) + 1):
            body = "\n".join([*text[:line], target[:typed], *text[line + 1 :]])
            doc = Document(path.as_uri(), body, typed, corpus.LANGUAGE[path.suffix], "utf-32")
            docs[doc.uri] = doc
            if previous is None:
                await service.builder.document_text(str(path), body)
            prompt = engine.prepare(doc, (line, typed), str(path.relative_to(root))).request.prompt
            total = estimate_tokens(prompt)
            hit = cache.lookup_and_store(prompt)
            ttft = BASE_S + (total - hit) * miss_s + hit * hit_s
            (colds if previous is None else ttfts).append(ttft)
            if previous is not None:
                common = len(_common(previous, prompt))
                reuse.append(common / len(prompt))
            tokens.append(total)
            cost += (total - hit) * MISS_USD + hit * HIT_USD
            previous = prompt
    await engine.client.aclose()
    n = len(tokens)
    return Result(
        window, context, statistics.median(tokens), statistics.median(ttfts),
        sorted(ttfts)[int(len(ttfts) * 0.9)], statistics.mean(reuse), cost / n * 1000,
        statistics.median(colds),
    )  # fmt: skip


def _common(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b):  # noqa: B905
        if x != y:
            break
        n += 1
    return a[:n]


async def main_async(args: argparse.Namespace) -> None:
    out = sys.stdout.write
    for miss_ms in (0.1, 0.4):
        out(f"\nprefill {miss_ms} ms per missed token, {miss_ms / 50:.4f} ms per cached token\n")
        out(
            "project  window ctx-budget  prompt tok p50  TTFT p50 ms  TTFT p90 ms  first-of-line ms"
        )
        out("  prefix reuse  USD/1000 req\n")
        for project in args.projects.split(","):
            for window, context in [(1536, 0), (1536, 1536), (3072, 3072), (3072, 6144),
                                    (3072, 12288), (6144, 12288)]:  # fmt: skip
                r = await run(project, window, context, args.lines, miss_ms / 1000, miss_ms / 50000)
                out(
                    f"{project:<8} {r.window:>6} {r.context:>10}  {r.prompt_tokens:>14.0f}"
                    f"  {r.ttft_p50 * 1000:>11.0f}  {r.ttft_p90 * 1000:>11.0f}"
                    f"  {r.cold_ttft * 1000:>16.0f}  {r.reuse:>12.1%}  {r.usd_per_1000:>12.4f}\n"
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--projects", default="httpx,rxjs,cobra")
    parser.add_argument("--lines", type=int, default=12, help="lines retyped per project")
    asyncio.run(main_async(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
