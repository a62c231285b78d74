"""The Notifier: one message per kind a minute; a missing model names the setting to change."""

from __future__ import annotations

from lsprotocol import types

from deepseek_lsp.api import AuthError
from deepseek_lsp.api.errors import error_for_status
from deepseek_lsp.lsp.messages import MIN_INTERVAL_SECONDS, Notifier, error_text

MISSING = '{"error": {"message": "Model Not Exist", "type": "invalid_request_error"}}'


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def notifier() -> tuple[Notifier, list[types.ShowMessageParams], Clock]:
    sent: list[types.ShowMessageParams] = []
    clock = Clock()
    return Notifier(sent.append, clock), sent, clock


def test_missing_completion_model_names_its_setting_and_the_model_once() -> None:
    note, sent, clock = notifier()
    error = error_for_status(400, MISSING, {}, model="deepseek-gone")
    assert note.api_error(error, setting="completion.model")
    for _ in range(5):
        assert not note.api_error(error, setting="completion.model")
    assert len(sent) == 1
    assert sent[0].type == types.MessageType.Error
    assert "deepseek.completion.model" in sent[0].message
    assert '"deepseek-gone"' in sent[0].message
    assert "chat.model" not in sent[0].message
    clock.now += MIN_INTERVAL_SECONDS
    assert note.api_error(error, setting="completion.model")


def test_chat_model_is_told_separately_from_completion_model() -> None:
    note, sent, _clock = notifier()
    error = error_for_status(422, MISSING, {}, model="deepseek-reasoner")
    note.api_error(error, setting="completion.model")
    note.api_error(error, setting="chat.model")
    assert ["deepseek.chat.model" in m.message for m in sent] == [False, True]


def test_error_text_names_the_setting_only_for_a_missing_model() -> None:
    missing = error_for_status(400, MISSING, {}, model="m1")
    assert error_text(missing, "chat.model").startswith('DeepSeek does not offer the model "m1"')
    assert "deepseek.chat.model setting" in error_text(missing, "chat.model")
    auth = AuthError("bad key")
    assert error_text(auth, "chat.model") == "bad key"


def test_other_errors_keep_one_message_per_kind() -> None:
    note, sent, _clock = notifier()
    note.api_error(AuthError("bad key"), setting="completion.model")
    note.api_error(AuthError("bad key"), setting="chat.model")
    assert [m.message for m in sent] == ["DeepSeek: bad key"]
