"""One typed, immutable settings object, and how it is merged from its sources.

Sources, later ones winning: defaults < environment < mappings (initializationOptions,
workspace/configuration, didChangeConfiguration). A value that is absent, ``None``, ``""`` or ``{}``
never overrides a lower source. A value of the wrong type or out of range is reported as a
problem naming the key, and the previous value is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import urlparse

from deepseek_lsp.http_headers import headers_setting
from deepseek_lsp.price_rows import PriceSetting, pricing
from deepseek_lsp.settings_context import CONTEXT_KEYS, ContextSettings

DEFAULT_BASE_URL = "https://api.deepseek.com"
DEFAULT_MODEL = "deepseek-flash"  # deepseek-v4-flash is retired but still served
DEFAULT_EXCLUDE: tuple[str, ...] = (
    "**/.env",
    "**/.env.*",
    "**/*.pem",
    "**/*.key",
    "**/id_rsa*",
    "**/id_ed25519*",
    "**/*.p12",
    "**/*.pfx",
    "**/.git/**",
    "**/secrets/**",
    "**/.aws/**",
    "**/.ssh/**",
    "**/*.kdbx",
)


@dataclass(frozen=True)
class OAuth2Settings:
    """Client-credentials tokens for an enterprise gateway placed in front of DeepSeek."""

    token_url: str
    client_id: str
    client_secret: str
    scope: str | None = None


@dataclass(frozen=True)
class CompletionSettings:
    """Inline completion (FIM)."""

    enabled: bool = True
    model: str = DEFAULT_MODEL
    debounce_ms: int | Literal["auto"] = "auto"
    max_tokens: int = 128
    temperature: float = 0.0
    fallback_models: tuple[str, ...] = ()
    # issue 13: after an accept, ask for the next suggestion at once
    speculative: bool = True


@dataclass(frozen=True)
class ChatSettings:
    """Chat, code actions and the @deepseek directive."""

    model: str = DEFAULT_MODEL
    thinking: bool = False
    max_tokens: int = 4096
    fallback_models: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrivacySettings:
    """What never leaves the machine."""

    redact_secrets: bool = True
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE


@dataclass(frozen=True)
class CacheSettings:
    """The in-memory suggestion cache (and an optional shared second level)."""

    max_entries: int = 512
    ttl_seconds: float = 3600.0
    redis_url: str | None = None
    redis_timeout_ms: int = 25


@dataclass(frozen=True)
class HttpSettings:
    """HTTP transport to DeepSeek."""

    timeout_seconds: float = 30.0
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    total_timeout_seconds: float = 120.0  # one upstream call, retries and every byte included


@dataclass(frozen=True)
class BudgetSettings:
    """Spend caps in USD per UTC day and month (None: no cap); `pricing` rows by model name."""

    daily_usd: float | None = None
    monthly_usd: float | None = None
    pricing: Mapping[str, PriceSetting] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Settings:
    """Every key of PROTOCOL.md's configuration table, with its default."""

    api_key: str | None = None
    base_url: str = DEFAULT_BASE_URL
    completion: CompletionSettings = field(default_factory=CompletionSettings)
    chat: ChatSettings = field(default_factory=ChatSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    cache: CacheSettings = field(default_factory=CacheSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    context: ContextSettings = field(default_factory=ContextSettings)
    budget: BudgetSettings = field(default_factory=BudgetSettings)
    oauth2: OAuth2Settings | None = None
    metrics_port: int | None = None
    log_prompts: bool = False

    def merged(self, mapping: Mapping[str, Any] | None) -> tuple[Settings, list[str]]:
        """Return these settings overridden by `mapping` (camelCase, nested or dotted keys).

        The second item lists one sentence per rejected value; those keys keep their value.
        """
        problems: list[str] = []
        result = self
        for key, value in _flatten(mapping or {}).items():
            if _is_absent(value):
                continue
            spec = _KEYS.get(key)
            if spec is None and key in _SECTIONS:
                problems.append(
                    f"Setting deepseek.{key}: expected an object of settings, got {_show(value)};"
                    " keeping the previous values."
                )
                continue
            if spec is None:
                continue  # unknown keys are other tools' business (editors send extra ones)
            path, convert = spec
            try:
                result = _set_path(result, path, convert(value))
            except ValueError as exc:
                problems.append(f"Setting deepseek.{key}: {exc}; keeping the previous value.")
        return result, problems


def from_environment(env: Mapping[str, str]) -> Settings:
    """Defaults overridden by DEEPSEEK_API_KEY and DEEPSEEK_BASE_URL."""
    settings, _ = Settings().merged(
        {"apiKey": env.get("DEEPSEEK_API_KEY"), "baseUrl": env.get("DEEPSEEK_BASE_URL")}
    )
    return settings


def load(env: Mapping[str, str], *layers: Mapping[str, Any] | None) -> tuple[Settings, list[str]]:
    """Defaults < environment < each layer in order; problems from every layer."""
    settings = from_environment(env)
    problems: list[str] = []
    for layer in layers:
        settings, more = settings.merged(layer)
        problems.extend(more)
    return settings, problems


def deepseek_section(settings_param: Any) -> Mapping[str, Any] | None:
    """The `deepseek` section of a didChangeConfiguration `settings` param (either shape)."""
    if not isinstance(settings_param, Mapping):
        return None
    inner = settings_param.get("deepseek")
    return inner if isinstance(inner, Mapping) else settings_param


# --- converters: each returns the typed value or raises ValueError with a reason -------------


def _is_absent(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, Mapping) and not value)


def _flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """`{"completion": {"model": m}}` and `{"completion.model": m}` both become dotted keys."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        if not isinstance(key, str):
            continue
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and dotted not in _KEYS and value:
            flat.update(_flatten(value, f"{dotted}."))
        else:
            flat[dotted] = value
    return flat


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {_show(value)}")
    return value.strip()


def _url(value: Any) -> str:
    text = _string(value)
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"expected an http(s) URL such as {DEFAULT_BASE_URL}, got {_show(value)}")
    return text.rstrip("/")


def _redis_url(value: Any) -> str:
    text = _string(value)
    parsed = urlparse(text)
    if parsed.scheme not in ("redis", "rediss", "unix") or not (parsed.netloc or parsed.path):
        scheme = f"{parsed.scheme}://" if parsed.scheme else "no scheme"
        raise ValueError(f"expected a redis://, rediss:// or unix:// URL, got {scheme}")
    return text


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_show(value)}")
    return value


def _int_in(low: int, high: int) -> Callable[[Any], int]:
    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            raise ValueError(f"expected a whole number, got {_show(value)}")
        if not low <= value <= high:
            raise ValueError(f"expected a number from {low} to {high}, got {_show(value)}")
        return int(value)

    return convert


def _float_in(low: float, high: float) -> Callable[[Any], float]:
    def convert(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {_show(value)}")
        if not low <= value <= high:
            raise ValueError(f"expected a number from {low} to {high}, got {_show(value)}")
        return float(value)

    return convert


def _debounce(value: Any) -> int | Literal["auto"]:
    if value == "auto":
        return "auto"
    try:
        return _int_in(0, 5000)(value)
    except ValueError:
        raise ValueError(
            f'expected "auto" or milliseconds from 0 to 5000, got {_show(value)}'
        ) from None


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of strings, got {_show(value)}")
    return tuple(v for v in value if v.strip())


def _oauth2(value: Any) -> OAuth2Settings:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected {{tokenUrl, clientId, clientSecret}}, got {_show(value)}")
    try:
        return OAuth2Settings(
            token_url=_url(value.get("tokenUrl")),
            client_id=_string(value.get("clientId")),
            client_secret=_string(value.get("clientSecret")),
            scope=_string(value["scope"]) if value.get("scope") else None,
        )
    except ValueError as exc:
        raise ValueError(f"expected {{tokenUrl, clientId, clientSecret}} ({exc})") from None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_KEYS: dict[str, tuple[tuple[str, ...], Callable[[Any], Any]]] = {
    "apiKey": (("api_key",), _string),
    "baseUrl": (("base_url",), _url),
    "completion.enabled": (("completion", "enabled"), _bool),
    "completion.model": (("completion", "model"), _string),
    "completion.debounceMs": (("completion", "debounce_ms"), _debounce),
    "completion.maxTokens": (("completion", "max_tokens"), _int_in(1, 4096)),
    "completion.temperature": (("completion", "temperature"), _float_in(0.0, 2.0)),
    "completion.fallbackModels": (("completion", "fallback_models"), _strings),
    "completion.speculative": (("completion", "speculative"), _bool),
    "chat.model": (("chat", "model"), _string),
    "chat.thinking": (("chat", "thinking"), _bool),
    "chat.maxTokens": (("chat", "max_tokens"), _int_in(1, 393_216)),
    "chat.fallbackModels": (("chat", "fallback_models"), _strings),
    "privacy.redactSecrets": (("privacy", "redact_secrets"), _bool),
    "privacy.exclude": (("privacy", "exclude"), _strings),
    "cache.maxEntries": (("cache", "max_entries"), _int_in(0, 1_000_000)),
    "cache.ttlSeconds": (("cache", "ttl_seconds"), _float_in(0.0, 31_536_000.0)),
    "cache.redisUrl": (("cache", "redis_url"), _redis_url),
    "cache.redisTimeoutMs": (("cache", "redis_timeout_ms"), _int_in(1, 5000)),
    "http.timeoutSeconds": (("http", "timeout_seconds"), _float_in(0.5, 3600.0)),
    "http.headers": (("http", "headers"), headers_setting),
    "http.totalTimeoutSeconds": (("http", "total_timeout_seconds"), _float_in(1.0, 86_400.0)),
    "auth.oauth2": (("oauth2",), _oauth2),
    "budget.dailyUsd": (("budget", "daily_usd"), _float_in(0.0, 1e9)),
    "budget.monthlyUsd": (("budget", "monthly_usd"), _float_in(0.0, 1e9)),
    "pricing": (("budget", "pricing"), pricing),
    "metrics.port": (("metrics_port",), _int_in(1, 65535)),
    "logPrompts": (("log_prompts",), _bool),
}
_KEYS.update({key: (path, _int_in(*r) if r else _bool) for key, path, r in CONTEXT_KEYS})


_SECTIONS = frozenset(k.rsplit(".", 1)[0] for k in _KEYS if "." in k)  # values must be objects


def _set_path(obj: Any, path: tuple[str, ...], value: Any) -> Any:
    if len(path) == 1:
        return replace(obj, **{path[0]: value})
    child = getattr(obj, path[0])
    assert dataclasses.is_dataclass(child)
    return replace(obj, **{path[0]: _set_path(child, path[1:], value)})
