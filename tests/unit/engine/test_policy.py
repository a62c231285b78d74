"""The team policy: each field, the stricter-of-two merge, malformed files, changes on disk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from deepseek_lsp.engine.policy import (
    REPOSITORY_POLICY,
    SYSTEM_POLICY_ENV,
    Policy,
    PolicyFiles,
    parse,
)
from deepseek_lsp.settings import load


def policy(*files: dict[str, Any] | str) -> Policy:
    return Policy(
        tuple(
            parse(f"/p{i}.json", f if isinstance(f, str) else json.dumps(f))
            for i, f in enumerate(files)
        )
    )


def test_no_policy_allows_everything_and_changes_nothing() -> None:
    settings, _ = load({})
    empty = Policy()
    assert empty.refusal("chat", "any-model") is None
    assert empty.constrain(settings) == settings


def test_models_field() -> None:
    p = policy({"models": ["deepseek-flash"]})
    assert p.refusal("chat", "deepseek-flash") is None
    reason = p.refusal("chat", "deepseek-v4-pro")
    assert reason and "/p0.json" in reason and "deepseek.chat.model" in reason
    settings, _ = load({}, {"completion": {"model": "deepseek-v4-pro", "fallbackModels": ["x"]}})
    constrained = p.constrain(settings)
    assert not constrained.completion.enabled and constrained.completion.fallback_models == ()


def test_features_field() -> None:
    p = policy({"features": {"completion": True, "chat": False}})
    assert p.feature_on("completion") and p.feature_on("actions") and not p.feature_on("chat")
    assert p.refusal("chat") == "chat is turned off by the policy file /p0.json."
    off = policy({"features": {"completion": False}}).constrain(load({})[0])
    assert not off.completion.enabled
    assert (
        not policy({"features": {"completion": False}})
        .constrain(load({}, {"completion": {"enabled": True}})[0])
        .completion.enabled
    )  # user settings cannot switch it back on


def test_exclude_field_adds_to_privacy_exclude() -> None:
    settings, _ = load({}, {"privacy": {"exclude": ["**/mine/**"]}})
    constrained = policy({"exclude": ["**/customer-data/**"]}).constrain(settings)
    assert constrained.privacy.exclude == ("**/mine/**", "**/customer-data/**")


def test_budget_ceilings_only_lower_user_caps() -> None:
    p = policy({"budget": {"dailyUsd": 5, "monthlyUsd": 50}})
    none, _ = load({})
    assert (p.constrain(none).budget.daily_usd, p.constrain(none).budget.monthly_usd) == (5, 50)
    higher, _ = load({}, {"budget": {"dailyUsd": 100, "monthlyUsd": 20}})
    assert p.constrain(higher).budget.daily_usd == 5
    assert p.constrain(higher).budget.monthly_usd == 20  # the user's lower cap stands


def test_the_stricter_of_two_files_wins_field_by_field() -> None:
    system = {
        "models": ["deepseek-flash", "deepseek-v4-pro"],
        "features": {"chat": False},
        "exclude": ["**/a/**"],
        "budget": {"dailyUsd": 10},
    }
    repo = {
        "models": ["deepseek-flash", "other"],
        "features": {"chat": True, "actions": False},
        "exclude": ["**/b/**"],
        "budget": {"dailyUsd": 20, "monthlyUsd": 100},
    }
    p = policy(system, repo)
    assert p.allowed_models() == {"deepseek-flash"}
    assert not p.feature_on("chat") and not p.feature_on("actions") and p.feature_on("completion")
    assert p.exclude == ("**/a/**", "**/b/**")
    assert (p.ceiling("daily_usd"), p.ceiling("monthly_usd")) == (10, 100)
    assert "/p0.json" in (p.refusal("chat") or "")  # chat: the system file forbids it
    assert "/p1.json" in (p.refusal("actions") or "")
    assert "/p1.json" in (p.refusal("completion", "deepseek-v4-pro") or "")


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"models": "deepseek-flash"}',
        '{"features": {"completion": "yes"}}',
        '{"features": {"complettion": false}}',
        '{"exclude": [1]}',
        '{"budget": {"dailyUsd": -1}}',
        '{"budget": {"daily": 5}}',
        '{"model": ["deepseek-flash"]}',
    ],
)
def test_a_malformed_file_denies_everything(text: str) -> None:
    p = policy({"models": ["deepseek-flash"]}, text)
    for feature in ("completion", "chat", "actions"):
        assert not p.feature_on(feature)
        reason = p.refusal(feature, "deepseek-flash")
        assert reason and "/p1.json is malformed" in reason
    assert p.allowed_models() == frozenset()
    assert not p.constrain(load({})[0]).completion.enabled
    assert len(p.errors) == 1 and "/p1.json" in p.errors[0]


def test_every_field_is_optional() -> None:
    p = policy({})
    assert p.refusal("completion", "x") is None and not p.errors


def test_files_are_found_and_changes_are_picked_up(tmp_path: Path) -> None:
    system = tmp_path / "system.json"
    root = tmp_path / "repo"
    (root / ".deepseek").mkdir(parents=True)
    files = PolicyFiles({SYSTEM_POLICY_ENV: str(system)}, [str(root)])
    assert files.refresh() is False and files.policy.files == ()  # nothing there: no policy
    system.write_text('{"features": {"chat": false}}')
    assert files.refresh() is True
    assert str(system) in (files.policy.refusal("chat") or "")
    assert files.refresh() is False  # unchanged: not re-read
    (root / REPOSITORY_POLICY).write_text('{"features": {"actions": false}}')
    assert files.refresh() is True
    assert str(root / REPOSITORY_POLICY) in (files.policy.refusal("actions") or "")
    system.write_text('{"features": {"chat": true}}  ')
    assert files.refresh() is True and files.policy.refusal("chat") is None
    system.unlink()
    assert files.refresh() is True and len(files.policy.files) == 1


def test_a_fixed_file_stops_denying(tmp_path: Path) -> None:
    system = tmp_path / "policy.json"
    system.write_text("{broken")
    files = PolicyFiles({SYSTEM_POLICY_ENV: str(system)})
    files.refresh()
    assert files.policy.errors
    system.write_text('{"models": ["deepseek-flash"]}')
    files.refresh()
    assert not files.policy.errors and files.policy.refusal("chat", "deepseek-flash") is None
