"""The importer: records checked one by one, accepted ones saved in batches; re-import
is idempotent (stable references); an import that stops leaves whole records only.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import json
import os
import stat
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, bindparam, func, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from probation_desk.addresses import sqlite_file
from probation_desk.domain.contacts import Requirement
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import ModuleSession
from probation_desk.domain.roles import Role
from probation_desk.errors import DatabaseReplaced, NotAFile, ServerUnreachable
from probation_desk.services import import_format as fmt
from probation_desk.services.desk import Desk, now_utc
from probation_desk.services.transfer.checks import RecordChecks, outside_region
from probation_desk.services.transfer.common import (
    _ACTIONS,
    _COLUMNS,
    _MODELS,
    BatchFailed,
    ImportResult,
    Refusal,
    _differences,
    _Flight,
    logger,
)
from probation_desk.services.transfer.pipeline import WriterPipeline
from probation_desk.services.transfer.reading import (
    FileRefused,
    read_records,
)
from probation_desk.services.transfer.upgrade import (
    _convert,
    upgrade,
)
from probation_desk.store.bulk import JsonText, sqlite_datetime
from probation_desk.store.engine import (
    RESTORED,
    WRITE_OPTION,
    replaced,
    restore_count,
    restore_count_seen,
)
from probation_desk.store.models import (
    AuditEntry,
    Base,
    Contact,
    ContactCorrection,
    ModuleSessionRow,
    Nsi,
    NsiStatusHistory,
    Order,
    Person,
    SignOff,
    SiReferral,
    table_of,
)
from probation_desk.store.write_process import WriteProcess


class _Importer(RecordChecks, WriterPipeline):
    """Holds the state of one import: id maps, pending rows and counters."""

    def __init__(self, desk: Desk, source: str, batch_size: int,
                 write_process: bool = True) -> None:
        self.desk = desk
        self.source = source
        self.batch_size = batch_size
        self.today = desk.today
        self.result = ImportResult()
        self.sqlite = desk.engine.dialect.name == "sqlite"
        self.at = now_utc()
        self.at_stored: Any = sqlite_datetime(self.at) if self.sqlite else self.at
        self.actor = desk.actor
        # One connection writes every batch. Its state is read in one snapshot, and on
        # SQLite PRAGMA data_version then tells each batch whether anyone else has
        # committed since: if so, the batch is checked again under the write lock.
        # On a team database the server lets a login other than an admin change only the
        # people of its own region, and only a regional lead or an admin end an NSI as
        # the sweep or a switch does: lines it would refuse are refused here, in words,
        # and the rest of the file is kept (the server refusing one would stop a batch).
        team = desk.team
        limited = team is not None and team.enforced and desk.role is not Role.ADMIN
        self.my_region: str | None = (team.region or "") if limited and team else None
        self.may_end_as_sweep = not limited or desk.role in (Role.REGIONAL_LEAD, Role.ADMIN)
        self.write_con = desk.engine.connect()
        try:
            con = self.write_con
            with con.begin():
                self.data_version = self._data_version(con)
                self.restores = self._restores_in_snapshot(con)
                self._load_state(con)
                # A team database (PostgreSQL) stamps its own login as a sign-off's signer.
                self.login = (con.execute(text("SELECT session_user")).scalar()
                              if con.dialect.name == "postgresql" else None)
        except BaseException:
            self.write_con.close()
            raise
        self.write_con.execution_options(**{WRITE_OPTION: True})  # SQLite: BEGIN IMMEDIATE
        self.first_person_id = self.next_id["person"]
        self.id_pools: dict[str, Iterator[int]] = {}
        self.pool_size: dict[str, int] = {}
        self.external_people: set[int] = set()
        """People that other writers changed during this import (their sessions are read
        from the database, not only from this file)."""
        self.refs: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
        """Refs seen in this file (and looked up in the database): ref -> (id, person id)."""
        # Dicts, not sets: insertion order lets a batch's additions be undone (_undo).
        self.file_refs: dict[str, dict[str, None]] = defaultdict(dict)
        self.file_crns: dict[str, None] = {}
        self.requirements: dict[int, Requirement | None] = {}  # order id -> its RAR
        self.nsi_orders: dict[int, int | None] = {}  # NSI id -> its order id
        self.pending: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.pending_lines: list[int] = []
        self.saved = 0
        self.saved_counts: dict[str, int] = defaultdict(int)
        self.batch_counts: dict[str, int] = defaultdict(int)
        self.touched_people: set[int] = set()
        self.sessions: dict[int, list[ModuleSession]] = defaultdict(list)
        self.session_undo: list[int] = []
        self.window: list[tuple[int, Any]] = []
        """The records read since the last batch was written (checked again on a clash)."""
        self.marks: tuple[Any, ...] = ()
        self._new_window()
        self.source_json = json.dumps(source, ensure_ascii=False)
        # SQLite stores the audit's JSON as it is; elsewhere it is marked as already JSON.
        self.json_text: Callable[[str], str] = str if self.sqlite else JsonText
        self.path: str | None = None
        """The SQLite file, when a second process may write this import's batches."""
        if self.sqlite and write_process:
            found = sqlite_file(desk.engine.url.render_as_string(hide_password=False))
            self.path = str(found) if found is not None else None
        self.writer: WriteProcess | None = None
        self.flight: _Flight | None = None
        self.stale = False
        self.restored = False
        """A restore replaced the database under the import (it stopped)."""
        self.settled: int | None = None
        """Every record up to this line is saved, already present or refused."""
        self.audit_prefix = f'{{"file":{self.source_json},"line":'
        self.lookup_con: Connection | None = None
        self.now = desk.now  # one "now" for the whole import (appointments' outcomes)
        self.toolkits: dict[str, Any] = {}
        self._by_ref: dict[str, Any] = {}
        if self.sqlite:
            self.d: Callable[[dt.date | None], Any] = _Stored(dt.date.isoformat).__getitem__
            self.ts: Callable[[dt.datetime | None], Any] = _Stored(sqlite_datetime).__getitem__
        else:
            self.d = _same
            self.ts = _same

    @staticmethod
    def _restores_in_snapshot(con: Connection) -> int:
        """The SQLite file's restore count as this import reads it; an import into a
        database restored since it was opened here is refused before it reads anything."""
        if con.dialect.name != "sqlite":
            return 0
        now = restore_count(con)
        seen = restore_count_seen(con.engine)
        if seen is not None and seen != now:
            raise replaced(seen, now)
        return now

    @staticmethod
    def _data_version(con: Connection) -> int | None:
        if con.dialect.name != "sqlite":
            return None
        return int(con.exec_driver_sql("PRAGMA data_version").scalar() or 0)

    def _load_state(self, con: Connection) -> None:
        """What the checks need to know of the database: its CRNs, open NSIs, last ids,
        and on a team database the people this login may read but not change."""
        self.crn_to_id: dict[str, int] = dict(
            con.execute(select(Person.crn, Person.id)).all())
        self.other_regions: dict[int, str] = {} if self.my_region is None else dict(
            con.execute(select(Person.id, Person.region)
                        .where(Person.region != self.my_region)).all())
        self.next_id = {
            m.__tablename__: (con.execute(select(func.max(m.id))).scalar() or 0) + 1
            for m in (Person, Order, Nsi, NsiStatusHistory, ModuleSessionRow,
                      Contact, ContactCorrection, SiReferral, SignOff)
        }
        self.had_rows = {name: n > 1 for name, n in self.next_id.items()}
        self.open_counts: dict[tuple[int, str], int] = {
            (pid, kit): n for pid, kit, n in con.execute(
                select(Nsi.person_id, Nsi.toolkit, func.count())
                .where(Nsi.active.is_(True)).group_by(Nsi.person_id, Nsi.toolkit))
        }
        self.audit_seen = int(con.execute(select(func.max(AuditEntry.id))).scalar() or 0)

    def _new_id(self, table: str) -> int:
        """A free id for a new row of ``table``.

        On SQLite the batch is written under the write lock after checking that nobody
        else wrote meanwhile (otherwise it is checked again under the lock, with ids
        read there), so the next id after the largest is free. On PostgreSQL ids are
        reserved from the table's own sequence, which every other writer also draws
        from: no id can be handed out twice, and the sequence is always past them.
        """
        if not self.sqlite:
            pool = self.id_pools.get(table)
            value = next(pool, None) if pool is not None else None
            return value if value is not None else self._reserve(table)
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _reserve(self, table: str) -> int:
        """Reserve the next block of ids from the sequence (PostgreSQL); the first of them."""
        size = self.pool_size[table] = min(max(self.pool_size.get(table, 500) * 2, 1000),
                                           50000)
        ids = self._lookup().execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608
            "FROM generate_series(1, :n)"), {"n": size}).scalars().all()
        pool = iter(ids)
        self.id_pools[table] = pool
        return int(next(pool))

    def _new_window(self) -> None:
        """Remember where this batch's changes to the import's own state begin."""
        self.window = []
        self.session_undo = []
        self.marks = (len(self.crn_to_id), len(self.file_crns),
                      {t: len(d) for t, d in self.file_refs.items()},
                      {t: len(d) for t, d in self.refs.items()},
                      len(self.result.refused), dict(self.result.present))

    def _undo(self) -> None:
        """Forget everything the records since the last batch did (nothing was written)."""
        n_crns, n_file_crns, file_refs, refs, n_refused, present = self.marks
        _trim(self.crn_to_id, n_crns)
        _trim(self.file_crns, n_file_crns)
        for t, d in self.file_refs.items():
            _trim(d, file_refs.get(t, 0))
        for t, r in self.refs.items():
            _trim(r, refs.get(t, 0))
        for pid in reversed(self.session_undo):
            self.sessions[pid].pop()
        del self.result.refused[n_refused:]
        self.result.present.clear()
        self.result.present.update(present)
        self.pending, self.pending_lines = defaultdict(list), []
        self.batch_counts = defaultdict(int)

    def _recheck(self) -> None:
        """Check this batch's records again against the database as it is now.

        Another writer committed while they were being checked: a person it added may be
        in this file, it may have opened one of the file's toolkits for someone, or (on
        SQLite) taken the ids this batch meant to use. Run under the write lock on
        SQLite, so nothing can change again before the batch is written.
        """
        records = self.window
        self.result.rechecked += 1
        self._undo()
        self.close()
        con = self._lookup()
        since = self.audit_seen
        self._load_state(con)
        self._note_others(con, since)
        self.requirements.clear()
        self.nsi_orders.clear()
        self._new_window()
        for line, rec in records:
            self.take(line, rec)

    def _note_others(self, con: Connection, since: int) -> None:
        """The people other writers changed since audit row ``since``."""
        self.external_people.update(pid for pid in con.execute(
            select(AuditEntry.person_id).distinct()
            .where(AuditEntry.id > since, AuditEntry.person_id.is_not(None))).scalars()
            if pid is not None)

    def _audit(self, line: int, kind: str, table: str, entity_id: int, person_id: int,
               ref: str) -> None:
        """One audit row per imported record: who, when, which record, from where."""
        quoted = (f'"{ref}"' if ref.isascii() and ref.isprintable() and '"' not in ref
                  and "\\" not in ref else json.dumps(ref, ensure_ascii=False))
        self.pending["audit"].append((
            self.at_stored, self.actor, _ACTIONS[kind], table, entity_id, person_id, None,
            self.json_text(f'{self.audit_prefix}{line},"ref":{quoted}}}')))

    def _person_id(self, crn: str) -> int:
        pid = self.crn_to_id.get(crn)
        if pid is None:
            raise RuleViolation("unknown-person", f"No person with CRN {crn} is in the "
                                "database or earlier in this file.", "crn")
        if pid in self.other_regions:
            raise outside_region(self.my_region, self.other_regions[pid], "crn",
                                 f"{crn}'s records")
        return pid

    def _stored(self, table: str, ref: str) -> Any:
        """The database's row with this ref (only looked for when the table had rows)."""
        if not self.had_rows[table]:
            return None
        stmt = self._by_ref.get(table)
        if stmt is None:
            t = table_of(_MODELS[table])
            stmt = self._by_ref[table] = select(t).where(t.c.ref == bindparam("ref"))
        return self._lookup().execute(stmt, {"ref": ref}).first()

    def _lookup(self) -> Connection:
        """A reading connection for looking up stored records (its snapshot ends at each
        batch, so it sees what earlier batches wrote and does not hold the WAL back)."""
        if self.lookup_con is None:
            self.lookup_con = self.desk.engine.connect()
        return self.lookup_con

    def close(self) -> None:
        """End the lookup connection's read transaction (and give it back)."""
        if self.lookup_con is not None:
            self.lookup_con.close()
            self.lookup_con = None

    def dispose(self) -> None:
        """Give back both connections."""
        self.close()
        self.write_con.close()

    def take(self, line: int, rec: Any) -> bool:
        """Check one record and queue its rows; True when the batch is full."""
        self.window.append((line, rec))
        res = self.result
        handler = self.HANDLERS.get(type(rec))
        if handler is None:
            if isinstance(rec, Refusal):
                res.refused.append(rec)
                return False
            if isinstance(rec, dict):
                converted = _convert(line, upgrade(rec))
                if isinstance(converted, Refusal):
                    res.refused.append(converted)
                    return False
                rec = converted
                handler = self.HANDLERS[type(rec)]
            else:
                res.refused.append(Refusal(line, "bad-record", "The line is not a record of "
                                           "this format."))
                return False
        try:
            added = handler(self, line, rec)
        except RuleViolation as exc:
            res.refused.append(Refusal(line, exc.rule, exc.message, exc.field))
            return False
        kind = rec.__struct_config__.tag
        if not added:
            res.present[kind] += 1
            # Nothing to write yet: let flush() start a new window (nothing to check again).
            return not self.pending_lines and len(self.window) >= 1000
        self.pending_lines.append(line)
        self.batch_counts[kind] += 1
        return len(self.pending_lines) >= self.batch_size

    def _ref_of(self, table: str, row_id: int | None) -> str | None:
        if row_id is None:
            return None
        t = table_of(_MODELS[table])
        return self._lookup().execute(select(t.c.ref).where(t.c.id == row_id)).scalar()

    def _find(self, table: str, ref: str | None, pid: int, field_name: str,
              what: str) -> int | None:
        """The id of this person's order or NSI ``ref``, in this file or the database."""
        if ref is None:
            return None
        found = self.refs[table].get(ref)
        if found is None:
            row = self._stored(table, ref)
            if row is not None:
                found = self.refs[table][ref] = (row.id, row.person_id)
        if found is None or found[1] != pid:
            raise RuleViolation(f"unknown-{what.split()[-1].lower()}",
                                f"The {what} {ref} is not this person's, in the database or "
                                "earlier in this file.", field_name)
        return found[0]

    def _requirement(self, order_id: int) -> Requirement | None:
        """The RAR requirement of an order in this file or the database (None if none)."""
        if order_id not in self.requirements:
            o = self._lookup().execute(select(table_of(Order))
                                       .where(Order.id == order_id)).one()
            self.requirements[order_id] = (None if o.rar_max_days is None else Requirement(
                o.id, o.start_date, o.end_date, o.rar_max_days, o.rar_terminated_on))
        return self.requirements[order_id]

    def _nsi_order(self, nsi_id: int) -> int | None:
        if nsi_id not in self.nsi_orders:
            self.nsi_orders[nsi_id] = self._lookup().execute(
                select(Nsi.order_id).where(Nsi.id == nsi_id)).scalar()
        return self.nsi_orders[nsi_id]

    def _claim(self, table: str, ref: str, kind: str) -> Any:
        """Refuse a ref used twice in the file; return the database's row with it, if any."""
        if ref in self.file_refs[table]:
            raise RuleViolation("duplicate-ref", f"The {kind} reference {ref} is used twice in "
                                "this file.", "ref")
        self.file_refs[table][ref] = None
        return self._stored(table, ref)

    def _present(self, kind: str, ref: str, row: Any, pid: int,
                 pairs: list[tuple[str, Any, Any]]) -> None:
        """An identical record is already present; a different one is refused."""
        differ = (["crn"] if row.person_id != pid else []) + _differences(pairs)
        if differ:
            raise RuleViolation(
                "conflicting-change",
                f"A {kind.replace('_', ' ')} with the reference {ref} is already recorded, "
                f"with a different {', '.join(differ)}. An import never changes a record: "
                "change it in Probation Desk, or give the file's record a new reference.",
                differ[0])

    HANDLERS: dict[type, Callable[[_Importer, int, Any], bool]] = {
        fmt.Person: RecordChecks.person, fmt.Order: RecordChecks.order,
        fmt.Nsi: RecordChecks.nsi, fmt.ModuleSession: RecordChecks.module_session,
        fmt.Contact: RecordChecks.contact, fmt.SiReferral: RecordChecks.si_referral,
        fmt.SignOff: RecordChecks.sign_off,
    }

    def flush(self) -> int | None:
        """Write the pending batch: one transaction with its audit rows.

        If another writer committed while the batch's records were being checked, they
        are checked again first (on SQLite under the write lock the batch then holds; on
        PostgreSQL when the database refuses the batch as clashing with a row written
        meanwhile, up to three times). So a person or NSI added meanwhile is seen as
        such, not written twice, and nobody else's row is ever in the way.

        On a SQLite file, once an import fills a batch, its batches are handed to a
        second process (:mod:`probation_desk.store.write_process`) that writes each one
        while this one checks the next; the batch handed over before is heard of here
        first. (Writing on a second *thread* was tried and was slower: the sqlite3
        driver retakes the GIL for every row, so the two threads convoy.)

        Returns the line up to which every record is settled (saved, present or
        refused), or None if that has not moved.
        """
        settled = self.settled
        if self.flight is not None:
            self._land()
        if not self.pending_lines:
            if self.flight is None and self.window:
                self.settled = self.window[-1][0]
            self._new_window()
            return self.settled if self.settled != settled else None
        if self.writer is None and self.path is not None \
                and len(self.pending_lines) >= self.batch_size:
            try:
                self._start_writer()
            except Exception as exc:  # e.g. the lock stayed taken: nothing is written
                raise BatchFailed(self.pending_lines[0], exc) from exc
        if self.writer is not None:
            self._hand_over()
            return self.settled if self.settled != settled else None
        first = self.pending_lines[0]
        self.close()
        attempts = 1 if self.sqlite else 3
        for attempt in range(attempts):
            try:
                self._write()
                break
            except Exception as exc:
                # PostgreSQL: a clash with a row written meanwhile (IntegrityError), or
                # this batch chosen as a deadlock's victim against another writer taking
                # the same people's rows in another order: rolled back whole, so check
                # the batch again and retry it. Anything else stops the import.
                if not (isinstance(exc, IntegrityError) or _pg_retryable(exc)) \
                        or attempt == attempts - 1:
                    raise BatchFailed(first, exc) from exc
                self.close()
                self._recheck()
                self.close()
        self.saved += len(self.pending_lines)
        for kind, n in self.batch_counts.items():
            self.saved_counts[kind] += n
        self.settled = self.window[-1][0]
        self.pending, self.pending_lines = defaultdict(list), []
        self.batch_counts = defaultdict(int)
        self._new_window()
        return self.settled

    # ------------------------------------------------- the second writing process
    _NSI_PERSON = _COLUMNS["nsi"].index("person_id")
    _NSI_ACTIVE = _COLUMNS["nsi"].index("active")
    _SESSION_PERSON = _COLUMNS["module_session"].index("person_id")

    def finish(self) -> None:
        """Fresh planner statistics after a big load (counters are kept batch by batch)."""
        if not self.touched_people:
            return
        with self.desk.writer.begin() as con:
            if con.dialect.name == "sqlite":
                # Fresh statistics so SQLite plans the big lists well (sampled: quick).
                con.exec_driver_sql("PRAGMA analysis_limit=1000")
                con.exec_driver_sql("ANALYZE")
                con.exec_driver_sql("PRAGMA cache_size=-8192")
        if self.desk.writer.dialect.name == "postgresql":
            # VACUUM ANALYZE, not only ANALYZE: the visibility map it fills is what lets
            # the caseload's searches use index-only scans. It cannot run inside a
            # transaction, hence its own autocommit connection.
            with self.desk.writer.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as con:
                con.execute(text("VACUUM ANALYZE"))


