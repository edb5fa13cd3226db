"""A big import's batches written by a second process: the same record, the same refusals.

An import into a SQLite file hands its batches to ``store.write_process`` once it fills
one, and checks the next batch while that one is written. These tests run real imports
both ways into real files and compare what was stored, what was counted and what was
refused; and they make the second process meet another writer, a database refusal and
its own death.
"""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from probation_desk.domain.catalogue import load_catalogue
from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.people import PersonDetails
from probation_desk.services.check import check_database
from probation_desk.services.demo import demo_records
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from probation_desk.services.transfer import ImportResult, import_records
from probation_desk.store import write_process

TODAY = dt.date(2026, 11, 22)
TABLES = ("person", "sentence_order", "nsi", "nsi_status_history", "module_session",
          "contact", "contact_correction", "si_referral", "sign_off")
NOT_COMPARED = {"contact": ("created_at",), "audit": ("at",),
                "nsi_status_history": ("recorded_at",)}
"""When the import ran: the only values that differ between two runs."""


def desk_on(path: Path) -> Desk:
    return Desk(open_database(f"sqlite:///{path}"), actor="Importer", clock=fixed_clock(TODAY))


def stored(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the record's tables, leaving out the import's own time."""
    con = sqlite3.connect(path)
    out = {}
    for table in (*TABLES, "audit"):
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")
                if r[1] not in NOT_COMPARED.get(table, ())]
        out[table] = con.execute(
            f"SELECT {', '.join(cols)} FROM {table} ORDER BY id").fetchall()
    con.close()
    return out


def records(cases: int, seed: int) -> list[tuple[int, Any]]:
    """A demo caseload as dicts, with a bad line and a CRN used twice among them."""
    out: list[tuple[int, Any]] = [(line, msgspec.to_builtins(rec)) for line, rec in
                                  demo_records(cases, seed, load_catalogue(), TODAY)]
    people = [i for i, (_l, r) in enumerate(out) if r["type"] == "person"]
    out.insert(people[len(people) // 2], (0, {"type": "person", "crn": "bad"}))
    out.append((0, dict(out[people[3]][1])))  # the same person again: refused
    return [(n, rec) for n, (_line, rec) in enumerate(out, 1)]


class Spy:
    """Counts the writing processes started, and keeps the last for a test to kill."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started: list[write_process.WriteProcess] = []
        real = write_process.WriteProcess.__init__

        def init(this: write_process.WriteProcess, *args: Any) -> None:
            real(this, *args)
            self.started.append(this)

        monkeypatch.setattr(write_process.WriteProcess, "__init__", init)


def summary(result: ImportResult) -> tuple[Any, ...]:
    return (result.accepted, dict(result.counts), dict(result.present),
            [(r.line, r.rule, r.field) for r in result.refused], result.stopped,
            result.cancelled)


def test_batches_written_by_the_second_process_store_exactly_what_one_process_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    recs = records(40, seed=5)
    results, seen = {}, {}
    for way in (True, False):
        path = tmp_path / f"{way}.sqlite3"
        desk = desk_on(path)
        lines: list[int] = []

        def progress(line: int, lines: list[int] = lines) -> bool:
            lines.append(line)
            return True

        results[way] = import_records(desk, iter(recs), source="f.jsonl", batch_size=37,
                                      progress=progress, write_process=way)
        seen[way] = lines
        assert check_database(desk, repair=False).drift == []
        desk.engine.dispose()
    assert len(spy.started) == 1  # the first run's batches went to a second process
    assert spy.started[0].process.poll() is not None  # and it has stopped
    assert summary(results[True]) == summary(results[False])
    assert results[True].accepted > 37 * 5 and len(results[True].refused) == 2
    assert stored(tmp_path / "True.sqlite3") == stored(tmp_path / "False.sqlite3")
    # Progress only ever names lines whose records are all settled, in order.
    for way in (True, False):
        assert seen[way] == sorted(seen[way]) and seen[way][-1] <= len(recs)
    assert len(seen[True]) >= len(seen[False]) - 1


@pytest.mark.parametrize("when", [0.01, 0.5], ids=["before-the-process-starts", "later"])
def test_a_person_added_meanwhile_is_found_by_the_batch_that_holds_their_crn(
        tmp_path: Path, when: float) -> None:
    """Another writer commits while the import runs: the batches after it are checked
    again under the lock, and the file's last record, a person the other writer added
    with the same details, is found already there. (Early on, the second process has
    not started; its first batch must still be checked again, since its connection
    first looked at the file after the import's own.)"""
    recs = records(30, seed=9)
    people = [r for _n, r in recs if r.get("type") == "person" and r["crn"] != "bad"]
    late = people[-5]
    moved = [r for _n, r in recs if r is not late] + [late]  # last in the file
    recs = list(enumerate(moved, 1))
    at = moved[int(len(moved) * when)]
    outcomes = {}
    for way in (True, False):
        path = tmp_path / f"{way}.sqlite3"
        desk, other = desk_on(path), desk_on(path)
        # Someone is already on file (an import into an empty file defers its indexes,
        # and the other writer would wait for it to finish).
        other.add_person(PersonDetails("Z999999", "Ada Test", dt.date(1990, 1, 2), "Wales",
                                       "Cardiff", "Sam Test"))

        def feed(other: Desk = other) -> Iterator[tuple[int, Any]]:
            for n, rec in recs:
                if rec is at:  # partway through: someone adds the late person
                    added = import_records(other, iter([(1, dict(late))]), source="other",
                                           write_process=False)
                    assert added.accepted == 1
                yield n, rec

        result = import_records(desk, feed(), source="f.jsonl", batch_size=25,
                                write_process=way)
        assert result.stopped is None
        assert result.rechecked >= 1
        assert result.present.get("person") == 1  # the same details: already present
        assert check_database(desk, repair=False).drift == []
        con = sqlite3.connect(path)
        assert con.execute("SELECT count(*) FROM person WHERE crn = ?",
                           (late["crn"],)).fetchone()[0] == 1
        audits = con.execute("SELECT count(*) FROM audit WHERE action LIKE 'import %' "
                             "AND json_extract(after, '$.file') = 'f.jsonl'").fetchone()[0]
        con.close()
        assert audits == result.accepted
        outcomes[way] = summary(result)
        desk.engine.dispose()
        other.engine.dispose()
    assert outcomes[True] == outcomes[False]


def test_a_batch_the_database_refuses_stops_the_import_keeping_every_batch_before_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    recs = records(30, seed=3)
    path = tmp_path / "refuses.sqlite3"
    desk = desk_on(path)
    nsis = [(n, r) for n, r in recs if r.get("type") == "nsi"]
    refused_line, refused = nsis[len(nsis) * 2 // 3]
    con = sqlite3.connect(path)
    with con:  # the database itself refuses this one row, as a full disk would
        con.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON nsi WHEN NEW.ref = "
                    f"'{refused['ref']}' BEGIN SELECT RAISE(ABORT, "
                    "'database or disk is full'); END")
    con.close()
    settled: list[int] = []
    result = import_records(desk, iter(recs), source="f.jsonl", batch_size=40,
                            progress=lambda line: settled.append(line) or True)
    assert spy.started
    assert result.stopped is not None and "the disk is full" in result.stopped
    first_unsaved = int(result.stopped.split("from line ")[1].split()[0])
    assert first_unsaved <= refused_line and (not settled or settled[-1] < refused_line)
    con = sqlite3.connect(path)
    audit = con.execute("SELECT count(*) FROM audit WHERE action LIKE 'import %'").fetchone()[0]
    last = con.execute("SELECT max(json_extract(after, '$.line')) FROM audit").fetchone()[0]
    con.close()
    assert audit == result.accepted > 0
    assert last < first_unsaved  # nothing of the refused batch, nor anything after it
    assert check_database(desk, repair=False).drift == []
    desk.engine.dispose()


@pytest.mark.expect_log_warnings
def test_the_writing_process_dying_stops_the_import_in_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    recs = records(30, seed=4)
    desk = desk_on(tmp_path / "dies.sqlite3")

    def progress(_line: int) -> bool:
        spy.started[-1].process.send_signal(signal.SIGKILL)
        return True

    result = import_records(desk, iter(recs), source="f.jsonl", batch_size=40,
                            progress=progress)
    assert result.stopped is not None
    assert "the process writing them stopped" in result.stopped
    assert "Traceback" not in result.stopped
    assert check_database(desk, repair=False).drift == []
    con = sqlite3.connect(tmp_path / "dies.sqlite3")
    audit = con.execute("SELECT count(*) FROM audit WHERE action LIKE 'import %'").fetchone()[0]
    con.close()
    assert audit == result.accepted
    desk.engine.dispose()


def test_a_cancelled_import_counts_exactly_the_batches_that_were_saved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    desk = desk_on(tmp_path / "cancel.sqlite3")
    calls: list[int] = []

    def progress(line: int) -> bool:
        calls.append(line)
        return len(calls) < 2

    result = import_records(desk, iter(records(40, seed=6)), source="f.jsonl",
                            batch_size=40, progress=progress)
    assert spy.started and result.cancelled
    con = sqlite3.connect(tmp_path / "cancel.sqlite3")
    audit = con.execute("SELECT count(*) FROM audit WHERE action LIKE 'import %'").fetchone()[0]
    last = con.execute("SELECT max(json_extract(after, '$.line')) FROM audit").fetchone()[0]
    con.close()
    assert audit == result.accepted == sum(result.counts.values())
    assert last > calls[-1]  # the batch in flight when it was cancelled was saved whole
    desk.engine.dispose()


def test_a_killed_import_leaves_no_writing_process_behind(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    script = textwrap.dedent(f"""
        import datetime as dt, os, sys
        from probation_desk.domain.dates import fixed_clock
        from probation_desk.services.demo import demo_records
        from probation_desk.services.desk import Desk
        from probation_desk.services.transfer import import_records
        from probation_desk.services.lifecycle import open_database
        desk = Desk(open_database("sqlite:///{path}"), actor="K",
                    clock=fixed_clock(dt.date(2026, 11, 22)))
        def progress(line):
            print("batch", flush=True)
            return True
        import_records(desk, demo_records(400, 1, desk.catalogue), batch_size=200,
                       progress=progress)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            cwd=Path(__file__).resolve().parents[2])
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"batch"
    children = _children(proc.pid)
    assert children, "the import never started its writing process"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in children)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    desk = desk_on(path)
    assert check_database(desk, repair=False).drift == []
    desk.engine.dispose()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
