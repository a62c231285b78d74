"""A seeded fuzz run over every method the server serves and every hostile family.

Each case is some bytes and what must come back: exactly one answer with the right code for a
request (or one id-null error for unreadable input, or nothing for a notification). After each
case a good request must be served; stdout must carry only protocol. Bounded: `CASES` cases,
under `BUDGET_SECONDS`.
"""

from __future__ import annotations

import copy
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from deepseek_lsp.testing import FakeDeepSeek

from .test_hostile import RANGE, SOURCE, URI, _client_answers, _env
from .wire import Wire, frame

SEED = 20261201
CASES = 1500
BUDGET_SECONDS = 30.0
POS = {"line": 1, "character": 16}
DOC = {"uri": URI}
RESULT, NONE = "result", None

# method -> valid params (requests answered with a result)
REQUESTS: dict[str, Any] = {
    "textDocument/inlineCompletion": {
        "textDocument": DOC,
        "position": POS,
        "context": {"triggerKind": 1},
    },
    "textDocument/completion": {
        "textDocument": DOC,
        "position": POS,
        "context": {"triggerKind": 1},
    },
    "textDocument/codeAction": {
        "textDocument": DOC,
        "range": RANGE,
        "context": {"diagnostics": []},
    },
    "codeAction/resolve": {"title": "t", "data": {"kind": "refactor", "uri": URI, "range": RANGE}},
    "workspace/executeCommand": {"command": "deepseek.explain", "arguments": [URI, RANGE]},
    "deepseek/chat": {"message": "hi", "textDocument": DOC, "range": RANGE},
    "deepseek/usage": {},
}
COMMANDS = [
    "deepseek.explain",
    "deepseek.fix",
    "deepseek.addDocstring",
    "deepseek.generateTests",
    "deepseek.refactor",
    "deepseek.addDocstringsToFile",
    "deepseek.acceptCompletion",
]
NOTIFICATIONS: dict[str, Any] = {
    "textDocument/didChange": {
        "textDocument": {"uri": URI, "version": 2},
        "contentChanges": [{"range": {"start": POS, "end": POS}, "text": ""}],
    },
    "textDocument/didShowCompletion": {},
    "textDocument/didPartiallyAcceptCompletion": {},
    "workspace/didChangeConfiguration": {"settings": {"deepseek": {}}},
    "workspace/didChangeWorkspaceFolders": {"event": {"added": [], "removed": []}},
    "$/setTrace": {"value": "off"},
    "$/cancelRequest": {"id": "nobody"},
    "textDocument/didOpen": {
        "textDocument": {"uri": "file:///f.py", "languageId": 5, "version": 1, "text": "x\ud800"}
    },
    "textDocument/didClose": {"textDocument": {"uri": "file:///f.py"}},
}
# (params path, wrong value) per typed method: each must be -32602
WRONG_TYPES: list[tuple[tuple[Any, ...], Any]] = [
    (("position", "line"), "1"),
    (("position", "character"), 4.9),
    (("textDocument", "uri"), 5),
    (("context", "triggerKind"), 1.0),
    (("textDocument",), None),
    (("position",), [1, 2]),
]
Expect = tuple[str | None, int | None]  # ("result", None) | ("error", code) | (None, None)


