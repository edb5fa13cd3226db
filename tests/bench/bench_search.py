"""Search benchmark without Qt: the caseload search's own time per key, SQLite or PostgreSQL.

Run: ``.venv/bin/python -m tests.bench.bench_search`` (the demo database of
``bench_startup``, ``BENCH_CASES`` people, built once and kept in /tmp), or
``--db postgresql+psycopg://…`` (filled with the demo when empty).

It types ``bench_startup.TERMS`` a key at a time, as the window does but with no window:
for each key, the search the window runs in the background (``CaseloadSearcher.search``
for the first window of ids, then ``queries.caseload_rows`` for the rows in view), timed
from its start to the rows built; then, untimed, the count that follows a list shown
before it was counted (as the window's count comes before the next key). Three views:
my caseload (the first person's managing practitioner), everyone, and everyone in
London. Painting is left out: ``bench_startup`` times the same keys through the window.

Figures per view: p95 and median of the wall clock, of this process's CPU time, and
on PostgreSQL of the server's CPU time for the same span (the backends of this database,
read from ``/proc/PID/schedstat``, nanoseconds) and client + server CPU together, which a
loaded machine distorts far less than the wall clock. ``--json`` prints one JSON object
last: ``search_p95_ms`` (everyone), ``search_p95_ms_region``, ``search_p95_ms_mine``,
the ``*_cpu_ms`` and ``*_server_cpu_ms`` figures, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from tests.bench.bench_startup import TERMS, build_db, pct, use_db

VISIBLE = 30
"""Rows built per key (the window shows about 25 at its benchmark size)."""


class ServerClock:
    """CPU nanoseconds used by this database's server backends (PostgreSQL only)."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, text

        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.con = self.engine.connect()
        self._pids = text("SELECT pid FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        self.pids: list[int] = []

    def refresh(self) -> None:
        """Learn the backends again (the pool may have opened one since)."""
        self.pids = [int(p) for p in self.con.execute(self._pids).scalars()]

    def ns(self) -> int:
        total = 0
        for pid in self.pids:
            try:
                total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass
        return total

    def close(self) -> None:
        self.con.close()
        self.engine.dispose()


def measure(db: str) -> dict[str, Any]:
    """Type every term in each view; the per-key figures."""
    from sqlalchemy import select

    from probation_desk.services.caseload_search import CaseloadSearcher
    from probation_desk.services.caseload_sql import CaseloadFilter
    from probation_desk.services.desk import Desk
    from probation_desk.services.lifecycle import open_database
    from probation_desk.services.queries import caseload_rows
    from probation_desk.store.models import Person

    engine = open_database(db)
    desk = Desk(engine, actor="bench")
    with engine.connect() as con:
        me = con.execute(select(Person.practitioner).order_by(Person.id).limit(1)).scalar_one()
    server = ServerClock(db) if db.startswith("postgresql") else None
    out: dict[str, Any] = {}
    # Warm up as the window does after its first list (statements, indexes in memory).
    for term in ("q", "qz", "q0"):
        CaseloadSearcher().search(desk, CaseloadFilter(search=term))
        CaseloadSearcher().total(desk, CaseloadFilter(search=term))
    for key, base in (("mine", CaseloadFilter(mine=me)), ("", CaseloadFilter()),
                      ("region", CaseloadFilter(region="London"))):
        searcher = CaseloadSearcher()
        walls: list[float] = []
        cpus: list[float] = []
        servers: list[float] = []
        typed: list[str] = []
        for term in TERMS:
            for n in range(1, len(term) + 1):
                f = CaseloadFilter(**{**base.__dict__, "search": term[:n]})
                if server is not None:
                    server.refresh()
                    s0 = server.ns()
                w0, c0 = time.perf_counter(), time.process_time()
                result = searcher.search(desk, f, "crn", False, 200)
                caseload_rows(desk, result.ids[:VISIBLE])
                walls.append((time.perf_counter() - w0) * 1000)
                typed.append(f.search)
                cpus.append((time.process_time() - c0) * 1000)
                if server is not None:
                    servers.append((server.ns() - s0) / 1e6)
                if result.total is None:
                    searcher.total(desk, f, "crn", False)
        sfx = f"_{key}" if key else ""
        out[f"search_p95_ms{sfx}"] = pct(walls, 95)
        out[f"search_median_ms{sfx}"] = statistics.median(walls)
        out[f"search_cpu_p95_ms{sfx}"] = pct(cpus, 95)
        if servers:
            out[f"search_server_cpu_p95_ms{sfx}"] = pct(servers, 95)
            both = [a + b for a, b in zip(cpus, servers, strict=True)]
            out[f"search_client_server_cpu_p95_ms{sfx}"] = pct(both, 95)
        out[f"search_keys{sfx}"] = len(walls)
        total = [c + s for c, s in zip(cpus, servers or [0.0] * len(cpus), strict=True)]
        worst = sorted(range(len(walls)), key=lambda i: -total[i])[:6]
        print(f"{key or 'everyone'}: slowest keys by CPU (wall / CPU ms): " + ", ".join(
            f"{typed[i]!r} {walls[i]:.1f} / {total[i]:.1f}" for i in worst))
    if server is not None:
        server.close()
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--db", help="a database URL (PostgreSQL, say); filled if empty")
    args = parser.parse_args(argv)
    cases = int(os.environ.get("BENCH_CASES", "100000"))
    db = use_db(args.db, cases) if args.db else build_db(cases)
    load = os.getloadavg()[0]
    out = measure(db)
    out.update(cases=cases, database=db.split(":")[0], load_average_start=round(load, 2),
               load_average=round(os.getloadavg()[0], 2))
    for k, v in out.items():
        if k.endswith("_ms") or "_ms_" in k:
            print(f"{k:<44} {v:8.2f}")
    if args.json:
        print(json.dumps({k: round(v, 2) if isinstance(v, float) else v
                          for k, v in out.items()}))


if __name__ == "__main__":
    main()
