"""A team policy that user settings cannot loosen (PROTOCOL.md, "Team policy").

Two kinds of file: an administrator's system-wide one (`/etc/deepseek-lsp/policy.json`, or the
path in `$DEEPSEEK_LSP_POLICY`) and each workspace root's `.deepseek/policy.json`. Every file
applies; the stricter wins field by field: allowed models intersect, a feature is on only if no
file turns it off, exclude globs add up, budget ceilings take the lowest. A file that cannot be
read as a policy (bad JSON, a wrong type, an unknown key: it might be a misspelt restriction)
denies everything until it is fixed: every feature off, nothing sent. `Policy.constrain` applies
a policy to settings, so nothing downstream can be looser than it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from deepseek_lsp.settings import Settings

log = logging.getLogger(__name__)

SYSTEM_POLICY = "/etc/deepseek-lsp/policy.json"
SYSTEM_POLICY_ENV = "DEEPSEEK_LSP_POLICY"
REPOSITORY_POLICY = os.path.join(".deepseek", "policy.json")
FEATURES = ("completion", "chat", "actions")
_TOP_KEYS = {"models", "features", "exclude", "budget"}
_BUDGET_KEYS = {"dailyUsd": "daily_usd", "monthlyUsd": "monthly_usd"}


class PolicyError(ValueError):
    """Why a policy file cannot be read as a policy."""


@dataclass(frozen=True)
class FilePolicy:
    """One policy file's rules; `error` set means the file is malformed and denies everything."""

    path: str
    models: frozenset[str] | None = None
    features: Mapping[str, bool] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    daily_usd: float | None = None
    monthly_usd: float | None = None
    error: str | None = None

    def forbids(self, feature: str) -> bool:
        """True when this file turns `feature` off (a malformed file turns everything off)."""
        return self.error is not None or self.features.get(feature) is False


@dataclass(frozen=True)
class Policy:
    """Every policy file in force; the merge is computed field by field, strictest first."""

    files: tuple[FilePolicy, ...] = ()

    @property
    def errors(self) -> list[str]:
        """One sentence per malformed file."""
        return [
            f"The policy file {f.path} is malformed ({f.error}): every DeepSeek feature is off"
            " until it is fixed."
            for f in self.files
            if f.error is not None
        ]

    def allowed_models(self) -> frozenset[str] | None:
        """The models every file allows (None: any model)."""
        allowed: frozenset[str] | None = None
        for f in self.files:
            if f.error is not None:
                return frozenset()
            if f.models is not None:
                allowed = f.models if allowed is None else allowed & f.models
        return allowed

    def feature_on(self, feature: str) -> bool:
        """True unless some file turns `feature` off."""
        return not any(f.forbids(feature) for f in self.files)

    @property
    def exclude(self) -> tuple[str, ...]:
        """Every file's exclude globs, in order."""
        return tuple(dict.fromkeys(g for f in self.files for g in f.exclude))

    def ceiling(self, name: str) -> float | None:
        """The lowest `daily_usd` / `monthly_usd` ceiling of all files (None: no ceiling)."""
        values = [getattr(f, name) for f in self.files if getattr(f, name) is not None]
        return min(values) if values else None

    def refusal(self, feature: str, model: str | None = None) -> str | None:
        """Why `feature` (with `model`) may not be used, naming the file; None when allowed."""
        for f in self.files:
            if f.error is not None:
                return f"the policy file {f.path} is malformed ({f.error}), so nothing is sent."
            if f.features.get(feature) is False:
                return f"{feature} is turned off by the policy file {f.path}."
            if model is not None and f.models is not None and model not in f.models:
                allowed = ", ".join(sorted(f.models)) or "none"
                return (
                    f"the model {model!r} is not allowed by the policy file {f.path} (allowed:"
                    f" {allowed}); choose one of those in your {_model_setting(feature)} setting."
                )
        return None

    def constrain(self, settings: Settings) -> Settings:
        """`settings` made no looser than this policy (excludes added, caps lowered, ...)."""
        if not self.files:
            return settings
        allowed = self.allowed_models()
        completion = settings.completion
        if not self.feature_on("completion") or (
            allowed is not None and completion.model not in allowed
        ):
            completion = replace(completion, enabled=False)
        chat = settings.chat
        if allowed is not None:
            completion = replace(
                completion,
                fallback_models=tuple(m for m in completion.fallback_models if m in allowed),
            )
            chat = replace(
                chat, fallback_models=tuple(m for m in chat.fallback_models if m in allowed)
            )
        privacy = replace(
            settings.privacy,
            exclude=tuple(dict.fromkeys((*settings.privacy.exclude, *self.exclude))),
        )
        budget = replace(
            settings.budget,
            daily_usd=_lower(settings.budget.daily_usd, self.ceiling("daily_usd")),
            monthly_usd=_lower(settings.budget.monthly_usd, self.ceiling("monthly_usd")),
        )
        return replace(settings, completion=completion, chat=chat, privacy=privacy, budget=budget)


