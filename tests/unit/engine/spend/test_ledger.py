"""The spend ledger: persistence, concurrent writers in separate processes, UTC rollovers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from deepseek_lsp.engine.spend.ledger import FILE_NAME, STATE_DIR_ENV, Ledger, state_dir

UTC = timezone.utc


class Clock:
    """A settable UTC clock."""

    def __init__(self, when: datetime) -> None:
        self.when = when

    def __call__(self) -> datetime:
        return self.when


def test_spend_survives_a_restart(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 12, 1, 12, tzinfo=UTC))
    first = Ledger(tmp_path, clock)
    first.record(0.25)
    first.record(0.5)
    assert first.today() == pytest.approx(0.75)  # pending counts before any write
    first.sync()
    assert json.loads((tmp_path / FILE_NAME).read_text())["days"] == {"2026-12-01": 0.75}
    second = Ledger(tmp_path, clock)
    second.sync()
    assert second.today() == pytest.approx(0.75)
    assert second.month() == pytest.approx(0.75)


def test_record_does_no_io(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "not-yet", Clock(datetime(2026, 12, 1, tzinfo=UTC)))
    ledger.record(1.0)
    assert not (tmp_path / "not-yet").exists() and ledger.has_pending


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from deepseek_lsp.engine.spend.ledger import Ledger
    ledger = Ledger(Path(sys.argv[1]))
    for _ in range(int(sys.argv[2])):
        ledger.record(0.001)
        ledger.sync()
    """
)


def test_concurrent_writers_in_separate_processes_lose_nothing(tmp_path: Path) -> None:
    writers, each = 4, 40
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(each)])
        for _ in range(writers)
    ]
    assert [p.wait(timeout=60) for p in procs] == [0] * writers
    reader = Ledger(tmp_path)
    reader.sync()
    assert reader.today() == pytest.approx(writers * each * 0.001)
    assert not list(tmp_path.glob(".spend-*.tmp"))  # no temporary file left behind


def test_day_and_month_roll_over_at_utc_midnight(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC))
    ledger = Ledger(tmp_path, clock)
    ledger.record(2.0)
    clock.when = datetime(2026, 12, 30, 10, tzinfo=UTC)
    ledger.record(1.0)  # billed to the 30th
    clock.when = datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
    ledger.sync()
    assert (ledger.today(), ledger.month()) == (pytest.approx(2.0), pytest.approx(3.0))
    clock.when += timedelta(seconds=1)  # 2027-01-01 00:00:00 UTC
    assert (ledger.today(), ledger.month()) == (0.0, 0.0)
    ledger.record(0.5)
    assert (ledger.today(), ledger.month()) == (pytest.approx(0.5), pytest.approx(0.5))


def test_a_local_evening_is_billed_to_the_utc_day(tmp_path: Path) -> None:
    new_york = timezone(timedelta(hours=-5))
    ledger = Ledger(tmp_path, Clock(datetime(2026, 12, 2, 1, tzinfo=UTC)))
    ledger.record(1.0, datetime(2026, 12, 1, 20, 30, tzinfo=new_york))  # 01:30 UTC on the 2nd
    assert ledger.today() == pytest.approx(1.0)


def test_a_damaged_file_reads_as_empty_and_is_rewritten(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("{not json")
    ledger = Ledger(tmp_path, Clock(datetime(2026, 12, 1, tzinfo=UTC)))
    ledger.record(0.1)
    ledger.sync()
    assert json.loads((tmp_path / FILE_NAME).read_text())["days"] == {"2026-12-01": 0.1}


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_directory_keeps_spend_in_memory(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        ledger = Ledger(tmp_path / "state", Clock(datetime(2026, 12, 1, tzinfo=UTC)))
        ledger.record(0.2)
        ledger.sync()
        assert ledger.today() == pytest.approx(0.2) and ledger.has_pending
    finally:
        tmp_path.chmod(0o700)


def test_state_dir_env_override(tmp_path: Path) -> None:
    assert state_dir({STATE_DIR_ENV: str(tmp_path)}) == tmp_path
    assert state_dir({}).name == "deepseek-lsp"
