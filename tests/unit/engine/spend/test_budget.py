"""Spend caps: the 80 % warning, automatic completion held back at 100 %, asking once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from deepseek_lsp.api import Usage
from deepseek_lsp.engine.spend import Caps, Ledger, Price, Spend
from deepseek_lsp.engine.spend.budget import CONTINUE, SOON_SECONDS, STOP

UTC = timezone.utc
# With this price one output token costs one cent: easy sums.
PRICING = {"m": Price(0.0, 0.0, 10_000.0)}


def cents(n: int) -> Usage:
    return Usage(completion_tokens=n)


class Clock:
    def __init__(self) -> None:
        self.when = datetime(2026, 12, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.when


class Asker:
    """Stands in for window/showMessageRequest: records questions, gives canned answers."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.questions: list[str] = []

    async def __call__(self, message: str, actions: list[str]) -> str | None:
        assert actions == [CONTINUE, STOP]
        self.questions.append(message)
        await asyncio.sleep(0)
        return self.answers.pop(0)


def make(tmp_path: Path, caps: Caps, clock: Clock | None = None) -> tuple[Spend, list[str]]:
    clock = clock or Clock()
    spend = Spend(Ledger(tmp_path, clock), caps=caps, pricing=PRICING, clock=clock)
    said: list[str] = []
    spend.notify = said.append
    return spend, said


async def test_record_prices_and_totals_by_model_and_feature(tmp_path: Path) -> None:
    spend, _ = make(tmp_path, Caps())
    seen: list[tuple[str, str, float]] = []
    spend.listeners.append(lambda model, feature, usd: seen.append((model, feature, usd)))
    assert spend.record("completion", "m", cents(3)) == pytest.approx(0.03)
    spend.record("chat", "m", cents(2))
    body = spend.to_json()
    assert body["costUsd"] == pytest.approx(0.05)
    assert body["costUsdToday"] == pytest.approx(0.05) == body["costUsdMonth"]
    assert body["byModel"] == {"m": {"requests": 2, "costUsd": pytest.approx(0.05)}}
    assert body["byFeature"]["completion"] == {"requests": 1, "costUsd": pytest.approx(0.03)}
    assert body["byFeature"]["actions"] == {"requests": 0, "costUsd": 0.0}
    assert body["budget"] == {"dailyUsd": None, "monthlyUsd": None, "state": "ok"}
    assert seen == [("m", "completion", pytest.approx(0.03)), ("m", "chat", pytest.approx(0.02))]
    await spend.close()


async def test_one_warning_at_80_percent_then_capped_at_100(tmp_path: Path) -> None:
    spend, said = make(tmp_path, Caps(daily_usd=0.10))
    spend.record("completion", "m", cents(7))
    assert spend.state() == "ok" and said == []
    spend.record("completion", "m", cents(1))
    spend.record("completion", "m", cents(1))
    assert spend.state() == "warned"
    assert len(said) == 1 and "daily cap of $0.10" in said[0]
    assert spend.automatic_allowed()
    spend.record("completion", "m", cents(1))
    assert spend.state() == "capped" and not spend.automatic_allowed()
    assert len(said) == 2 and "automatic completion" in said[1]
    await spend.close()


async def test_explicit_request_at_cap_asks_once_and_the_answer_holds(tmp_path: Path) -> None:
    spend, _ = make(tmp_path, Caps(daily_usd=0.01))
    spend.ask = asker = Asker(CONTINUE)
    assert await spend.approve()  # under the cap: no question
    spend.record("chat", "m", cents(1))
    answers = await asyncio.gather(spend.approve(), spend.approve())
    assert answers == [True, True] and len(asker.questions) == 1  # concurrent: one question
    assert "deepseek.budget.dailyUsd" in asker.questions[0]
    assert await spend.approve() and len(asker.questions) == 1
    assert not spend.automatic_allowed()  # the answer is for explicit requests only
    await spend.close()


