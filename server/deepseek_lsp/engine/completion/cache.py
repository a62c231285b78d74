"""The in-memory suggestion cache: the same prompt and settings are answered without a request.

Keys are hashes (`local_key`), so a cache of hundreds of entries never holds hundreds of 20 KB
prompts as keys. Entries expire after `ttl_seconds` and the least recently used one goes first
when the cache is full. Size and lifetime follow the `cache.*` settings live (`resize`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from cachetools import TTLCache

V = TypeVar("V")


def local_key(model: str, params: tuple[object, ...], prompt: str, suffix: str) -> str:
    """A digest of everything that shapes the answer, for this process's own maps only.

    Python's string hash (SipHash, keyed per process) of the prompt and the suffix, their
    lengths, and the settings: no hashing library on the way to the request. The first SHA-256
    after an idle pause costs ~45 µs on this VM (its code and tables gone cold) where the
    request waits; `str` hashing runs on every dict lookup and never is. Not stable across
    processes: the team cache uses `cache_key`.
    """
    mask = (1 << 64) - 1
    return (
        f"{hash(prompt) & mask:016x}{hash(suffix) & mask:016x}"
        f"{hash((model, params)) & mask:016x}:{len(prompt)}:{len(suffix)}"
    )


def cache_key(model: str, params: Mapping[str, Any], prompt: str, suffix: str) -> str:
    """A short, stable digest of everything that shapes the answer (shared through Redis).

    SHA-256 (cut to 20 bytes) because CPUs hash it in hardware: 7.6 µs for a 10 KB prompt
    where BLAKE2b took 13.7, on every request at a new cursor.
    """
    digest = hashlib.sha256()
    canonical = json.dumps(dict(params), sort_keys=True, separators=(",", ":"), default=str)
    for part in (model, canonical, prompt, suffix):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))  # length-prefixed: no ambiguous joins
        digest.update(data)
    return digest.hexdigest()[:40]


class SuggestionCache(Generic[V]):
    """A TTL + LRU map from `local_key` to a suggestion; `max_entries=0` turns it off."""

    def __init__(
        self, max_entries: int, ttl_seconds: float, timer: Callable[[], float] = time.monotonic
    ) -> None:
        self._timer = timer
        self._entries: TTLCache[str, V] | None = self._new(max_entries, ttl_seconds)

    def _new(self, max_entries: int, ttl_seconds: float) -> TTLCache[str, V] | None:
        if max_entries <= 0 or ttl_seconds <= 0:
            return None
        return TTLCache(maxsize=max_entries, ttl=ttl_seconds, timer=self._timer)

    def get(self, key: str) -> V | None:
        """The live entry for `key` (now the most recently used), or None."""
        if self._entries is None:
            return None
        return self._entries.get(key)

    def put(self, key: str, value: V) -> None:
        """Store `value`, evicting expired entries and then the least recently used one."""
        if self._entries is not None:
            self._entries[key] = value

    def clear(self) -> None:
        """Drop every entry."""
        if self._entries is not None:
            self._entries.clear()

    def resize(self, max_entries: int, ttl_seconds: float) -> None:
        """Apply new settings, keeping the most recently used entries that still fit.

        Kept entries get the new lifetime counted from now.
        """
        old = self._entries
        self._entries = self._new(max_entries, ttl_seconds)
        if old is None or self._entries is None:
            return
        old.expire()
        by_age: list[tuple[str, V]] = []  # least recently used first
        while old:
            by_age.append(old.popitem())
        for key, value in by_age[-max_entries:]:
            self._entries[key] = value

    def __len__(self) -> int:
        if self._entries is None:
            return 0
        self._entries.expire()
        return len(self._entries)
