"""Export and import: a JSON Lines file of people, orders, NSIs, module sessions,
contacts, Structured Intervention referrals and sign-offs.

The format is described once, as typed classes, in :mod:`probation_desk.services.format`
(a strict msgspec decoder parses and type-checks each line in one pass). Import then checks
every record with the same domain rules the window uses (an NSI goes through
``check_open`` as history, a session through ``check_session``...) and refuses, with its
line, field and reason, any value it would have to change to save. A refused line never
stops the lines after it. Accepted records are saved in batches, each batch one
transaction with one audit row per record, so an import that stops leaves whole records
only.

Re-import is idempotent: every record has a stable reference (the CRN for a person, a
``ref`` for the others). A record whose reference is already in the database is counted
as already present when it is identical, and refused as a conflicting change when it is
not; it is never added twice. A record may refer to orders and NSIs already in the
database. Files of older format versions are read too: their lines are first brought up
to the current format (refs they lacked are numbered per person in file order, as the
migration numbered stored rows; an ``activity`` line becomes a past contact, as the
contacts migration mapped it) and then checked just as strictly. The demo generator feeds
its records through this same import.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import json
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import msgspec
from sqlalchemy import Connection, bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from probation_desk.addresses import sqlite_file
from probation_desk.domain import contacts, interventions, module, nsi, people
from probation_desk.domain.contacts import ContactDetails, Requirement
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.nsi import NsiFields, Outcome, Status
from probation_desk.domain.people import (
    Language,
    OrderDetails,
    OrderKind,
    PersonDetails,
    PrintNeeds,
)
from probation_desk.domain.review import SignOffKind, check_sign_off
from probation_desk.domain.roles import Role
from probation_desk.domain.text import NAME_MAX, NOTES_MAX, clean_text
from probation_desk.errors import DatabaseProblem
from probation_desk.services import format as fmt
from probation_desk.services.desk import Desk, name_key, now_utc
from probation_desk.store.bulk import JsonText, insert_sql, insert_tuples, sqlite_datetime
from probation_desk.store.engine import WRITE_OPTION
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
from probation_desk.store.write_process import Statements, WriteProcess

FORMAT_VERSION = fmt.FORMAT_VERSION
RECORD_TYPES = ("header", *fmt.RECORD_TYPES)
logger = logging.getLogger("probation_desk")
MAX_LINE_BYTES = 1 << 20
"""The longest line read (1 MiB: far above the longest valid record); longer is refused."""

_COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("id", "crn", "name", "name_key", "date_of_birth", "region", "pdu",
               "practitioner", "language", "print_needs", "open_nsis", "module_status",
               "module_completed_on"),
    "sentence_order": ("id", "ref", "person_id", "kind", "start_date", "end_date",
                       "rar_max_days", "rar_terminated_on", "rar_termination_reason"),
    "nsi": ("id", "ref", "person_id", "order_id", "toolkit", "status", "status_date",
            "referral_date", "expected_start", "expected_end", "actual_start", "actual_end",
            "outcome", "notes", "practitioner", "active", "previous_nsi_id", "version"),
    "nsi_status_history": ("id", "nsi_id", "status", "status_date", "recorded_by",
                           "recorded_at", "note"),
    "module_session": ("id", "ref", "person_id", "session_date", "supporter_role",
                       "supporter_name", "completed", "notes", "withdrawn_on",
                       "withdrawn_reason"),
    "contact": ("id", "ref", "person_id", "order_id", "nsi_id", "contact_type", "at",
                "rar_activity", "notes", "outcome", "absence_reason", "cancelled_on",
                "cancel_reason", "created_by", "created_at", "version"),
    "contact_correction": ("id", "contact_id", "at", "by_name", "text"),
    "si_referral": ("id", "ref", "person_id", "need_area", "name", "referral_date",
                    "start_date"),
    "sign_off": ("id", "ref", "person_id", "kind", "on_date", "by_name", "comment",
                 "recorded_at"),
    "audit": ("at", "actor", "action", "entity", "entity_id", "person_id", "before",
              "after"),
}
"""Storage column order of the tuples the importer builds, per table (in write order)."""

_MODELS: dict[str, type[Base]] = {
    "person": Person, "sentence_order": Order, "nsi": Nsi,
    "nsi_status_history": NsiStatusHistory, "module_session": ModuleSessionRow,
    "contact": Contact, "contact_correction": ContactCorrection, "si_referral": SiReferral,
    "sign_off": SignOff,
    "audit": AuditEntry}
_INSERT_SQL = {name: insert_sql(table_of(model).name, _COLUMNS[name])
               for name, model in _MODELS.items()}
"""The SQLite driver's INSERT for each table's tuples (the same as insert_tuples runs)."""


class BatchFailed(RuntimeError):
    """A batch of accepted records could not be written; nothing of it was saved."""

    def __init__(self, first_line: int, cause: Exception) -> None:
        super().__init__(f"batch from line {first_line} failed: {cause}")
        self.first_line = first_line


@dataclass
class Refusal:
    """One record that was not imported: its line, the field and the reason in words."""

    line: int
    rule: str
    reason: str
    field: str | None = None


@dataclass
class ImportResult:
    """What an import did."""

    accepted: int = 0
    refused: list[Refusal] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    present: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    """Records already in the database, identical to the file's (not added again)."""
    stopped: str | None = None
    cancelled: bool = False
    rechecked: int = 0
    """Batches checked again because another writer committed while they were read."""

    @property
    def already_present(self) -> int:
        """How many records were already in the database, identical."""
        return sum(self.present.values())

    def as_json(self) -> dict[str, Any]:
        """The result for ``--json`` output."""
        return {"accepted": self.accepted, "already_present": self.already_present,
                "refused": len(self.refused), "counts": dict(self.counts),
                "present": dict(self.present), "stopped": self.stopped,
                "cancelled": self.cancelled,
                "refusals": [{"line": r.line, "field": r.field, "rule": r.rule,
                              "reason": r.reason} for r in self.refused]}


