"""The sweep's writes for one chunk: close the NSIs, add their history and audit rows.

``services.desk.Desk.sweep`` decides (with the domain's rules) which NSIs close and with
which dates; this module only writes those decisions, as fast as each database allows,
inside the caller's transaction:

- SQLite: four ``executemany`` calls of plain tuples (values already in SQLite's storage
  format), the same writes a hand-written ``sqlite3`` script would make;
- PostgreSQL: ONE set-based statement. The chunk goes up as arrays (``unnest``); an
  ``UPDATE … FROM … RETURNING`` closes the NSIs whose version still matches, and its
  returned rows feed the history and audit inserts and the per-person counts in the
  same statement, instead of one round trip per NSI.

Either returns how many NSIs it closed; fewer than asked means someone changed one
meanwhile, and the caller rolls the chunk back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import Connection, text

HISTORY_NOTE = "closed automatically: toolkit withdrawn"


def recorded_by(actor: str) -> str:
    """Who the NSI's history says closed it: Probation Desk itself, run by ``actor`` (the
    history's own time says when it was done; its date, when the closing takes effect)."""
    return f"Probation Desk, automatically (run by {actor})"
ACTION = "sweep close nsi"


class Closing(NamedTuple):
    """One NSI to close, as decided by the rules. (Make many with ``tuple.__new__(Closing,
    (...))``: the class's own ``__new__`` is Python code, a microsecond a row.)"""

    nsi_id: int
    person_id: int
    version: int
    status_before: str
    actual_start: dt.date
    actual_end: dt.date


def close_chunk(con: Connection, chunk: Sequence[Closing], *, status: str, outcome: str,
                actor: str, at: dt.datetime) -> int:
    """Write one chunk of closings; returns how many NSIs were closed."""
    if not chunk:
        return 0
    if con.dialect.name == "postgresql":
        return _postgresql(con, chunk, status, outcome, actor, at)
    return _sqlite(con, chunk, status, outcome, actor, at)


def _sqlite_time(at: dt.datetime) -> str:
    """A timestamp as SQLAlchemy stores a DateTime in SQLite (naive UTC)."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite(con: Connection, chunk: Sequence[Closing], status: str, outcome: str,
            actor: str, at: dt.datetime) -> int:
    when = _sqlite_time(at)
    iso = {d: d.isoformat() for d in {c.actual_end for c in chunk} | {c.actual_start
                                                                       for c in chunk}}
    cur = con.exec_driver_sql(
        "UPDATE nsi SET status = ?, outcome = ?, active = 0, actual_start = ?, "
        "actual_end = ?, status_date = ?, version = version + 1 WHERE id = ? AND version = ?",
        [(status, outcome, iso[c.actual_start], iso[c.actual_end], iso[c.actual_end],
          c.nsi_id, c.version) for c in chunk])
    changed = int(cur.rowcount)
    if changed != len(chunk):
        return changed
    con.exec_driver_sql(
        "INSERT INTO nsi_status_history (nsi_id, status, status_date, recorded_by, "
        "recorded_at, note) VALUES (?, ?, ?, ?, ?, ?)",
        [(c.nsi_id, status, iso[c.actual_end], recorded_by(actor), when, HISTORY_NOTE)
         for c in chunk])
    # The audit's JSON, made once per distinct value (a few statuses, a few dates).
    after = {d: f'{{"status": "{status}", "outcome": "{outcome}", "actual_end": "{s}"}}'
             for d, s in iso.items()}
    before = {b: f'{{"status": "{b}", "active": true}}' for b in {c.status_before
                                                                   for c in chunk}}
    con.exec_driver_sql(
        "INSERT INTO audit (at, actor, action, entity, entity_id, person_id, \"before\", "
        "\"after\") VALUES (?, ?, ?, 'nsi', ?, ?, ?, ?)",
        [(when, actor, ACTION, c.nsi_id, c.person_id, before[c.status_before],
          after[c.actual_end]) for c in chunk])
    per_person: dict[int, int] = {}
    for c in chunk:
        per_person[c.person_id] = per_person.get(c.person_id, 0) + 1
    con.exec_driver_sql("UPDATE person SET open_nsis = open_nsis - ? WHERE id = ?",
                        [(n, pid) for pid, n in per_person.items()])
    return changed


_PG_CLOSE = text("""
WITH v AS (
    SELECT * FROM unnest(CAST(:ids AS integer[]), CAST(:versions AS integer[]),
                         CAST(:befores AS text[]), CAST(:starts AS date[]),
                         CAST(:ends AS date[]))
        AS v(id, version, before_status, actual_start, actual_end)
), closed AS (
    UPDATE nsi SET status = :status, outcome = :outcome, active = false,
           actual_start = v.actual_start, actual_end = v.actual_end,
           status_date = v.actual_end, version = nsi.version + 1
    FROM v WHERE nsi.id = v.id AND nsi.version = v.version
    RETURNING nsi.id, nsi.person_id, v.before_status, v.actual_end
), history AS (
    INSERT INTO nsi_status_history (nsi_id, status, status_date, recorded_by, recorded_at,
                                    note)
    SELECT id, :status, actual_end, :by, :at, :note FROM closed
), audited AS (
    INSERT INTO audit (at, actor, action, entity, entity_id, person_id, before, after)
    SELECT :at, :actor, :action, 'nsi', id, person_id,
           json_build_object('status', before_status, 'active', true),
           json_build_object('status', CAST(:status AS text), 'outcome',
                             CAST(:outcome AS text), 'actual_end', actual_end)
    FROM closed
), counted AS (
    UPDATE person SET open_nsis = person.open_nsis - c.n
    FROM (SELECT person_id, count(*) AS n FROM closed GROUP BY person_id) AS c
    WHERE person.id = c.person_id
)
SELECT count(*) FROM closed
""")


def _postgresql(con: Connection, chunk: Sequence[Closing], status: str, outcome: str,
                actor: str, at: dt.datetime) -> int:
    return int(con.execute(_PG_CLOSE, {
        "ids": [c.nsi_id for c in chunk], "versions": [c.version for c in chunk],
        "befores": [c.status_before for c in chunk],
        "starts": [c.actual_start for c in chunk], "ends": [c.actual_end for c in chunk],
        "status": status, "outcome": outcome, "actor": actor, "by": recorded_by(actor),
        "at": at,
        "note": HISTORY_NOTE, "action": ACTION}).scalar() or 0)
