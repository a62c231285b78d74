"""The workspace room's one entry point: index upkeep plus context for a cursor.

The language server and `deepseek-lsp complete` both drive this object: folders in, document
and file events in, snippets out. Everything slow runs as background tasks on the caller's
event loop (with file work in worker threads); `snippets` only reads prepared data.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

from deepseek_lsp.engine.completion.prompt import Snippet
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.uris import uri_to_path
from deepseek_lsp.engine.workspace.assemble import ContextAssembler
from deepseek_lsp.engine.workspace.builder import IndexBuilder
from deepseek_lsp.engine.workspace.index import Limits
from deepseek_lsp.settings import Settings

log = logging.getLogger(__name__)

SLICE_SECONDS = 0.0005  # preparing lines' rows yields to other work this often
RELPATHS_KEPT = 4096  # relative paths remembered (a few hundred bytes each)
REFRESH_AFTER_TYPING = 0.5  # seconds without a keystroke before an open document is re-outlined


class WorkspaceService:
    """Owns the index of the workspace folders and answers context requests.

    `relpath` gives a path's workspace-relative form; its answers may change only when `start`
    is given new roots (the server's are its workspace folders, which `start` follows).
    """

    def __init__(
        self,
        limits: Limits,
        documents: Callable[[str], Document | None],
        relpath: Callable[[str], str],
    ) -> None:
        self.builder = IndexBuilder(limits)
        self.assembler = ContextAssembler(self.builder)
        self._documents = documents
        self._relpath = relpath
        # a path's relative form, remembered until `start` gives new roots: the definitions of a
        # cursor's context name ~16 paths, and a hit here calls no Python (`Packer.pack`)
        self._relpaths = functools.lru_cache(maxsize=RELPATHS_KEPT)(relpath)
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._refresh: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # -- context --------------------------------------------------------------------------

    def snippets(self, doc: Document, pos: tuple[int, int], max_tokens: int) -> tuple[Snippet, ...]:
        """Cross-file snippets for the cursor, from the index and the recently used documents."""
        self.touch(doc.uri)
        others = [d for uri in reversed(self._recent) if (d := self._documents(uri)) is not None]
        return self.assembler.context(doc, pos, max_tokens, others, self._relpaths).snippets

    def definitions_text(self, doc: Document, first: int, last: int, max_tokens: int) -> str:
        """What lines first..last use from other files, as plain text (code actions, chat)."""
        snippets = self.assembler.definitions_for(doc, first, last, max_tokens, self._relpath)
        return "\n\n".join(f"From {s.path}:\n{s.text}" for s in snippets)

    def touch(self, uri: str) -> None:
        """The document was just used: it moves to the front of the recent list."""
        self._recent[uri] = None
        self._recent.move_to_end(uri)
        while len(self._recent) > 20:
            self._recent.popitem(last=False)

    def status(self) -> dict[str, int]:
        """`indexedFiles` and `indexUpdates` (the index generation) for `deepseek/usage`."""
        index = self.builder.index
        return {"indexedFiles": len(index.files), "indexUpdates": index.generation,
                "indexBusy": int(bool(self._tasks))}  # fmt: skip

    # -- upkeep ---------------------------------------------------------------------------

    def start(self, roots: Sequence[str]) -> None:
        """Index `roots` in the background; `relpath` answers relative to them from now on."""
        self._relpaths.cache_clear()
        self._spawn(self.builder.set_roots(roots))

    def apply(self, settings: Settings) -> None:
        """New settings: rebuild when the caps or exclude globs changed."""
        if self.builder.set_limits(limits_from(settings)):
            self._spawn(self.builder.rebuild())

    def opened(self, doc: Document) -> None:
        """A document opened: outline the editor's text, then prepare its lines' rows."""
        self.touch(doc.uri)
        self._spawn(self._outline_and_prepare(doc))

    async def _outline_and_prepare(self, doc: Document) -> None:
        await self.builder.document_text(uri_to_path(doc.uri), doc.text, doc.language_id)
        edits, deadline = doc.edits, time.perf_counter() + SLICE_SECONDS
        for _ in self.assembler.prepare_lines(doc):  # between other work, 0.5 ms at a time
            if time.perf_counter() >= deadline:
                await asyncio.sleep(0)
                if doc.edits != edits:
                    return  # typing again: the next pause outlines and prepares anew
                deadline = time.perf_counter() + SLICE_SECONDS

    def changed(self, doc: Document) -> None:
        """A keystroke: re-outline once typing pauses (never on the keystroke itself)."""
        self.touch(doc.uri)
        handle = self._refresh.pop(doc.uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self._refresh[doc.uri] = loop.call_later(REFRESH_AFTER_TYPING, self._refresh_now, doc.uri)

    def _refresh_now(self, uri: str) -> None:
        self._refresh.pop(uri, None)
        doc = self._documents(uri)
        if doc is not None:
            self.opened(doc)

    def saved(self, doc: Document) -> None:
        """Saved: the editor's text is what is on disk now."""
        self.opened(doc)

    def closed(self, uri: str) -> None:
        """Closed: back to the disk's version of the file."""
        self._recent.pop(uri, None)
        handle = self._refresh.pop(uri, None)
        if handle is not None:
            handle.cancel()
        self._spawn(self.builder.document_closed(uri_to_path(uri)))

    def files_changed(self, changed: Iterable[str], deleted: Iterable[str]) -> None:
        """Watched-file events (URIs or paths)."""
        self._spawn(
            self.builder.files_changed(
                [uri_to_path(u) for u in changed], [uri_to_path(u) for u in deleted]
            )
        )

    async def idle(self) -> None:
        """Wait until every background task so far has finished (tests, the CLI)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, work: object) -> None:
        task = asyncio.ensure_future(work)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("context: index update failed: %s", task.exception())


def limits_from(settings: Settings) -> Limits:
    """The index limits a settings object asks for."""
    return Limits(
        settings.context.max_files, settings.context.max_file_bytes, settings.privacy.exclude
    )
