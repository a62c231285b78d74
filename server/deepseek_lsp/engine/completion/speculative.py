"""A suggestion ready before it is asked for: after an accept, ask for the next one at once.

When the user accepts a suggestion, the next thing they want is the suggestion after it. The
engine then asks for it for the document as it will be after the accept (Copilot and llama.vim do
the same), through the same `complete` path as an automatic request, so the automatic request that
follows finds the answer in the cache (or joins it in flight) with no upstream call of its own.

What is kept here is bookkeeping, no I/O: the last suggestion served per document, the
speculations alive, and a gate that stops speculating when suggestions are not being accepted
(each speculative request costs a whole prompt).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from deepseek_lsp.engine.document import Document, Position, split_lines

SLOT = "speculative"
GATE_WINDOW = 20  # the last this many suggestions shown decide
GATE_MIN_SHOWN = 5  # too few shown to judge: speculate
GATE_MIN_RATE = 0.2  # fewer accepted than this share of those shown: stop speculating
KEYS_KEPT = 32


@dataclass(frozen=True)
class Served:
    """A suggestion answered for a document: where, and the text around the cursor then."""

    uri: str
    version: int
    pos: Position  # code points
    text: str
    prefix: str  # raw text before the cursor (a tail)
    suffix: str  # raw text after the cursor (a head)
    relpath: str | None = None
    roots: tuple[str, ...] = ()

    def with_text(self, text: str) -> Served:
        """A copy with the suggestion it answered (`dataclasses.replace` walks the fields)."""
        return Served(
            self.uri,
            self.version,
            self.pos,
            text,
            self.prefix,
            self.suffix,
            self.relpath,
            self.roots,
        )

    @property
    def after(self) -> Position:
        """The cursor once the suggestion is inserted."""
        lines = split_lines(self.text)
        if len(lines) == 1:
            return self.pos[0], self.pos[1] + len(self.text)
        return self.pos[0] + len(lines) - 1, len(lines[-1])

    def accepted_in(self, doc: Document) -> bool:
        """True when `doc` reads as the document right after this suggestion was inserted."""
        after = self.after
        expected = self.prefix + self.text
        return (
            doc.prefix(after, len(expected)) == expected
            and doc.suffix(after, len(self.suffix)) == self.suffix
        )


class AcceptGate:
    """Whether recent suggestions were being accepted, from show and accept telemetry."""

    def __init__(self, window: int = GATE_WINDOW) -> None:
        self._outcomes: deque[bool] = deque(maxlen=window)

    def shown(self) -> None:
        """A suggestion was shown (`textDocument/didShowCompletion`)."""
        self._outcomes.append(False)

    def accepted(self) -> None:
        """Mark the newest shown suggestion not yet accepted (or add one: no show telemetry)."""
        for index in range(len(self._outcomes) - 1, -1, -1):
            if not self._outcomes[index]:
                self._outcomes[index] = True
                return
        self._outcomes.append(True)

    def allows(self) -> bool:
        """Speculate unless enough suggestions were shown and too few of them accepted."""
        shown = len(self._outcomes)
        return shown < GATE_MIN_SHOWN or sum(self._outcomes) / shown >= GATE_MIN_RATE


@dataclass
class Live:
    """One speculation: what it assumed, and its task."""

    served: Served
    task: asyncio.Future[object]
    keys: set[str] = field(default_factory=set)


class Speculations:
    """Served suggestions per document, the live speculation per document, and their keys."""

    def __init__(self) -> None:
        self.gate = AcceptGate()
        self._served: dict[str, Served] = {}
        self._live: dict[str, Live] = {}
        self._keys: OrderedDict[str, str] = OrderedDict()  # speculated cache key -> uri

    def served(self, served: Served) -> None:
        """Remember the suggestion just answered for its document (now the newest)."""
        self._served.pop(served.uri, None)
        self._served[served.uri] = served

    def forget_served(self, uri: str) -> None:
        """The document's last suggestion cannot be speculated on."""
        self._served.pop(uri, None)

    def last_served(self, uri: str | None = None) -> Served | None:
        """The suggestion last answered for `uri` (or for any document)."""
        if uri is not None:
            return self._served.get(uri)
        return next(reversed(self._served.values()), None) if self._served else None

    def target(self, doc: Document, served: Served) -> Document | None:
        """The document to ask for: after the accept, whether or not its edit has arrived."""
        if doc.version == served.version:
            return doc.with_inserted(served.pos, served.text)  # the accept came before its edit
        if served.accepted_in(doc):
            return doc
        return None  # the user has typed something else since

    def start(self, served: Served, task: asyncio.Future[object]) -> None:
        """Track a speculation for `served.uri` (the caller cancelled any previous one)."""
        self._live[served.uri] = Live(served, task)
        task.add_done_callback(lambda _t: self._finished(served.uri, task))

    def note_key(self, uri: str, key: str) -> None:
        """The speculation for `uri` goes upstream with this cache key."""
        live = self._live.get(uri)
        if live is not None:
            live.keys.add(key)
        self._keys[key] = uri
        while len(self._keys) > KEYS_KEPT:
            self._keys.popitem(last=False)

    def used(self, key: str) -> bool:
        """True (once) when `key` is one a speculation asked for."""
        return self._keys.pop(key, None) is not None

    def stale(self, doc: Document) -> Live | None:
        """The live speculation for `doc` when its text no longer is what it assumed."""
        live = self._live.get(doc.uri)
        if live is None or live.served.accepted_in(doc):
            return None
        return live

    def live(self, uri: str) -> Live | None:
        """The live speculation for `uri`, if any."""
        return self._live.get(uri)

    def forget(self, uri: str) -> Live | None:
        """Drop the document's state; returns its live speculation for the caller to cancel."""
        self._served.pop(uri, None)
        return self._live.pop(uri, None)

    def _finished(self, uri: str, task: asyncio.Future[object]) -> None:
        live = self._live.get(uri)
        if live is not None and live.task is task:
            del self._live[uri]