def _as_given(field_name: str, label: str, given: str | None, saved: str | None) -> None:
    """Refuse a text the domain would save differently from the file (never change it)."""
    if given == saved:
        return
    if given is not None and given.strip() == "":
        why = "is empty or only spaces: leave the field out (or null) when there is none"
    elif given is not None and given != given.strip():
        why = "has spaces or line breaks at its start or end, which would not be kept"
    else:
        why = ("is not in Unicode normal form NFC, so it would be saved with different "
               "characters")
    raise RuleViolation("would-change", f"{label} {why}. Nothing was changed: correct the "
                        "file and import it again.", field_name)


_AS_GIVEN: set[tuple[str, int, bool]] = set()
"""Texts already found clean exactly as given (the check is pure: text, limit, multiline)."""


def _clean(value: str | None, field_name: str, label: str, max_len: int, *,
           multiline: bool = True, required: bool = False) -> str | None:
    if value is not None and (value, max_len, multiline) in _AS_GIVEN:
        return value
    cleaned = clean_text(value, field=field_name, label=label, max_len=max_len,
                         multiline=multiline, required=required)
    _as_given(field_name, label, value, cleaned)
    if cleaned is not None and len(cleaned) <= 300:
        if len(_AS_GIVEN) >= 50_000:
            _AS_GIVEN.clear()
        _AS_GIVEN.add((cleaned, max_len, multiline))
    return cleaned


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _differences(pairs: Iterable[tuple[str, Any, Any]]) -> list[str]:
    return [name for name, mine, theirs in pairs if mine != theirs]


_ACTIONS = {t: f"import {t}" for t in fmt.RECORD_TYPES}
# Enum members by name (the format has already checked the name is one of them): a dict
# lookup, where ``Status[name]`` goes through the enum class's Python __getitem__.
_STATUS: dict[str, Status] = dict(Status.__members__)
_OUTCOME: dict[str, Outcome] = dict(Outcome.__members__)
_LANGUAGE: dict[str, Language] = dict(Language.__members__)
_PRINT_NEEDS: dict[str, PrintNeeds] = dict(PrintNeeds.__members__)
_ORDER_KIND: dict[str, OrderKind] = dict(OrderKind.__members__)
_SUPPORTER_ROLE: dict[str, SupporterRole] = dict(SupporterRole.__members__)
_SIGN_OFF_KIND: dict[str, SignOffKind] = dict(SignOffKind.__members__)

_HISTORY_OF = (select(table_of(NsiStatusHistory))
               .where(NsiStatusHistory.nsi_id == bindparam("nsi_id"))
               .order_by(NsiStatusHistory.id))


@dataclass
class _Flight:
    """A batch handed to the writing process and not yet heard of: what it would add
    to the result, and how to check its records again if it must be."""

    first: int  # its first saved record's line
    last: int  # the last line read before it was handed over
    lines: int
    counts: dict[str, int]
    window: list[tuple[int, Any]]
    session_undo: list[int]
    marks: tuple[Any, ...]


_OPENED_SQL = 'UPDATE "person" SET open_nsis = open_nsis + ? WHERE id = ?'
_MODULE_SQL = 'UPDATE "person" SET module_status = ?, module_completed_on = ? WHERE id = ?'


