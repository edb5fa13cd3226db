"""The Pre-Intervention Module, RAR activity and Structured Interventions: the operations.

A mixin of :class:`probation_desk.services.desk.Desk`. Each operation that changes data
is one transaction with its audit row; the rules are in :mod:`probation_desk.domain.module`,
:mod:`probation_desk.domain.rar` and :mod:`probation_desk.domain.interventions`.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from probation_desk.domain.errors import ConflictError
    from probation_desk.domain.rar import RarSummary
    from probation_desk.services.contacts import ContactView
    from probation_desk.services.records import OrderView
    from probation_desk.store.models import Order

from sqlalchemy import select
from sqlalchemy.orm import Session

from probation_desk.domain import interventions, module
from probation_desk.domain.contacts import (
    ContactDetails,
)
from probation_desk.domain.errors import (
    NotFoundError,
    RuleViolation,
)
from probation_desk.domain.interventions import NeedArea
from probation_desk.domain.module import ModuleSession, ModuleState, ModuleStatus, SupporterRole
from probation_desk.services.records import (
    RarView,
    SiReferralView,
)
from probation_desk.store.models import (
    ModuleSessionRow,
    Person,
    SiReferral,
)


class ModuleOps:
    """Module sessions, RAR activity and Structured Intervention referrals (mixed into Desk)."""

    actor: str

    if TYPE_CHECKING:
        @property
        def today(self) -> dt.date: ...

        def _tx(self) -> AbstractContextManager[Session]: ...

        def _read(self) -> Session: ...

        def _audit(self, s: Session, action: str, entity: str, entity_id: int | None,
                   person_id: int | None, before: dict[str, Any] | None,
                   after: dict[str, Any] | None) -> None: ...

        @staticmethod
        def _conflict(s: Session, entity: str, entity_id: int, what: str) -> ConflictError: ...

        @staticmethod
        def _order_view(o: Order) -> OrderView: ...

        def add_contact(self, person_id: int, details: ContactDetails, *,
                        outcome: tuple[str, str | None] | None = None) -> ContactView: ...

        def rar_requirements(self, person_id: int) -> list[tuple[Order, RarSummary]]: ...

    @staticmethod
    def _session(r: ModuleSessionRow) -> ModuleSession:
        return ModuleSession(r.session_date, SupporterRole[r.supporter_role], r.supporter_name,
                             r.completed, r.notes, r.id)

    def _module_state(self, s: Session, person_id: int) -> ModuleState:
        rows = s.scalars(select(ModuleSessionRow).where(
            ModuleSessionRow.person_id == person_id, ModuleSessionRow.withdrawn_on.is_(None)))
        return module.module_state(self._session(r) for r in rows)

    def module_session(self, session_id: int) -> tuple[int, ModuleSession]:
        """A recorded (not withdrawn) module session and whose it is: (person id, session)."""
        with self._read() as s:
            row = s.get(ModuleSessionRow, session_id)
            if row is None or row.withdrawn_on is not None:
                raise NotFoundError("The module session")
            return row.person_id, self._session(row)

    def _module_completed_on(self, s: Session, person_id: int) -> dt.date | None:
        return self._module_state(s, person_id).completed_on

    def record_session(self, person_id: int, session: ModuleSession) -> ModuleState:
        """Record a Pre-Intervention Module session; returns the new module state."""
        checked = module.check_session(session, self.today)
        with self._tx() as s:
            p = s.get(Person, person_id, with_for_update=True)
            if p is None:
                raise NotFoundError("The person")
            row = ModuleSessionRow(person_id=person_id, session_date=checked.session_date,
                                   supporter_role=checked.supporter_role.name,
                                   supporter_name=checked.supporter_name,
                                   completed=checked.completed, notes=checked.notes)
            s.add(row)
            s.flush()
            state = self._module_state(s, person_id)
            p.module_status = state.status.name
            p.module_completed_on = state.completed_on
            kind = next(k for sess, k in state.sessions if sess.id == row.id)
            self._audit(s, "record module session", "module_session", row.id, person_id, None,
                        {**asdict(checked), "kind": kind.name})
            return state

    def module_state(self, person_id: int) -> ModuleState:
        """A person's module sessions, completion and revisits."""
        with self._read() as s:
            return self._module_state(s, person_id)

    def _save_module_state(self, s: Session, p: Person) -> ModuleState:
        """Recompute the person's module status after a change."""
        state = self._module_state(s, p.id)
        p.module_status = state.status.name
        p.module_completed_on = state.completed_on
        return state

    @staticmethod
    def _readiness_change(before: ModuleStatus, after: ModuleState) -> str | None:
        if before.is_complete and not after.ready_for_si:
            return ("The module is no longer completed, so a Structured Intervention cannot "
                    "start for this person until it is.")
        if not before.is_complete and after.ready_for_si:
            return ("The module is now completed, so a Structured Intervention may start "
                    "for this person.")
        return None

    def edit_session(self, session_id: int, session: ModuleSession,
                     expected: ModuleSession | None = None) -> tuple[ModuleState, str | None]:
        """Correct a module session; returns the new state and any readiness change.

        ``expected`` is the session as the editor last saw it: when someone else has
        changed it since, nothing is overwritten and the conflict names who (the audit
        trail keeps every earlier version, so an edit never loses what was there).
        """
        checked = module.check_session(session, self.today)
        with self._tx() as s:
            row = s.get(ModuleSessionRow, session_id, with_for_update=True)
            if row is None or row.withdrawn_on is not None:
                raise NotFoundError("The module session")
            p = s.get(Person, row.person_id, with_for_update=True)
            assert p is not None
            before = self._session(row)
            if expected is not None and before != replace(expected, id=row.id):
                raise self._conflict(s, "module_session", row.id, "This module session")
            row.session_date, row.supporter_role = checked.session_date, \
                checked.supporter_role.name
            row.supporter_name, row.completed = checked.supporter_name, checked.completed
            row.notes = checked.notes
            s.flush()
            was_status = module.ModuleStatus[p.module_status]
            state = self._save_module_state(s, p)
            self._audit(s, "edit module session", "module_session", row.id, p.id,
                        asdict(before), asdict(checked))
            return state, self._readiness_change(was_status, state)

    def withdraw_session(self, session_id: int, reason: str) -> tuple[ModuleState, str | None]:
        """Withdraw a module session recorded in error: kept, audited, counts for nothing."""
        from probation_desk.domain.text import clean_text

        text = clean_text(reason, field="reason", label="The reason for withdrawing",
                          max_len=200, multiline=False, required=True)
        with self._tx() as s:
            row = s.get(ModuleSessionRow, session_id, with_for_update=True)
            if row is None or row.withdrawn_on is not None:
                raise NotFoundError("The module session")
            p = s.get(Person, row.person_id, with_for_update=True)
            assert p is not None
            row.withdrawn_on, row.withdrawn_reason = self.today, text
            s.flush()
            was_status = module.ModuleStatus[p.module_status]
            state = self._save_module_state(s, p)
            self._audit(s, "withdraw module session", "module_session", row.id, p.id,
                        {"withdrawn_on": None}, {"withdrawn_on": self.today, "reason": text})
            return state, self._readiness_change(was_status, state)

    # ------------------------------------------------------------------ RAR
    def record_activity(self, person_id: int, on: dt.date, *, order_id: int | None,
                        nsi_id: int | None = None, rar_activity: bool = True,
                        attended: bool = True, description: str | None = None) -> int:
        """Record a past contact that may count towards RAR days (the older shape).

        Saved as a contact of type OTHER (TOOLKIT_SESSION under an NSI) at midnight with
        the outcome ATTENDED_COMPLIED, or ACCEPTABLE_ABSENCE (reason OTHER) when not
        attended: the same meaning the migration from activities gives.
        """
        if on > self.today:
            raise RuleViolation("future-date", "An activity cannot be recorded for a date in "
                                "the future.", "activity_date")
        details = ContactDetails("TOOLKIT_SESSION" if nsi_id is not None else "OTHER",
                                 dt.datetime.combine(on, dt.time()), order_id, nsi_id,
                                 rar_activity, description)
        outcome, reason = (("ATTENDED_COMPLIED", None) if attended
                           else ("ACCEPTABLE_ABSENCE", "OTHER"))
        return self.add_contact(person_id, details, outcome=(outcome, reason)).id

    def rar(self, person_id: int) -> list[RarView]:
        """'X of Y RAR days' for each of a person's orders that has a RAR requirement."""
        return [RarView(self._order_view(o), summary)
                for o, summary in self.rar_requirements(person_id)]

    # ------------------------------------------------------------------ SI referrals
    def refer_si(self, person_id: int, need_area: NeedArea, name: str,
                 referral_date: dt.date) -> SiReferralView:
        """Record a referral to a Structured Intervention."""
        name = interventions.check_referral(referral_date, self.today, name)
        with self._tx() as s:
            if s.get(Person, person_id) is None:
                raise NotFoundError("The person")
            r = SiReferral(person_id=person_id, need_area=need_area.name, name=name,
                           referral_date=referral_date)
            s.add(r)
            s.flush()
            self._audit(s, "refer to structured intervention", "si_referral", r.id, person_id,
                        None, {"need_area": need_area, "name": r.name, "date": referral_date})
            return self._si_view(r)

    @staticmethod
    def _si_view(r: SiReferral) -> SiReferralView:
        return SiReferralView(r.id, r.person_id, r.need_area, r.name, r.referral_date,
                              r.start_date)

    def start_si(self, referral_id: int, start: dt.date) -> SiReferralView:
        """Start a Structured Intervention: refused until the module is completed."""
        with self._tx() as s:
            r = s.get(SiReferral, referral_id, with_for_update=True)
            if r is None:
                raise NotFoundError("The referral")
            if r.start_date is not None:
                raise RuleViolation("already-started", "This Structured Intervention has "
                                    "already started.")
            interventions.check_start(self._module_state(s, r.person_id), r.referral_date,
                                      start, self.today)
            r.start_date = start
            self._audit(s, "start structured intervention", "si_referral", r.id, r.person_id,
                        {"start_date": None}, {"start_date": start})
            return self._si_view(r)

    def si_referrals(self, person_id: int) -> list[SiReferralView]:
        """A person's Structured Intervention referrals."""
        with self._read() as s:
            return [self._si_view(r) for r in s.scalars(
                select(SiReferral).where(SiReferral.person_id == person_id)
                .order_by(SiReferral.referral_date, SiReferral.id))]
