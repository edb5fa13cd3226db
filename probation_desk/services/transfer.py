"""Export and import: a JSON Lines file of people, orders, NSIs, module sessions,
contacts and Structured Intervention referrals (``activity`` lines of the older
format are still read, and become contacts with the migration's meaning).

Import checks every record with the same domain rules the window uses (an NSI goes
through ``check_open`` as history, a session through ``check_session``...). Refused
records are reported with their line number and reason; accepted records are saved
in batches, each batch one transaction with one audit row per record, so an import
that stops leaves whole records only. The demo generator feeds its records through
this same import.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Connection,
    bindparam,
    func,
    select,
    text,
    update,
)

from probation_desk.domain import contacts, module, nsi, people
from probation_desk.domain.contacts import ContactDetails, Requirement
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.interventions import NeedArea
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.nsi import NsiFields, Outcome, Status
from probation_desk.domain.people import (
    Language,
    OrderDetails,
    OrderKind,
    PersonDetails,
    PrintNeeds,
)
from probation_desk.services.desk import Desk, name_key, now_utc
from probation_desk.store.bulk import bulk_insert
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
    SiReferral,
    table_of,
)

FORMAT_VERSION = 2
"""2 added ``contact`` lines, order termination and session withdrawal; 1 is still read."""
RECORD_TYPES = ("header", "person", "order", "nsi", "module_session", "contact",
                "activity", "si_referral")


class BatchFailed(RuntimeError):
    """A batch of accepted records could not be written; nothing of it was saved."""

    def __init__(self, first_line: int, cause: Exception) -> None:
        super().__init__(f"batch from line {first_line} failed: {cause}")
        self.first_line = first_line


@dataclass
class Refusal:
    """One record that was not imported."""

    line: int
    rule: str
    reason: str


@dataclass
class ImportResult:
    """What an import did."""

    accepted: int = 0
    refused: list[Refusal] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    stopped: str | None = None
    cancelled: bool = False

    def as_json(self) -> dict[str, Any]:
        """The result for ``--json`` output."""
        return {"accepted": self.accepted, "refused": len(self.refused),
                "counts": dict(self.counts), "stopped": self.stopped,
                "cancelled": self.cancelled,
                "refusals": [{"line": r.line, "rule": r.rule, "reason": r.reason}
                             for r in self.refused]}


def _d(value: Any, label: str, required: bool = False) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise RuleViolation("required", f"The {label} is missing.", label)
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RuleViolation("bad-date", f"The {label} '{value}' is not a date "
                            "(expected YYYY-MM-DD).", label) from None


def _enum(kind: Any, value: Any, label: str) -> Any:
    try:
        return kind[value]
    except (KeyError, TypeError):
        allowed = ", ".join(kind.__members__)
        raise RuleViolation("bad-value", f"'{value}' is not a valid {label} "
                            f"(one of {allowed}).", label) from None


def _bool(value: Any, label: str) -> bool:
    if not isinstance(value, bool):
        raise RuleViolation("bad-value", f"The field '{label}' must be true or false.", label)
    return value


def _req(rec: dict[str, Any], key: str) -> Any:
    if key not in rec or rec[key] is None:
        raise RuleViolation("required", f"The field '{key}' is missing.", key)
    return rec[key]


class _Importer:
    """Holds the state of one import: id maps, pending rows and counters."""

    def __init__(self, desk: Desk, source: str, batch_size: int) -> None:
        self.desk = desk
        self.source = source
        self.batch_size = batch_size
        self.today = desk.today
        self.result = ImportResult()
        with desk.engine.connect() as con:
            self.crn_to_id: dict[str, int] = dict(
                con.execute(select(Person.crn, Person.id)).all())
            self.next_id = {
                m.__tablename__: (con.execute(select(func.max(m.id))).scalar() or 0) + 1
                for m in (Person, Order, Nsi, NsiStatusHistory, ModuleSessionRow,
                          Contact, ContactCorrection, SiReferral)
            }
            self.open_counts: dict[tuple[int, str], int] = {
                (pid, kit): n for pid, kit, n in con.execute(
                    select(Nsi.person_id, Nsi.toolkit, func.count())
                    .where(Nsi.active.is_(True)).group_by(Nsi.person_id, Nsi.toolkit))
            }
        self.order_refs: dict[str, tuple[int, int]] = {}  # ref -> (order id, person id)
        self.requirements: dict[int, Requirement | None] = {}  # order id -> its RAR
        self.nsi_orders: dict[int, int | None] = {}  # NSI id -> its order id
        self.nsi_refs: dict[str, tuple[int, int]] = {}
        self.pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.pending_lines: list[int] = []
        self.batch_audit: dict[str, list[int]] = {}
        self.saved = 0
        self.saved_counts: dict[str, int] = defaultdict(int)
        self.batch_counts: dict[str, int] = defaultdict(int)
        self.touched_people: set[int] = set()
        self.sessions: dict[int, list[ModuleSession]] = defaultdict(list)
        self.at = now_utc()
        self.first_person_id = self.next_id["person"]
        self.source_json = json.dumps(source, ensure_ascii=False)

    def _new_id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _audit(self, line: int, kind: str, entity_id: int, person_id: int,
               rec: dict[str, Any]) -> None:
        """Note an imported record for this batch's audit row (one row per record type)."""
        entry = self.batch_audit.get(kind)
        if entry is None:
            self.batch_audit[kind] = [1, line, line, entity_id, entity_id]
        else:
            entry[0] += 1
            entry[2] = line
            entry[4] = entity_id

    def _person_id(self, rec: dict[str, Any]) -> int:
        crn = people.check_crn(str(_req(rec, "crn")))
        pid = self.crn_to_id.get(crn)
        if pid is None:
            raise RuleViolation("unknown-person", f"No person with CRN {crn} is in the "
                                "database or earlier in this file.", "crn")
        return pid

    # -------------------------------------------------------------- records
    def person(self, line: int, rec: dict[str, Any]) -> None:
        details = people.check_person(PersonDetails(
            crn=str(_req(rec, "crn")), name=str(_req(rec, "name")),
            date_of_birth=_d(rec.get("date_of_birth"), "date of birth"),
            region=str(_req(rec, "region")), pdu=str(_req(rec, "pdu")),
            practitioner=str(_req(rec, "practitioner")),
            language=_enum(Language, rec.get("language", "ENGLISH"), "language"),
            print_needs=_enum(PrintNeeds, rec.get("print_needs", "STANDARD"), "print needs"),
        ), self.today)
        if details.crn in self.crn_to_id:
            raise RuleViolation("duplicate-crn", f"A person with the CRN {details.crn} is "
                                "already recorded.", "crn")
        pid = self._new_id("person")
        self.crn_to_id[details.crn] = pid
        self.pending["person"].append({
            "id": pid, "crn": details.crn, "name": details.name,
            "name_key": name_key(details.name), "date_of_birth": details.date_of_birth,
            "region": details.region, "pdu": details.pdu,
            "practitioner": details.practitioner, "language": details.language.name,
            "print_needs": details.print_needs.name, "open_nsis": 0,
            "module_status": module.ModuleStatus.NOT_STARTED.name,
            "module_completed_on": None})
        self.touched_people.add(pid)
        self._audit(line, "person", pid, pid, rec)

    def order(self, line: int, rec: dict[str, Any]) -> None:
        pid = self._person_id(rec)
        ref = str(_req(rec, "ref"))
        if ref in self.order_refs:
            raise RuleViolation("duplicate-ref", f"The order reference {ref} is used twice.")
        d = people.check_order(OrderDetails(
            _enum(OrderKind, _req(rec, "kind"), "order kind"),
            _d(rec.get("start_date"), "start date", True),  # type: ignore[arg-type]
            _d(rec.get("end_date"), "end date", True),  # type: ignore[arg-type]
            rec.get("rar_max_days")))
        terminated = _d(rec.get("rar_terminated_on"), "RAR termination date")
        reason = None
        if terminated is not None:
            if d.rar_max_days is None:
                raise RuleViolation("no-rar", "Only a RAR requirement can be terminated.",
                                    "rar_terminated_on")
            reason = contacts.check_termination(
                Requirement(0, d.start, d.end, d.rar_max_days), terminated,
                rec.get("rar_termination_reason"), self.today)
        oid = self._new_id("sentence_order")
        self.order_refs[ref] = (oid, pid)
        self.requirements[oid] = (None if d.rar_max_days is None else Requirement(
            oid, d.start, d.end, d.rar_max_days, terminated))
        self.pending["sentence_order"].append({
            "id": oid, "person_id": pid, "kind": d.kind.name, "start_date": d.start,
            "end_date": d.end, "rar_max_days": d.rar_max_days,
            "rar_terminated_on": terminated, "rar_termination_reason": reason})
        self.touched_people.add(pid)
        self._audit(line, "order", oid, pid, rec)

    def _order_id(self, rec: dict[str, Any], pid: int) -> int | None:
        ref = rec.get("order")
        if ref is None:
            return None
        found = self.order_refs.get(str(ref))
        if found is None or found[1] != pid:
            raise RuleViolation("unknown-order", f"The order {ref} is not this person's order "
                                "earlier in this file.", "order")
        return found[0]

    def nsi(self, line: int, rec: dict[str, Any]) -> None:
        pid = self._person_id(rec)
        ref = str(_req(rec, "ref"))
        if ref in self.nsi_refs:
            raise RuleViolation("duplicate-ref", f"The NSI reference {ref} is used twice.")
        order_id = self._order_id(rec, pid)
        kit = self.desk.toolkit(str(_req(rec, "toolkit")))
        outcome = rec.get("outcome")
        fields = NsiFields(
            toolkit=kit.code, status=_enum(Status, _req(rec, "status"), "status"),
            referral_date=_d(rec.get("referral_date"), "referral date", True),
            expected_start=_d(rec.get("expected_start"), "expected start date"),
            expected_end=_d(rec.get("expected_end"), "expected end date"),
            actual_start=_d(rec.get("actual_start"), "start date"),
            actual_end=_d(rec.get("actual_end"), "end date"),
            outcome=_enum(Outcome, outcome, "outcome") if outcome else None,
            notes=rec.get("notes"), practitioner=rec.get("practitioner"))
        key = (pid, kit.code)
        checked = nsi.check_open(kit, fields, self.today,
                                 open_of_same_toolkit=self.open_counts.get(key, 0),
                                 historical=True)
        previous = None
        if rec.get("previous"):
            prev = self.nsi_refs.get(str(rec["previous"]))
            if prev is None or prev[1] != pid:
                raise RuleViolation("unknown-nsi", f"The earlier NSI {rec['previous']} is "
                                    "not this person's NSI earlier in this file.", "previous")
            previous = prev[0]
        history = self._history(rec.get("history"), checked)
        if order_id is not None:
            contacts.check_nsi_on_requirement(self.requirements.get(order_id),
                                              checked.actual_end)
        nid = self._new_id("nsi")
        self.nsi_refs[ref] = (nid, pid)
        self.nsi_orders[nid] = order_id
        if checked.is_open:
            self.open_counts[key] = self.open_counts.get(key, 0) + 1
        status_date = history[-1][1] if history else checked.referral_date
        self.pending["nsi"].append({
            "id": nid, "person_id": pid, "order_id": order_id, "toolkit": kit.code,
            "status": checked.status.name, "status_date": status_date,
            "referral_date": checked.referral_date, "expected_start": checked.expected_start,
            "expected_end": checked.expected_end, "actual_start": checked.actual_start,
            "actual_end": checked.actual_end,
            "outcome": checked.outcome.name if checked.outcome else None,
            "notes": checked.notes, "practitioner": checked.practitioner,
            "active": checked.is_open, "previous_nsi_id": previous,
            "version": int(rec.get("version") or 1)})
        for status, on, by, at, note in history:
            self.pending["nsi_status_history"].append({
                "id": self._new_id("nsi_status_history"), "nsi_id": nid, "status": status,
                "status_date": on, "recorded_by": by, "recorded_at": at, "note": note})
        self.touched_people.add(pid)
        self._audit(line, "nsi", nid, pid, rec)

    def _history(self, raw: Any, f: NsiFields) -> list[tuple[str, dt.date, str, dt.datetime,
                                                             str | None]]:
        if not raw:
            assert f.referral_date is not None
            return [(f.status.name, f.actual_end or f.actual_start or f.referral_date,
                     self.desk.actor, self.at, "imported")]
        out = []
        for h in raw:
            status = _enum(Status, h.get("status"), "history status").name
            on = _d(h.get("date"), "history date", True)
            assert on is not None
            if on > self.today:
                raise RuleViolation("future-date", "A status history date is in the future.")
            try:
                at = dt.datetime.fromisoformat(h["at"]) if h.get("at") else self.at
            except (TypeError, ValueError):
                raise RuleViolation("bad-date", f"'{h.get('at')}' is not a timestamp.") from None
            note = h.get("note")
            out.append((status, on, str(h.get("by") or self.desk.actor), at,
                        None if note is None else str(note)[:200]))
        if out[-1][0] != f.status.name:
            raise RuleViolation("history-mismatch", "The last status in the history is not "
                                "the NSI's status.", "history")
        return out

    def module_session(self, line: int, rec: dict[str, Any]) -> None:
        pid = self._person_id(rec)
        s = module.check_session(ModuleSession(
            _d(rec.get("date"), "session date", True),  # type: ignore[arg-type]
            _enum(SupporterRole, _req(rec, "supporter_role"), "supporter role"),
            str(_req(rec, "supporter_name")), bool(rec.get("completed", False)),
            rec.get("notes")), self.today)
        withdrawn = _d(rec.get("withdrawn_on"), "withdrawal date")
        why = rec.get("withdrawn_reason")
        if withdrawn is not None and not (isinstance(why, str) and why.strip()):
            raise RuleViolation("required", "A withdrawn session needs the reason it was "
                                "withdrawn.", "withdrawn_reason")
        sid = self._new_id("module_session")
        self.pending["module_session"].append({
            "id": sid, "person_id": pid, "session_date": s.session_date,
            "supporter_role": s.supporter_role.name, "supporter_name": s.supporter_name,
            "completed": s.completed, "notes": s.notes, "withdrawn_on": withdrawn,
            "withdrawn_reason": None if withdrawn is None else str(why)[:200]})
        self.sessions.setdefault(pid, [])
        if withdrawn is None:
            self.sessions[pid].append(ModuleSession(s.session_date, s.supporter_role,
                                                    s.supporter_name, s.completed, None, sid))
        self.touched_people.add(pid)
        self._audit(line, "module_session", sid, pid, rec)

    def _nsi_id(self, rec: dict[str, Any], pid: int) -> int | None:
        if not rec.get("nsi"):
            return None
        found = self.nsi_refs.get(str(rec["nsi"]))
        if found is None or found[1] != pid:
            raise RuleViolation("unknown-nsi", f"The NSI {rec['nsi']} is not this "
                                "person's NSI earlier in this file.", "nsi")
        return found[0]

    def _add_contact(self, line: int, kind: str, pid: int, d: ContactDetails,
                     outcome: str | None, reason: str | None, rec: dict[str, Any],
                     cancelled: tuple[dt.date, str] | None = None,
                     corrections: list[tuple[dt.datetime, str, str]] | None = None) -> None:
        order_id = d.order_id
        if order_id is None and d.nsi_id is not None:
            order_id = self.nsi_orders.get(d.nsi_id)
        elif d.nsi_id is not None and self.nsi_orders.get(d.nsi_id) not in (None, order_id):
            raise RuleViolation("nsi-order-mismatch", "That NSI is delivered under a "
                                "different order.", "order")
        req = self.requirements.get(order_id) if order_id is not None else None
        checked = contacts.check_contact(self.desk.contact_catalogue, d, req)
        why = None
        if outcome is not None:
            o, why = contacts.check_outcome(self.desk.contact_catalogue, checked.at, outcome,
                                            reason, self.desk.now)
            outcome = o.code
        elif reason:
            raise RuleViolation("reason-not-allowed", "A reason is given only with an "
                                "outcome.", "absence_reason")
        cid = self._new_id("contact")
        self.pending["contact"].append({
            "id": cid, "person_id": pid, "order_id": order_id, "nsi_id": checked.nsi_id,
            "contact_type": checked.type_code, "at": checked.at,
            "rar_activity": checked.rar, "notes": checked.notes, "outcome": outcome,
            "absence_reason": why,
            "cancelled_on": cancelled[0] if cancelled else None,
            "cancel_reason": cancelled[1] if cancelled else None,
            "created_by": self.desk.actor, "created_at": self.at, "version": 1})
        for at, by, text_ in corrections or []:
            self.pending["contact_correction"].append({
                "id": self._new_id("contact_correction"), "contact_id": cid, "at": at,
                "by_name": by, "text": text_})
        self._audit(line, kind, cid, pid, rec)

    def activity(self, line: int, rec: dict[str, Any]) -> None:
        """An ``activity`` line of the older format: a past contact, as the migration maps it."""
        pid = self._person_id(rec)
        on = _d(rec.get("date"), "activity date", True)
        assert on is not None
        if on > self.today:
            raise RuleViolation("future-date", "An activity cannot be dated in the future.")
        order_id = self._order_id(rec, pid)
        nsi_id = self._nsi_id(rec, pid)
        desc = rec.get("description")
        attended = _bool(rec.get("attended", True), "attended")
        self._add_contact(
            line, "activity", pid,
            ContactDetails("TOOLKIT_SESSION" if nsi_id is not None else "OTHER",
                           dt.datetime.combine(on, dt.time()), order_id, nsi_id,
                           _bool(rec.get("rar_activity", True), "rar_activity"),
                           None if desc is None else str(desc)[:200]),
            "ATTENDED_COMPLIED" if attended else "ACCEPTABLE_ABSENCE",
            None if attended else "OTHER", rec)

    def contact(self, line: int, rec: dict[str, Any]) -> None:
        """A ``contact`` line: an appointment or contact, with its outcome if it has one."""
        pid = self._person_id(rec)
        raw_at = _req(rec, "at")
        try:
            at = dt.datetime.fromisoformat(str(raw_at))
        except ValueError:
            raise RuleViolation("bad-date", f"The contact time '{raw_at}' is not a date and "
                                "time (expected YYYY-MM-DDTHH:MM).", "at") from None
        if at.tzinfo is not None:
            raise RuleViolation("bad-date", "The contact time is local time, without a "
                                "time zone.", "at")
        notes = rec.get("notes")
        if notes is not None and not isinstance(notes, str):
            raise RuleViolation("bad-value", "The notes must be text.", "notes")
        outcome = rec.get("outcome")
        reason = rec.get("absence_reason")
        cancelled = None
        if rec.get("cancelled_on") is not None:
            on = _d(rec.get("cancelled_on"), "cancellation date")
            assert on is not None
            cancelled = (on, str(rec.get("cancel_reason") or "")[:200])
        corrections = []
        for k in rec.get("corrections") or []:
            if not isinstance(k, dict) or not isinstance(k.get("text"), str):
                raise RuleViolation("bad-value", "A correction must have its text.",
                                    "corrections")
            try:
                k_at = dt.datetime.fromisoformat(str(k.get("at")))
            except ValueError:
                raise RuleViolation("bad-date", "A correction's time is not a timestamp.",
                                    "corrections") from None
            corrections.append((k_at, str(k.get("by") or self.desk.actor), k["text"]))
        self._add_contact(
            line, "contact", pid,
            ContactDetails(str(_req(rec, "contact_type")), at, self._order_id(rec, pid),
                           self._nsi_id(rec, pid), _bool(rec.get("rar_activity", False),
                                                         "rar_activity"), notes),
            None if outcome is None else str(outcome),
            None if reason is None else str(reason), rec, cancelled, corrections)

    def si_referral(self, line: int, rec: dict[str, Any]) -> None:
        pid = self._person_id(rec)
        area = _enum(NeedArea, _req(rec, "need_area"), "need area")
        name = str(_req(rec, "name"))
        referral = _d(rec.get("referral_date"), "referral date", True)
        start = _d(rec.get("start_date"), "start date")
        assert referral is not None
        from probation_desk.domain import interventions

        interventions.check_referral(referral, self.today, name)
        if start is not None:
            state = module.module_state(self._all_sessions(pid))
            interventions.check_start(state, referral, start, self.today)
        rid = self._new_id("si_referral")
        self.pending["si_referral"].append({
            "id": rid, "person_id": pid, "need_area": area.name, "name": name.strip(),
            "referral_date": referral, "start_date": start})
        self._audit(line, "si_referral", rid, pid, rec)

    def _all_sessions(self, pid: int) -> list[ModuleSession]:
        """Sessions already in the database (for people who existed before) plus this file's."""
        stored: list[ModuleSession] = []
        if pid < self.first_person_id:
            with self.desk.engine.connect() as con:
                stored = [ModuleSession(r.session_date, SupporterRole[r.supporter_role],
                                        r.supporter_name, r.completed, None, r.id)
                          for r in con.execute(select(ModuleSessionRow).where(
                              ModuleSessionRow.person_id == pid,
                              ModuleSessionRow.withdrawn_on.is_(None)))]
        seen = {s.id for s in stored}
        return stored + [s for s in self.sessions.get(pid, []) if s.id not in seen]

    # -------------------------------------------------------------- saving
    TABLES = ("person", "sentence_order", "nsi", "nsi_status_history", "module_session",
              "contact", "contact_correction", "si_referral", "audit")

    def flush(self) -> None:
        """Write the pending batch: one transaction with its audit rows.

        (Writing on a second thread was tried and was slower: the sqlite3 driver releases
        and retakes the GIL for every row, so the two threads convoy.)
        """
        if not self.pending_lines:
            return
        for kind, (count, first, last, first_id, last_id) in self.batch_audit.items():
            self.pending["audit"].append({
                "at": self.at, "actor": self.desk.actor, "action": f"import {kind}",
                "entity": kind, "entity_id": None, "person_id": None, "before": None,
                "after": {"file": self.source, "lines": [first, last], "count": count,
                          "ids": [first_id, last_id]}})
        first = self.pending_lines[0]
        try:
            self._write(self.pending)
        except Exception as exc:
            raise BatchFailed(first, exc) from exc
        self.saved += len(self.pending_lines)
        for kind, n in self.batch_counts.items():
            self.saved_counts[kind] += n
        self.pending, self.pending_lines = defaultdict(list), []
        self.batch_audit, self.batch_counts = {}, defaultdict(int)

    def _write(self, pending: dict[str, list[dict[str, Any]]]) -> None:
        """One transaction: the rows, their people's counters and (PostgreSQL) sequences.

        Everything that summarises the rows is written with them, so a kill, a full disk
        or a refused batch can never leave a person's open count or module status out of
        step with the rows that are really there.
        """
        tables = {m.__tablename__: table_of(m) for m in
                  (Person, Order, Nsi, NsiStatusHistory, ModuleSessionRow, Contact,
                   ContactCorrection, SiReferral, AuditEntry)}
        with self.desk.writer.begin() as con:
            if con.dialect.name == "sqlite":
                con.exec_driver_sql("PRAGMA cache_size=-65536")  # 64 MB while loading
            for name in self.TABLES:
                rows = pending.get(name)
                if rows:
                    bulk_insert(con, tables[name], rows)
            self._write_counters(con, pending)
            if con.dialect.name == "postgresql":
                # Rows came with explicit ids: move each sequence past them in this same
                # transaction, so the next person or NSI added by hand gets a free id.
                for name in self.TABLES:
                    if pending.get(name):
                        con.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                            f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {name}), 1))"))

    def _write_counters(self, con: Connection, pending: dict[str, list[dict[str, Any]]]) -> None:
        """Add this batch's open NSIs to their people's counts; set their module state."""
        opened: dict[int, int] = defaultdict(int)
        for row in pending.get("nsi", ()):
            if row["active"]:
                opened[row["person_id"]] += 1
        t = table_of(Person)
        if opened:
            con.execute(update(t).where(t.c.id == bindparam("b_id"))
                        .values(open_nsis=t.c.open_nsis + bindparam("b_n")),
                        [{"b_id": pid, "b_n": n} for pid, n in opened.items()])
        with_sessions = sorted({row["person_id"] for row in pending.get("module_session", ())})
        updates = []
        for pid in with_sessions:
            state = module.module_state(self._all_sessions(pid))
            updates.append({"b_id": pid, "b_status": state.status.name,
                            "b_done": state.completed_on})
        if updates:
            con.execute(update(t).where(t.c.id == bindparam("b_id"))
                        .values(module_status=bindparam("b_status"),
                                module_completed_on=bindparam("b_done")), updates)

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
            if con.dialect.name == "postgresql":
                con.execute(text("ANALYZE"))


