"""DeepSeek over httpx: streaming FIM and chat, retries, auth and typed errors.

This package knows nothing of editors; the engine calls `DeepSeekClient` and catches `ApiError`.
"""

from __future__ import annotations

from deepseek_lsp.api.body import remember_prompt_piece
from deepseek_lsp.api.client import DeepSeekClient
from deepseek_lsp.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthError,
    BalanceError,
    InvalidRequestError,
    ModelUnavailableError,
    RateLimitedError,
    ServerError,
    StreamError,
)
from deepseek_lsp.api.retry import RetryPolicy
from deepseek_lsp.api.stream import Stream
from deepseek_lsp.api.types import (
    ApiConfig,
    ChatRequest,
    Completion,
    Delta,
    FimRequest,
    OAuth2Config,
    Usage,
)
from deepseek_lsp.api.urls import Endpoints

__all__ = [
    "ApiConfig",
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AuthError",
    "BalanceError",
    "ChatRequest",
    "Completion",
    "DeepSeekClient",
    "Delta",
    "Endpoints",
    "FimRequest",
    "InvalidRequestError",
    "ModelUnavailableError",
    "OAuth2Config",
    "RateLimitedError",
    "RetryPolicy",
    "ServerError",
    "Stream",
    "StreamError",
    "Usage",
    "remember_prompt_piece",
]