class _Stored(dict[Any, Any]):
    """Values in SQLite's storage format, each worked out once (None stays None).

    An import meets the same few thousand dates a million times over; a dict lookup is
    several times cheaper than ``isoformat`` or ``strftime`` each time.
    """

    LIMIT = 200_000

    def __init__(self, convert: Callable[[Any], str]) -> None:
        super().__init__({None: None})
        self.convert = convert

    def __missing__(self, value: Any) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
            self[None] = None
        text = self[value] = self.convert(value)
        return text


def _trim(d: dict[Any, Any], size: int) -> None:
    """Remove the items added to ``d`` after it had ``size`` (dicts keep their order)."""
    while len(d) > size:
        d.popitem()


def _same(value: Any) -> Any:
    return value


def import_records(desk: Desk, records: Iterable[tuple[int, Any]], *, source: str = "",
                   batch_size: int = 20000, progress: Callable[[int], bool] | None = None,
                   write_process: bool = True) -> ImportResult:
    """Import ``(line number, record)`` pairs (no header).

    A record is one of the :mod:`format` classes, a :class:`Refusal` (a line that could
    not be decoded) or a plain dict, which is checked against the format strictly first.
    ``progress(line)`` is called as the import goes, each time every record up to that
    line is saved (or present already, or refused); returning False cancels the rest.
    ``write_process=False`` writes every batch in this process (a SQLite file's import
    otherwise hands its batches to a second process once it fills one).
    """
    imp = _Importer(desk, source, batch_size, write_process)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the loop makes millions of small objects and no cycles
    try:
        with _indexes_deferred(desk, imp.write_con, empty=imp.first_person_id == 1):
            result = _run_import(imp, records, progress)
        imp.close()
        if (result.stopped is None or imp.saved) and not imp.restored:
            try:
                imp.finish()
            except SQLAlchemyError as exc:
                # Say, the disk filled up: every record counted is saved whole; only the
                # planner's statistics are older (the next import refreshes them).
                logger.warning("import: statistics not refreshed (%s)", type(exc).__name__)
    finally:
        imp.dispose()
        if gc_was_enabled:
            gc.enable()
    return result


