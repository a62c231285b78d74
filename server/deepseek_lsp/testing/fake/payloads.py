"""JSON shapes of the fake DeepSeek server: chunks, bodies, usage, errors, the prefix cache.

Shapes follow ``/work/shared/design/DEEPSEEK_API.md``; nothing here does I/O, so the HTTP layer
only decides *when* each piece is sent.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

CACHE_UNIT_TOKENS = 64
CHARS_PER_TOKEN = 3
CACHE_HISTORY = 256
FINGERPRINT = "fp_fake_deepseek"

# status -> (message, type, code), as DeepSeek words them.
ERRORS: dict[int, tuple[str, str, str]] = {
    400: ("Invalid request", "invalid_request_error", "invalid_request_error"),
    401: (
        "Authentication Fails, Your api key is invalid",
        "authentication_error",
        "invalid_request_error",
    ),
    402: ("Insufficient Balance", "unknown_error", "invalid_request_error"),
    404: ("Not Found", "invalid_request_error", "not_found"),
    405: ("Method Not Allowed", "invalid_request_error", "method_not_allowed"),
    422: ("Invalid Parameters", "invalid_request_error", "invalid_request_error"),
    429: ("Rate Limit Reached", "rate_limit_error", "rate_limit_exceeded"),
    500: ("Server Error", "server_error", "server_error"),
    503: ("Server Overloaded", "server_error", "server_overloaded"),
}


def error_body(status: int, message: str | None = None, code: str | None = None) -> dict[str, Any]:
    """``{"error": {"message", "type", "param", "code"}}`` for a status."""
    default_message, kind, default_code = ERRORS.get(status, ("Error", "api_error", "api_error"))
    return {
        "error": {
            "message": message or default_message,
            "type": kind,
            "param": None,
            "code": code or default_code,
        }
    }


def estimate_tokens(text: str) -> int:
    """Tokens as DeepSeek would roughly count them (about three characters each)."""
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def common_prefix_length(a: str, b: str) -> int:
    """Length of the longest common prefix (binary search: each comparison runs in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


class PrefixCache:
    """DeepSeek's prompt prefix cache: hits are the longest common prefix, in 64-token units."""

    def __init__(self) -> None:
        self._prompts: deque[str] = deque(maxlen=CACHE_HISTORY)
        self._lock = threading.Lock()

    def lookup_and_store(self, prompt: str) -> int:
        """Cache-hit tokens for ``prompt``; remember it for later requests."""
        with self._lock:
            best = max((common_prefix_length(prompt, p) for p in self._prompts), default=0)
            self._prompts.append(prompt)
        units = (best // CHARS_PER_TOKEN) // CACHE_UNIT_TOKENS
        return min(units * CACHE_UNIT_TOKENS, estimate_tokens(prompt))

    def clear(self) -> None:
        """Forget every prompt."""
        with self._lock:
            self._prompts.clear()


def usage(prompt_tokens: int, hit_tokens: int, text: str, reasoning: str) -> dict[str, Any]:
    """The ``usage`` object."""
    reasoning_tokens = estimate_tokens(reasoning)
    completion = estimate_tokens(text) + reasoning_tokens
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
        "prompt_tokens_details": {"cached_tokens": hit_tokens},
        "prompt_cache_hit_tokens": hit_tokens,
        "prompt_cache_miss_tokens": prompt_tokens - hit_tokens,
        "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
    }


def split_text(text: str, size: int) -> list[str]:
    """``text`` in pieces of ``size`` characters (at least one piece, maybe empty)."""
    size = max(1, size)
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def apply_limits(text: str, body: dict[str, Any]) -> tuple[str, str]:
    """Cut ``text`` at the request's ``stop`` strings and ``max_tokens``: (text, finish_reason)."""
    stops = body.get("stop")
    stops = [stops] if isinstance(stops, str) else stops if isinstance(stops, list) else []
    cuts = [text.find(s) for s in stops if isinstance(s, str) and s and s in text]
    if cuts:
        return text[: min(cuts)], "stop"
    max_tokens = body.get("max_tokens")
    if isinstance(max_tokens, int) and estimate_tokens(text) > max_tokens > 0:
        return text[: max_tokens * CHARS_PER_TOKEN], "length"
    return text, "stop"


@dataclass
class Plan:
    """Everything decided about one completion reply before any byte is sent."""

    kind: str
    model: str
    id: str
    created: int
    pieces: list[str]
    reasoning_pieces: list[str]
    finish_reason: str
    usage: dict[str, Any]
    usage_placement: str
    include_usage: bool
    empty_first_chunk: bool = False
    first_token_delay: float = 0.0
    chunk_delay: float = 0.0

    @property
    def text(self) -> str:
        """The whole reply text."""
        return "".join(self.pieces)

    def _chunk(self, choice: dict[str, Any], usage: dict[str, Any] | None) -> dict[str, Any]:
        """One stream chunk around ``choice`` (or none when ``choice`` is empty)."""
        chat = self.kind != "fim"
        chunk: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion.chunk" if chat else "text_completion",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": FINGERPRINT,
            "choices": [{"index": 0, **choice, "logprobs": None}] if choice else [],
        }
        if chat or usage is not None:
            chunk["usage"] = usage
        return chunk

    def _content(self, text: str, first: bool, reasoning: bool = False) -> dict[str, Any]:
        """The choice part carrying one piece of text."""
        if self.kind == "fim":
            return {"text": text, "finish_reason": None}
        delta: dict[str, Any] = {"role": "assistant"} if first else {}
        delta.update(
            {"content": None, "reasoning_content": text} if reasoning else {"content": text}
        )
        return {"delta": delta, "finish_reason": None}

    def stream_chunks(self) -> list[dict[str, Any]]:
        """Every chunk of the stream, in order, before ``[DONE]``."""
        send_usage = self.include_usage and self.usage_placement != "none"
        choices: list[dict[str, Any]] = []
        if self.empty_first_chunk:
            choices.append(self._content("", first=True))
        for piece in self.reasoning_pieces:
            choices.append(self._content(piece, first=not choices, reasoning=True))
        for piece in self.pieces:
            choices.append(self._content(piece, first=not choices))
        choices[-1]["finish_reason"] = self.finish_reason
        on_last = self.usage if send_usage and self.usage_placement == "last_chunk" else None
        chunks = [self._chunk(c, None) for c in choices[:-1]] + [self._chunk(choices[-1], on_last)]
        if send_usage and self.usage_placement == "separate_chunk":
            chunks.append(self._chunk({}, self.usage))
        return chunks

    def body(self) -> dict[str, Any]:
        """The non-streaming response body."""
        reasoning = "".join(self.reasoning_pieces)
        if self.kind == "fim":
            choice: dict[str, Any] = {"text": self.text}
        else:
            message: dict[str, Any] = {"role": "assistant", "content": self.text}
            if reasoning:
                message["reasoning_content"] = reasoning
            choice = {"message": message}
        return {
            "id": self.id,
            "object": "text_completion" if self.kind == "fim" else "chat.completion",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": FINGERPRINT,
            "choices": [
                {"index": 0, **choice, "logprobs": None, "finish_reason": self.finish_reason}
            ],
            "usage": self.usage,
        }
