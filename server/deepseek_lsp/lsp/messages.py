"""The one place where failures become what the user sees (`window/showMessage`).

Each kind of failure is shown at most once a minute, so a broken key does not turn every
keystroke into a pop-up.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from lsprotocol import types

from deepseek_lsp.api import ApiError, ModelUnavailableError
from deepseek_lsp.api.errors import SUGGESTED_MODEL

REQUEST_FAILED = -32803  # LSP RequestFailed: an API failure answered to the request that caused it

MIN_INTERVAL_SECONDS = 60.0

_KIND_TYPES = {
    "auth": types.MessageType.Error,
    "balance": types.MessageType.Error,
    "connect": types.MessageType.Warning,
    "timeout": types.MessageType.Warning,
    "rate_limited": types.MessageType.Warning,
    "server": types.MessageType.Warning,
    "settings": types.MessageType.Warning,
    "model_unavailable": types.MessageType.Error,
}


class Notifier:
    """Sends a message per kind at most once per `MIN_INTERVAL_SECONDS`."""

    def __init__(
        self,
        send: Callable[[types.ShowMessageParams], None],
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._send = send
        self._timer = timer
        self._last: dict[str, float] = {}

    def show(self, kind: str, message: str, *, force: bool = False) -> bool:
        """Show `message` unless a message of `kind` was shown less than a minute ago."""
        now = self._timer()
        last = self._last.get(kind)
        if not force and last is not None and now - last < MIN_INTERVAL_SECONDS:
            return False
        self._last[kind] = now
        message_type = _KIND_TYPES.get(kind.split(":")[0], types.MessageType.Warning)
        self._send(types.ShowMessageParams(type=message_type, message=f"DeepSeek: {message}"))
        return True

    def api_error(self, exc: ApiError, setting: str | None = None) -> bool:
        """Tell the user what to do about a failed API call made for `setting`'s model.

        A missing model is told once a minute per setting (``completion.model``,
        ``chat.model``), naming that setting and the model, since only the user can fix it.
        """
        if isinstance(exc, ModelUnavailableError) and setting:
            return self.show(f"{exc.kind}:{setting}", error_text(exc, setting))
        return self.show(exc.kind, exc.message)

    def info(self, message: str) -> None:
        """Prose for the user (explain results in clients that drop command results)."""
        self._send(types.ShowMessageParams(type=types.MessageType.Info, message=message))


def error_text(exc: ApiError, setting: str | None = None) -> str:
    """The sentence for a failed call; a missing model names `setting` (``chat.model``)."""
    if not isinstance(exc, ModelUnavailableError) or not setting:
        return exc.message
    named = f'the model "{exc.model}"' if exc.model else "the configured model"
    said = f" ({exc.detail})" if exc.detail else ""
    return (
        f"DeepSeek does not offer {named}{said}. Change the deepseek.{setting} setting to an"
        f" available model, such as {SUGGESTED_MODEL}."
    )
