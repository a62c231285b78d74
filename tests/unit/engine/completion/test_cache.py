"""The suggestion cache: keys, TTL on a fake clock, LRU eviction, live resizing."""

from __future__ import annotations

import subprocess
import sys

from deepseek_lsp.engine.completion.cache import SuggestionCache, cache_key, local_key
from deepseek_lsp.engine.completion.request import prepare
from deepseek_lsp.engine.document import Document
from deepseek_lsp.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_key_is_a_short_stable_hash() -> None:
    prompt = "x" * 100_000
    key = cache_key("deepseek-flash", {"max_tokens": 128, "t": 0.0}, prompt, "suffix")
    assert len(key) == 40
    assert key == cache_key("deepseek-flash", {"t": 0.0, "max_tokens": 128}, prompt, "suffix")


def test_key_changes_with_every_input() -> None:
    base = cache_key("m", {"max_tokens": 128}, "prompt", "suffix")
    assert base != cache_key("m2", {"max_tokens": 128}, "prompt", "suffix")
    assert base != cache_key("m", {"max_tokens": 64}, "prompt", "suffix")
    assert base != cache_key("m", {"max_tokens": 128}, "prompt!", "suffix")
    assert base != cache_key("m", {"max_tokens": 128}, "prompt", "suffix!")
    # Moving text between prompt and suffix is a different request.
    assert cache_key("m", {}, "ab", "c") != cache_key("m", {}, "a", "bc")


def test_key_accepts_tuples_and_lone_surrogates() -> None:
    key = cache_key("m", {"stop": ("\n\n", "```")}, "bad \ud800 char", "")
    assert key == cache_key("m", {"stop": ["\n\n", "```"]}, "bad \ud800 char", "")


def test_local_key_changes_with_every_input() -> None:
    base = local_key("m", (128, 0.0, ("\n\n",)), "prompt", "suffix")
    assert base == local_key("m", (128, 0.0, ("\n\n",)), "pro" + "mpt", "suffix")
    assert base != local_key("m2", (128, 0.0, ("\n\n",)), "prompt", "suffix")
    assert base != local_key("m", (64, 0.0, ("\n\n",)), "prompt", "suffix")
    assert base != local_key("m", (128, 0.2, ("\n\n",)), "prompt", "suffix")
    assert base != local_key("m", (128, 0.0, ()), "prompt", "suffix")
    assert base != local_key("m", (128, 0.0, ("\n\n",)), "prompt!", "suffix")
    assert base != local_key("m", (128, 0.0, ("\n\n",)), "prompt", "suffix!")
    assert local_key("m", (), "ab", "c") != local_key("m", (), "a", "bc")
    assert local_key("m", (), "a\ud800", "") != local_key("m", (), "a\ud801", "")


def test_the_shared_key_is_the_same_in_every_process() -> None:
    """Redis is shared by processes with different string-hash seeds: its key must not vary."""
    prepared = prepare(
        Settings(), Document("file:///a.py", "def f(x):\n    return x\n", 1, "python"), (1, 4)
    )
    script = (
        "from deepseek_lsp.engine.completion.request import prepare;"
        "from deepseek_lsp.engine.document import Document;"
        "from deepseek_lsp.settings import Settings;"
        "d = Document('file:///a.py', 'def f(x):\\n    return x\\n', 1, 'python');"
        "p = prepare(Settings(), d, (1, 4));"
        "print(p.shared_key, p.key)"
    )
    other = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345"},
    ).stdout.split()
    r = prepared.request
    params = {"max_tokens": r.max_tokens, "t": r.temperature, "stop": r.stop}
    assert prepared.shared_key == cache_key(r.model, params, r.prompt, r.suffix) == other[0]
    assert prepared.key != prepared.shared_key  # the local key is not what goes to Redis


def test_get_put_and_miss() -> None:
    cache: SuggestionCache[str] = SuggestionCache(8, 60.0)
    assert cache.get("k") is None
    cache.put("k", "value")
    assert cache.get("k") == "value"
    cache.put("empty", "")
    assert cache.get("empty") == ""  # an empty answer is cached too, and is not a miss


def test_entries_expire_after_ttl() -> None:
    clock = Clock()
    cache: SuggestionCache[str] = SuggestionCache(8, 60.0, timer=clock)
    cache.put("k", "v")
    clock.now += 59.9
    assert cache.get("k") == "v"
    clock.now += 0.2
    assert cache.get("k") is None
    assert len(cache) == 0


def test_least_recently_used_is_evicted_first() -> None:
    cache: SuggestionCache[str] = SuggestionCache(2, 60.0)
    cache.put("a", "1")
    cache.put("b", "2")
    assert cache.get("a") == "1"  # "b" is now the least recently used
    cache.put("c", "3")
    assert cache.get("b") is None
    assert cache.get("a") == "1"
    assert cache.get("c") == "3"


def test_zero_entries_disables_the_cache() -> None:
    cache: SuggestionCache[str] = SuggestionCache(0, 60.0)
    cache.put("k", "v")
    assert cache.get("k") is None
    assert len(cache) == 0
    cache.clear()


def test_clear() -> None:
    cache: SuggestionCache[str] = SuggestionCache(8, 60.0)
    cache.put("k", "v")
    cache.clear()
    assert cache.get("k") is None


def test_resize_keeps_most_recently_used_entries() -> None:
    cache: SuggestionCache[str] = SuggestionCache(4, 60.0)
    for key in "abcd":
        cache.put(key, key.upper())
    cache.get("a")  # order, oldest first: b c d a
    cache.resize(2, 60.0)
    assert cache.get("b") is None
    assert cache.get("c") is None
    assert cache.get("d") == "D"
    assert cache.get("a") == "A"
    cache.put("e", "E")
    assert len(cache) == 2


def test_resize_applies_new_ttl() -> None:
    clock = Clock()
    cache: SuggestionCache[str] = SuggestionCache(4, 3600.0, timer=clock)
    cache.put("k", "v")
    cache.resize(4, 10.0)
    clock.now += 11
    assert cache.get("k") is None


def test_resize_to_zero_and_back() -> None:
    cache: SuggestionCache[str] = SuggestionCache(4, 60.0)
    cache.put("k", "v")
    cache.resize(0, 60.0)
    assert cache.get("k") is None
    cache.resize(4, 60.0)
    cache.put("k", "v2")
    assert cache.get("k") == "v2"