@contextmanager
def _indexes_deferred(desk: Desk, con: Connection, *, empty: bool) -> Iterator[None]:
    """Into an empty SQLite database, build the secondary indexes once at the end.

    Building an index over a million rows at once is much faster than keeping it up to
    date row by row. They are rebuilt whatever happens (and ``open_database`` restores
    any that a crash left missing). Meanwhile a marker file beside the database, locked
    by this process, tells anyone opening it to leave the indexes to the import.
    """
    if not empty or desk.engine.dialect.name != "sqlite":
        yield
        return
    from probation_desk.addresses import sqlite_file
    from probation_desk.store.engine import indexes_deferred_marker

    path = sqlite_file(desk.engine.url.render_as_string(hide_password=False))
    if path is None:  # in memory: nobody else can open it
        yield
        return
    indexes = [ix for table in Base.metadata.sorted_tables for ix in table.indexes
               if not ix.unique]
    with indexes_deferred_marker(path):
        with con.begin():
            for ix in indexes:
                ix.drop(con, checkfirst=True)
        try:
            yield
        finally:
            _rebuild_indexes(con, indexes)


def _rebuild_indexes(con: Connection, indexes: list[Any]) -> None:
    """Build the deferred indexes (in one transaction)."""
    try:
        with con.begin():
            for ix in indexes:
                ix.create(con, checkfirst=True)
    except (SQLAlchemyError, DatabaseReplaced):
        # Say, the disk is full: the rows are whole without them, and opening the
        # database rebuilds any index that is missing. (A restored database has the
        # backup's indexes.)
        logger.warning("indexes not rebuilt after import")


