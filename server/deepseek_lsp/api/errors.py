"""Every way a DeepSeek call can fail, as one small hierarchy of typed errors.

```
ApiError  (message: a sentence the user can act on; kind, status, retryable, retry_after)
├── AuthError              "auth"               401/403, missing key, token endpoint refused
├── BalanceError           "balance"            402
├── InvalidRequestError    "invalid"            400/404/422, other 4xx (plain-text bodies too)
├── ModelUnavailableError  "model_unavailable"  400/404/422 saying the model is missing
├── RateLimitedError       "rate_limited"       429, retry_after from Retry-After
├── ServerError            "server"             5xx, finish_reason insufficient_system_resource
├── StreamError            "stream"             stream broken or malformed, in-stream error
├── ApiConnectionError     "connect"            cannot connect (the sentence names the URL)
└── ApiTimeoutError        "timeout"            no answer in time (also 408)
```

`error_for_status` is the only place a status and body become a class; `from_httpx` is the only
place a foreign (httpx) exception becomes one of ours.

Model detection: a 400/404/422 (or an in-stream error) is a `ModelUnavailableError` when its
`error.code` is `model_not_found`/`invalid_model`, or its message says a model does not exist, is
not found, unknown or unavailable (DeepSeek answers an unknown model with 400 "Model Not Exist").
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

SUGGESTED_MODEL = "deepseek-flash"  # named in model-unavailable messages
KEY_HINT = "Set a valid key in DEEPSEEK_API_KEY or the deepseek.apiKey setting."
_DETAIL_LIMIT = 200
_MODEL_CODES = frozenset({"model_not_found", "invalid_model", "model_not_exist"})
_MODEL_MISSING = re.compile(
    r"\bmodels?\b.{0,60}\b(not[ _-]?exists?|not[ _-]?found|does not exist|unavailable|unknown"
    r"|not available|not supported|no such)"
    r"|\b(unknown|invalid|unsupported|no such)[ _-]?model\b",
    re.IGNORECASE,
)


class ApiError(Exception):
    """Base of every error raised by the api package."""

    kind: ClassVar[str] = "api"
    default_retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retryable: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = self.default_retryable if retryable is None else retryable
        self.retry_after = retry_after


class AuthError(ApiError):
    """The key (or gateway token) was missing or rejected."""

    kind = "auth"


class BalanceError(ApiError):
    """The account has no balance left."""

    kind = "balance"


class InvalidRequestError(ApiError):
    """The request itself was refused; sending it again would not help."""

    kind = "invalid"


class ModelUnavailableError(ApiError):
    """The configured model does not exist or is not offered; `model` names it when known."""

    kind = "model_unavailable"

    def __init__(
        self, message: str, *, model: str | None = None, detail: str = "", status: int | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.model = model
        self.detail = detail


class RateLimitedError(ApiError):
    """Too many requests; wait `retry_after` seconds if the server said so."""

    kind = "rate_limited"
    default_retryable = True


class ServerError(ApiError):
    """DeepSeek failed or is overloaded."""

    kind = "server"
    default_retryable = True


class StreamError(ApiError):
    """The event stream broke off or carried something unreadable."""

    kind = "stream"


class ApiConnectionError(ApiError):
    """No connection to the base URL."""

    kind = "connect"
    default_retryable = True


class ApiTimeoutError(ApiError):
    """The server did not answer in time."""

    kind = "timeout"
    default_retryable = True


def error_for_status(
    status: int | None,
    body: str | Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
    *,
    url: str = "",
    model: str | None = None,
) -> ApiError:
    """The typed error for an HTTP status and body, or for an in-stream error (`status=None`).

    `model` is the model the request asked for, named in a model-unavailable message.
    """
    error = _error_object(body)
    detail = _detail(error, body)
    code = str(error.get("code") or "")
    if status is None:
        status = _status_from_error(error)
    if status in (400, 404, 422, None) and (code in _MODEL_CODES or _MODEL_MISSING.search(detail)):
        named = f'the model "{model}"' if model else "the configured model"
        return ModelUnavailableError(
            f"DeepSeek does not offer {named} ({detail}). Set deepseek.completion.model or"
            f" deepseek.chat.model to an available model, such as {SUGGESTED_MODEL}.",
            status=status,
            model=model,
            detail=detail,
        )
    if status in (401, 403):
        sentence = "rejected the API key" if status == 401 else f"refused access ({detail})"
        return AuthError(f"DeepSeek {sentence} ({status}). {KEY_HINT}", status=status)
    if status == 402:
        return BalanceError(
            "Your DeepSeek balance is used up (402). Top up at https://platform.deepseek.com.",
            status=status,
        )
    if status == 429:
        retry_after = parse_retry_after((headers or {}).get("retry-after"))
        wait = f"in {retry_after:g} s" if retry_after is not None else "in a moment"
        return RateLimitedError(
            f"DeepSeek is rate-limiting requests (429); try again {wait}.",
            status=status,
            retry_after=retry_after,
        )
    if status == 404:
        return InvalidRequestError(
            f"Nothing answers at {url or 'this address'} (404). Check the deepseek.baseUrl"
            " setting.",
            status=status,
        )
    if status == 408:
        return ApiTimeoutError("DeepSeek timed out handling the request (408).", status=status)
    if status is not None and 400 <= status < 500:
        return InvalidRequestError(
            f"DeepSeek rejected the request ({status}): {detail}.", status=status
        )
    if status is not None:
        return ServerError(
            f"DeepSeek had a server error ({status}): {detail}. Try again shortly.",
            status=status,
            retry_after=parse_retry_after((headers or {}).get("retry-after")),
        )
    return StreamError(f"DeepSeek reported an error mid-answer: {detail}.")


def from_httpx(exc: httpx.HTTPError, base_url: str, timeout_seconds: float) -> ApiError:
    """Translate an httpx exception into our hierarchy (the caller raises it `from exc`)."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError)):
        return ApiConnectionError(
            f"Could not connect to {base_url} ({exc or type(exc).__name__}). Check the"
            " deepseek.baseUrl setting, the network and any proxy (HTTPS_PROXY)."
        )
    if isinstance(exc, httpx.TimeoutException):
        return ApiTimeoutError(
            f"DeepSeek did not answer within {timeout_seconds:g} s. Try again, or raise"
            " deepseek.http.timeoutSeconds."
        )
    if isinstance(exc, (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError)):
        return StreamError(
            "The connection to DeepSeek broke off before the answer was complete.", retryable=True
        )
    if isinstance(exc, httpx.DecodingError):
        return StreamError(f"DeepSeek sent a malformed response ({exc}).")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return ApiConnectionError(
            f"{base_url} is not an http(s) URL. Check the deepseek.baseUrl setting.",
            retryable=False,
        )
    return ApiConnectionError(f"Talking to {base_url} failed ({type(exc).__name__}: {exc}).")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _error_object(body: str | Mapping[str, Any]) -> dict[str, Any]:
    """The `error` object of a body, or {} when the body is not JSON or has none."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return {}
    if not isinstance(body, Mapping):
        return {}
    error = body.get("error")
    if isinstance(error, Mapping):
        return dict(error)
    return {"message": error} if isinstance(error, str) else {}


def _detail(error: Mapping[str, Any], body: str | Mapping[str, Any]) -> str:
    """A short human-readable reason: the error message, else the raw (plain-text) body."""
    message = error.get("message")
    text = message if isinstance(message, str) and message else body
    if not isinstance(text, str):
        text = json.dumps(text)
    text = " ".join(text.split()).rstrip(".")
    return (text[:_DETAIL_LIMIT] + "...") if len(text) > _DETAIL_LIMIT else (text or "no details")


def _status_from_error(error: Mapping[str, Any]) -> int | None:
    """Guess a status for an in-stream error from its code or type."""
    for key in ("status", "code"):
        value = error.get(key)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
    kind = f"{error.get('type') or ''} {error.get('code') or ''}".lower()
    for words, status in (
        (("auth", "api_key"), 401),
        (("balance", "quota", "payment"), 402),
        (("rate", "limit"), 429),
        (("server", "overload", "internal", "unavailable", "resource"), 503),
        (("invalid",), 400),
    ):
        if any(word in kind for word in words):
            return status
    return None
