"""The price table, DeepSeek's peak hours at their boundaries, overrides and token kinds."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from deepseek_lsp.api import Usage
from deepseek_lsp.engine.spend.prices import (
    Price,
    cost_usd,
    estimated_usage,
    is_peak,
    price_for,
    tokens_of,
)

UTC = timezone.utc
TUESDAY = datetime(2026, 12, 1, tzinfo=UTC)  # 2026-12-01 is a Tuesday
SATURDAY = datetime(2026, 12, 5, tzinfo=UTC)
MILLION_MISSES = Usage(prompt_tokens=1_000_000, prompt_cache_miss_tokens=1_000_000)


def at(day: datetime, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return day + timedelta(hours=hh, minutes=mm, seconds=ss)


@pytest.mark.parametrize(
    ("when", "peak"),
    [
        (at(TUESDAY, 0, 59, 59), False),
        (at(TUESDAY, 1), True),
        (at(TUESDAY, 3, 59, 59), True),
        (at(TUESDAY, 4), False),
        (at(TUESDAY, 5, 59, 59), False),
        (at(TUESDAY, 6), True),
        (at(TUESDAY, 9, 59, 59), True),
        (at(TUESDAY, 10), False),
        (at(TUESDAY, 23, 59), False),
        (at(TUESDAY + timedelta(days=3), 9, 30), True),  # Friday
        (at(SATURDAY, 2), False),
        (at(SATURDAY + timedelta(days=1), 7), False),  # Sunday
        (at(SATURDAY + timedelta(days=2), 1), True),  # Monday
    ],
)
def test_peak_hours_at_their_boundaries(when: datetime, peak: bool) -> None:
    assert is_peak(when) is peak


def test_peak_hours_are_utc_whatever_the_caller_s_zone() -> None:
    beijing = timezone(timedelta(hours=8))
    assert is_peak(datetime(2026, 12, 1, 10, 0, tzinfo=beijing))  # 02:00 UTC
    assert not is_peak(datetime(2026, 12, 1, 18, 0, tzinfo=beijing))  # 10:00 UTC


def test_flash_prices_peak_and_half_off_peak() -> None:
    assert price_for("deepseek-flash", at(TUESDAY, 2)) == Price(0.006, 0.30, 1.20)
    assert price_for("deepseek-flash", at(TUESDAY, 12)) == Price(0.003, 0.15, 0.60)
    assert cost_usd("deepseek-flash", MILLION_MISSES, at(TUESDAY, 2)) == pytest.approx(0.30)
    assert cost_usd("deepseek-flash", MILLION_MISSES, at(SATURDAY, 2)) == pytest.approx(0.15)


def test_pro_prices() -> None:
    usage = Usage(
        prompt_tokens=3_000_000,
        prompt_cache_hit_tokens=2_000_000,
        prompt_cache_miss_tokens=1_000_000,
        completion_tokens=500_000,
    )
    expected = 2 * 0.044 + 1.32 + 0.5 * 3.96
    assert cost_usd("deepseek-v4-pro", usage, at(TUESDAY, 7)) == pytest.approx(expected)
    assert cost_usd("deepseek-v4-pro", usage, at(TUESDAY, 11)) == pytest.approx(expected / 2)


@pytest.mark.parametrize("name", ["deepseek-v4-flash", "deepseek-chat", "deepseek-reasoner"])
def test_retired_names_are_billed_at_flash_prices(name: str) -> None:
    assert price_for(name, at(TUESDAY, 2)) == price_for("deepseek-flash", at(TUESDAY, 2))


def test_unknown_model_is_billed_as_flash_and_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="deepseek_lsp.engine.spend.prices"):
        first = price_for("my-finetune-7b", at(TUESDAY, 2))
        price_for("my-finetune-7b", at(TUESDAY, 12))
    assert first == price_for("deepseek-flash", at(TUESDAY, 2))
    lines = [r for r in caplog.records if "my-finetune-7b" in r.getMessage()]
    assert len(lines) == 1 and "deepseek.pricing" in lines[0].getMessage()


def test_override_wins_at_every_hour_and_zero_is_a_price() -> None:
    pricing = {"deepseek-flash": Price(0.0, 0.0, 0.0), "gw-model": Price(1.0, 2.0, 4.0)}
    usage = Usage(
        prompt_tokens=1_500_000,
        prompt_cache_hit_tokens=1_000_000,
        prompt_cache_miss_tokens=500_000,
        completion_tokens=250_000,
    )
    assert cost_usd("deepseek-flash", usage, at(TUESDAY, 2), pricing) == 0.0
    for hour in (2, 12):
        assert cost_usd("gw-model", usage, at(TUESDAY, hour), pricing) == pytest.approx(3.0)


def test_gateway_cached_tokens_count_as_hits() -> None:
    usage = Usage.from_json(
        {
            "prompt_tokens": 1000,
            "completion_tokens": 10,
            "prompt_tokens_details": {"cached_tokens": 800},
        }
    )
    assert (usage.prompt_cache_hit_tokens, usage.prompt_cache_miss_tokens) == (800, 200)
    assert tokens_of(usage).cache_hit == 800


def test_prompt_without_a_split_is_billed_as_misses() -> None:
    tokens = tokens_of(Usage(prompt_tokens=700, completion_tokens=5))
    assert (tokens.cache_hit, tokens.cache_miss, tokens.output) == (0, 700, 5)
    assert tokens_of(None).cache_miss == 0


def test_estimate_for_a_stream_closed_before_usage() -> None:
    usage = estimated_usage(prompt_chars=3000, output_chars=30)
    assert (usage.prompt_cache_miss_tokens, usage.completion_tokens) == (1000, 10)