Progress = Callable[[int, int], bool]


def import_records(desk: Desk, records: Iterable[tuple[int, Any]], *, source: str = "",
                   batch_size: int = 20000, progress: Callable[[int], bool] | None = None,
                   ) -> ImportResult:
    """Import ``(line number, decoded JSON)`` pairs; see the module docstring."""
    imp = _Importer(desk, source, batch_size)
    with _indexes_deferred(desk, empty=imp.first_person_id == 1):
        result = _run_import(imp, records, progress)
    if result.stopped is None or imp.saved:
        imp.finish()
    return result


@contextmanager
def _indexes_deferred(desk: Desk, *, empty: bool) -> Iterator[None]:
    """Into an empty SQLite database, build the secondary indexes once at the end.

    Building an index over a million rows at once is much faster than keeping it up to
    date row by row. They are rebuilt whatever happens (and ``open_database`` restores
    any that a crash left missing).
    """
    if not empty or desk.engine.dialect.name != "sqlite":
        yield
        return
    indexes = [ix for table in Base.metadata.sorted_tables for ix in table.indexes
               if not ix.unique]
    with desk.writer.begin() as con:
        for ix in indexes:
            ix.drop(con, checkfirst=True)
    try:
        yield
    finally:
        with desk.writer.begin() as con:
            for ix in indexes:
                ix.create(con, checkfirst=True)