def _run_import(imp: _Importer, records: Iterable[tuple[int, Any]],
                progress: Callable[[int], bool] | None) -> ImportResult:
    res = imp.result
    take = imp.take
    try:
        try:
            for line, rec in records:
                if take(line, rec):
                    settled = imp.flush()
                    if progress is not None and settled is not None \
                            and not progress(settled):
                        res.cancelled = True
                        break
            imp.flush()
            imp.land_all()
        finally:
            imp.stop_writer()
    except (BatchFailed, ServerUnreachable) as exc:
        lost = exc if isinstance(exc, ServerUnreachable) else exc.__cause__
        if isinstance(lost, ServerUnreachable):
            # Batches commit one by one: say what is saved, and that it is not lost.
            raise ServerUnreachable(lost.host, lost.why, changed=(
                f"The import stopped: at least {imp.saved} record(s) were saved before "
                "the connection was lost. Import the file again when the network is "
                "back: what was saved is found already present, and the rest is "
                "added.")) from None
        assert isinstance(exc, BatchFailed)
        # The database refused a batch: it was rolled back whole.
        res.stopped = (f"The import stopped: {_why_refused(exc.__cause__)}, so the "
                       f"records from line {exc.first_line} on were not saved; the "
                       f"{imp.saved} record(s) before them were.")
        if isinstance(exc.__cause__, DatabaseReplaced):
            imp.restored = True
            res.stopped += (
                " They are not in the restored database: they are in the copy of the "
                "database the restore kept just before it replaced it (in the backup "
                "folder, marked before-restore; 'probation-desk restore' lists it). Import "
                "the file again into the restored database if they belong there.")
    res.accepted = imp.saved
    res.counts = defaultdict(int, imp.saved_counts)
    return res


