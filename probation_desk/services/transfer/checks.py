"""Each record type's checks: the same domain rules the window uses, as history.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from probation_desk.domain import contacts, interventions, module, nsi, people
from probation_desk.domain.contacts import ContactDetails, Requirement
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.nsi import NsiFields
from probation_desk.domain.people import (
    OrderDetails,
    PersonDetails,
)
from probation_desk.domain.review import check_sign_off
from probation_desk.domain.roles import Role
from probation_desk.domain.text import NAME_MAX, NOTES_MAX
from probation_desk.services import import_format as fmt
from probation_desk.services.desk import name_key
from probation_desk.services.transfer.common import (
    _AS_GIVEN,
    _HISTORY_OF,
    _LANGUAGE,
    _ORDER_KIND,
    _OUTCOME,
    _PRINT_NEEDS,
    _SIGN_OFF_KIND,
    _STATUS,
    _SUPPORTER_ROLE,
    _as_given,
    _aware,
    _clean,
)
from probation_desk.store.models import (
    ContactCorrection,
    ModuleSessionRow,
    Person,
    table_of,
)

_SWEEP_OUTCOMES = frozenset({"AUTO_CLOSED", "TRANSFERRED"})
"""The outcomes only the sweep or a switch of toolkit records."""


def outside_region(mine: str | None, theirs: str, field: str, what: str) -> RuleViolation:
    """The refusal of a line about someone outside the importing login's region."""
    return RuleViolation(
        "outside-region", f"{what} are in the region {theirs}, and your login may add and "
        f"change people in {mine or 'no region (ask IT to set yours)'} only, so the team "
        "database would refuse it. It was not imported (the rest of the file was); ask "
        f"someone in {theirs} to import it.", field)


class RecordChecks:
    """Each record type's checks, with the domain's rules (part of the importer)."""

    if TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any: ...

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
        if self.my_region is not None and rec.region != self.my_region:
            raise outside_region(self.my_region, rec.region, "region", "This person")
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
        if row is None and rec.outcome in _SWEEP_OUTCOMES and not self.may_end_as_sweep:
            raise RuleViolation(
                "server-refuses", f"This NSI ends {rec.outcome}, as only the sweep of "
                "withdrawn toolkits or a switch of toolkit ends one, and on this team "
                "database only a regional lead (for their region) or an admin may record "
                "that: the server would refuse it. It was not imported (the rest of the "
                "file was); ask your regional lead to import it.", "outcome")
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
