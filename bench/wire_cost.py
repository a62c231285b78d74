"""What turning a ready FIM request into an `httpx.Request` costs, old way against new, cold.

On a shared machine every first touch of code and data after an idle spell is several times
slower than a warm one, and an invoked request always comes after one (the user paused). So
each figure is one call timed right after `time.sleep(0.15)` ("cold"), and a second call right
after it ("warm"), median over the cursors. The file is the first 10,000 lines of the installed
`lsprotocol/types.py`; "with context" adds two snippets of other real files (httpx) as the
workspace context would. Each cursor follows a request one line above (the user moved on), so
the blocks of the window were in the previous prompt; "jump" clears the piece cache first.

    .venv/bin/python bench/wire_cost.py [--cursors 40]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import lsprotocol

from deepseek_lsp.api import FimRequest
from deepseek_lsp.api.body import _escaped_piece, fim_body, json_body
from deepseek_lsp.api.client import CONNECT_TIMEOUT_SECONDS
from deepseek_lsp.api.post import PostTemplates, parsed_url
from deepseek_lsp.engine.completion.prompt import Snippet
from deepseek_lsp.engine.completion.request import prepare
from deepseek_lsp.engine.document import Document
from deepseek_lsp.settings import Settings

TARGET_MS = 1.0  # issue 13: all the server adds to an invoked request, p50
URL = "http://127.0.0.1:9/beta/completions"
HEADERS = {
    "Authorization": "Bearer sk-bench",
    "Accept": "text/event-stream",
    "Content-Type": "application/json",
}


Rows = dict[str, list[tuple[float, float]]]


def timed(call: Callable[..., object], *args: object) -> tuple[float, float]:
    """(cold, warm) microseconds of `call(*args)`."""
    time.sleep(0.15)
    start = time.perf_counter()
    call(*args)
    middle = time.perf_counter()
    call(*args)
    return (middle - start) * 1e6, (time.perf_counter() - middle) * 1e6


def requests(cursors: int, context: bool) -> list[tuple[FimRequest, FimRequest]]:
    """(the request one line above, the request at the cursor) for random cursors."""
    path = Path(lsprotocol.__file__).parent / "types.py"
    text = "".join(path.read_text().splitlines(keepends=True)[:10_000])
    doc = Document(path.as_uri(), text, 1, "python")
    snippets: tuple[Snippet, ...] = ()
    if context:
        root = Path(httpx.__file__).parent
        snippets = tuple(
            Snippet(f"httpx/{name}", (root / name).read_text()[:1800], "similar")
            for name in ("_models.py", "_client.py")
        )
    rng, out, s = random.Random(3), [], Settings()
    for line in rng.sample(range(200, 9_990), cursors):
        pair = [
            prepare(s, doc, (at, len(doc.line(at))), "lsprotocol/types.py", snippets).request
            for at in (line - 1, line)
        ]
        out.append((pair[0], pair[1]))
    return out


def old_body(req: FimRequest) -> bytes:
    """The body as it was built before pieces: the whole dict through json_body."""
    return json_body(req.body(req.model))


def body_figures(pairs: list[tuple[FimRequest, FimRequest]]) -> Rows:
    rows: Rows = {"old": [], "new": [], "new, jump": []}
    for before, req in pairs:
        fim_body(before, before.model)  # the previous keystroke's request filled the cache
        rows["new"].append(timed(fim_body, req, req.model))
        rows["old"].append(timed(old_body, req))
        _escaped_piece.cache_clear()
        rows["new, jump"].append(timed(fim_body, req, req.model))
    return rows


def old_request(http: httpx.AsyncClient, content: bytes) -> httpx.Request:
    target = parsed_url(URL)  # as the client did before templates (a cached httpx.URL)
    return http.build_request("POST", target, content=content, headers=dict(HEADERS))


def new_request(posts: PostTemplates, http: httpx.AsyncClient, content: bytes) -> httpx.Request:
    return posts.request(http, URL, dict(HEADERS), content)


async def request_figures(pairs: list[tuple[FimRequest, FimRequest]]) -> Rows:
    rows: Rows = {"old": [], "new": []}
    posts = PostTemplates()
    timeout = httpx.Timeout(30.0, connect=CONNECT_TIMEOUT_SECONDS)
    async with httpx.AsyncClient(http2=True, trust_env=True, timeout=timeout) as http:
        for _, req in pairs:
            content = fim_body(req, req.model)
            rows["new"].append(timed(new_request, posts, http, content))
            rows["old"].append(timed(old_request, http, content))
    return rows


def show(title: str, rows: Rows) -> None:
    print(title)
    for name, samples in rows.items():
        cold = statistics.median(s[0] for s in samples)
        warm = statistics.median(s[1] for s in samples)
        print(f"  {name:10s} cold p50 {cold:7.1f} µs   warm p50 {warm:6.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cursors", type=int, default=40)
    args = parser.parse_args()
    print(f"target: everything the server adds <= {TARGET_MS:.1f} ms p50 (issue 13)")
    for context in (False, True):
        pairs = requests(args.cursors, context)
        size = statistics.median(len(req.prompt) for _, req in pairs)
        label = "with context" if context else "no context"
        show(f"body ({label}, prompt p50 {size:.0f} chars)", body_figures(pairs))
        show(f"request ({label})", asyncio.run(request_figures(pairs)))


if __name__ == "__main__":
    main()