def _run_import(imp: _Importer, records: Iterable[tuple[int, Any]],
                progress: Callable[[int], bool] | None) -> ImportResult:
    batch_size = imp.batch_size
    handlers: dict[str, Callable[[int, dict[str, Any]], None]] = {
        "person": imp.person, "order": imp.order, "nsi": imp.nsi,
        "module_session": imp.module_session, "activity": imp.activity,
        "contact": imp.contact,
        "si_referral": imp.si_referral,
    }
    res = imp.result
    try:
        for line, rec in records:
            if isinstance(rec, Refusal):
                res.refused.append(rec)
                continue
            if not isinstance(rec, dict):
                res.refused.append(Refusal(line, "bad-record", "The line is not a JSON object."))
                continue
            kind = rec.get("type")
            if kind == "header":
                if rec.get("format") != "probation-desk" or int(rec.get("version", 0)) > \
                        FORMAT_VERSION:
                    res.stopped = ("This file was not written by this version of Probation "
                                   "Desk's export, so nothing was imported.")
                    return res
                continue
            handler = handlers.get(str(kind))
            if handler is None:
                res.refused.append(Refusal(line, "unknown-type",
                                           f"'{kind}' is not a record type this file format "
                                           f"has ({', '.join(RECORD_TYPES[1:])})."))
                continue
            try:
                handler(line, rec)
            except RuleViolation as exc:
                res.refused.append(Refusal(line, exc.rule, exc.message))
                continue
            imp.pending_lines.append(line)
            imp.batch_counts[str(kind)] += 1
            if len(imp.pending_lines) >= batch_size:
                imp.flush()
                if progress is not None and not progress(line):
                    res.cancelled = True
                    break
        imp.flush()
    except BatchFailed as exc:  # the database refused a batch: it was rolled back whole
        res.stopped = (f"The import stopped: the database refused the records from line "
                       f"{exc.first_line} on ({exc.__cause__.__class__.__name__}), so they "
                       "were not saved; everything before them was.")
    res.accepted = imp.saved
    res.counts = defaultdict(int, imp.saved_counts)
    return res


