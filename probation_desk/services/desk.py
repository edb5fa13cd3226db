"""The Desk: every operation on people, orders, NSIs, the module, RAR and referrals.

Each public method that changes data runs in one transaction together with its
audit row, so either all of it is saved or none of it is. The rules themselves live
in :mod:`probation_desk.domain`; this module only loads, checks through the domain,
and saves.
"""

from __future__ import annotations

import datetime as dt
import gc
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, replace
from enum import Enum
from typing import Any

from sqlalchemy import Engine, String, func, select, type_coerce, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from probation_desk.domain import module, nsi, people
from probation_desk.domain.catalogue import Catalogue, Toolkit, load_catalogue
from probation_desk.domain.contacts import (
    ContactCatalogue,
    NowClock,
    check_nsi_on_requirement,
    load_contact_catalogue,
    now_by,
)
from probation_desk.domain.dates import Clock, system_today
from probation_desk.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionRefused,
    RuleViolation,
)
from probation_desk.domain.nsi import NsiFields, Outcome, Status
from probation_desk.domain.people import (
    Language,
    OrderDetails,
    OrderKind,
    PersonDetails,
    PrintNeeds,
)
from probation_desk.domain.roles import Role
from probation_desk.errors import ServerUnreachable
from probation_desk.services.contacts import ContactOps
from probation_desk.services.module_ops import ModuleOps
from probation_desk.services.records import (
    AuditView,
    HistoryView,
    NsiView,
    OrderView,
    PersonView,
    SweepItem,
    SweepResult,
    TeamLogin,
)
from probation_desk.services.team import server_refusal
from probation_desk.store.engine import read_retried, reader, writer
from probation_desk.store.models import (
    AuditEntry,
    Nsi,
    NsiStatusHistory,
    Order,
    Person,
)
from probation_desk.store.sweep_sql import Closing, close_chunk

Progress = Callable[[int, int], bool]
"""progress(done, total) -> keep going? Return False to cancel between chunks."""


