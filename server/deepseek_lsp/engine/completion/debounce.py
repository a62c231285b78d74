"""How long an automatic completion request waits for the next keystroke (`completion.debounceMs`).

A number fixes the delay. `"auto"` adapts to the typist, per document:

* inside a burst of typing, wait a little longer than the user's slower gaps between keys
  (1.2 x the 90th percentile of the last gaps), clamped to [60 ms, 300 ms]: a fast typist gets
  a short wait, and mid-word keystrokes rarely each cost a request (the median was measured
  to fire on one keystroke in six; the 90th percentile on one in sixteen);
* a slow typist (usual gap longer than that ceiling) gets the 60 ms floor: the next key will not
  come in time anyway, so waiting only adds latency;
* a cursor that has been idle for a while (the request came after a pause) also gets the floor;
* with no history yet, 150 ms;
* a slow upstream (average latency over a second) adds 50 ms, capped at the ceiling: a request
  wasted on a key about to be typed costs more there.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Literal

MIN_DELAY = 0.060
MAX_DELAY = 0.300
DEFAULT_DELAY = 0.150
GAP_FACTOR = 1.2
GAP_QUANTILE = 0.9
BURST_GAP = 1.0  # a longer gap between keys ends a burst of typing
IDLE = 1.0  # a request this long after the last key follows a pause
SLOW_UPSTREAM = 1.0
SLOW_UPSTREAM_EXTRA = 0.050
HISTORY = 8


class AdaptiveDebounce:
    """Keystroke times per document, and the debounce delay they suggest."""

    def __init__(self, timer: Callable[[], float] = time.monotonic) -> None:
        self._timer = timer
        self._keys: dict[str, deque[float]] = {}

    def record_keystroke(self, uri: str) -> None:
        """Note that the document was just edited."""
        self._keys.setdefault(uri, deque(maxlen=HISTORY)).append(self._timer())

    def forget(self, uri: str) -> None:
        """Drop a closed document's history."""
        self._keys.pop(uri, None)

    def delay(
        self,
        uri: str,
        setting: int | Literal["auto"],
        upstream_latency: float | None = None,
    ) -> float:
        """Seconds to wait before going upstream: `setting` ms, or the adaptive delay."""
        if setting != "auto":
            return max(int(setting), 0) / 1000
        base = self._typing_delay(uri)
        if upstream_latency is not None and upstream_latency > SLOW_UPSTREAM:
            base = min(base + SLOW_UPSTREAM_EXTRA, MAX_DELAY)
        return base

    def _typing_delay(self, uri: str) -> float:
        times = self._keys.get(uri)
        if not times:
            return DEFAULT_DELAY
        if self._timer() - times[-1] > IDLE:
            return MIN_DELAY
        gaps = _burst_gaps(times)
        if not gaps:
            return DEFAULT_DELAY
        ordered = sorted(gaps)
        wanted = GAP_FACTOR * ordered[round(GAP_QUANTILE * (len(ordered) - 1))]
        if wanted > MAX_DELAY:
            return MIN_DELAY
        return max(MIN_DELAY, wanted)


def _burst_gaps(times: deque[float]) -> list[float]:
    """Gaps between the keys of the current burst (newest first, stopping at a pause)."""
    newest_first = list(reversed(times))
    gaps: list[float] = []
    for index in range(1, len(newest_first)):
        gap = newest_first[index - 1] - newest_first[index]
        if gap > BURST_GAP:
            break
        gaps.append(gap)
    return gaps
