"""Counters since the server started: what `deepseek/usage` answers and the benchmark reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class UsageCounters:
    """Requests, hits, tokens and what the user saw; mutated only by the engine."""

    requests: int = 0
    cache_hits: int = 0
    redis_hits: int = 0  # the shared second level (cache.redisUrl); cache_hits is the first
    typed_ahead_hits: int = 0
    cancelled: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    prompt_cache_hit_tokens: int = 0
    prompt_cache_miss_tokens: int = 0
    completion_tokens: int = 0
    shown: int = 0
    accepted: int = 0
    speculative_requests: int = 0  # upstream requests made ahead of an expected request
    speculative_used: int = 0  # requests answered by a speculative request's answer
    context_prompts: int = 0  # prompts sent upstream that carried cross-file context

    def add_tokens(self, usage: Any) -> None:
        """Add an API `Usage` (or None when the stream carried none)."""
        if usage is None:
            return
        self.prompt_tokens += usage.prompt_tokens or 0
        self.prompt_cache_hit_tokens += usage.prompt_cache_hit_tokens or 0
        self.prompt_cache_miss_tokens += usage.prompt_cache_miss_tokens or 0
        self.completion_tokens += usage.completion_tokens or 0

    def to_json(self) -> dict[str, Any]:
        """The camelCase shape of PROTOCOL.md's `deepseek/usage` result."""
        out: dict[str, Any] = camel_case(self)
        out["speculative"] = {
            "requests": out.pop("speculativeRequests"),
            "used": out.pop("speculativeUsed"),
        }
        return out


def camel_case(counters: Any) -> dict[str, int]:
    """A dataclass of counters as a camelCase JSON object (usage here, or an API `Usage`)."""
    return {_camel(key): value for key, value in asdict(counters).items()}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
