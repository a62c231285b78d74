"""What an upstream request costs: DeepSeek's price table, its peak hours, and user overrides.

Prices are USD per million tokens, in three kinds (prompt tokens served from DeepSeek's prefix
cache, prompt tokens not served from it, output tokens). The built-in table is DeepSeek's own
(DEEPSEEK_API.md, checked 2026-12-01): peak prices, halved outside peak hours. The `pricing`
setting replaces a model's row for gateways and self-hosted models, at every hour (a gateway does
not follow DeepSeek's clock). Update the table here and nowhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from deepseek_lsp.api import Usage

log = logging.getLogger(__name__)

PER_TOKENS = 1_000_000
CHARS_PER_TOKEN = 3.0  # DEEPSEEK_API.md's budgeting figure for code, when no `usage` came back


@dataclass(frozen=True)
class Price:
    """USD per million tokens of each kind."""

    cache_hit: float
    cache_miss: float
    output: float

    def halved(self) -> Price:
        """The off-peak price (DeepSeek bills every non-peak hour at half)."""
        return Price(self.cache_hit / 2, self.cache_miss / 2, self.output / 2)


FLASH = "deepseek-flash"
# Peak prices; off-peak is half. One row per billed model.
PEAK_PRICES: dict[str, Price] = {
    FLASH: Price(cache_hit=0.006, cache_miss=0.30, output=1.20),
    "deepseek-v4-pro": Price(cache_hit=0.044, cache_miss=1.32, output=3.96),
}
# Retired or alternative names DeepSeek still accepts, billed as the model that serves them.
BILLED_AS: dict[str, str] = {
    "deepseek-v4-flash": FLASH,
    "deepseek-v4-flash-vision-exp": FLASH,
    "deepseek-chat": FLASH,
    "deepseek-reasoner": FLASH,
    "deepseek-coder": FLASH,
}
# Peak hours in UTC, Monday (0) to Friday (4): [start, end) hour ranges.
PEAK_HOURS_UTC: tuple[tuple[int, int], ...] = ((1, 4), (6, 10))
PEAK_WEEKDAYS = range(5)

_warned_unknown: set[str] = set()


def is_peak(when: datetime) -> bool:
    """True inside DeepSeek's peak hours (Chinese public holidays are not modelled: billed peak)."""
    utc = when.astimezone(timezone.utc) if when.tzinfo else when
    if utc.weekday() not in PEAK_WEEKDAYS:
        return False
    return any(start <= utc.hour < end for start, end in PEAK_HOURS_UTC)


def price_for(model: str, when: datetime, pricing: Mapping[str, Price] | None = None) -> Price:
    """The price of `model` at `when`; an override wins at every hour.

    An unknown name (a fine-tuned deployment, a new model) is billed at Flash prices, the cheapest
    DeepSeek row and what DeepSeek bills retired names at; that is logged once per name so a user
    can add a `pricing` row.
    """
    if pricing and model in pricing:
        return pricing[model]
    billed = BILLED_AS.get(model, model)
    peak = PEAK_PRICES.get(billed)
    if peak is None:
        if model not in _warned_unknown:
            _warned_unknown.add(model)
            log.warning(
                "no price known for model %r: billing it at %s prices; set deepseek.pricing "
                "to correct this",
                model,
                FLASH,
            )
        peak = PEAK_PRICES[FLASH]
    return peak if is_peak(when) else peak.halved()


@dataclass(frozen=True)
class Tokens:
    """A request's billed tokens by kind."""

    cache_hit: int = 0
    cache_miss: int = 0
    output: int = 0


def tokens_of(usage: Any) -> Tokens:
    """Billed tokens from an API `Usage`; prompt tokens not reported as hits are billed as misses.

    (A gateway that reports neither split is billed wholly at the cache-miss price: an upper
    bound rather than a guess.)
    """
    if usage is None:
        return Tokens()
    hit = max(int(getattr(usage, "prompt_cache_hit_tokens", 0) or 0), 0)
    miss = max(int(getattr(usage, "prompt_cache_miss_tokens", 0) or 0), 0)
    prompt = max(int(getattr(usage, "prompt_tokens", 0) or 0), 0)
    miss = max(miss, prompt - hit)
    return Tokens(hit, miss, max(int(getattr(usage, "completion_tokens", 0) or 0), 0))


def cost_usd(
    model: str, usage: Any, when: datetime, pricing: Mapping[str, Price] | None = None
) -> float:
    """USD for one upstream request of `model` that reported `usage`, made at `when`."""
    tokens = tokens_of(usage)
    price = price_for(model, when, pricing)
    return (
        tokens.cache_hit * price.cache_hit
        + tokens.cache_miss * price.cache_miss
        + tokens.output * price.output
    ) / PER_TOKENS


def estimated_usage(prompt_chars: int, output_chars: int) -> Usage:
    """A stand-in `usage` for a stream we closed before DeepSeek reported one (all misses)."""
    prompt = round(prompt_chars / CHARS_PER_TOKEN)
    return Usage(
        prompt_tokens=prompt,
        prompt_cache_miss_tokens=prompt,
        completion_tokens=round(output_chars / CHARS_PER_TOKEN),
    )
