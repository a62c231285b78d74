"""The `pricing` and `budget.*` settings: valid rows, zero prices, one message per bad value."""

from __future__ import annotations

import pytest

from deepseek_lsp.price_rows import PriceSetting
from deepseek_lsp.settings import load


def test_pricing_rows_and_caps_are_read() -> None:
    settings, problems = load(
        {},
        {
            "pricing": {"gw": {"cacheHit": 0, "cacheMiss": 0.5, "output": 2}},
            "budget": {"dailyUsd": 0, "monthlyUsd": 20},
        },
    )
    assert problems == []
    assert settings.budget.pricing == {"gw": PriceSetting(0.0, 0.5, 2.0)}
    assert (settings.budget.daily_usd, settings.budget.monthly_usd) == (0.0, 20.0)
    assert load({})[0].budget.daily_usd is None  # off by default


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ([1], "expected"),
        ({"gw": {"cacheMiss": 1, "output": 2}}, "missing cacheHit"),
        ({"gw": {"cacheHit": -1, "cacheMiss": 1, "output": 2}}, "from 0"),
        ({"gw": {"cacheHit": True, "cacheMiss": 1, "output": 2}}, "from 0"),
        ({"gw": 3}, "missing cacheHit, cacheMiss, output"),
    ],
)
def test_a_bad_pricing_value_is_one_message_and_the_previous_value_stays(value, reason) -> None:
    good = {"pricing": {"gw": {"cacheHit": 1, "cacheMiss": 1, "output": 1}}}
    settings, problems = load({}, good, {"pricing": value})
    assert len(problems) == 1 and "deepseek.pricing" in problems[0] and reason in problems[0]
    assert settings.budget.pricing == {"gw": PriceSetting(1.0, 1.0, 1.0)}


def test_a_negative_cap_is_refused() -> None:
    settings, problems = load({}, {"budget": {"dailyUsd": -5}})
    assert settings.budget.daily_usd is None and "deepseek.budget.dailyUsd" in problems[0]
