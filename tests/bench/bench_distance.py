"""Distance benchmark: round trips and wall times of the window's actions on a far server.

Run: ``.venv/bin/python -m tests.bench.bench_distance --db URL [--json]`` with a
PostgreSQL database the login in URL owns (it is filled with the ``BENCH_CASES``-person
demo when empty, default 20,000, and a practitioner's login is added for the commands).
Every connection goes through ``tests.netproxy``'s proxy on loopback, which delays each
direction by half the round trip and counts request/response turns per connection, so
round trips are exact and the same on any machine; wall times are given at a 0, 10 and
30 ms round trip beside them.

Measured with the window's own code paths (no window, except for the first rows):

- connect: opening the database as the window does (``open_desk``, whether anyone is
  in it, the change watcher);
- record: one person's record as the window reads it (``ui.case_record.load_case``);
- key: each key of ``bench_startup.TERMS`` typed in the caseload's search, as the
  window's search runs it (the search, the visible rows, the count when it is needed);
- save: saving an NSI (its notes changed) and recording a contact's outcome;
- rar, contact add: the ``probation-desk rar CRN`` and ``contact add`` commands as a
  practitioner's login, sign-in included;
- first rows: the window's first caseload rows painted, Qt offscreen, from process start
  (``bench_startup``'s child, in its own process, through the proxy).

``--json`` prints one JSON object last: ``connect_round_trips`` (goal ≤ 8),
``first_rows_ms`` (at 30 ms; goal ≤ 1000), ``record_round_trips`` (≤ 3),
``key_round_trips_p95`` (≤ 1), ``save_round_trips`` (≤ 2), ``rar_round_trips`` (≤ 12),
``contact_add_round_trips`` (≤ 14), and ``wall_ms`` with each action's time at each delay.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from tests.bench.bench_startup import TERMS, child_env, pct, run_child, use_db
from tests.netproxy import DelayProxy

DELAYS = (0.0, 10.0, 30.0)
"""Round trips in milliseconds (half each way)."""
PRACTITIONER = "bench_practitioner"
PASSWORD = "bench distance password"
VISIBLE = 30
"""Rows on screen in a 760-pixel window (the rows a key's search builds)."""


def _counted(proxy: DelayProxy, work: Callable[[], Any]) -> tuple[int, float, Any]:
    """Round trips and milliseconds that ``work`` took through ``proxy``."""
    proxy.reset_counts()
    started = time.perf_counter()
    got = work()
    ms = (time.perf_counter() - started) * 1000
    return proxy.round_trips(), ms, got


def _pick(url: str) -> dict[str, Any]:
    """A person with NSIs and contacts, an open NSI of theirs, and their region."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as con:
            row = con.execute(text(
                "SELECT p.id, p.crn, p.region, n.id AS nsi FROM person p "
                "JOIN nsi n ON n.person_id = p.id AND n.actual_end IS NULL "
                "AND n.toolkit <> 'CHEMSEX' "
                "WHERE EXISTS (SELECT 1 FROM contact c WHERE c.person_id = p.id) "
                "ORDER BY p.id LIMIT 1")).mappings().one()
            return dict(row)
    finally:
        engine.dispose()


def _practitioner(url: str, region: str) -> str:
    """A practitioner's login in ``region`` (added once), as an address."""
    from probation_desk.cli import main

    old = sys.stdin
    sys.stdin = io.StringIO(PASSWORD + "\n")
    try:
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            main(["--db", url, "admin", "init"])
            main(["--db", url, "admin", "add-user", PRACTITIONER, "--role", "practitioner",
                  "--region", region, "--password-stdin"])
    finally:
        sys.stdin = old
    u = make_url(url)
    return u.set(username=PRACTITIONER, password=PASSWORD).render_as_string(
        hide_password=False)


def _command(proxy: DelayProxy, args: list[str]) -> tuple[int, float]:
    from probation_desk.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        trips, ms, code = _counted(proxy, lambda: main(args))
    if code != 0:
        raise RuntimeError(f"{args[2:4]} failed ({code}): {err.getvalue()[-500:]}")
    return trips, ms


def measure(url: str, practitioner_url: str, proxy: DelayProxy, rtt: float,
            picked: dict[str, Any]) -> dict[str, Any]:
    """Every action once at a ``rtt`` ms round trip."""
    from probation_desk.domain.contacts import ContactDetails
    from probation_desk.services.caseload_search import CaseloadSearcher
    from probation_desk.services.caseload_sql import CaseloadFilter
    from probation_desk.services.changes import ChangeWatcher
    from probation_desk.services.lifecycle import open_desk
    from probation_desk.services.queries import caseload_rows, has_people
    from probation_desk.ui.case_record import load_case

    proxy.set_delay(rtt / 2)
    far = proxy.url(url)
    out: dict[str, Any] = {}

    def connect() -> Any:
        desk = open_desk(far, backup=False)
        has_people(desk)
        return desk, ChangeWatcher(desk.engine)

    out["connect"], out["connect_ms"], (desk, watcher) = _counted(proxy, connect)
    try:
        out["record"], out["record_ms"], _ = _counted(
            proxy, lambda: load_case(desk, picked["id"]))

        keys: list[int] = []
        key_ms: list[float] = []
        searcher = CaseloadSearcher()
        built: set[int] = set()
        for term in TERMS:
            for n in range(1, len(term) + 1):
                f = CaseloadFilter(search=term[:n])

                def key(f: CaseloadFilter = f) -> None:
                    result = searcher.search(desk, f, "crn", False, 200)
                    missing = [i for i in list(result.ids)[:VISIBLE] if i not in built]
                    built.update(caseload_rows(desk, missing))
                    if result.total is None:
                        searcher.total(desk, f, "crn", False)

                trips, ms, _ = _counted(proxy, key)
                keys.append(trips)
                key_ms.append(ms)
            built.clear()
        out["key_p50"] = statistics.median(keys)
        out["key_p95"] = pct([float(k) for k in keys], 95)
        out["key_p95_ms"] = pct(key_ms, 95)

        nsi = desk.nsi(picked["nsi"])
        fields = replace(nsi.fields, notes=f"bench {time.time():.0f}")
        out["save_nsi"], out["save_nsi_ms"], _ = _counted(
            proxy, lambda: desk.update_nsi(nsi.id, fields, nsi.version))

        when = dt.datetime.now().replace(microsecond=0) - dt.timedelta(hours=2)
        contact = desk.add_contact(picked["id"], ContactDetails("OFFICE_VISIT", when))
        out["save_outcome"], out["save_outcome_ms"], _ = _counted(
            proxy, lambda: desk.record_outcome(contact.id, "ATTENDED_COMPLIED"))
    finally:
        watcher.close()
        desk.engine.dispose()

    pp = proxy.url(practitioner_url)
    out["rar"], out["rar_ms"] = _command(proxy, ["--db", pp, "rar", picked["crn"]])
    at = (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    out["contact_add"], out["contact_add_ms"] = _command(
        proxy, ["--db", pp, "contact", "add", "--crn", picked["crn"], "--type",
                "OFFICE_VISIT", "--at", at])
    return out


def first_rows(url: str, proxy: DelayProxy, rtt: float, runs: int) -> float:
    """Median milliseconds from process start to the window's first caseload rows."""
    proxy.set_delay(rtt / 2)
    home = tempfile.mkdtemp(prefix="pd-bench-home-")
    times = []
    for _ in range(runs):
        got = run_child("app", proxy.url(url), home)
        times.append(float(got["rows"]))
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL database URL (its owner)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")),
                        help="window start-ups timed per delay (median)")
    args = parser.parse_args(argv)
    cases = int(os.environ.get("BENCH_CASES", "20000"))
    os.environ.update({k: v for k, v in child_env(tempfile.mkdtemp()).items()
                       if k in ("QT_QPA_PLATFORM", "PROBATION_DESK_HOME")})
    url = use_db(args.db, cases)
    picked = _pick(url)
    practitioner_url = _practitioner(url, picked["region"])
    u = make_url(url)
    with DelayProxy(u.host or "127.0.0.1", u.port or 5432) as proxy:
        by_delay: dict[float, dict[str, Any]] = {}
        for rtt in DELAYS:
            by_delay[rtt] = measure(url, practitioner_url, proxy, rtt, picked)
            by_delay[rtt]["first_rows_ms"] = first_rows(url, proxy, rtt, args.runs)
    far = by_delay[DELAYS[-1]]
    load = os.getloadavg()
    by_wall = {f"{rtt:g}": {k: round(v, 1) for k, v in got.items() if k.endswith("_ms")}
               for rtt, got in by_delay.items()}
    summary: dict[str, Any] = {
        "connect_round_trips": far["connect"],
        "first_rows_ms": round(far["first_rows_ms"]),
        "record_round_trips": far["record"],
        "key_round_trips_p50": far["key_p50"],
        "key_round_trips_p95": far["key_p95"],
        "save_round_trips": max(far["save_nsi"], far["save_outcome"]),
        "save_nsi_round_trips": far["save_nsi"],
        "save_outcome_round_trips": far["save_outcome"],
        "rar_round_trips": far["rar"],
        "contact_add_round_trips": far["contact_add"],
        "wall_ms": by_wall,
        "cases": cases,
        "load_average": [round(x, 2) for x in load],
    }
    if not args.json:
        print(f"At a {DELAYS[-1]:g} ms round trip ({cases:,} people; load average "
              f"{load[0]:.2f}):")
        for key, goal in (("connect_round_trips", 8), ("record_round_trips", 3),
                          ("key_round_trips_p95", 1), ("save_round_trips", 2),
                          ("rar_round_trips", 12), ("contact_add_round_trips", 14),
                          ("first_rows_ms", 1000)):
            print(f"  {key:26} {summary[key]!s:>8}  (goal ≤ {goal})")
        for shown, walls in by_wall.items():
            print(f"  wall at {shown:>2} ms: " + ", ".join(f"{k[:-3]} {v:.0f}"
                                                        for k, v in walls.items()))
    print(json.dumps(summary))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main()
