"""The adaptive debounce on a fake clock."""

from __future__ import annotations

import pytest

from deepseek_lsp.engine.completion.debounce import (
    DEFAULT_DELAY,
    MAX_DELAY,
    MIN_DELAY,
    AdaptiveDebounce,
)

URI = "file:///home/ada/a.py"


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def type_keys(debounce: AdaptiveDebounce, clock: Clock, gaps: list[float]) -> None:
    debounce.record_keystroke(URI)
    for gap in gaps:
        clock.now += gap
        debounce.record_keystroke(URI)


def test_fixed_setting_is_milliseconds() -> None:
    debounce = AdaptiveDebounce(timer=Clock())
    assert debounce.delay(URI, 250, None) == pytest.approx(0.25)
    assert debounce.delay(URI, 0, 5.0) == 0.0


def test_auto_without_history_is_default() -> None:
    assert AdaptiveDebounce(timer=Clock()).delay(URI, "auto", None) == DEFAULT_DELAY


def test_first_key_of_a_burst_is_default() -> None:
    clock = Clock()
    debounce = AdaptiveDebounce(timer=clock)
    type_keys(debounce, clock, [])
    assert debounce.delay(URI, "auto", None) == DEFAULT_DELAY


def test_fast_typist_gets_a_bit_more_than_their_gap() -> None:
    clock = Clock()
    debounce = AdaptiveDebounce(timer=clock)
    type_keys(debounce, clock, [0.10, 0.09, 0.11, 0.10])
    assert debounce.delay(URI, "auto", None) == pytest.approx(1.2 * 0.11)


def test_uneven_typist_waits_for_their_slower_gaps() -> None:
    clock = Clock()
    debounce = AdaptiveDebounce(timer=clock)
    type_keys(debounce, clock, [0.06, 0.15, 0.08, 0.07])
    assert debounce.delay(URI, "auto", None) == pytest.approx(1.2 * 0.15)


def test_very_fast_typist_is_clamped_to_floor() -> None:
    clock = Clock()
    debounce = AdaptiveDebounce(timer=clock)
    type_keys(debounce, clock, [0.02, 0.03, 0.02])
    assert debounce.delay(URI, "auto", None) == MIN_DELAY


def test_medium_typist_delay_within_bounds() -> None:
    clock = Clock()
    debounce = AdaptiveDebounce(timer=clock)
    type_keys(debounce, clock, [0.2, 0.2, 0.2])
    assert debounce.delay(URI, "auto", None) == pytest.approx(0.24)
    assert MIN_DELAY <= debounce.delay(URI, "auto", None) <= MAX_DELAY


def test_slow_typist_gets_the_short_delay() -> None:
    clock = Clock()
    debounce = AdaptiveDebounce(timer=clock)
    type_keys(debounce, clock, [0.5, 0.6, 0.55])
    assert debounce.delay(URI, "auto", None) == MIN_DELAY


def test_request_after_a_pause_gets_the_short_delay() -> None:
    clock = Clock()
    debounce = AdaptiveDebounce(timer=clock)
    type_keys(debounce, clock, [0.1, 0.1, 0.1])
    clock.now += 2.0
    assert debounce.delay(URI, "auto", None) == MIN_DELAY


def test_only_the_current_burst_counts() -> None:
    clock = Clock()
    debounce = AdaptiveDebounce(timer=clock)
    type_keys(debounce, clock, [0.5, 0.5, 3.0, 0.1, 0.1])  # slow, a pause, then fast
    assert debounce.delay(URI, "auto", None) == pytest.approx(0.12)


def test_slow_upstream_adds_a_little() -> None:
    clock = Clock()
    debounce = AdaptiveDebounce(timer=clock)
    type_keys(debounce, clock, [0.1, 0.1])
    assert debounce.delay(URI, "auto", 2.5) == pytest.approx(0.17)
    assert debounce.delay(URI, "auto", 0.3) == pytest.approx(0.12)


def test_documents_are_separate_and_forgettable() -> None:
    clock = Clock()
    debounce = AdaptiveDebounce(timer=clock)
    type_keys(debounce, clock, [0.02, 0.02])
    assert debounce.delay("file:///other.py", "auto", None) == DEFAULT_DELAY
    debounce.forget(URI)
    assert debounce.delay(URI, "auto", None) == DEFAULT_DELAY
