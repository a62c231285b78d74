"""Do two versions of the context code give the same snippets? Dump one, dump the other, compare.

For every non-blank line of a few files (Django, httpx, cobra, query-core from bench/.corpus/,
fetched by bench/context.py), cursors at the line's end and middle, at budgets 6144, 400 and 60
tokens, through `WorkspaceService.snippets` (later files have the earlier ones open: similar
snippets too), plus `definitions_text` for selections. Run once per version, for example:

    git worktree add --detach /tmp/ctxold main
    PYTHONPATH=/tmp/ctxold/server .venv/bin/python bench/context_same.py /tmp/old.json
    .venv/bin/python bench/context_same.py /tmp/new.json --shuffle
    .venv/bin/python bench/context_same.py --compare /tmp/old.json /tmp/new.json

`--shuffle` visits the cursors in a random order: remembered answers must not depend on it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import context_corpus as corpus
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.languages import language_for
from deepseek_lsp.engine.workspace.service import WorkspaceService, limits_from
from deepseek_lsp.settings import Settings

CASES = {
    "django": [
        "django/db/models/query.py",
        "django/forms/models.py",
        "django/contrib/admin/options.py",
    ],
    "httpx": ["httpx/_client.py"],
    "cobra": ["command.go", "completions.go"],
    "query-core": ["src/queryClient.ts", "src/query.ts"],
}


def cursors(doc: Document, shuffle: bool) -> list[tuple[int, int, int]]:
    """(line, column, max tokens) for every non-blank line."""
    found = []
    for i in range(doc.line_count):
        text = doc.line(i)
        if not text.strip():
            continue
        found += [(i, len(text), 6144), (i, len(text) // 2, 6144)]
        found += [(i, len(text), 400)] if i % 3 == 0 else []
        found += [(i, len(text), 60)] if i % 7 == 0 else []
    if shuffle:
        random.Random(5).shuffle(found)
    return found


async def dump(shuffle: bool) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for project, files in CASES.items():
        root = corpus.fetch_all([project]).get(project)
        if root is None:
            print(f"{project}: not in bench/.corpus (no mirror), left out", file=sys.stderr)
            continue
        docs: dict[str, Document] = {}
        service = WorkspaceService(
            limits_from(Settings()), docs.get, lambda p, root=root: p[len(str(root)) + 1 :]
        )
        service.start([str(root)])
        await service.idle()
        for rel in files:
            path = root / rel
            doc = Document(path.as_uri(), path.read_text(), 1, language_for(path.as_uri()).id)
            docs[doc.uri] = doc
            service.opened(doc)
            await service.idle()
            for line, column, tokens in cursors(doc, shuffle):
                snippets = service.snippets(doc, (line, column), tokens)
                key = f"{project}/{rel}:{line}:{column}:{tokens}"
                result[key] = [[s.path, s.source, s.text] for s in snippets]
            for first in range(0, doc.line_count, 25):
                result[f"{project}/{rel}:sel{first}"] = service.definitions_text(
                    doc, first, first + 12, 2000
                )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", help="write this version's snippets here (JSON)")
    parser.add_argument("--shuffle", action="store_true")
    parser.add_argument("--compare", nargs=2, metavar=("A", "B"))
    args = parser.parse_args()
    if args.compare:
        a, b = (json.loads(Path(p).read_text()) for p in args.compare)
        differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        print(f"{len(a)} and {len(b)} cases, {len(differ)} differ", *differ[:20], sep="\n")
        return 1 if differ or not a else 0
    if not args.out:
        parser.error("give an output file or --compare A B")
    result = asyncio.run(dump(args.shuffle))
    Path(args.out).write_text(json.dumps(result, sort_keys=True))
    print(f"{len(result)} cases written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