def read_jsonl(fh: IO[str]) -> Iterator[tuple[int, Any]]:
    """Decode a JSON Lines file, yielding a :class:`Refusal` for lines that are not JSON."""
    for number, raw in enumerate(fh, start=1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except ValueError as exc:
            why = getattr(exc, "msg", str(exc))
            yield number, Refusal(number, "bad-json", f"The line is not valid JSON ({why}).")


def import_file(desk: Desk, path: str | Path, **kwargs: Any) -> ImportResult:
    """Import a JSON Lines export file."""
    p = Path(path)
    with p.open(encoding="utf-8") as fh:
        return import_records(desk, read_jsonl(fh), source=p.name, **kwargs)


# ------------------------------------------------------------------------ export
def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _iso_utc(value: dt.datetime | None) -> str | None:
    """A timestamp as UTC ISO text; naive values are UTC already (that is how we store)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat()


def export_records(desk: Desk) -> Iterator[dict[str, Any]]:
    """Every record in import order, with stable per-person references."""
    yield {"type": "header", "format": "probation-desk", "version": FORMAT_VERSION}
    with desk.engine.connect().execution_options(yield_per=5000) as con:
        crn_of: dict[int, str] = {}
        for p in con.execute(select(Person).order_by(Person.id)):
            crn_of[p.id] = p.crn
            yield {"type": "person", "crn": p.crn, "name": p.name,
                   "date_of_birth": _iso(p.date_of_birth), "region": p.region, "pdu": p.pdu,
                   "practitioner": p.practitioner, "language": p.language,
                   "print_needs": p.print_needs}
        order_ref: dict[int, str] = {}
        count: dict[int, int] = defaultdict(int)
        for o in con.execute(select(Order).order_by(Order.id)):
            count[o.person_id] += 1
            ref = f"{crn_of[o.person_id]}/O{count[o.person_id]}"
            order_ref[o.id] = ref
            yield {"type": "order", "ref": ref, "crn": crn_of[o.person_id], "kind": o.kind,
                   "start_date": _iso(o.start_date), "end_date": _iso(o.end_date),
                   "rar_max_days": o.rar_max_days,
                   "rar_terminated_on": _iso(o.rar_terminated_on),
                   "rar_termination_reason": o.rar_termination_reason}
        nsi_ref: dict[int, str] = {}
        count.clear()
        hist_rows = iter(con.execute(select(NsiStatusHistory)
                                     .order_by(NsiStatusHistory.nsi_id, NsiStatusHistory.id)))
        pending_h = next(hist_rows, None)
        for n in con.execute(select(Nsi).order_by(Nsi.id)):
            count[n.person_id] += 1
            ref = f"{crn_of[n.person_id]}/N{count[n.person_id]}"
            nsi_ref[n.id] = ref
            history = []
            while pending_h is not None and pending_h.nsi_id <= n.id:
                if pending_h.nsi_id == n.id:
                    history.append({"status": pending_h.status,
                                    "date": _iso(pending_h.status_date),
                                    "by": pending_h.recorded_by,
                                    "at": _iso_utc(pending_h.recorded_at),
                                    "note": pending_h.note})
                pending_h = next(hist_rows, None)
            yield {"type": "nsi", "ref": ref, "crn": crn_of[n.person_id],
                   "order": order_ref.get(n.order_id) if n.order_id else None,
                   "toolkit": n.toolkit, "status": n.status,
                   "referral_date": _iso(n.referral_date),
                   "expected_start": _iso(n.expected_start),
                   "expected_end": _iso(n.expected_end), "actual_start": _iso(n.actual_start),
                   "actual_end": _iso(n.actual_end), "outcome": n.outcome, "notes": n.notes,
                   "practitioner": n.practitioner,
                   "previous": nsi_ref.get(n.previous_nsi_id) if n.previous_nsi_id else None,
                   "history": history}
        for s in con.execute(select(ModuleSessionRow).order_by(ModuleSessionRow.id)):
            yield {"type": "module_session", "crn": crn_of[s.person_id],
                   "date": _iso(s.session_date), "supporter_role": s.supporter_role,
                   "supporter_name": s.supporter_name, "completed": s.completed,
                   "notes": s.notes, "withdrawn_on": _iso(s.withdrawn_on),
                   "withdrawn_reason": s.withdrawn_reason}
        corr_rows = iter(con.execute(select(ContactCorrection).order_by(
            ContactCorrection.contact_id, ContactCorrection.id)))
        pending_k = next(corr_rows, None)
        for c in con.execute(select(Contact).order_by(Contact.id)):
            corrections = []
            while pending_k is not None and pending_k.contact_id <= c.id:
                if pending_k.contact_id == c.id:
                    corrections.append({"at": _iso_utc(pending_k.at), "by": pending_k.by_name,
                                        "text": pending_k.text})
                pending_k = next(corr_rows, None)
            yield {"type": "contact", "crn": crn_of[c.person_id],
                   "order": order_ref.get(c.order_id) if c.order_id else None,
                   "nsi": nsi_ref.get(c.nsi_id) if c.nsi_id else None,
                   "contact_type": c.contact_type,
                   "at": c.at.isoformat(timespec="minutes"), "rar_activity": c.rar_activity,
                   "notes": c.notes, "outcome": c.outcome, "absence_reason": c.absence_reason,
                   "cancelled_on": _iso(c.cancelled_on), "cancel_reason": c.cancel_reason,
                   "corrections": corrections}
        for r in con.execute(select(SiReferral).order_by(SiReferral.id)):
            yield {"type": "si_referral", "crn": crn_of[r.person_id], "need_area": r.need_area,
                   "name": r.name, "referral_date": _iso(r.referral_date),
                   "start_date": _iso(r.start_date)}


def export_file(desk: Desk, path: str | Path) -> int:
    """Write every record to ``path`` (JSON Lines, UTF-8); returns the record count."""
    p = Path(path)
    tmp = p.with_name(p.name + ".part")
    n = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for rec in export_records(desk):
            fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
            n += 1
    tmp.replace(p)
    return n - 1
