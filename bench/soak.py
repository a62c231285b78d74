"""Soak: RSS and open file descriptors of the real server over 20,000 keystrokes.

Eight documents from packages installed in the venv (code nobody here wrote) are opened and typed
into, one incremental `didChange` per keystroke, with an inline completion every 10 keystrokes
against the fake DeepSeek. Target (issue 10): RSS after 20,000 keystrokes within 10 MB of RSS
after 2,000. Run: `.venv/bin/python bench/soak.py [--keystrokes 20000]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402  (a source of real code to type into)
import pygls  # noqa: E402
from tests.e2e.wire import Wire  # noqa: E402

from deepseek_lsp.testing import FakeDeepSeek  # noqa: E402

TARGET_MB = 10.0
CHECKPOINTS = (0, 2000, 5000, 10000, 15000, 20000)


def sources() -> list[Path]:
    """Eight Python files of installed packages."""
    files = sorted(Path(httpx.__file__).parent.glob("*.py")) + sorted(
        Path(pygls.__file__).parent.rglob("*.py")
    )
    return [f for f in files if f.stat().st_size > 2000][:8]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fds(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/fd").iterdir()))


def _answer(message: dict) -> dict:
    return {"result": [None] if message["method"] == "workspace/configuration" else None}


def soak(keystrokes: int) -> dict[int, tuple[float, int]]:
    fake = FakeDeepSeek()
    fake.start()
    wire = Wire({"DEEPSEEK_BASE_URL": fake.base_url, "DEEPSEEK_API_KEY": "sk-soak"}, answer=_answer)
    try:
        wire.initialize({"completion": {"debounceMs": 0}})
        docs = []
        for path in sources():
            uri = path.as_uri()
            text = path.read_text()
            wire.open(uri, text)
            docs.append([uri, text.count("\n") // 2, 0, 1])  # uri, line, column, version
        points: dict[int, tuple[float, int]] = {}
        for n in range(keystrokes + 1):
            if n in CHECKPOINTS or n == keystrokes:
                wire.call("deepseek/usage", {}, timeout=30)  # everything before it is handled
                points[n] = (rss_mb(wire.proc.pid), fds(wire.proc.pid))
                print(f"{n:>6} keystrokes  RSS {points[n][0]:6.1f} MB  fds {points[n][1]}")
            if n == keystrokes:
                break
            doc = docs[n % len(docs)]
            uri, line, column, version = doc
            pos = {"line": line, "character": column}
            char = "x" if n % 7 else "\n"
            doc[3] = version + 1
            doc[1], doc[2] = (line + 1, 0) if char == "\n" else (line, column + 1)
            wire.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": doc[3]},
                    "contentChanges": [{"range": {"start": pos, "end": pos}, "text": char}],
                },
            )
            if n % 10 == 9:
                wire.request(
                    "textDocument/inlineCompletion",
                    {
                        "textDocument": {"uri": uri},
                        "position": {"line": doc[1], "character": doc[2]},
                        "context": {"triggerKind": 2},
                    },
                )
        assert wire.stray == []
        return points
    finally:
        wire.close()
        fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keystrokes", type=int, default=20000)
    args = parser.parse_args()
    points = soak(args.keystrokes)
    last = max(points)
    base = points.get(2000, points[min(points)])
    growth = points[last][0] - base[0]
    verdict = "OK" if growth <= TARGET_MB else "OVER"
    print(
        f"RSS growth from 2,000 to {last:,} keystrokes: {growth:+.1f} MB"
        f" (target <= {TARGET_MB:g} MB) {verdict}; fds {base[1]} -> {points[last][1]}"
    )


if __name__ == "__main__":
    main()