def _pg_retryable(exc: BaseException) -> bool:
    """A PostgreSQL deadlock victim (40P01) or serialization failure (40001): the
    transaction was rolled back whole and may simply be run again."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in {"40P01", "40001"}


def _why_refused(cause: BaseException | None) -> str:
    """Why the database refused a batch, in plain words."""
    if isinstance(cause, DatabaseReplaced):
        return (f"{RESTORED} while it ran (by 'probation-desk restore' or the window's "
                "Restore)")
    text = str(getattr(cause, "orig", None) or cause or "")
    if "full" in text:
        return "the disk is full (free some space, then import the rest)"
    if "readonly" in text or "read-only" in text:
        return "the database is read-only (check the file and folder permissions)"
    if "stopped unexpectedly" in text:
        return ("the process writing them stopped unexpectedly (import the file again: "
                "what was saved is kept, and is found already present)")
    if "locked" in text or "busy" in text:
        return "the database was busy with another change for too long (try again)"
    return f"the database refused them ({type(cause).__name__})"


def check_import_file(path: str | Path) -> Path:
    """Refuse at once, in words, a path that is not an ordinary file: a folder, a device
    such as /dev/zero (which never ends) or a named pipe (which waits for a writer)."""
    p = Path(path)
    _refuse_unless_regular(p, os.stat(p).st_mode)  # a missing file: FileNotFoundError
    return p


def _refuse_unless_regular(p: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise NotAFile(f"{p} is a folder, not a file, so nothing was imported. Give the path "
                       "of an export file (a .jsonl file), not of its folder.")
    kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode)
            or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "special")
    raise NotAFile(f"{p} is not a regular file (it is {kind}), so nothing was imported: "
                   "Probation Desk imports only ordinary files. Save the export to a file "
                   "first, then import that file.")


def _open_regular(p: Path) -> IO[bytes]:
    """Open ``p`` for reading if it is an ordinary file, without ever waiting on a pipe
    (opened non-blocking, checked, then read normally)."""
    check_import_file(p)
    fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        _refuse_unless_regular(p, os.fstat(fd).st_mode)  # swapped since the check?
        if sys.platform != "win32":  # Windows has no non-blocking open (nor FIFOs)
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def import_file(desk: Desk, path: str | Path, **kwargs: Any) -> ImportResult:
    """Import a JSON Lines export file (see the README for the format); a path that is
    not an ordinary file is :class:`~probation_desk.errors.NotAFile`."""
    p = Path(path)
    with _open_regular(p) as fh:
        try:
            records = read_records(fh)
            first = next(records, None)
        except FileRefused as exc:
            return ImportResult(stopped=str(exc))
        chain: Iterable[tuple[int, Any]] = records if first is None else itertools.chain(
            (first,), records)
        return import_records(desk, chain, source=p.name, **kwargs)
