"""When to try a failed request again, and how long to wait first.

Exponential backoff with equal jitter: attempt n waits between half and all of
`min(max_delay, base_delay * 2 ** (n - 1))`, and never less than the server's Retry-After. A
Retry-After longer than `max_delay` is not worth waiting for: the error goes to the caller.
Inline completion passes no policy at all: a stale suggestion is worthless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from deepseek_lsp.api.errors import ApiError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
BASE_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 60.0


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts in all, and the backoff bounds in seconds."""

    max_attempts: int = MAX_ATTEMPTS
    base_delay: float = BASE_DELAY_SECONDS
    max_delay: float = MAX_DELAY_SECONDS


def retry_delay(
    policy: RetryPolicy | None, attempt: int, error: ApiError, rng: Callable[[], float]
) -> float | None:
    """Seconds to wait before attempt `attempt + 1`, or None to give up and raise `error`."""
    if policy is None or not error.retryable:
        reason = "no retry policy" if policy is None else "not retryable"
        log.debug("not retrying %s (%s): %s", error.kind, error.status, reason)
        return None
    if attempt >= policy.max_attempts:
        log.debug("giving up after %d attempts: %s", attempt, error.kind)
        return None
    if error.retry_after is not None and error.retry_after > policy.max_delay:
        log.debug(
            "Retry-After %.1f s exceeds %.1f s; giving up", error.retry_after, policy.max_delay
        )
        return None
    ceiling = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
    delay = max(ceiling / 2 + rng() * ceiling / 2, error.retry_after or 0.0)
    log.debug("attempt %d failed (%s); retrying in %.2f s", attempt, error.kind, delay)
    return delay
