"""Keeping the index current without ever blocking a keystroke.

Everything that reads or parses a file runs in a worker thread (`asyncio.to_thread`) in small
batches, and the event loop only swaps finished entries into the index between them. Open
documents are outlined from the editor's text; `didSave`, watched-file events and folder changes
refresh from disk; deleted files leave the index.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
from collections.abc import Iterable, Sequence

from deepseek_lsp.engine.workspace import ignore
from deepseek_lsp.engine.workspace.index import (
    FileEntry,
    Gate,
    Limits,
    WorkspaceIndex,
    load_file,
    scan_root,
    text_entry,
)

log = logging.getLogger(__name__)

BATCH = 32  # files read and parsed per worker-thread hop
# While the index is built, a thread waiting for the GIL gets it after this long instead of
# Python's 5 ms: the event loop must not wait for the outlining worker (p99 loop lag on Django
# 5.8 -> 2.9 ms, measured).
SWITCH_INTERVAL_S = 0.0005


class IndexBuilder:
    """Owns the index and the gate; every method is called on the event loop."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.index = WorkspaceIndex()
        self.gate = Gate((), limits or Limits())
        self.open_paths: set[str] = set()
        self._lock = asyncio.Lock()
        self.ready = asyncio.Event()

    @property
    def limits(self) -> Limits:
        """The file caps and privacy globs in force."""
        return self.gate.limits

    def set_limits(self, limits: Limits) -> bool:
        """New caps or exclude globs; True when the index must be rebuilt."""
        changed = limits != self.gate.limits
        self.gate = Gate(self.gate.roots, limits)
        return changed

    async def set_roots(self, roots: Sequence[str]) -> None:
        """Index these folders (dropping any no longer listed), in the background."""
        roots = tuple(dict.fromkeys(os.path.abspath(r) for r in roots if os.path.isdir(r)))
        removed = [r for r in self.gate.roots if r not in roots]
        self.gate = Gate(roots, self.gate.limits)
        for root in removed:
            self.index.remove_under(root)
        await self.rebuild()

    async def rebuild(self) -> None:
        """Scan every root again and load what changed since it was read."""
        async with self._lock:
            previous = sys.getswitchinterval()
            sys.setswitchinterval(min(previous, SWITCH_INTERVAL_S))
            try:
                await self._rebuild()
            finally:
                sys.setswitchinterval(previous)

    async def _rebuild(self) -> None:
        """`rebuild`'s work, under its lock."""
        self.ready.clear()
        self.gate.forget_ignore_files()
        budget = self.limits.max_files
        seen: set[str] = set()
        for root in self.gate.roots:
            paths, capped = await asyncio.to_thread(scan_root, root, self.gate, budget)
            if capped:
                log.warning("context: index capped at %d files (context.maxFiles)", budget)
            budget -= len(paths)
            seen.update(paths)
            await self._load(p for p in paths if p not in self.open_paths)
        stale = [p for p in self.index.files if p not in seen and p not in self.open_paths]
        self.index.remove(stale)
        self.ready.set()
        log.info("context: %d files indexed", len(self.index.files))

    async def _load(self, paths: Iterable[str]) -> None:
        batch: list[str] = []
        for path in paths:
            batch.append(path)
            if len(batch) >= BATCH:
                await self._load_batch(batch)
                batch = []
        if batch:
            await self._load_batch(batch)

    async def _load_batch(self, paths: list[str]) -> None:
        limits, files = self.limits, self.index.files
        entries = await asyncio.to_thread(lambda: [_reload(p, files.get(p), limits) for p in paths])
        fresh = [e for e in entries if isinstance(e, FileEntry)]
        self.index.put(e for e in fresh if e.path not in self.open_paths)
        # Outlines live as long as the index: keep the cycle collector from walking them all
        # again on every full collection (measured: 226 ms pauses while indexing 2,900 files).
        # Frozen objects are still freed by reference counting when their file is replaced.
        gc.collect(1)  # young garbage first, so that none of it is frozen
        gc.freeze()
        missing = [
            p for p, e in zip(paths, entries, strict=True) if e is None and p not in self.open_paths
        ]
        if missing:
            self.index.remove(missing)

    async def document_text(self, path: str, text: str, language_id: str | None = None) -> None:
        """An open document's text (open, save, a pause in typing): outline the editor's text."""
        if not self.gate.allows(path):
            return
        self.open_paths.add(path)
        entry = await asyncio.to_thread(text_entry, path, text, language_id)
        if entry is not None and path in self.open_paths:
            self.index.put([entry])

    async def document_closed(self, path: str) -> None:
        """Back to the disk's version (or gone, if the file was never saved)."""
        self.open_paths.discard(path)
        await self.files_changed([path], [])

    async def files_changed(self, changed: Sequence[str], deleted: Sequence[str]) -> None:
        """Watched-file events: re-read changed files, drop deleted ones."""
        if any(os.path.basename(p) in ignore.IGNORE_FILES for p in [*changed, *deleted]):
            await self.rebuild()  # what is ignored may have changed anywhere below
            return
        self.index.remove([p for p in deleted if p not in self.open_paths])
        paths = [p for p in changed if p not in self.open_paths]
        disallowed = [p for p in paths if not self.gate.allows(p)]
        self.index.remove(disallowed)
        await self._load(p for p in paths if p not in disallowed)


def _reload(path: str, old: FileEntry | None, limits: Limits) -> FileEntry | bool | None:
    """A fresh entry, True when the file is unchanged since `old`, None when it is gone."""
    if old is not None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if old.stamp == (stat.st_mtime, stat.st_size):
            return True
    return load_file(path, limits)


__all__ = ["FileEntry", "IndexBuilder", "Limits"]