def _model_setting(feature: str) -> str:
    return "deepseek.completion.model" if feature == "completion" else "deepseek.chat.model"


def _lower(value: float | None, ceiling: float | None) -> float | None:
    if ceiling is None:
        return value
    return ceiling if value is None else min(value, ceiling)


def parse(path: str, text: str) -> FilePolicy:
    """A policy file's rules, or one that denies everything with the reason it is malformed."""
    try:
        return _parse(path, json.loads(text))
    except (PolicyError, ValueError) as exc:
        reason = str(exc) if isinstance(exc, PolicyError) else f"not valid JSON: {exc}"
        return FilePolicy(path, error=reason)


def _parse(path: str, data: Any) -> FilePolicy:
    if not isinstance(data, dict):
        raise PolicyError("expected a JSON object")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise PolicyError(f"unknown key {sorted(unknown)[0]!r}")
    models = data.get("models")
    if models is not None and not _strings(models):
        raise PolicyError('"models" must be a list of model names')
    features = data.get("features", {})
    if not isinstance(features, dict) or set(features) - set(FEATURES):
        raise PolicyError(f'"features" must be an object with keys among {", ".join(FEATURES)}')
    if not all(isinstance(v, bool) for v in features.values()):
        raise PolicyError('"features" values must be true or false')
    exclude = data.get("exclude", [])
    if not _strings(exclude):
        raise PolicyError('"exclude" must be a list of globs')
    budget = data.get("budget", {})
    if not isinstance(budget, dict) or set(budget) - set(_BUDGET_KEYS):
        raise PolicyError('"budget" must be an object with keys dailyUsd, monthlyUsd')
    ceilings: dict[str, float] = {}
    for key, name in _BUDGET_KEYS.items():
        value = budget.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise PolicyError(f'"budget.{key}" must be a number of USD, 0 or more')
        ceilings[name] = float(value)
    return FilePolicy(
        path,
        models=frozenset(models) if models is not None else None,
        features=dict(features),
        exclude=tuple(exclude),
        **ceilings,
    )


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


class PolicyFiles:
    """The policy files in force, re-read when one appears, changes or goes away.

    `refresh` does file I/O: run it at start and then off the event loop (it stats the files
    and re-reads only on a change of modification time, size or existence).
    """

    def __init__(self, env: Mapping[str, str], roots: Sequence[str] = ()) -> None:
        self.system_path = env.get(SYSTEM_POLICY_ENV) or SYSTEM_POLICY
        self.roots: tuple[str, ...] = tuple(roots)
        self.policy = Policy()
        self._seen: tuple[tuple[str, int, int] | None, ...] | None = None

    def paths(self) -> list[str]:
        """The system file, then each workspace root's file."""
        return [self.system_path, *(os.path.join(r, REPOSITORY_POLICY) for r in self.roots)]

    def set_roots(self, roots: Sequence[str]) -> None:
        """Workspace folders changed: their repository policies are read at the next refresh."""
        self.roots = tuple(roots)

    def refresh(self) -> bool:
        """Re-read the files if any changed; True when the policy in force changed."""
        paths = self.paths()
        seen = tuple(_signature(p) for p in paths)
        if seen == self._seen:
            return False
        self._seen = seen
        files = []
        for path, sig in zip(paths, seen, strict=True):
            if sig is None:
                continue
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                files.append(FilePolicy(path, error=f"cannot be read: {exc}"))
                continue
            files.append(parse(path, text))
        policy = Policy(tuple(files))
        changed = policy != self.policy
        self.policy = policy
        if changed:
            log.info("policy files in force: %s", ", ".join(f.path for f in files) or "none")
        return changed


def _signature(path: str) -> tuple[str, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError:
        return (path, -1, -1)  # exists but unreadable: reading it reports why
    return (path, st.st_mtime_ns, st.st_size)
