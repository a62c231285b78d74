"""What the benchmark types: generated large files and a scripted multi-language typing session.

Everything is deterministic for a seed. The session is a list of keystrokes, each an LSP
incremental change with the cursor after it, the gap before it (bursts at 60-150 ms, pauses at
line ends and between bursts) and, when the typist is on course, the rest of the line they are
about to type (what a perfect model would suggest; the benchmark uses it to script the fake).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

Pos = tuple[int, int]


def big_python(lines: int) -> str:
    """A plausible Python module of exactly ``lines`` lines (ASCII, so UTF-16 = code points)."""
    out = ['"""Generated module for the benchmark."""', "", "import math", ""]
    i = 0
    while len(out) < lines:
        out += [
            f"def handler_{i}(request, limit=10):",
            f'    """Handle request kind {i}."""',
            "    items = fetch(request, limit)",
            "    total = 0",
            "    for item in items:",
            f"        total += item.value * {i % 7 + 1}",
            "    return math.floor(total)",
            "",
        ]
        i += 1
    return "\n".join(out[:lines]) + "\n"


@dataclass(frozen=True)
class Key:
    """One keystroke: an incremental change, and the cursor after it."""

    uri: str
    start: Pos
    end: Pos
    text: str
    cursor: Pos
    gap: float  # seconds since the previous keystroke
    expect: str | None  # rest of the line the typist will type next (None after a typo)
    tail: str  # the last characters before the cursor, to recognise the FIM prompt


@dataclass(frozen=True)
class SourceFile:
    """A file of the session: its starting text and where what gets typed goes."""

    uri: str
    language_id: str
    text: str
    bursts: tuple[tuple[int, str], ...]  # (insert after this line, code to type)


def _repeat(block: str, times: int) -> str:
    return "".join(block.replace("{n}", str(n)) for n in range(times))


PY_BLOCK = '''
class Store{n}:
    """Keeps records of kind {n} in memory."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.records: dict[str, dict] = {}

    def add(self, key: str, record: dict) -> None:
        self.records[key] = record

    def get(self, key: str) -> dict | None:
        return self.records.get(key)
'''
TS_BLOCK = """
export interface Order{n} {
  id: string;
  total: number;
  items: string[];
}

export function orderTotal{n}(order: Order{n}): number {
  return order.items.length * order.total;
}
"""
GO_BLOCK = """
// Cache{n} holds values of kind {n}.
type Cache{n} struct {
	mu    sync.Mutex
	items map[string]string
}

func (c *Cache{n}) Get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.items[key]
	return v, ok
}
"""
RS_BLOCK = """
/// Counter {n}: counts events by name.
pub struct Counter{n} {
    counts: HashMap<String, u64>,
}

impl Counter{n} {
    pub fn bump(&mut self, name: &str) {
        *self.counts.entry(name.to_string()).or_insert(0) += 1;
    }
}
"""


def session_files() -> list[SourceFile]:
    """Four files in four languages, with code to type into each."""
    py = "import json\nfrom pathlib import Path\n" + _repeat(PY_BLOCK, 16)
    ts = 'import { readFile } from "fs/promises";\n' + _repeat(TS_BLOCK, 20)
    go = 'package store\n\nimport "sync"\n' + _repeat(GO_BLOCK, 16)
    rs = "use std::collections::HashMap;\n" + _repeat(RS_BLOCK, 16)
    return [
        SourceFile(
            "file:///bench/app/store.py",
            "python",
            py,
            (
                (40, "    def remove(self, key: str) -> None:\n        del self.records[key]\n"),
                (
                    118,
                    "    def save(self, path: Path) -> None:\n"
                    "        path.write_text(json.dumps(self.records))\n",
                ),
            ),
        ),
        SourceFile(
            "file:///bench/web/orders.ts",
            "typescript",
            ts,
            (
                (
                    60,
                    "export async function load(path: string) {\n"
                    "  return JSON.parse(await readFile(path, 'utf8'));\n",
                ),
            ),
        ),
        SourceFile(
            "file:///bench/svc/cache.go",
            "go",
            go,
            ((67, "func (c *Cache5) Set(key, value string) {\n\tc.items[key] = value\n"),),
        ),
        SourceFile(
            "file:///bench/core/counter.rs",
            "rust",
            rs,
            ((54, "    pub fn get(&self, name: &str) -> u64 {\n        self.counts[name]\n"),),
        ),
    ]


class _Typist:
    """Turns code to type into keystrokes against a local copy of each document."""

    def __init__(self, rng: random.Random, typo_rate: float) -> None:
        self.rng = rng
        self.typo_rate = typo_rate
        self.keys: list[Key] = []
        self.lines: dict[str, list[str]] = {}

    def _apply(
        self, uri: str, start: Pos, end: Pos, text: str, gap: float, expect: str | None
    ) -> Pos:
        """Apply one change locally and record it as a keystroke."""
        lines = self.lines[uri]
        (sl, sc), (el, ec) = start, end
        merged = lines[sl][:sc] + text + lines[el][ec:]
        new = merged.split("\n")
        lines[sl : el + 1] = new
        last = text.split("\n")[-1]
        cursor = (sl + text.count("\n"), (sc if "\n" not in text else 0) + len(last))
        before = "\n".join(
            [*lines[max(0, cursor[0] - 2) : cursor[0]], lines[cursor[0]][: cursor[1]]]
        )
        self.keys.append(Key(uri, start, end, text, cursor, gap, expect, before[-80:]))
        return cursor

    def burst(self, uri: str, after_line: int, code: str, pause: float) -> None:
        """Type ``code`` on new lines after ``after_line``, Enter first (editor auto-indents)."""
        lines = self.lines[uri]
        cursor: Pos = (after_line, len(lines[after_line]))
        gap = pause
        for line in code.rstrip("\n").split("\n"):
            body = line.lstrip()
            indent = line[: len(line) - len(body)]
            cursor = self._apply(uri, cursor, cursor, "\n" + indent, gap, body)
            gap = self.rng.uniform(0.25, 0.7)  # a moment's thought at the start of each line
            for i, ch in enumerate(body):
                if ch.isalpha() and self.rng.random() < self.typo_rate:
                    wrong = self.rng.choice("etaoinshrdlu")
                    typo = self._apply(uri, cursor, cursor, wrong, gap, None)
                    back = (typo[0], typo[1] - 1)
                    gap = self.rng.uniform(0.15, 0.3)
                    cursor = self._apply(uri, back, typo, "", gap, body[i:])
                    gap = self.rng.uniform(0.06, 0.15)
                cursor = self._apply(uri, cursor, cursor, ch, gap, body[i + 1 :])
                gap = self.rng.uniform(0.06, 0.15)


def typing_session(seed: int = 7, typo_rate: float = 0.03) -> tuple[list[SourceFile], list[Key]]:
    """The files and the keystrokes typed into them, files interleaved burst by burst."""
    rng = random.Random(seed)
    files = session_files()
    typist = _Typist(rng, typo_rate)
    for f in files:
        typist.lines[f.uri] = f.text.split("\n")
    queue = [(f.uri, b) for f in files for b in f.bursts]
    order = queue[0::2] + queue[1::2]  # visit files in turn, then come back
    offsets: dict[str, int] = {}
    for uri, (after, code) in order:
        shift = offsets.get(uri, 0) if after > 0 else 0
        typist.burst(uri, after + shift, code, rng.uniform(1.0, 1.8))
        offsets[uri] = shift + code.rstrip("\n").count("\n") + 1
    return files, typist.keys
