"""What the fake DeepSeek server answers to a completion request, decided before sending.

Validation mirrors the real API's refusals (missing fields, FIM ``max_tokens`` range, unknown
models); the plan merges a scripted reply with the server defaults and computes usage, including
the simulated prefix cache.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from deepseek_lsp.testing.fake.payloads import (
    Plan,
    apply_limits,
    estimate_tokens,
    split_text,
    usage,
)
from deepseek_lsp.testing.fake.state import FakeState
from deepseek_lsp.testing.fake.text import chat_text, fim_text, prefix_text, prompt_text
from deepseek_lsp.testing.fake.types import FakeReply

FIM_MAX_TOKENS = 4096
MAX_STOP_STRINGS = 16
_ids = itertools.count(1)


class PlanError(Exception):
    """The request is refused with this status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _missing(name: str) -> PlanError:
    """DeepSeek's (axum) wording for an absent required field."""
    text = f"Failed to deserialize the JSON body into the target type: missing field `{name}`"
    return PlanError(422, text)


def validate(state: FakeState, path: str, kind: str, body: dict[str, Any]) -> None:
    """Raise ``PlanError`` for a request the real API would refuse."""
    if not isinstance(body.get("model"), str):
        raise _missing("model")
    if kind in ("chat", "prefix"):
        messages = body.get("messages")
        if not isinstance(messages, list):
            raise _missing("messages")
        if not messages or not all(isinstance(m, dict) for m in messages):
            raise PlanError(400, "messages must be a non-empty list of message objects")
    if kind == "prefix" and "/beta/" not in path:
        raise PlanError(400, "prefix completion is only available at /beta/chat/completions")
    if kind == "fim" and not isinstance(body.get("prompt"), str):
        raise _missing("prompt")
    max_tokens = body.get("max_tokens")
    if kind == "fim" and max_tokens is not None and not 1 <= _int(max_tokens) <= FIM_MAX_TOKENS:
        raise PlanError(
            400, f"Invalid max_tokens value, the valid range of max_tokens is [1, {FIM_MAX_TOKENS}]"
        )
    stop = body.get("stop")
    if isinstance(stop, list) and len(stop) > MAX_STOP_STRINGS:
        raise PlanError(400, f"stop must contain at most {MAX_STOP_STRINGS} strings")
    if body["model"] in state.config.unavailable_models:
        raise PlanError(400, "Model Not Exist")


def _int(value: Any) -> int:
    """An integer field, or 0 when it is not one."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def default_text(kind: str, body: dict[str, Any]) -> str:
    """The canned reply for a request nobody scripted."""
    if kind == "fim":
        return fim_text(body.get("prompt") or "", body.get("suffix") or "")
    messages = body.get("messages") or []
    if kind == "prefix":
        return prefix_text(str(messages[-1].get("content") or ""))
    return chat_text(messages)


def _thinking(body: dict[str, Any]) -> bool:
    """Whether the chat request explicitly enabled thinking mode."""
    thinking = body.get("thinking")
    return isinstance(thinking, dict) and thinking.get("type") == "enabled"


def make_plan(state: FakeState, kind: str, body: dict[str, Any], reply: FakeReply) -> Plan:
    """Merge the scripted reply (if any) with the defaults into a complete plan."""
    config = state.config
    size = reply.chunk_size or config.chunk_size
    if reply.chunks is not None:
        pieces = list(reply.chunks) or [""]
        finish = "stop"
    else:
        text = reply.text if reply.text is not None else default_text(kind, body)
        text, finish = apply_limits(text, body)
        pieces = split_text(text, size)
    reasoning = reply.reasoning
    if reasoning is None and kind == "chat" and _thinking(body):
        reasoning = "The user wants a reply; this offline fake reasons in one canned sentence."
    prompt = prompt_text(body)
    hit = state.cache.lookup_and_store(prompt)
    counted = usage(estimate_tokens(prompt), hit, "".join(pieces), reasoning or "")
    stream_options = body.get("stream_options")
    include_usage = isinstance(stream_options, dict) and stream_options.get("include_usage") is True
    return Plan(
        kind=kind,
        model=body["model"],
        id=f"fake-{next(_ids):08d}",
        created=int(time.time()),
        pieces=pieces,
        reasoning_pieces=split_text(reasoning, size) if reasoning else [],
        finish_reason=reply.finish_reason or finish,
        usage=dict(reply.usage) if reply.usage is not None else counted,
        usage_placement=reply.usage_placement or config.usage_placement,
        include_usage=include_usage,
        empty_first_chunk=reply.empty_first_chunk,
        first_token_delay=_pick(reply.first_token_delay, config.first_token_delay)
        + prefill_delay(config.miss_token_delay, config.hit_token_delay, counted),
        chunk_delay=_pick(reply.chunk_delay, config.chunk_delay),
    )


def prefill_delay(per_miss: float, per_hit: float, counted: dict[str, Any]) -> float:
    """Time to read the prompt: the missed tokens computed, the cached ones only loaded."""
    hit = counted["prompt_cache_hit_tokens"]
    return per_miss * (counted["prompt_tokens"] - hit) + per_hit * hit


def _pick(value: float | None, default: float) -> float:
    """A scripted value, else the server-wide default."""
    return default if value is None else value
