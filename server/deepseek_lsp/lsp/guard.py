"""Between a request and DeepSeek: the team policy and the spend caps.

A request the policy forbids is refused with a sentence naming the policy file. At a spend cap,
explicit requests ask with `window/showMessageRequest` (the engine's `Spend` decides when); a
client that cannot answer, or does not within `ASK_TIMEOUT_SECONDS`, gets "no" for that request
and is asked again next time. The policy files are re-checked every `POLICY_CHECK_SECONDS` in a
worker thread, never on a keystroke's path.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

if TYPE_CHECKING:
    from deepseek_lsp.lsp.server import DeepSeekServer

log = logging.getLogger(__name__)

ASK_TIMEOUT_SECONDS = 120.0
POLICY_CHECK_SECONDS = 2.0
REQUEST_FAILED = -32803  # LSP RequestFailed
CAPPED = (
    "DeepSeek: not sent: the spend cap is reached (deepseek.budget.dailyUsd / monthlyUsd) and the"
    " request was not confirmed."
)


def install(ls: DeepSeekServer) -> None:
    """Give the engine's spend tracker a way to ask and to tell the user."""

    async def ask(message: str, actions: list[str]) -> str | None:
        params = types.ShowMessageRequestParams(
            type=types.MessageType.Warning,
            message=message,
            actions=[types.MessageActionItem(title=a) for a in actions],
        )
        answer = await asyncio.wait_for(
            ls.window_show_message_request_async(params), ASK_TIMEOUT_SECONDS
        )
        return answer.title if answer is not None else None

    ls.spend.ask = ask
    ls.spend.notify = lambda text: ls.notifier.show("budget", text, force=True)


def completion_refusal(ls: DeepSeekServer, *, invoked: bool) -> bool:
    """True (and the user told, at most once a minute unless invoked) if policy forbids it."""
    reason = ls.policy_files.policy.refusal("completion", ls.settings.completion.model)
    if reason is None:
        return False
    ls.notifier.show("policy", f"Not sent: {reason}", force=invoked)
    return True


def actions_allowed(ls: DeepSeekServer) -> bool:
    """Whether code actions may be listed at all (listing sends nothing, so no message)."""
    return ls.policy_files.policy.refusal("actions", ls.settings.chat.model) is None


async def allow(ls: DeepSeekServer, feature: str) -> None:
    """Let an explicit chat or action request go upstream, or raise the error saying why not."""
    reason = ls.policy_files.policy.refusal(feature, ls.settings.chat.model)
    if reason is not None:
        ls.notifier.show("policy", f"Not sent: {reason}", force=True)
        raise JsonRpcException(f"DeepSeek: not sent: {reason}", code=REQUEST_FAILED)
    if not await ls.spend.approve():
        raise JsonRpcException(CAPPED, code=REQUEST_FAILED)


async def watch_policy(ls: DeepSeekServer) -> None:
    """Re-read the policy files when they change, and apply the result to the settings."""
    while True:
        await asyncio.sleep(POLICY_CHECK_SECONDS)
        try:
            changed = await asyncio.to_thread(ls.policy_files.refresh)
        except Exception as exc:  # keep watching whatever one read did
            log.warning("reading the policy files failed: %s", exc)
            continue
        if changed:
            ls.apply_settings()
