"""The API fault matrix: every fault of the fake DeepSeek against every feature that goes upstream.

One server, `http.timeoutSeconds` = `http.totalTimeoutSeconds` = `LIMIT_SECONDS`. For each fault,
every feature is asked at once; a cell passes when its request is answered (a result or an error,
exactly once) within `LIMIT_SECONDS` + `SLACK_SECONDS`, and every upstream request it made was
finished or hung up by the server (the fake records client hang-ups). Used by
tests/e2e/test_fault_matrix.py and printed by bench/fault_matrix.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from deepseek_lsp.testing import FakeDeepSeek, FakeReply

from .wire import Wire

LIMIT_SECONDS = 2.0
SLACK_SECONDS = 1.5
URI = "file:///work/proj/geometry.py"
SOURCE = (
    "import math\n\n\ndef area(r):\n    return math.pi * r * r\n\n\n"
    "def perimeter(r):\n    return 2 * math.pi * r\n"
)
RANGE = {"start": {"line": 3, "character": 0}, "end": {"line": 4, "character": 26}}
DIAGNOSTIC = {"range": RANGE, "message": "undefined name 'pi'", "severity": 1}

FAULTS: dict[str, FakeReply] = {
    "401": FakeReply(status=401),
    "402": FakeReply(status=402),
    "429": FakeReply(status=429, retry_after=30),
    "500": FakeReply(status=500),
    "503": FakeReply(status=503),
    "dropped": FakeReply(text="return 1\n" * 8, chunk_size=4, drop_after_chunks=2),
    "malformed": FakeReply(text="return 1\n" * 8, chunk_size=4, malformed_after_chunks=1),
    "keep-alives": FakeReply(endless="keep_alive"),
    "endless": FakeReply(endless="deltas", text="x", chunk_size=1),
    "megabytes": FakeReply(endless="deltas", text="y" * 65536, chunk_size=65536),
    "slow": FakeReply(text="return 1\n", chunk_size=1, chunk_delay=0.5),
    "never": FakeReply(text="x", first_token_delay=3600.0),
}


def _command(name: str, *extra: Any) -> tuple[str, dict[str, Any]]:
    return "workspace/executeCommand", {"command": name, "arguments": [URI, RANGE, *extra]}


FEATURES: dict[str, tuple[str, dict[str, Any]]] = {
    "completion": (
        "textDocument/completion",
        {"textDocument": {"uri": URI}, "position": {"line": 4, "character": 26}},
    ),
    "inline": (
        "textDocument/inlineCompletion",
        {
            "textDocument": {"uri": URI},
            "position": {"line": 8, "character": 26},
            "context": {"triggerKind": 1},
        },
    ),
    "resolve": (
        "codeAction/resolve",
        {"title": "refactor", "data": {"kind": "refactor", "uri": URI, "range": RANGE}},
    ),
    "refactor": _command("deepseek.refactor"),
    "tests": _command("deepseek.generateTests"),
    "docstring": _command("deepseek.addDocstring"),
    "fix": _command("deepseek.fix", [DIAGNOSTIC]),
    "file-docs": (
        "workspace/executeCommand",
        {"command": "deepseek.addDocstringsToFile", "arguments": [URI]},
    ),
    "explain": _command("deepseek.explain"),
    "chat": ("deepseek/chat", {"message": "why?", "textDocument": {"uri": URI}, "range": RANGE}),
}


@dataclass
class Cell:
    """One fault x feature: how long the answer took, what it was, whether upstream was closed."""

    seconds: float
    outcome: str  # "result" or the error code
    answers: int
    closed: bool

    @property
    def ok(self) -> bool:
        return self.answers == 1 and self.closed and self.seconds <= LIMIT_SECONDS + SLACK_SECONDS


def _answer(message: dict[str, Any]) -> dict[str, Any]:
    if message["method"] == "workspace/configuration":
        return {"result": [None]}
    if message["method"] == "workspace/applyEdit":
        return {"result": {"applied": True}}
    return {"result": None}


def _run_fault(wire: Wire, fake: FakeDeepSeek, fault: FakeReply) -> dict[str, Cell]:
    fake.reset()
    fake.script(*[fault] * 200)  # every upstream attempt (retries, batches) meets the fault
    sent = {}
    for name, (method, params) in FEATURES.items():
        sent[name] = (wire.request(method, params), time.monotonic())
    cells = {}
    for name, (msg_id, started) in sent.items():
        reply = wire.response(msg_id, timeout=LIMIT_SECONDS + 30)
        seconds = time.monotonic() - started
        outcome = "result" if "result" in reply else str(reply["error"]["code"])
        cells[name] = Cell(seconds, outcome, 0, False)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not all(_closed(r) for r in fake.requests):
        fake.wait_for_requests(len(fake.requests), timeout=0.2, finished=True)
    closed = all(_closed(r) for r in fake.requests)
    for name, (msg_id, _) in sent.items():
        cells[name].answers = len(wire.answers(msg_id))
        cells[name].closed = closed
    return cells


def _closed(record: Any) -> bool:
    return record.finished_at is not None or record.hung_up


def run_matrix(fake: FakeDeepSeek, env: dict[str, str]) -> dict[str, dict[str, Cell]]:
    """Every fault against every feature; the matrix of cells."""
    wire = Wire(env, answer=_answer)
    try:
        wire.initialize(
            {
                "http": {"timeoutSeconds": LIMIT_SECONDS, "totalTimeoutSeconds": LIMIT_SECONDS},
                "completion": {"debounceMs": 0},
            }
        )
        wire.open(URI, SOURCE)
        matrix = {name: _run_fault(wire, fake, fault) for name, fault in FAULTS.items()}
        assert wire.stray == []
        return matrix
    finally:
        wire.close()


def render(matrix: dict[str, dict[str, Cell]]) -> str:
    """The matrix as text: seconds and outcome per cell, `!` where a cell failed."""
    names = list(FEATURES)
    lines = ["fault        " + "".join(f"{n:>14}" for n in names)]
    for fault, cells in matrix.items():
        row = "".join(
            f"{('' if c.ok else '!') + f'{c.seconds:.1f}s ' + c.outcome:>14}"
            for c in (cells[n] for n in names)
        )
        lines.append(f"{fault:<13}{row}")
    bad = sum(not c.ok for cells in matrix.values() for c in cells.values())
    total = sum(len(cells) for cells in matrix.values())
    lines.append(
        f"{total - bad}/{total} cells answered once within {LIMIT_SECONDS + SLACK_SECONDS:g} s"
        f" (http.timeoutSeconds = totalTimeoutSeconds = {LIMIT_SECONDS:g}) with upstream closed"
    )
    return "\n".join(lines)