class _Importer:
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
        self.write_con = desk.engine.connect()
        try:
            con = self.write_con
            with con.begin():
                self.data_version = self._data_version(con)
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
    def _data_version(con: Connection) -> int | None:
        if con.dialect.name != "sqlite":
            return None
        return int(con.exec_driver_sql("PRAGMA data_version").scalar() or 0)

    def _load_state(self, con: Connection) -> None:
        """What the checks need to know of the database: its CRNs, open NSIs, last ids."""
        self.crn_to_id: dict[str, int] = dict(
            con.execute(select(Person.crn, Person.id)).all())
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
        return pid

    # ------------------------------------------------------------------ references
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

    # -------------------------------------------------------------- records
    def person(self, line: int, rec: fmt.Person) -> bool:
        if rec.crn in self.file_crns:
            raise RuleViolation("duplicate-ref", f"The CRN {rec.crn} is used twice in this "
                                "file.", "crn")
        self.file_crns[rec.crn] = None
        details = people.check_person(PersonDetails(
            rec.crn, rec.name, rec.date_of_birth, rec.region, rec.pdu, rec.practitioner,
            _LANGUAGE[rec.language], _PRINT_NEEDS[rec.print_needs]), self.today)
        _as_given("name", "The name", rec.name, details.name)
        _as_given("pdu", "The PDU", rec.pdu, details.pdu)
        _as_given("practitioner", "The managing practitioner", rec.practitioner,
                  details.practitioner)
        pid = self.crn_to_id.get(rec.crn)
        if pid is not None:  # in the database before this import
            row = self._lookup().execute(select(table_of(Person))
                                         .where(Person.id == pid)).one()
            self._present("person", rec.crn, row, pid, [
                ("name", rec.name, row.name), ("date_of_birth", rec.date_of_birth,
                                               row.date_of_birth),
                ("region", rec.region, row.region), ("pdu", rec.pdu, row.pdu),
                ("practitioner", rec.practitioner, row.practitioner),
                ("language", rec.language, row.language),
                ("print_needs", rec.print_needs, row.print_needs)])
            return False
        pid = self._new_id("person")
        self.crn_to_id[rec.crn] = pid
        self.pending["person"].append((
            pid, rec.crn, rec.name, name_key(rec.name), self.d(rec.date_of_birth),
            rec.region, rec.pdu, rec.practitioner, rec.language, rec.print_needs, 0,
            "NOT_STARTED", None))
        self.touched_people.add(pid)
        self._audit(line, "person", "person", pid, pid, rec.crn)
        return True

    def order(self, line: int, rec: fmt.Order) -> bool:
        pid = self._person_id(rec.crn)
        row = self._claim("sentence_order", rec.ref, "order")
        d = people.check_order(OrderDetails(_ORDER_KIND[rec.kind], rec.start_date, rec.end_date,
                                            rec.rar_max_days))
        terminated = rec.rar_terminated_on
        if terminated is not None:
            if d.rar_max_days is None:
                raise RuleViolation("no-rar", "Only a RAR requirement can be terminated.",
                                    "rar_terminated_on")
            reason = contacts.check_termination(
                Requirement(0, d.start, d.end, d.rar_max_days), terminated,
                rec.rar_termination_reason, self.today)
            _as_given("rar_termination_reason", "The termination reason",
                      rec.rar_termination_reason, reason)
        elif rec.rar_termination_reason is not None:
            raise RuleViolation("reason-not-allowed", "A termination reason is given only "
                                "with the termination date.", "rar_termination_reason")
        if row is not None:
            self.refs["sentence_order"][rec.ref] = (row.id, row.person_id)
            self._present("order", rec.ref, row, pid, [
                ("kind", rec.kind, row.kind), ("start_date", rec.start_date, row.start_date),
                ("end_date", rec.end_date, row.end_date),
                ("rar_max_days", rec.rar_max_days, row.rar_max_days),
                ("rar_terminated_on", terminated, row.rar_terminated_on),
                ("rar_termination_reason", rec.rar_termination_reason,
                 row.rar_termination_reason)])
            return False
        oid = self._new_id("sentence_order")
        self.refs["sentence_order"][rec.ref] = (oid, pid)
        self.requirements[oid] = (None if d.rar_max_days is None else Requirement(
            oid, d.start, d.end, d.rar_max_days, terminated))
        self.pending["sentence_order"].append((
            oid, rec.ref, pid, rec.kind, self.d(rec.start_date), self.d(rec.end_date),
            rec.rar_max_days, self.d(terminated), rec.rar_termination_reason))
        self.touched_people.add(pid)
        self._audit(line, "order", "sentence_order", oid, pid, rec.ref)
        return True

    def nsi(self, line: int, rec: fmt.Nsi) -> bool:
        pid = self._person_id(rec.crn)
        row = self._claim("nsi", rec.ref, "NSI")
        order_id = self._find("sentence_order", rec.order, pid, "order", "order")
        kit = self.toolkits.get(rec.toolkit)
        if kit is None:
            kit = self.toolkits[rec.toolkit] = self.desk.toolkit(rec.toolkit)
        status = _STATUS[rec.status]
        fields = NsiFields(
            toolkit=kit.code, status=status, referral_date=rec.referral_date,
            expected_start=rec.expected_start, expected_end=rec.expected_end,
            actual_start=rec.actual_start, actual_end=rec.actual_end,
            outcome=_OUTCOME[rec.outcome] if rec.outcome is not None else None,
            notes=rec.notes, practitioner=rec.practitioner)
        key = (pid, kit.code)
        opened = self.open_counts.get(key, 0)
        if row is not None and row.active:
            opened -= 1  # the database's copy of this very NSI is not a second one
        checked = nsi.check_open(kit, fields, self.today, open_of_same_toolkit=opened,
                                 historical=True)
        _as_given("notes", "The notes", rec.notes, checked.notes)
        _as_given("practitioner", "The managing practitioner", rec.practitioner,
                  checked.practitioner)
        if order_id is not None:
            contacts.check_nsi_on_requirement(self._requirement(order_id), checked.actual_end)
        previous = self._find("nsi", rec.previous, pid, "previous", "earlier NSI")
        history = self._history(rec.history, rec.status) if rec.history else [
            (rec.status, checked.actual_end or checked.actual_start or rec.referral_date,
             self.actor, self.at_stored, "imported")]
        if row is not None:
            self.refs["nsi"][rec.ref] = (row.id, row.person_id)
            self._present("nsi", rec.ref, row, pid, [
                ("order", order_id, row.order_id), ("toolkit", kit.code, row.toolkit),
                ("status", rec.status, row.status),
                *((name, getattr(rec, name), getattr(row, name)) for name in (
                    "referral_date", "expected_start", "expected_end", "actual_start",
                    "actual_end", "outcome", "notes", "practitioner")),
                ("previous", previous, row.previous_nsi_id),
                ("history", True, self._same_history(row.id, rec.history))])
            return False
        nid = self._new_id("nsi")
        self.refs["nsi"][rec.ref] = (nid, pid)
        self.nsi_orders[nid] = order_id
        is_open = status.is_open
        if is_open:
            self.open_counts[key] = opened + 1
        d = self.d
        hist_rows = self.pending["nsi_status_history"]
        if self.sqlite:  # the next ids after the largest (see _new_id), all at once
            hid = self.next_id["nsi_status_history"]
            self.next_id["nsi_status_history"] = hid + len(history)
            for h_status, on, by, at, note in history:
                hist_rows.append((hid, nid, h_status, d(on), by, at, note))
                hid += 1
        else:
            for h_status, on, by, at, note in history:
                hist_rows.append((self._new_id("nsi_status_history"), nid, h_status, d(on),
                                  by, at, note))
        status_date = history[-1][1] if history else checked.referral_date
        self.pending["nsi"].append((
            nid, rec.ref, pid, order_id, kit.code, rec.status, d(status_date),
            d(rec.referral_date), d(rec.expected_start), d(rec.expected_end),
            d(rec.actual_start), d(rec.actual_end), rec.outcome, rec.notes, rec.practitioner,
            is_open, previous, 1))
        self.touched_people.add(pid)
        self._audit(line, "nsi", "nsi", nid, pid, rec.ref)
        return True

    def _history(self, entries: list[fmt.HistoryEntry], status: str
                 ) -> list[tuple[str, dt.date, str | None, Any, str | None]]:
        out: list[tuple[str, dt.date, str | None, Any, str | None]] = []
        today, actor, at_stored, ts = self.today, self.actor, self.at_stored, self.ts
        known = _AS_GIVEN  # checked before the field names are even spelt out
        for i, h in enumerate(entries):
            if h.date > today:
                raise RuleViolation("future-date", f"The status history's entry {i + 1} is "
                                    "dated in the future.", f"history[{i}].date")
            by = h.by
            if by is None:
                by = actor
            elif (by, NAME_MAX, False) not in known:
                by = _clean(by, f"history[{i}].by", "The history's 'by'", NAME_MAX,
                            multiline=False, required=True)
            note = h.note
            if note is not None and (note, fmt.HISTORY_NOTE_MAX, True) not in known:
                note = _clean(note, f"history[{i}].note", "The history note",
                              fmt.HISTORY_NOTE_MAX)
            out.append((h.status, h.date, by, at_stored if h.at is None else ts(h.at), note))
        if out[-1][0] != status:
            raise RuleViolation("history-mismatch", "The last status in the history is not "
                                "the NSI's status.", "history")
        return out

    def _same_history(self, nsi_id: int, entries: list[fmt.HistoryEntry]) -> bool:
        rows = self._lookup().execute(_HISTORY_OF, {"nsi_id": nsi_id}).all()
        if not entries:  # the import gave it one entry, noted "imported"
            return len(rows) == 1 and rows[0].note == "imported"
        if len(rows) != len(entries):
            return False
        return all(
            r.status == h.status and r.status_date == h.date and r.note == h.note
            and (h.by is None or r.recorded_by == h.by)
            and (h.at is None or _aware(r.recorded_at) == h.at)
            for r, h in zip(rows, entries, strict=True))

    def module_session(self, line: int, rec: fmt.ModuleSession) -> bool:
        pid = self._person_id(rec.crn)
        row = self._claim("module_session", rec.ref, "module session")
        s = module.check_session(ModuleSession(rec.date, _SUPPORTER_ROLE[rec.supporter_role],
                                               rec.supporter_name, rec.completed, rec.notes),
                                 self.today)
        _as_given("supporter_name", "The supporter's name", rec.supporter_name,
                  s.supporter_name)
        _as_given("notes", "The notes", rec.notes, s.notes)
        if rec.withdrawn_on is not None:
            _clean(rec.withdrawn_reason, "withdrawn_reason", "The reason for withdrawing it",
                   200, multiline=False, required=True)
        elif rec.withdrawn_reason is not None:
            raise RuleViolation("reason-not-allowed", "A withdrawal reason is given only "
                                "with the withdrawal date.", "withdrawn_reason")
        if row is not None:
            self._present("module_session", rec.ref, row, pid, [
                ("date", rec.date, row.session_date),
                ("supporter_role", rec.supporter_role, row.supporter_role),
                ("supporter_name", rec.supporter_name, row.supporter_name),
                ("completed", rec.completed, row.completed), ("notes", rec.notes, row.notes),
                ("withdrawn_on", rec.withdrawn_on, row.withdrawn_on),
                ("withdrawn_reason", rec.withdrawn_reason, row.withdrawn_reason)])
            return False
        sid = self._new_id("module_session")
        self.pending["module_session"].append((
            sid, rec.ref, pid, self.d(rec.date), rec.supporter_role, rec.supporter_name,
            rec.completed, rec.notes, self.d(rec.withdrawn_on), rec.withdrawn_reason))
        sessions = self.sessions[pid]
        if rec.withdrawn_on is None:  # a withdrawn session counts for nothing
            sessions.append(ModuleSession(s.session_date, s.supporter_role,
                                          s.supporter_name, s.completed, None, sid))
            self.session_undo.append(pid)
        self.touched_people.add(pid)
        self._audit(line, "module_session", "module_session", sid, pid, rec.ref)
        return True

    def contact(self, line: int, rec: fmt.Contact) -> bool:
        pid = self._person_id(rec.crn)
        row = self._claim("contact", rec.ref, "contact")
        order_id = self._find("sentence_order", rec.order, pid, "order", "order")
        nsi_id = self._find("nsi", rec.nsi, pid, "nsi", "NSI")
        if nsi_id is not None:
            nsi_order = self._nsi_order(nsi_id)
            if order_id is None:
                order_id = nsi_order
            elif nsi_order not in (None, order_id):
                raise RuleViolation("nsi-order-mismatch", "That NSI is delivered under a "
                                    "different order.", "order")
        req = self._requirement(order_id) if order_id is not None else None
        cat = self.desk.contact_catalogue
        checked = contacts.check_contact(cat, ContactDetails(
            rec.contact_type, rec.at, order_id, nsi_id, rec.rar_activity, rec.notes), req)
        _as_given("notes", "The notes", rec.notes, checked.notes)
        if rec.outcome is not None:
            _o, why = contacts.check_outcome(cat, checked.at, rec.outcome, rec.absence_reason,
                                             self.now)
            _as_given("absence_reason", "The absence reason", rec.absence_reason, why)
        elif rec.absence_reason is not None:
            raise RuleViolation("reason-not-allowed", "A reason is given only with an "
                                "outcome.", "absence_reason")
        if rec.cancelled_on is None and rec.cancel_reason is not None:
            raise RuleViolation("reason-not-allowed", "A cancellation reason is given only "
                                "with the cancellation date.", "cancel_reason")
        _clean(rec.cancel_reason, "cancel_reason", "The cancellation reason", 200)
        corrections = []
        for i, k in enumerate(rec.corrections):
            _clean(k.text, f"corrections[{i}].text", "The note of correction",
                   NOTES_MAX, required=True)
            by = self.actor if k.by is None else _clean(
                k.by, f"corrections[{i}].by", "The correction's 'by'", NAME_MAX,
                multiline=False, required=True)
            corrections.append((k.at, by, k.text))
        if row is not None:
            self._present("contact", rec.ref, row, pid, [
                ("order", order_id, row.order_id), ("nsi", nsi_id, row.nsi_id),
                ("contact_type", rec.contact_type, row.contact_type), ("at", rec.at, row.at),
                *((name, getattr(rec, name), getattr(row, name)) for name in (
                    "rar_activity", "notes", "outcome", "absence_reason", "cancelled_on",
                    "cancel_reason")),
                ("corrections", True, self._same_corrections(row.id, rec.corrections))])
            return False
        cid = self._new_id("contact")
        self.pending["contact"].append((
            cid, rec.ref, pid, order_id, nsi_id, rec.contact_type, self.ts(rec.at),
            rec.rar_activity, rec.notes, rec.outcome, rec.absence_reason,
            self.d(rec.cancelled_on), rec.cancel_reason, self.actor, self.at_stored, 1))
        for at, by, text_ in corrections:
            self.pending["contact_correction"].append((
                self._new_id("contact_correction"), cid, self.ts(at), by, text_))
        self._audit(line, "contact", "contact", cid, pid, rec.ref)
        return True

    def _same_corrections(self, contact_id: int, given: list[fmt.Correction]) -> bool:
        rows = self._lookup().execute(
            select(table_of(ContactCorrection))
            .where(ContactCorrection.contact_id == contact_id)
            .order_by(ContactCorrection.id)).all()
        return len(rows) == len(given) and all(
            _aware(r.at) == k.at and r.text == k.text and (k.by is None or r.by_name == k.by)
            for r, k in zip(rows, given, strict=True))

    def si_referral(self, line: int, rec: fmt.SiReferral) -> bool:
        pid = self._person_id(rec.crn)
        row = self._claim("si_referral", rec.ref, "SI referral")
        _clean(rec.name, "name", "The intervention's name", NAME_MAX, multiline=False,
               required=True)
        interventions.check_referral(rec.referral_date, self.today, rec.name)
        if rec.start_date is not None:
            state = module.module_state(self._all_sessions(pid))
            interventions.check_start(state, rec.referral_date, rec.start_date, self.today)
        if row is not None:
            self._present("si_referral", rec.ref, row, pid, [
                ("need_area", rec.need_area, row.need_area), ("name", rec.name, row.name),
                ("referral_date", rec.referral_date, row.referral_date),
                ("start_date", rec.start_date, row.start_date)])
            return False
        rid = self._new_id("si_referral")
        self.pending["si_referral"].append((
            rid, rec.ref, pid, rec.need_area, rec.name, self.d(rec.referral_date),
            self.d(rec.start_date)))
        self._audit(line, "si_referral", "si_referral", rid, pid, rec.ref)
        return True

    def sign_off(self, line: int, rec: fmt.SignOff) -> bool:
        pid = self._person_id(rec.crn)
        row = self._claim("sign_off", rec.ref, "sign-off")
        state = module.module_state(self._all_sessions(pid))
        # The record is history: it was signed by a treatment manager (by_name), whoever
        # is importing it now; every other rule of a sign-off applies.
        by_name, comment = check_sign_off(Role.TREATMENT_MANAGER, _SIGN_OFF_KIND[rec.kind],
                                          state, rec.date, self.today, rec.by_name,
                                          rec.comment)
        _as_given("by_name", "The treatment manager's name", rec.by_name, by_name)
        if self.login is not None and rec.by_name != self.login:
            raise RuleViolation(
                "signed-by-another-login",
                f"On this team database the server records the login that signs off, so a "
                f"sign-off by '{rec.by_name}' can only be imported by that login (you are "
                f"'{self.login}'). Nothing was changed.", "by_name")
        _as_given("comment", "The comment", rec.comment, comment)
        if row is not None:
            self._present("sign_off", rec.ref, row, pid, [
                ("kind", rec.kind, row.kind), ("date", rec.date, row.on_date),
                ("by_name", rec.by_name, row.by_name), ("comment", rec.comment, row.comment),
                ("recorded_at", rec.recorded_at or _aware(row.recorded_at),
                 _aware(row.recorded_at))])
            return False
        fid = self._new_id("sign_off")
        self.pending["sign_off"].append((
            fid, rec.ref, pid, rec.kind, self.d(rec.date), rec.by_name, rec.comment,
            self.at_stored if rec.recorded_at is None else self.ts(rec.recorded_at)))
        self._audit(line, "sign_off", "sign_off", fid, pid, rec.ref)
        return True

    HANDLERS: dict[type, Callable[[_Importer, int, Any], bool]] = {
        fmt.Person: person, fmt.Order: order, fmt.Nsi: nsi,
        fmt.ModuleSession: module_session, fmt.Contact: contact,
        fmt.SiReferral: si_referral, fmt.SignOff: sign_off,
    }

    def _all_sessions(self, pid: int) -> list[ModuleSession]:
        """Sessions already in the database (for people who existed before) plus this file's."""
        stored: list[ModuleSession] = []
        if 0 < pid < self.first_person_id or pid in self.external_people:
            stored = [ModuleSession(r.session_date, SupporterRole[r.supporter_role],
                                    r.supporter_name, r.completed, None, r.id)
                      for r in self._lookup().execute(
                          select(table_of(ModuleSessionRow))
                          .where(ModuleSessionRow.person_id == pid,
                                 ModuleSessionRow.withdrawn_on.is_(None)))]
        seen = {s.id for s in stored}
        return stored + [s for s in self.sessions.get(pid, []) if s.id not in seen]

    # -------------------------------------------------------------- saving
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
    def _start_writer(self) -> None:
        """Start the writing process; if it cannot start, batches are written here."""
        assert self.path is not None
        try:
            writer = WriteProcess(self.path)
        except (OSError, RuntimeError, ValueError):
            logger.warning("import: second writing process not started; writing in-process")
            self.path = None
            return
        try:
            writer.ready()
        except Exception:
            writer.close()
            logger.warning("import: second writing process has no database; writing "
                           "in-process")
            self.path = None
            return
        self.writer = writer
        # Its connection's first look came after this import's snapshot: if anyone has
        # committed since that snapshot, the first batch it gets is checked again.
        with self.write_con.begin():
            self.stale = self._data_version(self.write_con) != self.data_version

    def _hand_over(self) -> None:
        """Give the pending batch to the writing process and start the next window."""
        assert self.writer is not None
        statements = self._statements()
        self.close()
        try:
            self.writer.send(statements, stale=self.stale)
        except Exception as exc:
            raise BatchFailed(self.pending_lines[0], exc) from exc
        self.stale = False
        self.flight = _Flight(self.pending_lines[0], self.window[-1][0],
                              len(self.pending_lines), dict(self.batch_counts), self.window,
                              self.session_undo, self.marks)
        self.pending, self.pending_lines = defaultdict(list), []
        self.batch_counts = defaultdict(int)
        self._new_window()

    def _land(self) -> None:
        """Hear how the batch in flight ended, and count it; a refusal is BatchFailed.

        If someone else committed before the writing process took the write lock, it
        holds the lock and waits: the batch's records are checked again here against
        the database as it now is, and so are the records read since (they were checked
        as if the batch had been written as it was).
        """
        flight, writer = self.flight, self.writer
        assert flight is not None and writer is not None
        later: list[tuple[int, Any]] | None = None
        try:
            kind, last_audit = writer.outcome()
            if kind == "changed":
                later = self.window
                self.window = flight.window
                self.session_undo = flight.session_undo + self.session_undo
                self.marks = flight.marks
                self._recheck()
                statements = self._statements()
                self.close()
                writer.rows(statements)
                flight.lines, flight.counts = len(self.pending_lines), dict(self.batch_counts)
                kind, last_audit = writer.outcome()
        except Exception as exc:
            self.flight = None
            raise BatchFailed(flight.first, exc) from exc
        self.flight = None
        self.audit_seen = int(last_audit)
        self.saved += flight.lines
        for name, n in flight.counts.items():
            self.saved_counts[name] += n
        self.settled = flight.last
        if later is not None:  # the records read meanwhile, checked again after it
            self.pending, self.pending_lines = defaultdict(list), []
            self.batch_counts = defaultdict(int)
            self._new_window()
            for line, rec in later:
                self.take(line, rec)

    def land_all(self) -> None:
        """Wait for the batch in flight; stop the writing process."""
        try:
            if self.flight is not None:
                self._land()
        finally:
            self.stop_writer()

    def stop_writer(self) -> None:
        """Stop the writing process (a batch it is writing is finished or rolled back)."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None
            self.flight = None

    def _statements(self) -> Statements:
        """The pending batch as SQL and rows for the SQLite driver, in write order."""
        pending = self.pending
        out: Statements = [(_INSERT_SQL[name], rows) for name in _COLUMNS
                           if (rows := pending.get(name))]
        opened, modules = self._counter_rows(pending)
        if opened:
            out.append((_OPENED_SQL, opened))
        if modules:
            out.append((_MODULE_SQL, [(status, self.d(done), pid)
                                      for status, done, pid in modules]))
        return out

    def _write(self) -> None:
        """One transaction: the rows, their people's counters and their audit rows.

        Everything that summarises the rows is written with them, so a kill, a full disk
        or a refused batch can never leave a person's open count or module status out of
        step with the rows that are really there.
        """
        con = self.write_con
        with con.begin():  # SQLite: BEGIN IMMEDIATE (the write lock)
            if self.sqlite:
                version = self._data_version(con)
                if version != self.data_version:
                    self._recheck()  # someone else committed: check again, under the lock
                    self.close()
                    self.data_version = version
                con.exec_driver_sql("PRAGMA cache_size=-65536")  # 64 MB while loading
            else:
                self._note_others(con, self.audit_seen)
            pending = self.pending
            for name, cols in _COLUMNS.items():
                rows = pending.get(name)
                if rows:
                    insert_tuples(con, table_of(_MODELS[name]), cols, rows)
            self._write_counters(con, pending)
            self.audit_seen = int(con.execute(select(func.max(AuditEntry.id))).scalar() or 0)

    _NSI_PERSON = _COLUMNS["nsi"].index("person_id")
    _NSI_ACTIVE = _COLUMNS["nsi"].index("active")
    _SESSION_PERSON = _COLUMNS["module_session"].index("person_id")

    def _counter_rows(self, pending: dict[str, list[tuple[Any, ...]]]
                      ) -> tuple[list[tuple[int, int]],
                                 list[tuple[str, dt.date | None, int]]]:
        """This batch's additions to people's open NSI counts, ``(n, person id)``, and
        the module state of everyone it adds sessions for, ``(status, completed on,
        person id)``."""
        opened: dict[int, int] = defaultdict(int)
        who, active = self._NSI_PERSON, self._NSI_ACTIVE
        for row in pending.get("nsi", ()):
            if row[active]:
                opened[row[who]] += 1
        modules = []
        for pid in sorted({row[self._SESSION_PERSON]
                           for row in pending.get("module_session", ())}):
            state = module.module_state(self._all_sessions(pid))
            modules.append((state.status.name, state.completed_on, pid))
        return [(n, pid) for pid, n in opened.items()], modules

    def _write_counters(self, con: Connection, pending: dict[str, list[tuple[Any, ...]]]
                        ) -> None:
        """Add this batch's open NSIs to their people's counts; set their module state."""
        opened, modules = self._counter_rows(pending)
        if self.sqlite:  # straight to the driver: tuples, no compiled statement
            if opened:
                con.exec_driver_sql(_OPENED_SQL, opened)
            if modules:
                con.exec_driver_sql(_MODULE_SQL, [(status, self.d(done), pid)
                                                  for status, done, pid in modules])
            return
        t = table_of(Person)
        if opened:
            con.execute(update(t).where(t.c.id == bindparam("b_id"))
                        .values(open_nsis=t.c.open_nsis + bindparam("b_n")),
                        [{"b_id": pid, "b_n": n} for n, pid in opened])
        if modules:
            con.execute(update(t).where(t.c.id == bindparam("b_id"))
                        .values(module_status=bindparam("b_status"),
                                module_completed_on=bindparam("b_done")),
                        [{"b_id": pid, "b_status": status, "b_done": done}
                         for status, done, pid in modules])

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
        if result.stopped is None or imp.saved:
            imp.finish()
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
    except SQLAlchemyError:
        # Say, the disk is full: the rows are whole without them, and opening the
        # database rebuilds any index that is missing.
        logger.warning("indexes not rebuilt after import")


_record_decoder = msgspec.json.Decoder(fmt.Record)


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
    except BatchFailed as exc:  # the database refused a batch: it was rolled back whole
        res.stopped = (f"The import stopped: {_why_refused(exc.__cause__)}, so the "
                       f"records from line {exc.first_line} on were not saved; the "
                       f"{imp.saved} record(s) before them were.")
    res.accepted = imp.saved
    res.counts = defaultdict(int, imp.saved_counts)
    return res


def _pg_retryable(exc: BaseException) -> bool:
    """A PostgreSQL deadlock victim (40P01) or serialization failure (40001): the
    transaction was rolled back whole and may simply be run again."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in {"40P01", "40001"}


