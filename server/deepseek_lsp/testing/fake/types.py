"""Values shared by the fake DeepSeek server: scripted replies, recorded requests, global config.

They are plain dataclasses so tests can build them in Python and the ``/_fake/...`` control
endpoints can build them from JSON (a test driving the server as a subprocess).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

UsagePlacement = Literal["last_chunk", "separate_chunk", "none"]
Endless = Literal["keep_alive", "deltas"]
ENDLESS_INTERVAL_SECONDS = 0.02
Endpoint = Literal["chat", "fim", "prefix", "models", "balance"]
COMPLETION_ENDPOINTS: frozenset[str] = frozenset({"chat", "fim", "prefix"})
DEFAULT_MODELS: tuple[str, ...] = ("deepseek-flash", "deepseek-v4-pro")
# Retired names DeepSeek answers with 400 "Model Not Exist" (deepseek-v4-flash is still served).
RETIRED_MODELS: frozenset[str] = frozenset({"deepseek-chat", "deepseek-reasoner", "deepseek-coder"})


@dataclass(frozen=True)
class FakeReply:
    """One scripted reply, consumed by the first request it matches.

    ``None`` fields fall back to the server's defaults (canned text, global delays and chunking).
    ``endpoint``/``prompt_contains``/``match`` restrict which request consumes it; without an
    ``endpoint`` it only applies to chat, FIM and prefix completions.
    """

    text: str | None = None
    chunks: list[str] | None = None
    finish_reason: str | None = None
    usage_placement: UsagePlacement | None = None
    usage: Mapping[str, Any] | None = None
    reasoning: str | None = None
    status: int = 200
    error_code: str | None = None
    error_message: str | None = None
    retry_after: float | None = None
    drop_after_chunks: int | None = None
    malformed_after_chunks: int | None = None
    keep_alive_comments: int = 0
    endless: Endless | None = None  # a gateway gone wrong: keep-alives or deltas until hang-up
    empty_first_chunk: bool = False
    first_token_delay: float | None = None
    chunk_delay: float | None = None
    done_delay: float = 0.0  # seconds between the last chunk and `data: [DONE]`
    chunk_size: int | None = None
    error_body_text: str | None = None
    model_unavailable: bool = False
    endpoint: Endpoint | None = None
    prompt_contains: str | None = None
    match: Callable[[dict[str, Any]], bool] | None = None

    def matches(self, endpoint: str, body: Any, prompt_text: str) -> bool:
        """Whether this reply applies to a request to ``endpoint`` with this body."""
        if self.endpoint is None and endpoint not in COMPLETION_ENDPOINTS:
            return False
        if self.endpoint is not None and self.endpoint != endpoint:
            return False
        if self.prompt_contains is not None and self.prompt_contains not in prompt_text:
            return False
        return self.match is None or bool(self.match(body if isinstance(body, dict) else {}))

    @property
    def effective_status(self) -> int:
        """The HTTP status to answer with (a plain-text error body alone means 422)."""
        if self.error_body_text is not None and self.status == 200:
            return 422
        return self.status

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FakeReply:
        """Build from a JSON object; unknown keys raise ``ValueError``."""
        names = {f.name for f in dataclasses.fields(cls)} - {"match"}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown FakeReply fields: {sorted(unknown)}")
        return cls(**dict(data))


@dataclass
class RecordedRequest:
    """What the server received and how the answer went. Times are ``time.monotonic()``."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    received_at: float
    endpoint: str = "unknown"
    raw_body: bytes = b""
    finished_at: float | None = None
    hung_up: bool = False
    hung_up_at: float | None = None
    status: int | None = None
    chunks_sent: int = 0
    connection: int = 0  # which client connection it came on (1, 2, ...: reuse is visible)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict for ``GET /_fake/requests``."""
        data = dataclasses.asdict(self)
        data["raw_body"] = self.raw_body.decode("utf-8", "replace")
        return data


@dataclass
class FakeConfig:
    """Server-wide behaviour; scripted replies override it per request."""

    valid_keys: frozenset[str] | None = None
    unavailable_models: frozenset[str] = RETIRED_MODELS
    models: tuple[str, ...] = DEFAULT_MODELS
    first_token_delay: float = 0.0
    chunk_delay: float = 0.0
    # Prefill: seconds added to the first token per prompt token the prefix cache missed, and
    # per token it hit (reading a cached prefix is far cheaper than computing one).
    miss_token_delay: float = 0.0
    hit_token_delay: float = 0.0
    chunk_size: int = 8
    usage_placement: UsagePlacement = "last_chunk"
    balance: str = "10.00"

    def update_from_json(self, data: Mapping[str, Any]) -> None:
        """Apply a ``POST /_fake/config`` body; unknown keys raise ``ValueError``."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown config fields: {sorted(unknown)}")
        for key, value in data.items():
            if key == "valid_keys" and value is not None:
                value = frozenset(value)
            elif key == "unavailable_models":
                value = frozenset(value or ())
            elif key == "models":
                value = tuple(value)
            elif key in ("first_token_delay", "chunk_delay", "miss_token_delay", "hit_token_delay"):
                value = float(value)
            elif key == "chunk_size":
                value = max(1, int(value))
            elif key == "usage_placement" and value not in ("last_chunk", "separate_chunk", "none"):
                raise ValueError(f"bad usage_placement {value!r}")
            setattr(self, key, value)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict for ``GET /_fake/config``."""
        data = dataclasses.asdict(self)
        data["valid_keys"] = None if self.valid_keys is None else sorted(self.valid_keys)
        data["unavailable_models"] = sorted(self.unavailable_models)
        return data