class Fuzzer:
    """Builds cases; `expected`: request id -> its due answer; `null_errors`: id-null errors."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.n = 0
        self.expected: dict[str, Expect] = {}
        self.null_errors: Counter[int] = Counter()

    def _id(self) -> str:
        self.n += 1
        return f"f{self.n}"

    def request(self, method: str, params: Any, expect: Expect, **over: Any) -> bytes:
        msg_id = self._id()
        self.expected[msg_id] = expect
        message = {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params, **over}
        return frame({k: v for k, v in message.items() if v is not _DROP})

    # --- families --------------------------------------------------------------------------------

    def valid(self) -> bytes:
        method = self.rng.choice(list(REQUESTS))
        params = copy.deepcopy(REQUESTS[method])
        if method == "workspace/executeCommand":
            params["command"] = self.rng.choice(COMMANDS)
        if self.rng.random() < 0.3 and isinstance(params.get("textDocument"), dict):
            params["textDocument"]["jsonrpc"] = "2.0"  # data, not a message
        if self.rng.random() < 0.2 and "range" in params:
            params["range"] = {"start": RANGE["end"], "end": RANGE["start"]}
        if method == "deepseek/chat" and self.rng.random() < 0.5:
            params["message"] = "lone \ud800 surrogate"
        return self.request(method, params, (RESULT, None))

    def wrong_type(self) -> bytes:
        method = self.rng.choice(["textDocument/inlineCompletion", "textDocument/completion"])
        params = copy.deepcopy(REQUESTS[method])
        path, value = self.rng.choice(WRONG_TYPES)
        target = params
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return self.request(method, params, ("error", -32602))

    def bad_envelope(self) -> bytes:
        method = self.rng.choice(list(REQUESTS))
        kind = self.rng.randrange(6)
        if kind == 0:
            return self.request(method, {}, ("error", -32600), jsonrpc=_DROP)
        if kind == 1:
            return self.request(self.rng.choice([5, None, ["x"], {"m": 1}]), {}, ("error", -32600))
        if kind == 2:
            return self.request(method, self.rng.choice([3, "s", True]), ("error", -32600))
        if kind == 3:
            return self.request(f"no/such/{self.rng.randrange(99)}", {}, ("error", -32601))
        if kind == 4:
            self.null_errors[-32600] += 1
            return frame(self.rng.choice([[], [1, 2], 7, "str", None]))
        self.null_errors[-32700] += 1
        body = self.rng.choice([b"{", b"{'a': 1}", b'{"jsonrpc": "2.0", "id": 1,', b"\xff\xfe"])
        return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)

    def framing(self) -> bytes:
        kind = self.rng.randrange(6)
        good = self.request("deepseek/usage", {}, (RESULT, None))
        if kind == 0:  # noise before a message
            return bytes(self.rng.randrange(256) for _ in range(self.rng.randrange(1, 40))) + good
        if kind == 1:  # LF-only header
            return good.replace(b"\r\n\r\n", b"\n\n", 1)
        self.null_errors[-32700] += 1
        body = good.split(b"\r\n\r\n", 1)[1]
        del self.expected[f"f{self.n}"]  # this message is broken on purpose
        if kind == 2:
            return b"Content-Length: %d\r\n\r\n%s" % (self.rng.randrange(1, len(body) - 1), body)
        if kind == 3:
            return b"Content-Length: 0\r\n\r\n"
        if kind == 4:
            return b"Content-Length: %s\r\n\r\n{}" % self.rng.choice([b"x", b"-1", b"1e3", b"0x10"])
        return b"Content-Length: %d\r\n\r\n" % self.rng.choice([10**12, 2**40, 10**15])

    def too_long(self) -> bytes:
        """A length a few bytes too large: it eats into the next message, which is given back."""
        self.null_errors[-32700] += 1
        body = b'{"jsonrpc":"2.0","id":"x","method":"deepseek/usage"}'
        return b"Content-Length: %d\r\n\r\n%s" % (len(body) + self.rng.randrange(1, 20), body)

    def deep(self) -> bytes:
        depth = self.rng.choice([70, 200, 3000])
        msg_id = self._id()
        self.expected[msg_id] = ("error", -32602)
        body = (
            f'{{"jsonrpc":"2.0","id":"{msg_id}","method":"codeAction/resolve",'
            f'"params":{{"title":"t","data":' + '{"a":' * depth + "1" + "}" * depth + "}}"
        ).encode()
        return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)

    def notification(self) -> bytes:
        method = self.rng.choice(list(NOTIFICATIONS))
        params = copy.deepcopy(NOTIFICATIONS[method])
        if self.rng.random() < 0.3:
            params = {"textDocument": {"uri": 5}}  # broken: dropped, never answered
        return frame({"jsonrpc": "2.0", "method": method, "params": params})

    def stray_reply(self) -> bytes:
        return frame({"jsonrpc": "2.0", "id": f"z{self.rng.randrange(99)}", "result": 42})

    def second_initialize(self) -> bytes:
        return self.request("initialize", {"capabilities": {}}, ("error", -32600))


_DROP = object()


def _families(f: Fuzzer) -> list[Callable[[], bytes]]:
    return [
        f.valid,
        f.valid,
        f.wrong_type,
        f.bad_envelope,
        f.framing,
        f.too_long,
        f.deep,
        f.notification,
        f.stray_reply,
        f.second_initialize,
    ]


def _check(wire: Wire, fuzzer: Fuzzer) -> None:
    for msg_id, (kind, code) in fuzzer.expected.items():
        answers = wire.answers(msg_id)
        assert len(answers) == 1, (msg_id, answers)
        if kind == RESULT:
            assert "result" in answers[0], (msg_id, answers[0])
        else:
            assert answers[0].get("error", {}).get("code") == code, (msg_id, answers[0])
    nulls = Counter(m["error"]["code"] for m in wire.messages if "error" in m and m["id"] is None)
    assert nulls == fuzzer.null_errors
    assert all("id" in m or "method" in m for m in wire.messages)


def test_fuzz_every_method_and_family(fake: FakeDeepSeek) -> None:
    rng = random.Random(SEED)
    wire = Wire(_env(fake), answer=_client_answers)
    started = time.monotonic()
    try:
        wire.initialize({"completion": {"debounceMs": 0}})
        wire.open(URI, SOURCE)
        fuzzer = Fuzzer(rng)
        families = _families(fuzzer)
        for n in range(CASES):
            case = (
                families[n % len(families)]() if n < 2 * len(families) else rng.choice(families)()
            )
            barrier = f"good{n}"
            wire.raw(case + frame({"jsonrpc": "2.0", "id": barrier, "method": "deepseek/usage"}))
            assert "result" in wire.response(barrier, timeout=10), n
        for msg_id in fuzzer.expected:
            wire.response(msg_id, timeout=15)
        _check(wire, fuzzer)
        assert wire.stray == []
        elapsed = time.monotonic() - started
        assert elapsed < BUDGET_SECONDS, f"{CASES} cases took {elapsed:.1f} s"
    finally:
        wire.close()
    print(f"fuzz: {CASES} cases, {len(fuzzer.expected)} requests checked, seed {SEED}")
    print(json.dumps({"null_errors": dict(fuzzer.null_errors)}))
