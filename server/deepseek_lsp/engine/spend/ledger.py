"""Spend that persists across restarts and is shared by all of a user's server processes.

One small JSON file (`spend.json` in the user's state directory) holds USD per UTC day. Each
process adds its spend to a pending total in memory (no I/O: this is on the completion path) and
`sync` folds it into the file: under a file lock, read, add, write a temporary file, atomically
replace. So concurrent writers never lose each other's spend, and a reader never sees half a file.
`sync` is blocking and is run off the event loop (see `budget.Spend`). Months are sums of days.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from threading import Lock

log = logging.getLogger(__name__)

STATE_DIR_ENV = "DEEPSEEK_LSP_STATE_DIR"
FILE_NAME = "spend.json"
KEEP_DAYS = 400  # enough for this month and last year's same month; the file stays tiny
LOCK_TIMEOUT_SECONDS = 5.0
FORMAT_VERSION = 1

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time in UTC (day and month boundaries are UTC)."""
    return datetime.now(timezone.utc)


def day_key(when: datetime) -> str:
    """`2026-12-01`: the UTC day a request is billed to."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d")


def state_dir(env: Mapping[str, str]) -> Path:
    """`$DEEPSEEK_LSP_STATE_DIR`, else the platform's user state directory for deepseek-lsp."""
    override = env.get(STATE_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs  # imported here: only servers that spend need it

    return Path(platformdirs.user_state_dir("deepseek-lsp", appauthor=False))


class Ledger:
    """USD per UTC day, this process's pending part in memory, everyone's in the file."""

    def __init__(self, directory: Path | None, clock: Clock = utc_now) -> None:
        self.path = directory / FILE_NAME if directory is not None else None
        self._clock = clock
        self._pending: dict[str, float] = {}
        self._stored: dict[str, float] = {}
        self._guard = Lock()  # `record` runs on the loop, `sync` in a worker thread
        self._failed = False

    def record(self, usd: float, when: datetime | None = None) -> None:
        """Add spend to the day it was made on; cheap, no I/O."""
        if usd <= 0:
            return
        key = day_key(when or self._clock())
        with self._guard:
            self._pending[key] = self._pending.get(key, 0.0) + usd

    @property
    def has_pending(self) -> bool:
        """True when some spend has not reached the file yet."""
        return bool(self._pending)

    def today(self) -> float:
        """Everyone's spend today (UTC), as of the last sync, plus ours since."""
        return self._total(lambda key: key == day_key(self._clock()))

    def month(self) -> float:
        """Everyone's spend this UTC month, as of the last sync, plus ours since."""
        prefix = day_key(self._clock())[:7]
        return self._total(lambda key: key.startswith(prefix))

    def _total(self, wanted: Callable[[str], bool]) -> float:
        with self._guard:
            days = dict(self._stored)
            for key, usd in self._pending.items():
                days[key] = days.get(key, 0.0) + usd
        return sum(usd for key, usd in days.items() if wanted(key))

    def sync(self) -> None:
        """Fold pending spend into the file and read everyone's back (blocking: run in a thread).

        A file that cannot be written (read-only home, full disk) is logged once and the spend
        is kept in memory, so caps still hold for this process.
        """
        if self.path is None:
            return
        if not self._pending and not self.path.exists():
            return  # nothing to write, nothing to read: leave no directory or lock file behind
        from filelock import FileLock, Timeout  # here, in the worker thread: not at start-up

        with self._guard:  # pending stays counted in memory until the file has it
            pending = dict(self._pending)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_SECONDS):
                days = _read(self.path)
                for key, usd in pending.items():
                    days[key] = days.get(key, 0.0) + usd
                days = _pruned(days, self._clock())
                if pending:
                    _write_atomic(self.path, days)
        except (OSError, Timeout) as exc:
            if not self._failed:
                self._failed = True
                log.warning("cannot update the spend file %s: %s", self.path, exc)
            return
        with self._guard:
            for key, usd in pending.items():
                left = self._pending.get(key, 0.0) - usd
                if abs(left) > 1e-12:
                    self._pending[key] = left  # recorded while this sync ran
                else:
                    self._pending.pop(key, None)
            self._stored = days


def _read(path: Path) -> dict[str, float]:
    """The file's days; a missing or damaged file reads as empty (and is rewritten whole)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring a damaged spend file %s: %s", path, exc)
        return {}
    days = data.get("days") if isinstance(data, dict) else None
    if not isinstance(days, dict):
        return {}
    return {
        k: float(v)
        for k, v in days.items()
        if isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
    }


def _pruned(days: dict[str, float], now: datetime) -> dict[str, float]:
    oldest = day_key(now - timedelta(days=KEEP_DAYS))
    return {k: v for k, v in sorted(days.items()) if k >= oldest}


def _write_atomic(path: Path, days: dict[str, float]) -> None:
    """Write beside the file, then rename over it: readers see the old file or the new one."""
    text = json.dumps({"version": FORMAT_VERSION, "days": days}, indent=1, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".spend-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
