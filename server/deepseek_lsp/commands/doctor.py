"""`deepseek-lsp doctor`: is everything in place to talk to DeepSeek? A verdict and what to fix."""

from __future__ import annotations

import asyncio
import os
import sys

from deepseek_lsp.api import ApiConfig, ApiError, DeepSeekClient
from deepseek_lsp.commands.offline import offline_api
from deepseek_lsp.console import out
from deepseek_lsp.engine.policy import PolicyFiles
from deepseek_lsp.engine.spend import Ledger, state_dir
from deepseek_lsp.settings import Settings, load


def _say(mark: str, text: str) -> None:
    """Checks that pass go to stdout; problems to stderr, where scripts look for them."""
    out(f"{mark} {text}", sys.stderr if mark == "✗" else sys.stdout)


async def _check(settings: Settings) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    warnings: list[str] = []
    _say("·", f"base URL: {settings.base_url}")
    if settings.api_key or settings.oauth2:
        how = "OAuth2 client credentials" if settings.oauth2 else "API key"
        _say("✓", f"{how} configured")
    else:
        problems.append(
            "No API key: set DEEPSEEK_API_KEY (or deepseek.apiKey in your editor); "
            "get a key at platform.deepseek.com."
        )
        return problems, warnings
    client = DeepSeekClient(ApiConfig.from_settings(settings))
    try:
        try:
            models = await client.models()
        except ApiError as exc:
            problems.append(exc.message)
            return problems, warnings
        _say("✓", f"{settings.base_url} answers; models: {', '.join(models) or '(none listed)'}")
        for wanted in dict.fromkeys((settings.completion.model, settings.chat.model)):
            if models and wanted not in models:
                warnings.append(
                    f"The configured model {wanted!r} is not in the server's model list; "
                    "requests may fail unless it is a deployment name the server accepts."
                )
        try:
            balance = await client.balance()
        except ApiError as exc:
            if exc.status == 404:
                balance = None
            else:
                problems.append(exc.message)
                return problems, warnings
        if balance is None:
            warnings.append(
                "This base URL has no balance endpoint (a gateway or self-hosted server?)."
            )
        elif not balance.get("is_available", True):
            problems.append("The account has no usable balance: top up at platform.deepseek.com.")
        else:
            infos = balance.get("balance_infos") or []
            shown = ", ".join(f"{i.get('total_balance')} {i.get('currency')}" for i in infos)
            _say("✓", f"balance available{': ' + shown if shown else ''}")
    finally:
        await client.aclose()
    return problems, warnings


def _spend_and_policy(env: dict[str, str]) -> list[str]:
    """Today's spend (all of this user's servers) and the policy in force; policy problems."""
    ledger = Ledger(state_dir(env))
    ledger.sync()
    _say("·", f"spend today (UTC): ${ledger.today():.4f}; this month: ${ledger.month():.4f}")
    files = PolicyFiles(env, [os.getcwd()])
    files.refresh()
    policy = files.policy
    for ceiling, name in (
        (policy.ceiling("daily_usd"), "daily"),
        (policy.ceiling("monthly_usd"), "monthly"),
    ):
        if ceiling is not None:
            _say("·", f"policy {name} budget ceiling: ${ceiling:.2f}")
    if policy.files:
        _say("·", "policy files: " + ", ".join(f.path for f in policy.files))
    return policy.errors


def run_doctor(*, offline: bool = False) -> int:
    """Print each check, then a verdict; exit 1 on any problem."""
    with offline_api(offline) as forced:
        if forced:
            _say("·", "offline: checking the built-in fake DeepSeek server")
        settings, setting_problems = load(dict(os.environ), forced)
        problems, warnings = asyncio.run(_check(settings))
    problems = setting_problems + problems + _spend_and_policy(dict(os.environ))
    for warning in warnings:
        _say("!", warning)
    for problem in problems:
        _say("✗", problem)
    if problems:
        _say("✗", f"{len(problems)} problem(s): fix the above and run `deepseek-lsp doctor` again.")
        return 1
    _say("✓", "All good: DeepSeek is reachable with this configuration.")
    return 0
