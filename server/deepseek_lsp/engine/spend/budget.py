"""Money seen and capped: each upstream request priced, totals kept, caps applied.

`Spend` is one per server process. `record` prices a request and adds it to the totals since
start and to the shared ledger (written off the event loop, batched). Caps (`budget.dailyUsd`,
`budget.monthlyUsd`, UTC days and months) give three states: ok, warned (80 %, said once per
period) and capped (100 %): automatic completion stops going upstream, and an explicit request
asks once per period whether to go on (the answer holds until the period ends or the caps change).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from deepseek_lsp.engine.spend import messages
from deepseek_lsp.engine.spend.ledger import Clock, Ledger, day_key, utc_now
from deepseek_lsp.engine.spend.prices import Price, cost_usd, estimated_usage

log = logging.getLogger(__name__)

State = Literal["ok", "warned", "capped"]
Feature = Literal["completion", "chat", "actions"]
FEATURES: tuple[Feature, ...] = ("completion", "chat", "actions")
WARN_FRACTION = 0.8
EPSILON_USD = 1e-9  # sums of float prices drift in the last digits; a cap is reached at its value
FLUSH_DELAY_SECONDS = 0.5  # batch the spend of a burst of requests into one file write
REFRESH_SECONDS = 5.0  # how stale other processes' spend may be on the completion path
SOON_SECONDS = 0.005  # `record_answer_soon`: the answer's way to the editor goes first
CONTINUE = "Continue"
STOP = "Stop"

Ask = Callable[[str, list[str]], Awaitable[str | None]]
Notify = Callable[[str], None]
CostListener = Callable[[str, str, float], None]


@dataclass(frozen=True)
class Caps:
    """Spend caps in USD (None: no cap), already lowered to any policy ceiling."""

    daily_usd: float | None = None
    monthly_usd: float | None = None


@dataclass
class _Tally:
    requests: int = 0
    cost_usd: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"requests": self.requests, "costUsd": self.cost_usd}


class Spend:
    """Prices, totals, caps and the question asked at a cap; see the module docstring."""

    def __init__(
        self,
        ledger: Ledger,
        *,
        caps: Caps = Caps(),
        pricing: dict[str, Price] | None = None,
        clock: Clock = utc_now,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ledger = ledger
        self.caps = caps
        self.pricing = pricing or {}
        self.ask: Ask | None = None  # set by the lsp layer: window/showMessageRequest
        self.notify: Notify | None = None  # set by the lsp layer: window/showMessage
        self.listeners: list[CostListener] = []  # (model, feature, usd), e.g. a metrics counter
        self._cost_usd = 0.0
        self._by_model: dict[str, _Tally] = {}
        self._by_feature: dict[str, _Tally] = {f: _Tally() for f in FEATURES}
        self._soon: list[tuple[str, str, Any, int, int]] = []
        self._soon_handle: asyncio.TimerHandle | None = None
        self._clock = clock
        self._timer = timer
        self._answers: dict[tuple[str, str, float], bool] = {}
        self._said: set[tuple[str, str, str, float]] = set()
        self._question: asyncio.Future[bool] | None = None
        self._flush: asyncio.TimerHandle | None = None
        self._sync_task: asyncio.Task[None] | None = None
        self._synced_at = -REFRESH_SECONDS

    def configure(self, caps: Caps, pricing: dict[str, Price]) -> None:
        """New settings: a change of caps forgets the answers given at the old ones."""
        if caps != self.caps:
            self._answers.clear()
        self.caps, self.pricing = caps, pricing
        self._check_thresholds()

    @property
    def cost_usd(self) -> float:
        """USD spent since the server started."""
        self.settle()
        return self._cost_usd

    @property
    def by_model(self) -> dict[str, _Tally]:
        """Requests and USD per model since start."""
        self.settle()
        return self._by_model

    @property
    def by_feature(self) -> dict[str, _Tally]:
        """Requests and USD per feature since start."""
        self.settle()
        return self._by_feature

    def record(self, feature: str, model: str, usage: Any) -> float:
        """Price one upstream request and add it everywhere; returns its cost in USD."""
        self.settle()
        usd = cost_usd(model, usage, self._clock(), self.pricing)
        self._cost_usd += usd
        for tally in (self._by_model.setdefault(model, _Tally()), self._by_feature[feature]):
            tally.requests += 1
            tally.cost_usd += usd
        self.ledger.record(usd, self._clock())
        for listener in self.listeners:
            listener(model, feature, usd)
        self._schedule_flush()
        self._check_thresholds()
        return usd

    def record_answer(
        self, feature: str, model: str, usage: Any, sent_chars: int, received_chars: int
    ) -> float:
        """`record` for a stream that may have been closed before its `usage` arrived.

        Hanging up early (a single-line answer, a keystroke) still costs the prompt and what was
        generated, so that is estimated (all prompt tokens as misses); a stream that delivered
        nothing is not priced (DeepSeek's billing of those is not documented).
        """
        if usage is None:
            if not received_chars:
                return 0.0
            usage = estimated_usage(sent_chars, received_chars)
        return self.record(feature, model, usage)

    def record_answer_soon(
        self, feature: str, model: str, usage: Any, sent_chars: int, received_chars: int
    ) -> None:
        """`record_answer` a few milliseconds from now, once the answer is on its way.

        Pricing touches the clock, the price table, the ledger and the listeners; right after a
        wait for DeepSeek that is cold code, about 0.1 ms on the way to the editor. Every read
        of the totals, caps or state applies what is queued first, so nothing reads stale.
        """
        self._soon.append((feature, model, usage, sent_chars, received_chars))
        if self._soon_handle is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.settle()  # no loop (a script): now
            return
        self._soon_handle = loop.call_later(SOON_SECONDS, self.settle)

    def settle(self) -> None:
        """Price what `record_answer_soon` queued."""
        if self._soon_handle is not None:
            self._soon_handle.cancel()
            self._soon_handle = None
        queued, self._soon = self._soon, []
        for args in queued:
            self.record_answer(*args)

    def state(self) -> State:
        """ok, warned (>= 80 % of a cap) or capped (>= 100 %)."""
        self.settle()
        levels = {self._level(spent, cap) for _, spent, cap in self._periods()}
        return "capped" if "capped" in levels else "warned" if "warned" in levels else "ok"

    def automatic_allowed(self) -> bool:
        """May an automatic completion go upstream? Never blocks (refreshes in the background)."""
        self.settle()
        if self._timer() - self._synced_at >= REFRESH_SECONDS:
            self._start_sync()
        return self.state() != "capped"

    async def approve(self) -> bool:
        """May an explicit request go upstream? At a cap, asks the user once per period.

        Decided on the totals in memory (other processes' spend at most `REFRESH_SECONDS`
        old, refreshed in the background): no file I/O before an invoked completion.
        """
        if self.caps == Caps():
            return True
        if self._timer() - self._synced_at >= REFRESH_SECONDS:
            self._start_sync()
        capped = [
            (n, cap) for n, spent, cap in self._periods() if self._level(spent, cap) == "capped"
        ]
        if not capped:
            return True
        keys = [(name, self._period_key(name), cap) for name, cap in capped]
        if all(self._answers.get(key) for key in keys):
            return True
        if any(self._answers.get(key) is False for key in keys):
            return False
        if self._question is None or self._question.done():
            self._question = asyncio.ensure_future(self._ask(capped, keys))
        return await asyncio.shield(self._question)

    async def _ask(
        self, capped: list[tuple[str, float]], keys: list[tuple[str, str, float]]
    ) -> bool:
        name, cap = capped[0]
        spent = self.ledger.today() if name == "daily" else self.ledger.month()
        message = messages.cap_question(name, spent, cap)
        answer = None
        if self.ask is not None:
            try:
                answer = await self.ask(message, [CONTINUE, STOP])
            except Exception as exc:  # no answer in time, or a client that cannot ask
                log.warning("could not ask about the spend cap: %s", exc)
        if answer is None:  # dismissed or unanswered: stop this request, ask again next time
            return False
        for key in keys:
            self._answers[key] = answer == CONTINUE
        return answer == CONTINUE

    async def sync(self) -> None:
        """Write pending spend and read everyone's (in a worker thread; one at a time)."""
        self.settle()
        if self._sync_task is None or self._sync_task.done():
            self._sync_task = asyncio.ensure_future(self._sync())
        await asyncio.shield(self._sync_task)
        if self.ledger.has_pending:  # spend recorded while that sync was running
            self._sync_task = asyncio.ensure_future(self._sync())
            await asyncio.shield(self._sync_task)

    async def refresh(self, max_age: float = 1.0) -> None:
        """`sync` unless nothing is pending and the last one is younger than `max_age` seconds.

        (`deepseek/usage` is polled by editors; the file need not be read on every poll.)
        """
        self.settle()
        if self.ledger.has_pending or self._timer() - self._synced_at >= max_age:
            await self.sync()

    async def close(self) -> None:
        """Write what is pending before the process ends."""
        self.settle()
        if self._flush is not None:
            self._flush.cancel()
        with contextlib.suppress(Exception):
            await self.sync()

    def to_json(self) -> dict[str, Any]:
        """The money fields of `deepseek/usage` (PROTOCOL.md)."""
        self.settle()
        return {
            "costUsd": self.cost_usd,
            "costUsdToday": self.ledger.today(),
            "costUsdMonth": self.ledger.month(),
            "budget": {
                "dailyUsd": self.caps.daily_usd,
                "monthlyUsd": self.caps.monthly_usd,
                "state": self.state(),
            },
            "byModel": {model: tally.to_json() for model, tally in self.by_model.items()},
            "byFeature": {name: tally.to_json() for name, tally in self.by_feature.items()},
        }

    # --- internals ---------------------------------------------------------------------------

    def _periods(self) -> list[tuple[str, float, float]]:
        periods = []
        if self.caps.daily_usd is not None:
            periods.append(("daily", self.ledger.today(), self.caps.daily_usd))
        if self.caps.monthly_usd is not None:
            periods.append(("monthly", self.ledger.month(), self.caps.monthly_usd))
        return periods

    @staticmethod
    def _level(spent: float, cap: float) -> str:
        if spent >= cap - EPSILON_USD:
            return "capped"
        return "warned" if spent >= WARN_FRACTION * cap - EPSILON_USD else ""

    def _period_key(self, name: str) -> str:
        day = day_key(self._clock())
        return day if name == "daily" else day[:7]

    def _check_thresholds(self) -> None:
        """Say once per period and cap: at 80 % a warning, at 100 % that completion paused."""
        for name, spent, cap in self._periods():
            level = self._level(spent, cap)
            key = (level, name, self._period_key(name), cap)
            if not level or key in self._said:
                continue
            self._said.add(key)
            text = messages.threshold_notice(level, name, spent, cap)
            if self.notify is not None:
                self.notify(text)

    def _schedule_flush(self) -> None:
        if self._flush is not None or self.ledger.path is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a script): `close` writes it
        self._flush = loop.call_later(FLUSH_DELAY_SECONDS, self._flush_now)

    def _flush_now(self) -> None:
        self._flush = None
        self._start_sync()

    def _start_sync(self) -> None:
        if self.ledger.path is None:
            return
        self._synced_at = self._timer()
        if self._sync_task is None or self._sync_task.done():
            with contextlib.suppress(RuntimeError):
                self._sync_task = asyncio.ensure_future(self._sync())

    async def _sync(self) -> None:
        self._synced_at = self._timer()
        await asyncio.to_thread(self.ledger.sync)
        self._check_thresholds()
