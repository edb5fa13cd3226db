"""Core benchmark: demo load, sweep and import at 100,000 cases, against a baseline.

Run: ``.venv/bin/python -m tests.bench.bench_core`` (``BENCH_CASES=20000`` for a quicker
run). The baseline is a plain ``sqlite3`` ``executemany`` of one million five-column
rows, measured in the same run, so the ratios say how the work compares with the
machine's raw write speed today. Targets (from the issue): demo within 60 s, sweep of
100,000 overdue NSIs within 5 s, import of the demo's export within 120 s.

The sweep is also compared with a floor of its own, in the same run: on SQLite, plain
``sqlite3`` making the same writes (the same UPDATE, history, audit and person-count
rows, in the same chunks, each a transaction) on a copy of the same file; on PostgreSQL
(``--db postgresql+psycopg://…``, a database the bench may fill and empty) one
hand-written set-based ``UPDATE … RETURNING`` feeding the history and audit inserts,
rolled back. ``--json`` prints one JSON object last (``sweep_vs_raw_ratio``,
``sweep_s``, ``sweep_raw_s`` and the other figures).

The demo and the import are compared with the *raw floor*, in the same run: the rows the
import wrote (every table, audit rows included), read back as tuples and written by a
bare ``sqlite3`` ``executemany`` into the same tables of a fresh file (created from the
imported file's own schema, its non-unique indexes left out as the import leaves them
out until the end), in one transaction: ``import_vs_raw_ratio`` (goal at most 2x) and
``demo_vs_raw_ratio`` (goal at most 2.5x). On PostgreSQL (``--db``) the demo and the
import go into that database (emptied before each) and the raw floor is psycopg's
``executemany`` of the imported rows into copies of the same tables (``CREATE TABLE …
(LIKE … INCLUDING ALL)``: every index, as the import keeps them there), one transaction,
in a scratch schema dropped afterwards.

Every figure is also given in CPU seconds of this process and its children, such as an
import's writing process (``*_cpu_s``, and the ratios
``*_vs_raw_cpu_ratio``), which a loaded machine distorts far less than wall time; on
PostgreSQL the server's work is not in them, so only the wall ratios count there.
``BENCH_DIR`` puts the bench's files (several GB at a million people) in that folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from probation_desk.domain.dates import fixed_clock
from probation_desk.services.demo import load_demo
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from probation_desk.services.transfer import export_file, import_file, import_records

TODAY = dt.date(2026, 11, 22)


def cpu_time() -> float:
    """CPU seconds of this process and of its finished children (an import's writing
    process is one), so a figure never hides work done in another process."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


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


RAW_TABLES = ("person", "sentence_order", "nsi", "nsi_status_history", "module_session",
              "contact", "contact_correction", "rar_activity", "si_referral", "sign_off",
              "audit")


