"""Contacts, appointments, RAR requirements and the person's timeline: the operations.

A mixin of :class:`probation_desk.services.desk.Desk` (kept in its own module so the
contact model has one home). Each operation that changes data is one transaction with
its audit row; the rules are in :mod:`probation_desk.domain.contacts` and
:mod:`probation_desk.domain.rar`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from probation_desk.domain import contacts, rar
from probation_desk.domain.catalogue import Catalogue
from probation_desk.domain.contacts import (
    ContactCatalogue,
    ContactDetails,
    Enforcement,
    NowClock,
    OutcomeType,
    Requirement,
)
from probation_desk.domain.dates import uk
from probation_desk.domain.errors import ConflictError, NotFoundError, RuleViolation
from probation_desk.domain.nsi import Status
from probation_desk.domain.text import NOTES_MAX, clean_text
from probation_desk.store.bulk import bulk_insert
from probation_desk.store.models import (
    AuditEntry,
    Contact,
    ContactCorrection,
    ModuleSessionRow,
    Nsi,
    NsiStatusHistory,
    Order,
    Person,
    table_of,
)


@dataclass(frozen=True)
class CorrectionView:
    at: dt.datetime
    by: str
    text: str


@dataclass(frozen=True)
class ContactView:
    """A contact or appointment as the screens and the command line show it."""

    id: int
    person_id: int
    order_id: int | None
    nsi_id: int | None
    type_code: str
    type_name: str
    at: dt.datetime
    rar: bool
    notes: str | None
    outcome: OutcomeType | None
    absence_reason: str | None
    cancelled_on: dt.date | None
    cancel_reason: str | None
    version: int
    editable_until: dt.date
    corrections: tuple[CorrectionView, ...] = ()

    @property
    def ref(self) -> str:
        """The reference the command line prints and takes (C and the id)."""
        return f"C{self.id}"

    @property
    def outcome_text(self) -> str:
        """The outcome in words, with an absence's reason; or the state with none."""
        if self.cancelled_on is not None:
            return f"Cancelled on {uk(self.cancelled_on)}: {self.cancel_reason or ''}".strip()
        if self.outcome is None:
            return "No outcome yet"
        if self.absence_reason:
            return f"{self.outcome.name} ({self.absence_reason.lower()})"
        return self.outcome.name


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a person's contact log."""

    at: dt.datetime
    kind: str
    text: str
    rar: bool = False

    @property
    def timed(self) -> bool:
        """False for an entry with a date only (stored at midnight): show no time."""
        return self.at.time() != dt.time()


def parse_ref(ref: str, letter: str, what: str) -> int:
    """Read a command-line reference such as C12 (or a bare number)."""
    text = (ref or "").strip().upper()
    if text.startswith(letter):
        text = text[1:]
    if not text.isdigit():
        raise RuleViolation("bad-ref", f"'{ref}' is not a {what} reference (for example "
                            f"{letter}12).", "ref")
    return int(text)