async def test_stop_is_remembered_and_a_cap_change_asks_again(tmp_path: Path) -> None:
    spend, _ = make(tmp_path, Caps(monthly_usd=0.01))
    spend.ask = asker = Asker(STOP, CONTINUE)
    spend.record("actions", "m", cents(2))
    assert not await spend.approve()
    assert not await spend.approve() and len(asker.questions) == 1
    assert "monthly cap" in asker.questions[0]
    spend.configure(Caps(monthly_usd=0.015), PRICING)
    assert await spend.approve() and len(asker.questions) == 2
    await spend.close()


async def test_no_answer_stops_this_request_and_asks_next_time(tmp_path: Path) -> None:
    spend, _ = make(tmp_path, Caps(daily_usd=0.0))
    spend.ask = asker = Asker(None, CONTINUE)
    assert not await spend.approve()
    assert await spend.approve() and len(asker.questions) == 2

    async def broken(message: str, actions: list[str]) -> str | None:
        raise TimeoutError

    other, _ = make(tmp_path / "other", Caps(daily_usd=0.0))
    other.ask = broken
    assert not await other.approve()
    await spend.close()
    await other.close()


async def test_a_new_day_lifts_the_daily_cap(tmp_path: Path) -> None:
    clock = Clock()
    spend, _ = make(tmp_path, Caps(daily_usd=0.01, monthly_usd=1.0), clock)
    spend.ask = asker = Asker(STOP)
    spend.record("completion", "m", cents(1))
    assert not spend.automatic_allowed() and not await spend.approve()
    clock.when += timedelta(days=1)
    assert spend.automatic_allowed() and await spend.approve() and len(asker.questions) == 1
    assert spend.to_json()["costUsdMonth"] == pytest.approx(0.01)
    await spend.close()


async def test_spend_is_written_in_a_batch_and_read_by_another_process(tmp_path: Path) -> None:
    spend, _ = make(tmp_path, Caps())
    for _ in range(5):
        spend.record("completion", "m", cents(1))
    assert not (tmp_path / "spend.json").exists()  # nothing written on the request path
    await spend.close()
    other, _ = make(tmp_path, Caps(daily_usd=0.05))
    await other.sync()
    assert other.state() == "capped"
    await other.close()


async def test_a_stream_closed_before_usage_is_priced_from_an_estimate(tmp_path: Path) -> None:
    spend, _ = make(tmp_path, Caps())
    spend.pricing = {"m": Price(0.0, 1_000_000.0, 1_000_000.0)}  # $1 per token of either kind
    assert spend.record_answer("completion", "m", None, 30, 6) == pytest.approx(12.0)
    assert spend.record_answer("completion", "m", None, 30, 0) == 0.0  # nothing came back
    assert spend.record_answer("completion", "m", cents(0), 30, 6) == 0.0  # usage wins
    assert spend.by_feature["completion"].requests == 2
    await spend.close()


async def test_an_answer_priced_soon_is_priced_after_the_answer_but_never_read_stale(
    tmp_path: Path,
) -> None:
    spend, said = make(tmp_path, Caps(daily_usd=0.02))
    seen: list[float] = []
    spend.listeners.append(lambda model, feature, usd: seen.append(usd))
    spend.record_answer_soon("completion", "m", cents(1), 30, 6)
    assert seen == []  # not on the way to the editor
    assert spend.cost_usd == pytest.approx(0.01)  # but a read applies it first
    assert seen == [pytest.approx(0.01)]
    spend.record_answer_soon("completion", "m", cents(1), 30, 6)
    assert spend.state() == "capped" and not spend.automatic_allowed()
    assert "automatic completion" in said[-1]
    spend.record_answer_soon("chat", "m", cents(2), 30, 6)
    await asyncio.sleep(SOON_SECONDS * 4)  # nobody read it: the timer priced it
    assert len(seen) == 3
    assert spend.to_json()["byFeature"]["chat"] == {"requests": 1, "costUsd": pytest.approx(0.02)}
    await spend.close()


def test_without_a_loop_an_answer_priced_soon_is_priced_now(tmp_path: Path) -> None:
    spend, _ = make(tmp_path, Caps())
    seen: list[float] = []
    spend.listeners.append(lambda model, feature, usd: seen.append(usd))
    spend.record_answer_soon("completion", "m", cents(3), 30, 6)
    assert seen == [pytest.approx(0.03)]
