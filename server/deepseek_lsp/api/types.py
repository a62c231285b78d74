"""The values that cross the api boundary: configuration, requests and results (all immutable)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from deepseek_lsp.settings import OAuth2Settings, Settings

# The gateway's client credentials: the same value the settings hold.
OAuth2Config = OAuth2Settings


@dataclass(frozen=True)
class ApiConfig:
    """How to reach DeepSeek; replaced whole when settings change."""

    base_url: str
    api_key: str | None
    timeout_seconds: float = 30.0
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    oauth2: OAuth2Config | None = None
    total_timeout_seconds: float = 120.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiConfig:
        """The api part of the server's settings."""
        return cls(
            base_url=settings.base_url,
            api_key=settings.api_key,
            timeout_seconds=settings.http.timeout_seconds,
            headers=settings.http.headers,
            total_timeout_seconds=settings.http.total_timeout_seconds,
            oauth2=settings.oauth2,
        )


@dataclass(frozen=True)
class FimRequest:
    """Fill in the middle: `prompt` ends at the cursor, `suffix` starts after it.

    `pieces`, when given, is `prompt` in the parts that recur from request to request (blocks
    of the document, snippets); the body is then assembled from each part's cached JSON form
    (`api.body`). They must join to `prompt`, checked here once rather than on every attempt:
    a mismatch would otherwise put other text on the wire than the one shown and cached.
    """

    model: str
    prompt: str
    suffix: str
    max_tokens: int = 128
    temperature: float = 0.0
    stop: tuple[str, ...] = ()
    pieces: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.pieces and "".join(self.pieces) != self.prompt:
            raise ValueError("FimRequest.pieces must join to its prompt")

    def body(self, model: str) -> dict[str, Any]:
        """The JSON body for `/beta/completions`, streaming, asking for usage."""
        body: dict[str, Any] = {
            "model": model,
            "prompt": self.prompt,
            "suffix": self.suffix,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if self.stop:
            body["stop"] = list(self.stop)
        return body


@dataclass(frozen=True)
class ChatRequest:
    """A chat completion; `thinking` turns on V4 reasoning (streamed apart from the answer)."""

    model: str
    messages: tuple[Mapping[str, str], ...]
    max_tokens: int = 4096
    temperature: float | None = None
    thinking: bool = False
    stop: tuple[str, ...] = ()

    def body(self, model: str) -> dict[str, Any]:
        """The JSON body for `/chat/completions`, streaming, asking for usage."""
        body: dict[str, Any] = {
            "model": model,
            "messages": [dict(message) for message in self.messages],
            "max_tokens": self.max_tokens,
            "thinking": {"type": "enabled" if self.thinking else "disabled"},
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if self.temperature is not None:
            body["temperature"] = self.temperature
        if self.stop:
            body["stop"] = list(self.stop)
        return body


@dataclass(frozen=True)
class Usage:
    """Token counts DeepSeek reports; cache hits are billed at about a tenth of misses."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    prompt_cache_hit_tokens: int = 0
    prompt_cache_miss_tokens: int = 0
    reasoning_tokens: int = 0

    @classmethod
    def from_json(cls, usage: Mapping[str, Any]) -> Usage:
        """Read a `usage` object, tolerating missing or odd fields."""
        details = usage.get("completion_tokens_details")
        reasoning = details.get("reasoning_tokens") if isinstance(details, Mapping) else 0
        prompt = _int(usage.get("prompt_tokens"))
        hit = _int(usage.get("prompt_cache_hit_tokens"))
        miss = _int(usage.get("prompt_cache_miss_tokens"))
        prompt_details = usage.get("prompt_tokens_details")
        if not hit and not miss and isinstance(prompt_details, Mapping):
            # OpenAI-style gateways report only the cached part of the prompt.
            hit = min(_int(prompt_details.get("cached_tokens")), prompt)
            miss = prompt - hit
        return cls(
            prompt_tokens=prompt,
            completion_tokens=_int(usage.get("completion_tokens")),
            prompt_cache_hit_tokens=hit,
            prompt_cache_miss_tokens=miss,
            reasoning_tokens=_int(reasoning),
        )


@dataclass(frozen=True)
class Delta:
    """One streamed piece: answer text and/or reasoning text."""

    text: str = ""
    reasoning: str = ""


@dataclass(frozen=True)
class Completion:
    """A whole answer, gathered from a stream."""

    text: str
    reasoning: str
    finish_reason: str | None
    usage: Usage | None
    model: str


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
