"""SIGKILL a writer at random moments, many times: nothing it reported committed is lost.

After each kill the database must open, pass its integrity check, hold every operation
the writer reported as committed, have counters that match a recount, and hold nothing
half-written (every NSI has its history and audit rows, every person their audit row).
Writers: a stream of Desk operations, and an import. The figures are printed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from probation_desk.domain.dates import fixed_clock
from probation_desk.services.check import check_database
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from probation_desk.store.models import AuditEntry, ModuleSessionRow, Nsi, NsiStatusHistory, Person
from tests.faults.kill_worker import TODAY

ROOT = Path(__file__).resolve().parents[2]


def kill_once(mode: str, url: str, log: Path, run: int, rng: random.Random) -> str:
    """Start a writer, let it work for a random moment, SIGKILL it; what it managed."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.faults.kill_worker", mode, url,
                             str(log), str(run)], cwd=ROOT, env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    ready = proc.stdout.readline()
    if ready.strip() != "ready":
        proc.wait(timeout=60)
        raise AssertionError(f"writer did not start: {ready} {proc.stderr.read()}")
    time.sleep(rng.uniform(0.02, 0.4))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    err = proc.stderr.read()
    assert "Traceback" not in err, err
    return "killed" if proc.returncode == -9 else f"exited {proc.returncode}"


def verify(url: str, log: Path) -> dict[str, int]:
    """Everything the writers reported is present, whole, counted right; returns counts."""
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    engine = open_database(url)  # opens after the kill (and rebuilds any dropped index)
    desk = Desk(engine, actor="Checker", clock=fixed_clock(TODAY))
    report = check_database(desk, repair=False)
    assert report.damage is None, report.damage
    assert report.drift == [], report.text()
    with engine.connect() as con:
        if engine.dialect.name == "sqlite":
            assert con.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        else:  # sequences are past every id an import wrote, so the next add works
            for table in ("person", "nsi", "nsi_status_history", "module_session", "audit"):
                behind = con.execute(text(
                    f"SELECT (SELECT COALESCE(MAX(id), 0) FROM {table}) > "
                    f"(SELECT last_value FROM {table}_id_seq)")).scalar()
                assert not behind, table
        crns = set(con.execute(select(Person.crn)).scalars())
        nsi_rows = {r.id: r for r in con.execute(select(Nsi.id, Nsi.version, Nsi.active))}
        versions = dict(con.execute(select(Person.id, Person.version)).all())
        sessions = dict(con.execute(select(ModuleSessionRow.person_id, func.count())
                                    .group_by(ModuleSessionRow.person_id)).all())
        committed: dict[int, int] = {}
        for e in entries:
            op = e["op"]
            if op == "person":
                assert e["crn"] in crns
            elif op == "open":
                assert e["id"] in nsi_rows
            elif op == "update":
                assert nsi_rows[e["id"]].version >= e["version"]
            elif op == "close":
                assert not nsi_rows[e["id"]].active
            elif op == "session":
                assert sessions.get(e["person"], 0) >= 1
            elif op == "person-update":
                assert versions[e["id"]] >= e["version"]
            elif op == "import-committed":
                committed[e["run"]] = max(committed.get(e["run"], 0), e["line"])
        imported = [e for e in entries if e["op"] == "import-person"
                    and e["line"] <= committed.get(e["run"], 0)]
        assert {e["crn"] for e in imported} <= crns
        # Nothing half-written: every NSI has its history, every row its audit.
        no_history = con.execute(select(func.count()).select_from(Nsi).where(
            ~select(NsiStatusHistory.id).where(NsiStatusHistory.nsi_id == Nsi.id).exists()
        )).scalar()
        assert no_history == 0
        audited_people = con.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "add person")).scalar()
        imported_people = con.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "import person")).scalar()
        people = len(crns)
        assert audited_people + (people if imported_people else 0) >= people
    engine.dispose()
    return {"ops": len(entries), "people": people}


def kill_loop(url: str, folder: Path, kills: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    log = folder / f"ops-{seed}.jsonl"
    log.touch()
    outcome = {"killed": 0, "finished": 0, "import": 0}
    # A writer that finishes before its kill (a quick import on an idle machine) is
    # verified too, but does not count: go on until ``kills`` real kills, within a bound.
    for k in range(kills * 3):
        if outcome["killed"] >= kills:
            break
        mode = "import" if k % 5 == 4 else "stream"
        result = kill_once(mode, url, log, seed * 100 + k, rng)
        if result == "killed":
            outcome["killed"] += 1
            outcome["import"] += mode == "import"
        else:
            outcome["finished"] += 1
        verify(url, log)
    return outcome


@pytest.mark.parametrize("kills,lanes", [pytest.param(51, 3, id="sqlite")])
def test_sigkill_at_random_moments_on_sqlite(tmp_path: Path, kills: int, lanes: int) -> None:
    per_lane = -(-kills // lanes)
    urls = [f"sqlite:///{tmp_path / f'lane{i}.sqlite3'}" for i in range(lanes)]
    for url in urls:
        open_database(url).dispose()
    with ThreadPoolExecutor(lanes) as pool:
        results = list(pool.map(lambda i: kill_loop(urls[i], tmp_path, per_lane, i + 1),
                                range(lanes)))
    killed = sum(r["killed"] for r in results)
    print(f"\nSQLite: {killed} SIGKILLs survived ({sum(r['import'] for r in results)} during "
          "imports), nothing lost")
    assert killed >= 50


@pytest.mark.postgres
def test_sigkill_at_random_moments_on_postgresql(pg_server: object, tmp_path: Path) -> None:
    lanes, kills = 2, 20
    urls = [pg_server.create_db() for _ in range(lanes)]  # type: ignore[attr-defined]
    for url in urls:
        open_database(url).dispose()
    with ThreadPoolExecutor(lanes) as pool:
        results = list(pool.map(lambda i: kill_loop(urls[i], tmp_path, kills // lanes,
                                                    i + 11), range(lanes)))
    killed = sum(r["killed"] for r in results)
    print(f"\nPostgreSQL: {killed} SIGKILLs survived, nothing lost")
    assert killed >= 20