def raw_floor(source: Path, target: Path) -> tuple[float, int, float]:
    """(seconds, rows, CPU seconds): the same rows into the same tables, bare executemany."""
    src = sqlite3.connect(source)
    schema = [sql for (sql,) in src.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%'")]
    unique = [sql for (sql,) in src.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql LIKE 'CREATE UNIQUE%'")]
    tables = [t for t in RAW_TABLES if src.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (t,)).fetchone()]
    data = {t: src.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    src.close()
    con = sqlite3.connect(target, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    for sql in schema + unique:
        con.execute(sql)
    rows = 0
    start, cpu = time.perf_counter(), cpu_time()
    con.execute("BEGIN")
    for t, values in data.items():
        if values:
            marks = ", ".join("?" * len(values[0]))
            con.executemany(f"INSERT INTO {t} VALUES ({marks})", values)
            rows += len(values)
    con.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - start, cpu_time() - cpu
    con.close()
    return elapsed, rows, cpu


def raw_floor_postgresql(url: str) -> tuple[float, int, float]:
    """(seconds, rows, client CPU seconds): psycopg's executemany of the imported rows
    into copies of the same tables (every index included), one transaction."""
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo) as con:
        tables = [t for t in RAW_TABLES if con.execute(
            "SELECT to_regclass(%s)", (f"public.{t}",)).fetchone()[0] is not None]
        from psycopg.types.json import Json

        def adapted(row: tuple[Any, ...]) -> tuple[Any, ...]:
            return tuple(Json(v) if isinstance(v, dict | list) else v for v in row)

        data = {t: [adapted(r) for r in con.execute(f"SELECT * FROM public.{t}")]
                for t in tables}
        con.execute("DROP SCHEMA IF EXISTS raw_floor CASCADE")
        con.execute("CREATE SCHEMA raw_floor")
        for t in tables:
            con.execute(f"CREATE TABLE raw_floor.{t} (LIKE public.{t} INCLUDING ALL)")
        con.commit()
        rows = 0
        start, cpu = time.perf_counter(), cpu_time()
        with con.transaction(), con.cursor() as cur:
            for t, values in data.items():
                if values:
                    marks = ", ".join(["%s"] * len(values[0]))
                    cur.executemany(f"INSERT INTO raw_floor.{t} VALUES ({marks})",
                                    values)
                    rows += len(values)
        elapsed, cpu = time.perf_counter() - start, cpu_time() - cpu
        con.execute("DROP SCHEMA raw_floor CASCADE")
        con.commit()
    return elapsed, rows, cpu


def desk_for(path: Path | str) -> Desk:
    url = path if isinstance(path, str) else f"sqlite:///{path}"
    return Desk(open_database(url), actor="bench", clock=fixed_clock(TODAY))


CLOSE_BY = "2022-07-29"


def raw_sqlite_sweep(path: Path, chunk: int = 20000) -> tuple[float, float]:
    """Seconds for plain sqlite3 to make the sweep's writes (the floor for the sweep).

    The same rows as ``Desk.sweep`` writes, in the same chunks, each one transaction:
    the NSIs closed (version checked and moved on), a history row and an audit row each,
    the people's open counts; the close date worked out inline (the fixture's NSIs all
    began before the close-by date). Returns (seconds, CPU seconds).
    """
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    start, cpu = time.perf_counter(), cpu_time()
    rows = con.execute("SELECT id, person_id, status, referral_date, actual_start, version "
                       "FROM nsi WHERE toolkit = 'CHEMSEX' AND active = 1 ORDER BY id"
                       ).fetchall()
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    for i in range(0, len(rows), chunk):
        part = rows[i:i + chunk]
        ends = [max(CLOSE_BY, r[4] or r[3]) for r in part]
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "UPDATE nsi SET status = 'ENDED', outcome = 'AUTO_CLOSED', active = 0, "
            "actual_start = ?, actual_end = ?, status_date = ?, version = version + 1 "
            "WHERE id = ? AND version = ?",
            [(r[4] or e, e, e, r[0], r[5]) for r, e in zip(part, ends, strict=True)])
        con.executemany(
            "INSERT INTO nsi_status_history (nsi_id, status, status_date, recorded_by, "
            "recorded_at, note) VALUES (?, 'ENDED', ?, 'bench', ?, "
            "'closed automatically: toolkit withdrawn')",
            [(r[0], e, at) for r, e in zip(part, ends, strict=True)])
        con.executemany(
            "INSERT INTO audit (at, actor, action, entity, entity_id, person_id, before, "
            "after) VALUES (?, 'bench', 'sweep close nsi', 'nsi', ?, ?, ?, ?)",
            [(at, r[0], r[1], f'{{"status": "{r[2]}", "active": true}}',
              f'{{"status": "ENDED", "outcome": "AUTO_CLOSED", "actual_end": "{e}"}}')
             for r, e in zip(part, ends, strict=True)])
        con.executemany("UPDATE person SET open_nsis = open_nsis - 1 WHERE id = ?",
                        [(r[1],) for r in part])
        con.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - start, cpu_time() - cpu
    con.close()
    return elapsed, cpu


PG_SET_BASED = """
WITH closed AS (
    UPDATE nsi SET status = 'ENDED', outcome = 'AUTO_CLOSED', active = false,
           actual_start = COALESCE(actual_start, GREATEST(DATE '2022-07-29', referral_date)),
           actual_end = GREATEST(DATE '2022-07-29', COALESCE(actual_start, referral_date)),
           status_date = GREATEST(DATE '2022-07-29', COALESCE(actual_start, referral_date)),
           version = version + 1
    WHERE toolkit = 'CHEMSEX' AND active
    RETURNING id, person_id, actual_end
), history AS (
    INSERT INTO nsi_status_history (nsi_id, status, status_date, recorded_by, recorded_at,
                                    note)
    SELECT id, 'ENDED', actual_end, 'bench', now(), 'closed automatically: toolkit withdrawn'
    FROM closed
), audited AS (
    INSERT INTO audit (at, actor, action, entity, entity_id, person_id, before, after)
    SELECT now(), 'bench', 'sweep close nsi', 'nsi', id, person_id,
           json_build_object('status', 'IN_PROGRESS', 'active', true),
           json_build_object('status', 'ENDED', 'outcome', 'AUTO_CLOSED',
                             'actual_end', actual_end)
    FROM closed
), counted AS (
    UPDATE person SET open_nsis = person.open_nsis - c.n
    FROM (SELECT person_id, count(*) AS n FROM closed GROUP BY person_id) AS c
    WHERE person.id = c.person_id
)
SELECT count(*) FROM closed
"""


def raw_postgresql_sweep(url: str) -> float:
    """Seconds for one set-based statement making the sweep's writes (rolled back)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as con:
        start = time.perf_counter()
        with con.begin() as tx:
            con.execute(text(PG_SET_BASED)).scalar()
            elapsed = time.perf_counter() - start
            tx.rollback()
    engine.dispose()
    return elapsed


def sweep_figures(cases: int, folder: Path, db: str | None) -> dict[str, float]:
    """The sweep of ``cases`` overdue NSIs and its raw floor, measured in this run."""
    if db is None:
        sweep_path = folder / "sweep.sqlite3"
        sweep_desk = desk_for(sweep_path)
    else:
        _empty_postgresql(db)
        sweep_desk = desk_for(db)
    sweep_fixture(sweep_desk, cases)
    raw_cpu = float("nan")
    if db is None:
        sweep_desk.engine.dispose()
        raw_copy = folder / "sweep-raw.sqlite3"
        shutil.copy(sweep_path, raw_copy)
        raw, raw_cpu = raw_sqlite_sweep(raw_copy)
        sweep_desk = desk_for(sweep_path)
    else:
        raw = raw_postgresql_sweep(db)
    start, cpu = time.perf_counter(), cpu_time()
    swept = sweep_desk.sweep()
    elapsed, cpu = time.perf_counter() - start, cpu_time() - cpu
    sweep_desk.engine.dispose()
    out = {"sweep_s": elapsed, "sweep_raw_s": raw, "sweep_cpu_s": cpu,
           "sweep_closed": swept.closed}
    if db is None:
        out.update(sweep_raw_cpu_s=raw_cpu, sweep_vs_raw_cpu_ratio=cpu / raw_cpu)
    return out


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


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--db", help="a PostgreSQL database for the demo, the import and "
                        "the sweep (emptied before each)")
    parser.add_argument("--only", choices=["sweep"], help="run only this part")
    args = parser.parse_args(argv)
    cases = int(os.environ.get("BENCH_CASES", "100000"))
    base = os.environ.get("BENCH_DIR")
    if base:  # a folder named for the run need not exist yet
        Path(base).mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="pd-bench-", dir=base))
    out: dict[str, Any] = {"cases": cases, "database": (args.db or "sqlite").split(":")[0],
                           "load_average_start": round(os.getloadavg()[0], 2)}
    figures = []
    if args.db:
        _empty_postgresql(args.db)
    if args.only is None:
        base = baseline(folder)
        out["baseline_s"] = base
        print(f"baseline: sqlite3 executemany of 1,000,000 rows: {base:.2f} s")

        desk = desk_for(args.db or folder / "demo.sqlite3")
        start, cpu = time.perf_counter(), cpu_time()
        result = load_demo(desk, cases, seed=1)
        demo_s, out["demo_cpu_s"] = time.perf_counter() - start, cpu_time() - cpu
        out["demo_s"] = demo_s
        nsis = result.counts.get("nsi", 0)
        figures.append((f"demo --cases {cases:,} ({nsis:,} NSIs, {result.accepted:,} records)",
                        demo_s, 60.0 * cases / 100_000))

        export = folder / "demo.jsonl"
        start = time.perf_counter()
        export_file(desk, export)
        figures.append(("export of the demo", time.perf_counter() - start, None))
        desk.engine.dispose()

        if args.db:
            _empty_postgresql(args.db)
        other = desk_for(args.db or folder / "imported.sqlite3")
        start, cpu = time.perf_counter(), cpu_time()
        imported = import_file(other, export)
        out["import_s"], out["import_cpu_s"] = (time.perf_counter() - start,
                                                cpu_time() - cpu)
        figures.append((f"import of the export ({imported.accepted:,} records)",
                        out["import_s"], 120.0 * cases / 100_000))
        other.engine.dispose()
        if args.db:
            raw_s, raw_rows, raw_cpu = raw_floor_postgresql(args.db)
        else:
            raw_s, raw_rows, raw_cpu = raw_floor(folder / "imported.sqlite3",
                                                 folder / "raw.sqlite3")
        out.update(raw_floor_s=raw_s, raw_floor_cpu_s=raw_cpu, raw_floor_rows=raw_rows,
                   records=imported.accepted,
                   import_vs_raw_ratio=out["import_s"] / raw_s,
                   demo_vs_raw_ratio=demo_s / raw_s,
                   import_vs_raw_cpu_ratio=out["import_cpu_s"] / raw_cpu,
                   demo_vs_raw_cpu_ratio=out["demo_cpu_s"] / raw_cpu)
        figures.append((f"raw floor: executemany of the same {raw_rows:,} rows", raw_s, None))
        if base:
            out["demo_vs_baseline"] = demo_s / base
            out["import_vs_baseline"] = out["import_s"] / base

    sweep = sweep_figures(cases, folder, args.db)
    out.update(sweep)
    out["sweep_vs_raw_ratio"] = sweep["sweep_s"] / sweep["sweep_raw_s"]
    figures.append((f"sweep of {sweep['sweep_closed']:,} overdue NSIs (audit rows included)",
                    sweep["sweep_s"], 5.0 * cases / 100_000))
    floor = "one set-based UPDATE … RETURNING" if args.db else "raw sqlite3, same writes"
    print(f"{'what':<62} {'seconds':>8} {'target s':>9}")
    for what, secs, target in figures:
        tgt = f"{target:.0f}" if target else "-"
        mark = "" if target is None else ("  ok" if secs <= target else "  MISSED")
        print(f"{what:<62} {secs:8.2f} {tgt:>9}{mark}")
    print(f"sweep vs {floor}: {sweep['sweep_s']:.2f} s vs {sweep['sweep_raw_s']:.2f} s = "
          f"{out['sweep_vs_raw_ratio']:.2f}x  (target 1.5x)")
    if "sweep_vs_raw_cpu_ratio" in out:
        print(f"  in CPU time: {out['sweep_cpu_s']:.2f} s vs {out['sweep_raw_cpu_s']:.2f} s = "
              f"{out['sweep_vs_raw_cpu_ratio']:.2f}x")
    if args.only is None:
        print(f"import vs raw floor: {out['import_vs_raw_ratio']:.2f}x (target 2x); demo vs "
              f"raw floor: {out['demo_vs_raw_ratio']:.2f}x (target 2.5x)")
        print(f"  in CPU time: import {out['import_vs_raw_cpu_ratio']:.2f}x, demo "
              f"{out['demo_vs_raw_cpu_ratio']:.2f}x ({out['import_cpu_s']:.1f} s, "
              f"{out['demo_cpu_s']:.1f} s vs {out['raw_floor_cpu_s']:.1f} s)")
    print(f"(files in {folder})")
    if args.json:
        out["load_average"] = round(os.getloadavg()[0], 2)
        print(json.dumps({k: round(v, 3) if isinstance(v, float) else v
                          for k, v in out.items()}))


def _empty_postgresql(url: str) -> None:
    """Start the sweep's PostgreSQL database from nothing (its schema dropped)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as con:
        con.execute(text("DROP SCHEMA public CASCADE"))
        con.execute(text("CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    main()