class ContactOps:
    """Contacts, requirements, enforcement and the timeline (mixed into Desk)."""

    contact_catalogue: ContactCatalogue
    catalogue: Catalogue
    now_clock: NowClock
    actor: str

    if TYPE_CHECKING:
        @property
        def today(self) -> dt.date: ...

        def _tx(self) -> AbstractContextManager[Session]: ...

        def _read(self) -> Session: ...

        def _audit(self, s: Session, action: str, entity: str, entity_id: int | None,
                   person_id: int | None, before: dict[str, Any] | None,
                   after: dict[str, Any] | None) -> None: ...

        def _module_completed_on(self, s: Session, person_id: int) -> dt.date | None: ...

    # ------------------------------------------------------------------ plumbing
    @property
    def now(self) -> dt.datetime:
        """The current local date and time by the injected clock."""
        return self.now_clock()

    @staticmethod
    def requirement_of(o: Order) -> Requirement | None:
        """The RAR requirement an order carries, or None."""
        if o.rar_max_days is None:
            return None
        return Requirement(o.id, o.start_date, o.end_date, o.rar_max_days, o.rar_terminated_on)

    def _contact_view(self, c: Contact,
                      corrections: Sequence[ContactCorrection] = ()) -> ContactView:
        cat = self.contact_catalogue
        try:
            type_name = cat.type(c.contact_type).name
        except RuleViolation:
            type_name = c.contact_type
        outcome = None
        if c.outcome:
            try:
                outcome = cat.outcome(c.outcome)
            except RuleViolation:
                outcome = None
        reason = None
        if c.absence_reason:
            try:
                reason = cat.reason(c.absence_reason).name
            except RuleViolation:
                reason = c.absence_reason
        return ContactView(
            id=c.id, person_id=c.person_id, order_id=c.order_id, nsi_id=c.nsi_id,
            type_code=c.contact_type, type_name=type_name, at=c.at, rar=c.rar_activity,
            notes=c.notes, outcome=outcome, absence_reason=reason,
            cancelled_on=c.cancelled_on, cancel_reason=c.cancel_reason, version=c.version,
            editable_until=contacts.editable_until(cat, c.at),
            corrections=tuple(CorrectionView(k.at, k.by_name, k.text) for k in corrections))

    def _requirement_for(self, s: Session, person_id: int, order_id: int | None,
                         nsi_id: int | None) -> tuple[Requirement | None, int | None]:
        """The RAR requirement a contact hangs off, and the order id to store."""
        if nsi_id is not None:
            n = s.get(Nsi, nsi_id)
            if n is None or n.person_id != person_id:
                raise RuleViolation("nsi-mismatch", "That NSI is not this person's.", "nsi")
            if order_id is None:
                order_id = n.order_id
            elif n.order_id is not None and n.order_id != order_id:
                raise RuleViolation("nsi-order-mismatch", "That NSI is delivered under a "
                                    "different order. Choose its order, or no order.", "order")
        if order_id is None:
            return None, None
        o = s.get(Order, order_id)
        if o is None or o.person_id != person_id:
            raise RuleViolation("order-mismatch", "That order does not belong to this person.",
                                "order")
        return self.requirement_of(o), order_id

    # ------------------------------------------------------------------ orders
    def terminate_requirement(self, order_id: int, on: dt.date, reason: str) -> Requirement:
        """End a RAR requirement early; refused while NSIs on it are still open."""
        with self._tx() as s:
            o = s.get(Order, order_id, with_for_update=True)
            if o is None:
                raise NotFoundError("The order")
            req = self.requirement_of(o)
            if req is None:
                raise RuleViolation("no-rar", "This order has no RAR requirement to "
                                    "terminate.", "order")
            text = contacts.check_termination(req, on, reason, self.today)
            open_nsis = s.scalar(select(func.count()).select_from(Nsi).where(
                Nsi.order_id == order_id, Nsi.actual_end.is_(None))) or 0
            if open_nsis:
                raise RuleViolation(
                    "open-nsis-on-requirement",
                    f"{open_nsis} NSI{'s are' if open_nsis != 1 else ' is'} still open on "
                    "this order. An NSI linked to a terminated requirement needs an end "
                    "date (nDelius): close them first, then terminate the requirement.",
                    "terminated_on")
            o.rar_terminated_on, o.rar_termination_reason = on, text
            self._audit(s, "terminate rar requirement", "order", o.id, o.person_id,
                        {"rar_terminated_on": None},
                        {"rar_terminated_on": on, "reason": text})
            done = self.requirement_of(o)
            assert done is not None
            return done

    # ------------------------------------------------------------------ contacts
    def add_contact(self, person_id: int, details: ContactDetails, *,
                    outcome: tuple[str, str | None] | None = None) -> ContactView:
        """Book an appointment or record a contact (refused in the rule's words).

        ``outcome`` (code, reason) records a contact that has already happened, in the
        same transaction; it is refused for a time still to come.
        """
        with self._tx() as s:
            if s.get(Person, person_id) is None:
                raise NotFoundError("The person")
            req, order_id = self._requirement_for(s, person_id, details.order_id,
                                                  details.nsi_id)
            d = contacts.check_contact(self.contact_catalogue, details, req)
            c = Contact(person_id=person_id, order_id=order_id, nsi_id=d.nsi_id,
                        contact_type=d.type_code, at=d.at, rar_activity=d.rar, notes=d.notes,
                        created_by=self.actor, created_at=dt.datetime.now(dt.UTC), version=1)
            if outcome is not None:
                o, why = contacts.check_outcome(self.contact_catalogue, d.at, outcome[0],
                                                outcome[1], self.now)
                c.outcome, c.absence_reason = o.code, why
            s.add(c)
            s.flush()
            self._audit(s, "add contact", "contact", c.id, person_id, None,
                        {"type": d.type_code, "at": d.at.isoformat(timespec="minutes"),
                         "order_id": order_id, "nsi_id": d.nsi_id, "rar": d.rar,
                         "outcome": c.outcome, "absence_reason": c.absence_reason})
            return self._contact_view(c)

    def _load_contact(self, s: Session, contact_id: int,
                      expected_version: int | None) -> Contact:
        c = s.get(Contact, contact_id, with_for_update=True)
        if c is None:
            raise NotFoundError("The contact")
        if expected_version is not None and c.version != expected_version:
            raise ConflictError("This contact")
        if c.cancelled_on is not None:
            raise RuleViolation("contact-cancelled", f"This appointment was cancelled on "
                                f"{uk(c.cancelled_on)}, so it cannot be changed.")
        return c

    def record_outcome(self, contact_id: int, outcome: str, reason: str | None = None,
                       *, expected_version: int | None = None,
                       notes: str | None = None) -> ContactView:
        """Record what happened at a contact (not before its date and time)."""
        with self._tx() as s:
            c = self._load_contact(s, contact_id, expected_version)
            if c.outcome is not None:
                contacts.check_edit_window(self.contact_catalogue, c.at, self.today)
            o, why = contacts.check_outcome(self.contact_catalogue, c.at, outcome, reason,
                                            self.now)
            before = {"outcome": c.outcome, "absence_reason": c.absence_reason,
                      "notes_changed": False}
            c.outcome, c.absence_reason = o.code, why
            changed_notes = False
            if notes is not None:
                cleaned = clean_text(notes, field="notes", label="The notes",
                                     max_len=NOTES_MAX)
                changed_notes = cleaned != c.notes
                c.notes = cleaned
            s.flush()
            self._audit(s, "record contact outcome", "contact", c.id, c.person_id, before,
                        {"outcome": o.code, "absence_reason": why,
                         "notes_changed": changed_notes})
            return self._contact_view(c)

    def edit_contact_notes(self, contact_id: int, notes: str | None,
                           expected_version: int | None = None) -> ContactView:
        """Change a contact's notes, within the edit window only."""
        with self._tx() as s:
            c = self._load_contact(s, contact_id, expected_version)
            contacts.check_edit_window(self.contact_catalogue, c.at, self.today)
            cleaned = clean_text(notes, field="notes", label="The notes", max_len=NOTES_MAX)
            c.notes = cleaned
            s.flush()
            self._audit(s, "edit contact notes", "contact", c.id, c.person_id,
                        {"notes_changed": True}, {"notes_changed": True})
            return self._contact_view(c)

    def add_correction(self, contact_id: int, text: str) -> ContactView:
        """A note of correction beside a contact; the original stays as it was."""
        cleaned = clean_text(text, field="correction", label="The note of correction",
                             max_len=NOTES_MAX, required=True)
        assert cleaned is not None
        with self._tx() as s:
            c = s.get(Contact, contact_id)
            if c is None:
                raise NotFoundError("The contact")
            s.add(ContactCorrection(contact_id=c.id, at=dt.datetime.now(dt.UTC),
                                    by_name=self.actor, text=cleaned))
            s.flush()
            self._audit(s, "add contact correction", "contact", c.id, c.person_id, None,
                        {"correction": True})
            return self._contact_view(c, self._corrections(s, [c.id]).get(c.id, []))

    @staticmethod
    def _corrections(s: Session, ids: list[int]) -> dict[int, list[ContactCorrection]]:
        out: dict[int, list[ContactCorrection]] = {}
        if ids:
            for k in s.scalars(select(ContactCorrection)
                               .where(ContactCorrection.contact_id.in_(ids))
                               .order_by(ContactCorrection.id)):
                out.setdefault(k.contact_id, []).append(k)
        return out

    def contact(self, contact_id: int) -> ContactView:
        """One contact with its corrections."""
        with self._read() as s:
            c = s.get(Contact, contact_id)
            if c is None:
                raise NotFoundError("The contact")
            return self._contact_view(c, self._corrections(s, [c.id]).get(c.id, []))

    def contacts(self, person_id: int) -> list[ContactView]:
        """A person's contacts and appointments, newest first."""
        with self._read() as s:
            rows = list(s.scalars(select(Contact).where(Contact.person_id == person_id)
                                  .order_by(Contact.at.desc(), Contact.id.desc())))
            corr = self._corrections(s, [c.id for c in rows])
            return [self._contact_view(c, corr.get(c.id, [])) for c in rows]

    # ------------------------------------------------------------------ cancellation
    def future_appointments(self, nsi_id: int) -> int:
        """How many future appointments without an outcome closing this NSI would cancel."""
        with self._read() as s:
            return s.scalar(select(func.count()).select_from(Contact).where(
                *self._future_of([nsi_id]))) or 0

    def _future_of(self, nsi_ids: Iterable[int]) -> list[Any]:
        return [Contact.nsi_id.in_(list(nsi_ids)), Contact.outcome.is_(None),
                Contact.cancelled_on.is_(None), Contact.at > self.now]

    def _cancel_future(self, s: Session, nsi_ids: Sequence[int], reason: str) -> int:
        """Cancel the future appointments without an outcome of these NSIs, audited."""
        if not nsi_ids:
            return 0
        rows = s.execute(select(Contact.id, Contact.person_id, Contact.nsi_id, Contact.at,
                                Contact.version)
                         .where(*self._future_of(nsi_ids))).all()
        if not rows:
            return 0
        con = s.connection()
        t = table_of(Contact)
        for r in rows:
            con.execute(t.update().where(t.c.id == r.id).values(
                cancelled_on=self.today, cancel_reason=reason, version=r.version + 1))
        at = dt.datetime.now(dt.UTC)
        bulk_insert(con, table_of(AuditEntry), [
            {"at": at, "actor": self.actor, "action": "cancel appointment", "entity": "contact",
             "entity_id": r.id, "person_id": r.person_id,
             "before": {"at": r.at.isoformat(timespec="minutes"), "cancelled_on": None},
             "after": {"cancelled_on": self.today.isoformat(), "reason": reason,
                       "nsi_id": r.nsi_id}}
            for r in rows])
        return len(rows)

    # ------------------------------------------------------------------ RAR
    def _rar_contacts(self, s: Session, person_id: int) -> list[tuple[Contact, int | None]]:
        """A person's RAR-flagged contacts with the order each hangs off."""
        rows = s.execute(select(Contact, Nsi.order_id)
                         .join(Nsi, Nsi.id == Contact.nsi_id, isouter=True)
                         .where(Contact.person_id == person_id,
                                Contact.rar_activity.is_(True))).all()
        return [(c, c.order_id if c.order_id is not None else nsi_order)
                for c, nsi_order in rows]

    def rar_requirements(self, person_id: int) -> list[tuple[Order, rar.RarSummary]]:
        """Each RAR requirement of the person's with its count from contacts."""
        with self._read() as s:
            orders = [o for o in s.scalars(select(Order).where(Order.person_id == person_id)
                                           .order_by(Order.start_date, Order.id))
                      if o.rar_max_days is not None]
            if not orders:
                return []
            completed_on = self._module_completed_on(s, person_id)
            reqs = [r for r in (self.requirement_of(o) for o in orders) if r is not None]
            module_req = rar.requirement_for_module(
                completed_on, [rar.RequirementSpan(r.id, r.start, r.last_day) for r in reqs])
            mine = self._rar_contacts(s, person_id)
            out = []
            cat = self.contact_catalogue
            for o, req in zip(orders, reqs, strict=True):
                rc = []
                for c, target in mine:
                    outcome = None
                    if c.outcome:
                        try:
                            outcome = cat.outcome(c.outcome)
                        except RuleViolation:
                            outcome = None
                    try:
                        label = cat.type(c.contact_type).name
                    except RuleViolation:
                        label = c.contact_type
                    rc.append(rar.RarContact(c.at, c.rar_activity, target == o.id, outcome,
                                             label, c.cancelled_on is not None))
                out.append((o, rar.count_requirement(
                    req, rc, completed_on if module_req == o.id else None, self.now)))
            return out

    # ------------------------------------------------------------------ enforcement
    def enforcement(self, person_id: int) -> Enforcement:
        """Failures to comply in the last 12 months, and whether to review enforcement."""
        cat = self.contact_catalogue
        codes = [o.code for o in cat.outcomes if o.enforceable]
        since = contacts.months_before(self.today, cat.window_months)
        with self._read() as s:
            rows = s.execute(select(Contact.at, Contact.outcome).where(
                Contact.person_id == person_id, Contact.outcome.in_(codes),
                Contact.cancelled_on.is_(None),
                Contact.at >= dt.datetime.combine(since, dt.time()))).all()
        return contacts.enforcement(cat, [(r.at.date(), cat.outcome(r.outcome)) for r in rows],
                                    self.today)

    # ------------------------------------------------------------------ timeline
    def timeline(self, person_id: int) -> list[TimelineEntry]:
        """The contact log: contacts, NSI status changes and module sessions, newest first."""
        entries: list[TimelineEntry] = []
        for c in self.contacts(person_id):
            rar_word = "RAR: " if c.rar else ""
            notes = f" ({len(c.corrections)} correction note(s))" if c.corrections else ""
            entries.append(TimelineEntry(c.at, "Appointment" if c.outcome is None
                                         and c.cancelled_on is None else "Contact",
                                         f"{rar_word}{c.type_name}: {c.outcome_text}{notes}",
                                         c.rar))
        with self._read() as s:
            hist = s.execute(select(NsiStatusHistory, Nsi.toolkit)
                             .join(Nsi, Nsi.id == NsiStatusHistory.nsi_id)
                             .where(Nsi.person_id == person_id)).all()
            names = {k.code: k.titled for k in self.catalogue.toolkits}
            for h, toolkit in hist:
                status = Status[h.status].value.lower() if h.status in Status.__members__ \
                    else h.status.replace("_", " ").lower()
                entries.append(TimelineEntry(
                    dt.datetime.combine(h.status_date, dt.time()), "NSI",
                    f"NSI on the {names.get(toolkit, toolkit)}: {status}"
                    + (f" ({h.note})" if h.note else "")))
            for m in s.scalars(select(ModuleSessionRow)
                               .where(ModuleSessionRow.person_id == person_id)):
                what = "completed" if m.completed else "session"
                if m.withdrawn_on is not None:
                    what += f", withdrawn on {uk(m.withdrawn_on)}"
                entries.append(TimelineEntry(dt.datetime.combine(m.session_date, dt.time()),
                                             "Module", f"Pre-Intervention Module {what}"))
        entries.sort(key=lambda e: e.at, reverse=True)
        return entries