def _why_refused(cause: BaseException | None) -> str:
    """Why the database refused a batch, in plain words."""
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


# ------------------------------------------------------------------------ reading
class FileRefused(ValueError):
    """The file as a whole cannot be imported (no header, another format...)."""


def _lines(fh: IO[bytes]) -> Iterator[tuple[int, bytes | Refusal]]:
    """Raw lines, each at most MAX_LINE_BYTES read into memory (longer ones are skipped)."""
    number = 0
    readline = fh.readline
    while True:
        raw = readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            yield number, _too_long(fh, raw, number)
            continue
        yield number, raw


def _too_long(fh: IO[bytes], raw: bytes, number: int) -> Refusal:
    """Skip the rest of an over-long line in bounded pieces; its refusal."""
    size = len(raw)
    while raw and not raw.endswith(b"\n"):
        raw = fh.readline(MAX_LINE_BYTES)
        size += len(raw)
    return Refusal(number, "line-too-long", f"The line is {size:,} bytes long; no record of "
                   f"this format is longer than {MAX_LINE_BYTES:,} bytes, so it was not read.")


def read_records(fh: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """Decode a file: the header first (raises :class:`FileRefused`), then its records."""
    lines = _lines(fh)
    for number, raw in lines:
        if isinstance(raw, Refusal):
            raise FileRefused(f"Line {number} should be the header but is too long to be one, "
                              "so nothing was imported.")
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # a UTF-8 byte-order mark (RFC 8259 allows ignoring it)
        if not raw.strip():
            continue
        try:
            head = fmt.line_decoder.decode(raw)
        except msgspec.MsgspecError as exc:
            _rule, where, reason = fmt.describe(exc, raw)
            raise FileRefused(f"Line {number} should be the header "
                              f'{{"type":"header","format":"probation-desk","version":'
                              f"{FORMAT_VERSION}}} but is not ({reason}), so nothing was "
                              "imported.") from None
        if not isinstance(head, fmt.Header):
            raise FileRefused(f"Line {number} should be the header "
                              f'{{"type":"header","format":"probation-desk","version":'
                              f"{FORMAT_VERSION}}} but is a {head.__struct_config__.tag} "
                              "record, so nothing was imported.")
        if not fmt.OLDEST_READ <= head.version <= FORMAT_VERSION:
            raise FileRefused(
                f"This file is format version {head.version}; this Probation Desk reads "
                f"versions {fmt.OLDEST_READ} to {FORMAT_VERSION}. Update Probation Desk to "
                "import it. Nothing was imported.")
        break
    else:
        raise FileRefused("The file is empty: it has no header line, so nothing was imported.")
    if head.version < FORMAT_VERSION:
        yield from _read_older(lines)
        return
    # The rest read here directly rather than through _lines (one generator less per
    # line), with the same bound on what one line may hold in memory.
    decode = _record_decoder.decode
    readline = fh.readline
    limit = MAX_LINE_BYTES + 1
    while True:
        raw = readline(limit)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            yield number, _too_long(fh, raw, number)
            continue
        try:
            yield number, decode(raw)
        except msgspec.MsgspecError as exc:
            if not raw.strip():
                continue
            rule, where, reason = fmt.describe(exc, raw)
            if rule == "unknown-type" and b'"header"' in raw:
                reason = "A second header: the header comes once, on the first line."
            yield number, Refusal(number, rule, reason, where)


_LETTERS = {"module_session": "S", "contact": "C", "si_referral": "R", "sign_off": "SO"}
_MINUTES = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d$")


class _Upgrade:
    """Brings a line of an older format version (or a plain dict) to the current one."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], int] = defaultdict(int)

    def __call__(self, obj: Any) -> Any:
        if not isinstance(obj, dict):
            return obj
        kind = obj.get("type")
        if kind == "activity":  # version 1: a past contact, as migration 0010 maps it
            known = {"type", "crn", "order", "nsi", "date", "rar_activity", "attended",
                     "description"}
            attended = obj.get("attended", True)
            day = obj.get("date")
            obj = {"type": "contact", "crn": obj.get("crn"), "order": obj.get("order"),
                   "nsi": obj.get("nsi"),
                   "contact_type": "TOOLKIT_SESSION" if obj.get("nsi") else "OTHER",
                   "at": f"{day}T00:00:00" if isinstance(day, str) else day,
                   "rar_activity": obj.get("rar_activity", True),
                   "notes": obj.get("description"),
                   "outcome": ("ATTENDED_COMPLIED" if attended is True else
                               "ACCEPTABLE_ABSENCE" if attended is False else attended),
                   "absence_reason": None if attended is True else "OTHER",
                   **{k: v for k, v in obj.items() if k not in known}}
            kind = "contact"
        if kind == "contact" and isinstance(obj.get("at"), str) and _MINUTES.match(obj["at"]):
            obj = {**obj, "at": obj["at"] + ":00"}
        letter = _LETTERS.get(kind) if isinstance(kind, str) else None
        if letter is not None and "ref" not in obj:
            crn = str(obj.get("crn"))
            self.numbers[crn, letter] += 1
            obj = {**obj, "ref": f"{crn}/{letter}{self.numbers[crn, letter]}"}
        return obj


def upgrade(obj: Any) -> Any:
    """A plain dict record in the current format (refs it lacks are numbered from 1)."""
    return _Upgrade()(obj)


def _convert(number: int, obj: Any) -> Any:
    """Check a decoded value against the format strictly: a record or a Refusal."""
    try:
        return msgspec.convert(obj, fmt.Record, strict=True)
    except msgspec.ValidationError as exc:
        rule, where, reason = fmt.describe(exc, msgspec.json.encode(obj))
        return Refusal(number, rule, reason, where)


def _read_older(lines: Iterator[tuple[int, bytes | Refusal]]) -> Iterator[tuple[int, Any]]:
    """Lines of an older version: decoded, brought up to date, then checked as strictly."""
    upgrade_line = _Upgrade()
    for number, raw in lines:
        if isinstance(raw, Refusal):
            yield number, raw
            continue
        if not raw.strip():
            continue
        try:
            obj = msgspec.json.decode(raw)
        except msgspec.DecodeError as exc:
            rule, where, reason = fmt.describe(exc, raw)
            yield number, Refusal(number, rule, reason, where)
            continue
        yield number, _convert(number, upgrade_line(obj))


def import_file(desk: Desk, path: str | Path, **kwargs: Any) -> ImportResult:
    """Import a JSON Lines export file (see the README for the format)."""
    p = Path(path)
    with p.open("rb") as fh:
        try:
            records = read_records(fh)
            first = next(records, None)
        except FileRefused as exc:
            return ImportResult(stopped=str(exc))
        chain: Iterable[tuple[int, Any]] = records if first is None else itertools.chain(
            (first,), records)
        return import_records(desk, chain, source=p.name, **kwargs)


# ------------------------------------------------------------------------ export
def export_records(desk: Desk) -> Iterator[fmt.Header | fmt.Record]:
    """Every record in import order, each with its stable reference."""
    yield fmt.Header(format="probation-desk", version=FORMAT_VERSION)
    # One snapshot for the whole export: one read transaction on SQLite (the engine
    # begins it itself), REPEATABLE READ on PostgreSQL.
    options: dict[str, Any] = {"yield_per": 5000}
    if desk.engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    with desk.engine.connect().execution_options(**options) as con:
        crn_of: dict[int, str] = {}
        for p in con.execute(select(table_of(Person)).order_by(Person.id)):
            crn_of[p.id] = p.crn
            yield fmt.Person(crn=p.crn, name=p.name, date_of_birth=p.date_of_birth,
                             region=p.region, pdu=p.pdu, practitioner=p.practitioner,
                             language=p.language, print_needs=p.print_needs)
        order_ref: dict[int, str] = {}
        for o in con.execute(select(table_of(Order)).order_by(Order.id)):
            order_ref[o.id] = o.ref
            yield fmt.Order(ref=o.ref, crn=crn_of[o.person_id], kind=o.kind,
                            start_date=o.start_date, end_date=o.end_date,
                            rar_max_days=o.rar_max_days,
                            rar_terminated_on=o.rar_terminated_on,
                            rar_termination_reason=o.rar_termination_reason)
        nsi_ref: dict[int, str] = {}
        hist_rows = iter(con.execute(select(table_of(NsiStatusHistory))
                                     .order_by(NsiStatusHistory.nsi_id, NsiStatusHistory.id)))
        pending_h = next(hist_rows, None)
        for n in con.execute(select(table_of(Nsi)).order_by(Nsi.id)):
            nsi_ref[n.id] = n.ref
            history = []
            while pending_h is not None and pending_h.nsi_id <= n.id:
                if pending_h.nsi_id == n.id:
                    history.append(fmt.HistoryEntry(
                        status=pending_h.status, date=pending_h.status_date,
                        by=pending_h.recorded_by, at=_aware(pending_h.recorded_at),
                        note=pending_h.note))
                pending_h = next(hist_rows, None)
            yield fmt.Nsi(ref=n.ref, crn=crn_of[n.person_id],
                          order=order_ref.get(n.order_id) if n.order_id else None,
                          toolkit=n.toolkit, status=n.status, referral_date=n.referral_date,
                          expected_start=n.expected_start, expected_end=n.expected_end,
                          actual_start=n.actual_start, actual_end=n.actual_end,
                          outcome=n.outcome, notes=n.notes, practitioner=n.practitioner,
                          previous=nsi_ref.get(n.previous_nsi_id) if n.previous_nsi_id
                          else None, history=history)
        for s in con.execute(select(table_of(ModuleSessionRow)).order_by(ModuleSessionRow.id)):
            yield fmt.ModuleSession(ref=s.ref, crn=crn_of[s.person_id], date=s.session_date,
                                    supporter_role=s.supporter_role,
                                    supporter_name=s.supporter_name, completed=s.completed,
                                    notes=s.notes, withdrawn_on=s.withdrawn_on,
                                    withdrawn_reason=s.withdrawn_reason)
        corr_rows = iter(con.execute(select(table_of(ContactCorrection)).order_by(
            ContactCorrection.contact_id, ContactCorrection.id)))
        pending_k = next(corr_rows, None)
        for c in con.execute(select(table_of(Contact)).order_by(Contact.id)):
            corrections = []
            while pending_k is not None and pending_k.contact_id <= c.id:
                if pending_k.contact_id == c.id:
                    corrections.append(fmt.Correction(at=_utc(pending_k.at),
                                                      by=pending_k.by_name,
                                                      text=pending_k.text))
                pending_k = next(corr_rows, None)
            yield fmt.Contact(ref=c.ref, crn=crn_of[c.person_id],
                              order=order_ref.get(c.order_id) if c.order_id else None,
                              nsi=nsi_ref.get(c.nsi_id) if c.nsi_id else None,
                              contact_type=c.contact_type, at=c.at,
                              rar_activity=c.rar_activity, notes=c.notes, outcome=c.outcome,
                              absence_reason=c.absence_reason, cancelled_on=c.cancelled_on,
                              cancel_reason=c.cancel_reason, corrections=corrections)
        for r in con.execute(select(table_of(SiReferral)).order_by(SiReferral.id)):
            yield fmt.SiReferral(ref=r.ref, crn=crn_of[r.person_id], need_area=r.need_area,
                                 name=r.name, referral_date=r.referral_date,
                                 start_date=r.start_date)
        for f in con.execute(select(table_of(SignOff)).order_by(SignOff.id)):
            yield fmt.SignOff(ref=f.ref, crn=crn_of[f.person_id], kind=f.kind, date=f.on_date,
                              by_name=f.by_name, comment=f.comment,
                              recorded_at=_aware(f.recorded_at))


def export_file(desk: Desk, path: str | Path) -> int:
    """Write every record to ``path`` (JSON Lines, UTF-8, owner-only); the record count.

    The whole export is read in one snapshot, so writers working meanwhile neither break
    it nor leave it half of one state and half of another. If the database file turns
    out damaged part-way, what could be read is kept at ``path`` and
    :class:`ExportDamaged` says how far it got.
    """
    from sqlalchemy.exc import DatabaseError

    from probation_desk.files import private_file

    n = 0
    damage: str | None = None
    encode = fmt.encoder.encode_into
    buf = bytearray()
    with private_file(path) as fh:
        try:
            for rec in export_records(desk):
                encode(rec, buf)
                buf.extend(b"\n")
                fh.write(buf)
                n += 1
        except DatabaseError as exc:
            damage = str(exc.orig or exc)
    if damage is not None:
        raise ExportDamaged(max(n - 1, 0), damage, str(path))
    return n - 1


class ExportDamaged(DatabaseProblem):
    """The database was damaged part-way through an export; what was read is saved."""

    def __init__(self, records: int, problem: str, path: str) -> None:
        super().__init__(
            f"The database file is damaged ({problem}). The export kept the {records} "
            f"record(s) that could be read before the damage, in {path}; the rest could "
            "not be read. Restore the database from a backup (probation-desk restore).")
        self.records = records

