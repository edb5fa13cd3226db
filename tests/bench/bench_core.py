"""Core benchmark: demo load, sweep and import at 100,000 cases, against a baseline.

Run: ``.venv/bin/python -m tests.bench.bench_core`` (``BENCH_CASES=20000`` for a quicker
run). The baseline is a plain ``sqlite3`` ``executemany`` of one million five-column
rows, measured in the same run, so the ratios say how the work compares with the
machine's raw write speed today. Targets (from the issue): demo within 60 s, sweep of
100,000 overdue NSIs within 5 s, import of the demo's export within 120 s.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from probation_desk.domain.dates import fixed_clock
from probation_desk.services.demo import load_demo
from probation_desk.services.desk import Desk
from probation_desk.services.transfer import export_file, import_file, import_records
from probation_desk.store.engine import open_database

TODAY = dt.date(2026, 11, 22)


def baseline(folder: Path) -> float:
    """Seconds for sqlite3 to insert 1,000,000 small rows in one transaction."""
    con = sqlite3.connect(folder / "baseline.sqlite3")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c INTEGER, d TEXT)")
    rows = [(i, f"A{i:06d}", "2022-05-01", i % 7, "x") for i in range(1_000_000)]
    start = time.perf_counter()
    with con:
        con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def desk_for(path: Path) -> Desk:
    return Desk(open_database(f"sqlite:///{path}"), actor="bench", clock=fixed_clock(TODAY))


def sweep_fixture(desk: Desk, n: int) -> None:
    """n people, each with one in-flight Chemsex NSI from before the withdrawal."""
    def records():  # type: ignore[no-untyped-def]
        line = 0
        for i in range(n):
            crn = f"S{i:06d}"
            line += 1
            yield line, {"type": "person", "crn": crn, "name": f"Person {i}",
                         "region": "London", "pdu": "Hackney", "practitioner": "PP"}
            line += 1
            yield line, {"type": "nsi", "ref": f"{crn}/N1", "crn": crn, "toolkit": "CHEMSEX",
                         "status": "IN_PROGRESS", "referral_date": "2022-05-02",
                         "actual_start": "2022-05-09"}
    result = import_records(desk, records())
    assert not result.refused, result.refused[:3]


def main() -> None:
    cases = int(os.environ.get("BENCH_CASES", "100000"))
    folder = Path(tempfile.mkdtemp(prefix="pd-bench-"))
    base = baseline(folder)
    print(f"baseline: sqlite3 executemany of 1,000,000 rows: {base:.2f} s")
    figures = []

    desk = desk_for(folder / "demo.sqlite3")
    start = time.perf_counter()
    result = load_demo(desk, cases, seed=1)
    demo_s = time.perf_counter() - start
    nsis = result.counts.get("nsi", 0)
    figures.append((f"demo --cases {cases:,} ({nsis:,} NSIs, {result.accepted:,} records)",
                    demo_s, 60.0 * cases / 100_000))

    export = folder / "demo.jsonl"
    start = time.perf_counter()
    export_file(desk, export)
    figures.append(("export of the demo", time.perf_counter() - start, None))
    desk.engine.dispose()

    other = desk_for(folder / "imported.sqlite3")
    start = time.perf_counter()
    imported = import_file(other, export)
    figures.append((f"import of the export ({imported.accepted:,} records)",
                    time.perf_counter() - start, 120.0 * cases / 100_000))
    other.engine.dispose()

    sweep_desk = desk_for(folder / "sweep.sqlite3")
    sweep_fixture(sweep_desk, cases)
    start = time.perf_counter()
    swept = sweep_desk.sweep()
    figures.append((f"sweep of {swept.closed:,} overdue NSIs (audit rows included)",
                    time.perf_counter() - start, 5.0 * cases / 100_000))
    sweep_desk.engine.dispose()

    print(f"{'what':<62} {'seconds':>8} {'x baseline':>11} {'target s':>9}")
    for what, secs, target in figures:
        tgt = f"{target:.0f}" if target else "-"
        mark = "" if target is None else ("  ok" if secs <= target else "  MISSED")
        print(f"{what:<62} {secs:8.2f} {secs / base:11.1f} {tgt:>9}{mark}")
    print(f"(files in {folder})")


if __name__ == "__main__":
    main()
