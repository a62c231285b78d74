import json
from email.utils import formatdate

import httpx
import pytest

from deepseek_lsp.api import (
    ApiConnectionError,
    ApiTimeoutError,
    AuthError,
    BalanceError,
    InvalidRequestError,
    ModelUnavailableError,
    RateLimitedError,
    ServerError,
    StreamError,
)
from deepseek_lsp.api.errors import error_for_status, from_httpx, parse_retry_after


def body(message, code="invalid_request_error"):
    return json.dumps({"error": {"message": message, "type": "x", "param": None, "code": code}})


@pytest.mark.parametrize(
    ("status", "cls", "kind", "retryable"),
    [
        (400, InvalidRequestError, "invalid", False),
        (401, AuthError, "auth", False),
        (402, BalanceError, "balance", False),
        (403, AuthError, "auth", False),
        (422, InvalidRequestError, "invalid", False),
        (429, RateLimitedError, "rate_limited", True),
        (500, ServerError, "server", True),
        (502, ServerError, "server", True),
        (503, ServerError, "server", True),
        (504, ServerError, "server", True),
    ],
)
def test_status_maps_to_one_class(status, cls, kind, retryable):
    error = error_for_status(status, body("Something went wrong"), {})
    assert type(error) is cls
    assert (error.kind, error.status, error.retryable) == (kind, status, retryable)
    assert error.message.endswith(".")


def test_401_sentence_tells_how_to_set_the_key():
    error = error_for_status(401, body("Authentication Fails"), {})
    assert "DEEPSEEK_API_KEY" in error.message and "deepseek.apiKey" in error.message


def test_plain_text_422_body_is_kept_as_detail():
    error = error_for_status(422, "Failed to deserialize the JSON body into the target type", {})
    assert isinstance(error, InvalidRequestError)
    assert "Failed to deserialize" in error.message


def test_empty_body_still_gives_a_sentence():
    error = error_for_status(500, "", {})
    assert isinstance(error, ServerError) and "500" in error.message


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (400, body("Model Not Exist")),
        (404, body("The model `deepseek-v9` does not exist", code="model_not_found")),
        (422, body("unknown model: foo")),
        (400, body("whatever", code="model_not_found")),
    ],
)
def test_model_unavailable_detection(status, text):
    assert isinstance(error_for_status(status, text, {}), ModelUnavailableError)


def test_model_unavailable_names_the_requested_model_and_a_current_one():
    error = error_for_status(400, body("Model Not Exist"), {}, model="deepseek-chat")
    assert isinstance(error, ModelUnavailableError)
    assert (error.model, error.detail) == ("deepseek-chat", "Model Not Exist")
    assert '"deepseek-chat"' in error.message and "deepseek-flash" in error.message


def test_context_length_error_is_not_mistaken_for_missing_model():
    text = body("This model's maximum context length is 65536 tokens. You requested 70000.")
    assert type(error_for_status(400, text, {})) is InvalidRequestError


def test_404_without_model_words_points_at_base_url():
    error = error_for_status(404, "Not Found", {}, url="http://127.0.0.1:1/x/models")
    assert isinstance(error, InvalidRequestError)
    assert "http://127.0.0.1:1/x/models" in error.message and "baseUrl" in error.message


def test_retry_after_seconds_header():
    error = error_for_status(429, body("Rate limit reached"), {"retry-after": "7"})
    assert error.retry_after == 7.0


def test_retry_after_http_date():
    now = 1_700_000_000.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_retry_after_http_date_reaches_the_error():
    header = formatdate(usegmt=True)  # now: waiting 0 s, but present
    error = error_for_status(429, "slow down", httpx.Headers({"Retry-After": header}))
    assert error.retry_after is not None and error.retry_after <= 1


@pytest.mark.parametrize(
    ("error", "cls"),
    [
        ({"message": "Rate limit reached", "type": "rate_limit_error"}, RateLimitedError),
        ({"message": "Authentication Fails", "type": "authentication_error"}, AuthError),
        ({"message": "Insufficient Balance", "code": "insufficient_quota"}, BalanceError),
        ({"message": "overloaded", "type": "server_error"}, ServerError),
        ({"message": "Model Not Exist", "type": "invalid_request_error"}, ModelUnavailableError),
        ({"message": "boom", "code": 503}, ServerError),
        ({"message": "mystery"}, StreamError),
    ],
)
def test_in_stream_error_objects_map_like_statuses(error, cls):
    assert type(error_for_status(None, {"error": error})) is cls


@pytest.mark.parametrize(
    ("exc", "cls", "retryable"),
    [
        (httpx.ConnectError("refused"), ApiConnectionError, True),
        (httpx.ConnectTimeout("slow"), ApiConnectionError, True),
        (httpx.ReadTimeout("slow"), ApiTimeoutError, True),
        (httpx.RemoteProtocolError("peer closed"), StreamError, True),
        (httpx.ReadError("reset"), StreamError, True),
        (httpx.UnsupportedProtocol("ftp"), ApiConnectionError, False),
    ],
)
def test_httpx_exceptions_translate(exc, cls, retryable):
    error = from_httpx(exc, "http://127.0.0.1:9", 12)
    assert type(error) is cls and error.retryable is retryable


def test_connection_error_names_the_base_url():
    error = from_httpx(httpx.ConnectError("refused"), "http://127.0.0.1:9", 30)
    assert "http://127.0.0.1:9" in error.message


def test_timeout_error_names_the_setting():
    error = from_httpx(httpx.ReadTimeout("slow"), "http://127.0.0.1:9", 12)
    assert "12 s" in error.message and "timeoutSeconds" in error.message