def name_key(name: str) -> str:
    """A search key for a name: case and accents folded (Siân -> sian)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def jsonable(value: Any) -> Any:
    """Dates and enums as text, for audit rows and exports."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No garbage collection while a bulk loop makes objects that all stay alive (the
    collector would otherwise walk them all, again and again, for nothing)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _date(value: Any) -> dt.date | None:
    """A date as the driver returned it (ISO text from SQLite, a date from PostgreSQL)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def now_utc() -> dt.datetime:
    """The current time in UTC (audit timestamps)."""
    return dt.datetime.now(dt.UTC)


class Desk(ContactOps, ModuleOps):
    """All operations, bound to one database, one user and one clock."""

    def __init__(
        self,
        engine: Engine,
        *,
        actor: str,
        role: Role = Role.PRACTITIONER,
        clock: Clock = system_today,
        catalogue: Catalogue | None = None,
        team: TeamLogin | None = None,
        now: NowClock | None = None,
        contact_catalogue: ContactCatalogue | None = None,
    ) -> None:
        self.engine = engine
        self.writer = writer(engine)
        """The engine for writing transactions (SQLite: ``BEGIN IMMEDIATE``)."""
        self.reader = reader(engine)
        """The engine for reads (PostgreSQL: no transaction around them)."""
        self.actor = actor
        self.role = role
        self.clock = clock
        self.catalogue = catalogue or load_catalogue()
        self.team = team
        """Who the PostgreSQL server says is connected; None on a personal SQLite file."""
        self.contact_catalogue = contact_catalogue or load_contact_catalogue()
        # Date and time for appointments; by default today's date by ``clock`` at this
        # machine's time of day (``contacts.now_by``).
        self.now_clock: NowClock = now or (lambda: now_by(self.clock))

    # ------------------------------------------------------------------ plumbing
    @property
    def today(self) -> dt.date:
        """Today's date by the injected clock."""
        return self.clock()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One transaction; database errors become plain messages, nothing half-saved."""
        committing = False
        try:
            with Session(self.writer, expire_on_commit=False) as s, s.begin():
                yield s
                committing = True  # leaving the block commits
        except ServerUnreachable as exc:
            if not committing:
                raise  # lost before the commit: the server rolled it back
            # Lost while committing: the server may have saved it or not. Never saved
            # again blindly: the person looks, once the network is back.
            raise ServerUnreachable(exc.host, exc.why, changed=(
                "The connection went while the change was being saved, so it may or may "
                "not have been saved. When the network is back, open the record again to "
                "see whether it is there before saving it again.")) from None
        except StaleDataError:
            raise ConflictError() from None
        except DBAPIError as exc:
            refusal = server_refusal(exc)
            if refusal is not None:
                raise refusal from None
            if isinstance(exc, IntegrityError) and (
                    "uq_nsi_one_open_per_toolkit" in str(exc.orig)
                    or "UNIQUE constraint failed: nsi.person_id, nsi.toolkit" in str(exc.orig)):
                raise RuleViolation(
                    "duplicate-open-nsi",
                    "This person already has an open NSI of this toolkit (it was opened "
                    "a moment ago, perhaps by someone else). Nothing was saved: reload "
                    "the case to see it.", "toolkit") from None
            if not isinstance(exc, OperationalError):
                raise
            text = str(exc.orig) if exc.orig else str(exc)
            if "locked" in text or "busy" in text:
                raise RuleViolation(
                    "database-busy",
                    "The database is busy with another change. Nothing was saved: "
                    "wait a moment and try again.",
                ) from None
            if "full" in text:
                raise RuleViolation(
                    "disk-full",
                    "The disk holding the database is full, so this change could not be "
                    "written. Nothing of it was saved: free some space and try again.",
                ) from None
            if "readonly" in text or "read-only" in text:
                raise RuleViolation(
                    "database-read-only",
                    "The database can be read but not changed here (the file or its "
                    "folder is read-only). Nothing was saved: check the permissions, or "
                    "ask whoever manages that drive.",
                ) from None
            if "disk" in text or "I/O" in text:
                raise RuleViolation(
                    "database-write-failed",
                    f"The change could not be written ({text}). Nothing was saved. "
                    "Check the disk and the database location.",
                ) from None
            raise

    def team_allows(self, allowed: tuple[Role, ...], action: str) -> None:
        """On a team database, refuse ``action`` to a login whose server role is not allowed.

        The server refuses it too (grants, row-level security, triggers); checking first
        gives the reason in words before anything is tried. A personal SQLite file has no
        such rule: its role is a setting.
        """
        if self.team is None or not self.team.enforced or self.role in allowed:
            return
        names = " or ".join(r.value.lower() for r in allowed)
        raise PermissionRefused(
            "team-role",
            f"On this team database only a {names} may {action}. The server says you "
            f"({self.team.login}) are a {self.role.value.lower()}; IT sets roles on the server.")

    def _read(self) -> Session:
        return Session(self.reader, expire_on_commit=False)

    def _audit(self, s: Session, action: str, entity: str, entity_id: int | None,
               person_id: int | None, before: dict[str, Any] | None,
               after: dict[str, Any] | None) -> None:
        s.add(AuditEntry(at=now_utc(), actor=self.actor, action=action, entity=entity,
                         entity_id=entity_id, person_id=person_id,
                         before=jsonable(before) if before is not None else None,
                         after=jsonable(after) if after is not None else None))

    def toolkit(self, code: str) -> Toolkit:
        """The catalogue entry for ``code``."""
        return self.catalogue.get(code)

    # ------------------------------------------------------------------ people
    @staticmethod
    def _person_view(p: Person) -> PersonView:
        return PersonView(
            id=p.id, crn=p.crn, name=p.name, date_of_birth=p.date_of_birth, region=p.region,
            pdu=p.pdu, practitioner=p.practitioner, language=Language[p.language],
            print_needs=PrintNeeds[p.print_needs], open_nsis=p.open_nsis,
            module_status=p.module_status, module_completed_on=p.module_completed_on,
            version=p.version,
        )

    def add_person(self, details: PersonDetails) -> PersonView:
        """Add a person on probation; the CRN must be new."""
        d = people.check_person(details, self.today)
        with self._tx() as s:
            if s.scalar(select(Person.id).where(Person.crn == d.crn)) is not None:
                raise RuleViolation("duplicate-crn",
                                    f"A person with the CRN {d.crn} is already recorded.", "crn")
            p = Person(crn=d.crn, name=d.name, name_key=name_key(d.name),
                       date_of_birth=d.date_of_birth, region=d.region, pdu=d.pdu,
                       practitioner=d.practitioner, language=d.language.name,
                       print_needs=d.print_needs.name, open_nsis=0, version=1,
                       module_status=module.ModuleStatus.NOT_STARTED.name)
            s.add(p)
            try:
                s.flush()
            except IntegrityError:
                raise RuleViolation("duplicate-crn",
                                    f"A person with the CRN {d.crn} is already recorded.",
                                    "crn") from None
            self._audit(s, "add person", "person", p.id, p.id, None, asdict(d))
            return self._person_view(p)

    def update_person(self, person_id: int, details: PersonDetails,
                      expected_version: int) -> PersonView:
        """Change a person's details (the CRN itself cannot change).

        Refused with :class:`ConflictError` (naming who saved in between) if the person
        was saved by someone else since ``expected_version`` was read.
        """
        d = people.check_person(details, self.today)
        with self._tx() as s:
            p = s.get(Person, person_id, with_for_update=True)
            if p is None:
                raise NotFoundError("The person")
            if p.version != expected_version:
                raise self._conflict(s, "person", person_id, "This person's record")
            if d.crn != p.crn:
                raise RuleViolation("crn-fixed", "A CRN cannot be changed.", "crn")
            before = self._person_view(p)
            p.name, p.name_key, p.date_of_birth = d.name, name_key(d.name), d.date_of_birth
            p.region, p.pdu, p.practitioner = d.region, d.pdu, d.practitioner
            p.language, p.print_needs = d.language.name, d.print_needs.name
            p.version = expected_version + 1
            self._audit(s, "update person", "person", p.id, p.id, asdict(before), asdict(d))
            return self._person_view(p)

    @staticmethod
    def _conflict(s: Session, entity: str, entity_id: int, what: str) -> ConflictError:
        """A conflict naming who saved the record last and when (from the audit trail)."""
        last = s.execute(select(AuditEntry.actor, AuditEntry.at)
                         .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
                         .order_by(AuditEntry.id.desc()).limit(1)).first()
        return ConflictError(what, by=last.actor if last else None,
                             at=last.at if last else None)

    @read_retried
    def person(self, person_id: int) -> PersonView:
        """One person."""
        with self._read() as s:
            p = s.get(Person, person_id)
            if p is None:
                raise NotFoundError("The person")
            return self._person_view(p)

    @read_retried
    def person_by_crn(self, crn: str) -> PersonView:
        """One person, by CRN."""
        crn = people.check_crn(crn)
        with self._read() as s:
            p = s.scalar(select(Person).where(Person.crn == crn))
            if p is None:
                raise NotFoundError(f"The person with CRN {crn}")
            return self._person_view(p)

    # ------------------------------------------------------------------ orders
    @staticmethod
    def _order_view(o: Order) -> OrderView:
        return OrderView(o.id, o.person_id, OrderKind[o.kind], o.start_date, o.end_date,
                         o.rar_max_days, o.rar_terminated_on, o.rar_termination_reason)

    def add_order(self, person_id: int, details: OrderDetails) -> OrderView:
        """Record a sentence or licence, with its RAR maximum if it has a RAR."""
        d = people.check_order(details)
        with self._tx() as s:
            if s.get(Person, person_id) is None:
                raise NotFoundError("The person")
            o = Order(person_id=person_id, kind=d.kind.name, start_date=d.start,
                      end_date=d.end, rar_max_days=d.rar_max_days)
            s.add(o)
            s.flush()
            self._audit(s, "add order", "order", o.id, person_id, None, asdict(d))
            return self._order_view(o)

    def update_order(self, order_id: int, details: OrderDetails) -> OrderView:
        """Change an order's kind, dates or RAR maximum (a termination stays)."""
        d = people.check_order(details)
        with self._tx() as s:
            o = s.get(Order, order_id, with_for_update=True)
            if o is None:
                raise NotFoundError("The order")
            if d.rar_max_days is None and o.rar_terminated_on is not None:
                raise RuleViolation("rar-terminated", "This order's RAR requirement was "
                                    "terminated, so it cannot be removed; it stays on record.",
                                    "rar_max_days")
            if o.rar_terminated_on is not None and not d.start <= o.rar_terminated_on <= d.end:
                raise RuleViolation("termination-outside-order", "The RAR requirement was "
                                    "terminated on a date outside these order dates.", "end")
            before = self._order_view(o)
            o.kind, o.start_date, o.end_date = d.kind.name, d.start, d.end
            o.rar_max_days = d.rar_max_days
            self._audit(s, "update order", "order", o.id, o.person_id,
                        {"kind": before.kind, "start": before.start, "end": before.end,
                         "rar_max_days": before.rar_max_days}, asdict(d))
            return self._order_view(o)

    @read_retried
    def orders(self, person_id: int) -> list[OrderView]:
        """A person's orders, oldest first."""
        with self._read() as s:
            rows = s.scalars(select(Order).where(Order.person_id == person_id)
                             .order_by(Order.start_date, Order.id))
            return [self._order_view(o) for o in rows]

    # ------------------------------------------------------------------ NSIs
    @staticmethod
    def nsi_fields(n: Nsi) -> NsiFields:
        """The domain view of a stored NSI."""
        return NsiFields(
            toolkit=n.toolkit, status=Status[n.status], referral_date=n.referral_date,
            expected_start=n.expected_start, expected_end=n.expected_end,
            actual_start=n.actual_start, actual_end=n.actual_end,
            outcome=Outcome[n.outcome] if n.outcome else None, notes=n.notes,
            practitioner=n.practitioner,
        )

    def _nsi_view(self, n: Nsi, history: Sequence[NsiStatusHistory] = ()) -> NsiView:
        f = self.nsi_fields(n)
        try:
            kit = self.toolkit(n.toolkit)
            kit_name, overdue = kit.name, nsi.is_overdue(kit, f.is_open, self.today)
        except RuleViolation:
            kit_name, overdue = n.toolkit, False
        return NsiView(
            id=n.id, person_id=n.person_id, order_id=n.order_id, fields=f,
            status_date=n.status_date, version=n.version, previous_nsi_id=n.previous_nsi_id,
            toolkit_name=kit_name, overdue=overdue,
            history=tuple(HistoryView(Status[h.status], h.status_date, h.recorded_by,
                                      h.recorded_at, h.note) for h in history),
        )

    @staticmethod
    def _apply(n: Nsi, f: NsiFields) -> None:
        n.toolkit, n.status = f.toolkit, f.status.name
        n.referral_date, n.expected_start, n.expected_end = (
            f.referral_date, f.expected_start, f.expected_end)  # type: ignore[assignment]
        n.actual_start, n.actual_end = f.actual_start, f.actual_end
        n.outcome = f.outcome.name if f.outcome else None
        n.notes, n.practitioner = f.notes, f.practitioner
        n.active = f.is_open

    def _history(self, s: Session, n: Nsi, note: str | None = None) -> None:
        s.add(NsiStatusHistory(nsi_id=n.id, status=n.status, status_date=n.status_date,
                               recorded_by=self.actor, recorded_at=now_utc(), note=note))

    @staticmethod
    def _status_date(f: NsiFields, today: dt.date) -> dt.date:
        if f.status is Status.REFERRED:
            return f.referral_date or today
        if f.status is Status.IN_PROGRESS:
            return f.actual_start or today
        return f.actual_end or today

    def _open_count(self, s: Session, person_id: int, toolkit: str) -> int:
        return s.scalar(select(func.count()).select_from(Nsi).where(
            Nsi.person_id == person_id, Nsi.toolkit == toolkit, Nsi.active.is_(True))) or 0

    def open_nsi(self, person_id: int, fields: NsiFields, *, order_id: int | None = None,
                 historical: bool = False) -> NsiView:
        """Open a toolkit NSI for a person (refused on a withdrawn toolkit)."""
        kit = self.toolkit(fields.toolkit)
        if fields.practitioner is None:
            fields = replace(fields, practitioner=self.actor)
        with self._tx() as s:
            p = s.get(Person, person_id, with_for_update=True)
            if p is None:
                raise NotFoundError("The person")
            self._check_order(s, person_id, order_id, fields.actual_end, for_nsi=True)
            checked = nsi.check_open(kit, fields, self.today,
                                     open_of_same_toolkit=self._open_count(s, person_id, kit.code),
                                     historical=historical)
            n = Nsi(person_id=person_id, order_id=order_id, version=1,
                    status_date=self._status_date(checked, self.today))
            self._apply(n, checked)
            s.add(n)
            s.flush()
            self._history(s, n, "opened")
            if checked.is_open:
                p.open_nsis += 1
            self._audit(s, "open nsi", "nsi", n.id, person_id, None, asdict(checked))
            return self._nsi_view(n)

    def _check_order(self, s: Session, person_id: int, order_id: int | None,
                     nsi_end: dt.date | None = None, *, for_nsi: bool = False) -> None:
        if order_id is None:
            return
        o = s.get(Order, order_id)
        if o is None or o.person_id != person_id:
            raise RuleViolation("order-mismatch",
                                "That order does not belong to this person.", "order")
        if for_nsi:
            check_nsi_on_requirement(self.requirement_of(o), nsi_end)

    def _load_nsi(self, s: Session, nsi_id: int, expected_version: int | None) -> Nsi:
        n = s.get(Nsi, nsi_id, with_for_update=True)
        if n is None:
            raise NotFoundError("The NSI")
        if expected_version is not None and n.version != expected_version:
            raise self._conflict(s, "nsi", nsi_id, "This NSI")
        return n

    def update_nsi(self, nsi_id: int, fields: NsiFields, expected_version: int) -> NsiView:
        """Change an open NSI; refused if someone else saved it first."""
        with self._tx() as s:
            n = self._load_nsi(s, nsi_id, expected_version)
            before = self.nsi_fields(n)
            checked = nsi.check_update(self.toolkit(n.toolkit), before, fields, self.today)
            return self._save_change(s, n, before, checked, "update nsi")

    def _save_change(self, s: Session, n: Nsi, before: NsiFields, after: NsiFields,
                     action: str, note: str | None = None) -> NsiView:
        self._apply(n, after)
        status_changed = after.status is not before.status
        if status_changed:
            n.status_date = self._status_date(after, self.today)
        s.flush()
        if status_changed:
            self._history(s, n, note)
        if before.is_open and not after.is_open:
            s.execute(update(Person).where(Person.id == n.person_id)
                      .values(open_nsis=Person.open_nsis - 1))
            self._cancel_future(s, [n.id], "NSI closed")
        self._audit(s, action, "nsi", n.id, n.person_id, asdict(before), asdict(after))
        return self._nsi_view(n)

    def close_nsi(self, nsi_id: int, outcome: Outcome, end_date: dt.date,
                  expected_version: int, notes: str | None = None) -> NsiView:
        """Close an open NSI with an outcome; allowed even after a close-by date.

        The end date is saved exactly as given or refused (every reason at once).
        """
        with self._tx() as s:
            n = self._load_nsi(s, nsi_id, expected_version)
            before = self.nsi_fields(n)
            kit = self.toolkit(n.toolkit)
            nsi.check_close(kit, before, outcome, end_date, self.today, notes=notes)
            after = nsi.closed_fields(before, outcome, end_date, notes)
            checked = nsi.check_update(self.toolkit(n.toolkit), before, after, self.today)
            return self._save_change(s, n, before, checked, "close nsi", "closed")

    def switch_toolkit(self, nsi_id: int, new_toolkit: str, expected_version: int,
                       *, on: dt.date | None = None) -> tuple[NsiView, NsiView]:
        """Close an NSI as transferred and open one on an approved toolkit, notes carried."""
        on = on or self.today
        self.team_allows((Role.REGIONAL_LEAD, Role.ADMIN), "switch a person to another toolkit")
        target = self.toolkit(new_toolkit)
        nsi.check_switch_target(target, self.today)
        with self._tx() as s:
            n = self._load_nsi(s, nsi_id, expected_version)
            before = self.nsi_fields(n)
            if not before.is_open:
                raise RuleViolation("nsi-closed", "This NSI has already ended, so it cannot "
                                    "be switched. Open a new NSI instead.")
            if target.code == n.toolkit:
                raise RuleViolation("same-toolkit", "Choose a different toolkit to switch to.",
                                    "toolkit")
            old_kit = self.toolkit(n.toolkit)
            nsi.check_close(old_kit, before, Outcome.TRANSFERRED, on, self.today,
                            manual=False, date_label="switch date", date_field="referral_date")
            closed = nsi.closed_fields(before, Outcome.TRANSFERRED, on)
            closed = nsi.check_update(old_kit, before, closed, self.today)
            old_view = self._save_change(s, n, before, closed, "switch toolkit (close)",
                                         f"transferred to {target.name}")
            fresh = NsiFields(
                toolkit=target.code, status=Status.REFERRED, referral_date=on,
                notes=nsi.switch_notes(old_kit, target, before.notes, on),
                practitioner=before.practitioner or self.actor,
            )
            checked = nsi.check_open(target, fresh, self.today,
                                     open_of_same_toolkit=self._open_count(s, n.person_id,
                                                                           target.code))
            new = Nsi(person_id=n.person_id, order_id=n.order_id, previous_nsi_id=n.id,
                      version=1, status_date=on)
            self._apply(new, checked)
            s.add(new)
            s.flush()
            self._history(s, new, f"switched from {old_kit.name}")
            s.execute(update(Person).where(Person.id == n.person_id)
                      .values(open_nsis=Person.open_nsis + 1))
            self._audit(s, "switch toolkit (open)", "nsi", new.id, n.person_id,
                        {"from_nsi": n.id}, asdict(checked))
            return old_view, self._nsi_view(new)

    @read_retried
    def nsis(self, person_id: int) -> list[NsiView]:
        """A person's NSIs, newest referral first, with their status history."""
        with self._read() as s:
            rows = list(s.scalars(select(Nsi).where(Nsi.person_id == person_id)
                                  .order_by(Nsi.referral_date.desc(), Nsi.id.desc())))
            hist: dict[int, list[NsiStatusHistory]] = {}
            if rows:
                for h in s.scalars(select(NsiStatusHistory)
                                   .where(NsiStatusHistory.nsi_id.in_([r.id for r in rows]))
                                   .order_by(NsiStatusHistory.id)):
                    hist.setdefault(h.nsi_id, []).append(h)
            return [self._nsi_view(r, hist.get(r.id, ())) for r in rows]

    @read_retried
    def nsi(self, nsi_id: int) -> NsiView:
        """One NSI with its status history."""
        with self._read() as s:
            n = s.get(Nsi, nsi_id)
            if n is None:
                raise NotFoundError("The NSI")
            hist = list(s.scalars(select(NsiStatusHistory)
                                  .where(NsiStatusHistory.nsi_id == nsi_id)
                                  .order_by(NsiStatusHistory.id)))
            return self._nsi_view(n, hist)

    # ------------------------------------------------------------------ sweep
    def sweep(self, *, dry_run: bool = False, progress: Progress | None = None,
              chunk: int = 20000) -> SweepResult:
        """Close every NSI still open past its toolkit's close-by date.

        Idempotent: a second run finds nothing. Work is saved in chunks, each chunk one
        transaction with its history and audit rows, so cancelling leaves every NSI
        either untouched or fully closed.
        """
        if not dry_run:
            self.team_allows((Role.REGIONAL_LEAD, Role.ADMIN), "run the sweep")
        kits = {k.code: k for k in self.catalogue.past_close_by(self.today)}
        if not kits:
            return SweepResult(closed=0, dry_run=dry_run)
        # Dates come back as stored (ISO text on SQLite): each distinct combination is
        # parsed and put through the rules once (below), not once per NSI.
        query = (select(Nsi.id, Nsi.person_id, Nsi.toolkit, Nsi.status,
                        type_coerce(Nsi.referral_date, String),
                        type_coerce(Nsi.actual_start, String), Nsi.version)
                 .where(Nsi.toolkit.in_(list(kits)), Nsi.active.is_(True)).order_by(Nsi.id))
        if self.team is not None and self.team.enforced and self.role is not Role.ADMIN:
            # A regional lead's sweep is their region's (the server holds them to it).
            query = query.where(Nsi.person_id.in_(
                select(Person.id).where(Person.region == (self.team.region or ""))))
        with _gc_paused(), self.engine.connect() as con:
            rows = con.execute(query).all()
        outcome = Outcome.AUTO_CLOSED
        plans: dict[tuple[Any, ...], tuple[dt.date, dt.date, dt.date] | None] = {}

        def plan(toolkit: str, status: str, referral: Any, start: Any
                 ) -> tuple[dt.date, dt.date, dt.date] | None:
            """(close date, start, end) for an NSI with these fields, by the rules; None
            when the sweep leaves it open."""
            kit = kits[toolkit]
            f = NsiFields(toolkit=toolkit, status=Status[status],
                          referral_date=_date(referral), actual_start=_date(start))
            if not nsi.sweep_due(kit, f, self.today):
                return None
            close = nsi.sweep_close_date(kit, f, self.today)
            closed = nsi.closed_fields(f, outcome, close)
            assert closed.actual_start is not None and closed.actual_end is not None
            return close, closed.actual_start, closed.actual_end

        with _gc_paused():
            # Each distinct (toolkit, status, referral, start) goes through the rules once.
            keys = [(r[2], r[3], r[4], r[5]) for r in rows]
            for key in set(keys):
                plans[key] = plan(*key)
            due = [(r, p) for r, key in zip(rows, keys, strict=True)
                   if (p := plans[key]) is not None]
            new = tuple.__new__  # the named tuples' own __new__ is Python: slow per row
            items: list[SweepItem] = [new(SweepItem, (r[0], r[1], r[2], p[0]))
                                      for r, p in due]
            closings: list[Closing] = [new(Closing, (r[0], r[1], r[6], r[3], p[1], p[2]))
                                       for r, p in due]
        total = len(items)
        if dry_run:
            return SweepResult(closed=total, dry_run=True, items=items)
        closed = 0
        cancelled = False
        if progress is not None and not progress(0, total):
            return SweepResult(closed=0, dry_run=False, cancelled=True)
        for start in range(0, total, chunk):
            with _gc_paused():
                closed += self._sweep_chunk(closings[start:start + chunk], outcome)
            if progress is not None and not progress(min(start + chunk, total), total):
                cancelled = start + chunk < total
                break
        return SweepResult(closed=closed, dry_run=False, items=items[:closed],
                           cancelled=cancelled)

    def _sweep_chunk(self, chunk: list[Closing], outcome: Outcome) -> int:
        """One transaction: the chunk's NSIs closed with their history and audit rows."""
        with self._tx() as s:
            changed = close_chunk(s.connection(), chunk, status=Status.ENDED.name,
                                  outcome=outcome.name, actor=self.actor, at=now_utc())
            if changed != len(chunk):
                # Someone changed one of these NSIs meanwhile: nothing of this chunk is
                # saved, and the next sweep picks up whatever is still open.
                raise ConflictError("One of the NSIs being closed")
            self._cancel_future(s, [c.nsi_id for c in chunk],
                                "NSI closed automatically: toolkit withdrawn")
        return len(chunk)

    # ------------------------------------------------------------------ module

    # ------------------------------------------------------------------ audit
    def record_prints(self, person_ids: Sequence[int], details: dict[str, Any]) -> None:
        """Record in the audit trail that workbooks were printed for these people (who
        printed which workbook, which edition, when): one transaction, a row each."""
        if not person_ids:
            return
        with self._tx() as s:
            for pid in person_ids:
                self._audit(s, "print workbook", "person", pid, pid, None, details)

    def audit(self, person_id: int | None = None, limit: int = 500) -> list[AuditView]:
        """Audit entries, newest first (read-only: nothing edits or deletes them)."""
        with self._read() as s:
            q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if person_id is not None:
                q = q.where(AuditEntry.person_id == person_id)
            return [AuditView(a.at, a.actor, a.action, a.entity, a.entity_id, a.before, a.after)
                    for a in s.scalars(q)]
