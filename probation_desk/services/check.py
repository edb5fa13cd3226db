"""The database check: is the file sound, and do the stored counters match a recount?

People carry two summaries that big lists sort and filter on: ``open_nsis`` (how many
of their NSIs are open) and the module status with its completion date. Every writing
transaction keeps them in step; this check recounts them from the rows themselves and,
unless asked only to look, repairs any drift in one transaction with its audit row,
reporting exactly what it changed (by person id, never by name).

A file that fails SQLite's page check is never written to: the check reports the
damage and stops there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from probation_desk.domain import module
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.services.desk import Desk, now_utc
from probation_desk.store.engine import integrity_problem
from probation_desk.store.models import AuditEntry, ModuleSessionRow, Nsi, Person


@dataclass(frozen=True)
class Drift:
    """One stored value that did not match the recount."""

    person_id: int
    what: str
    stored: str
    recounted: str


@dataclass
class CheckReport:
    """What the check found and what it changed."""

    damage: str | None = None
    people: int = 0
    drift: list[Drift] = field(default_factory=list)
    repaired: bool = False

    @property
    def sound(self) -> bool:
        """True when the file is sound and (now) every counter matches."""
        return self.damage is None and (not self.drift or self.repaired)

    def text(self) -> str:
        """The report in plain words."""
        if self.damage is not None:
            return (f"The database file is damaged ({self.damage}). Nothing was changed: "
                    "restore it from a backup (probation-desk restore), or ask your "
                    "administrator.")
        if not self.drift:
            return (f"The database is sound: {self.people:,} people checked, every open-NSI "
                    "count and module status matches a recount.")
        counts = sum(1 for d in self.drift if d.what == "open NSIs")
        states = len(self.drift) - counts
        verb = "Repaired" if self.repaired else "Found (not repaired)"
        lines = [f"{verb} {len(self.drift)} stored value(s) that did not match a recount: "
                 f"{counts} open-NSI count(s) and {states} module status(es)."]
        lines += [f"  person {d.person_id}: {d.what} {d.stored} -> {d.recounted}"
                  for d in self.drift[:50]]
        if len(self.drift) > 50:
            lines.append(f"  ... and {len(self.drift) - 50} more")
        return "\n".join(lines)


def _recount(s: Session) -> tuple[int, list[Drift], dict[int, int],
                                 dict[int, tuple[str, object]]]:
    stored = s.execute(select(Person.id, Person.open_nsis, Person.module_status,
                              Person.module_completed_on)).all()
    open_counts = dict(s.execute(select(Nsi.person_id, func.count())
                                 .where(Nsi.active.is_(True)).group_by(Nsi.person_id)).all())
    sessions: dict[int, list[ModuleSession]] = defaultdict(list)
    for r in s.execute(select(ModuleSessionRow.id, ModuleSessionRow.person_id,
                              ModuleSessionRow.session_date, ModuleSessionRow.supporter_role,
                              ModuleSessionRow.supporter_name, ModuleSessionRow.completed)
                       .where(ModuleSessionRow.withdrawn_on.is_(None))):
        sessions[r.person_id].append(ModuleSession(r.session_date,
                                                   SupporterRole[r.supporter_role],
                                                   r.supporter_name, r.completed, None, r.id))
    drift: list[Drift] = []
    fix_counts: dict[int, int] = {}
    fix_states: dict[int, tuple[str, object]] = {}
    for pid, n_open, status, done_on in stored:
        want = open_counts.get(pid, 0)
        if n_open != want:
            drift.append(Drift(pid, "open NSIs", str(n_open), str(want)))
            fix_counts[pid] = want
        state = module.module_state(sessions.get(pid, []))
        if status != state.status.name or done_on != state.completed_on:
            drift.append(Drift(pid, "module status", f"{status} {done_on or ''}".strip(),
                               f"{state.status.name} {state.completed_on or ''}".strip()))
            fix_states[pid] = (state.status.name, state.completed_on)
    return len(stored), drift, fix_counts, fix_states


def check_database(desk: Desk, *, repair: bool = True,
                   pages_checked: bool = False) -> CheckReport:
    """Check the file (SQLite page check) and the counters; repair drift unless told not to.

    ``pages_checked``: the page check has just passed (the window's after-open steps),
    so only the counters are checked.
    """
    if not pages_checked:
        damage = integrity_problem(desk.engine.url.render_as_string(hide_password=False))
        if damage is not None:
            return CheckReport(damage=damage)
    if not repair:
        with desk._read() as s:
            people, drift, _c, _m = _recount(s)
        return CheckReport(people=people, drift=drift)
    # Recount and repair under the write lock (SQLite) / one snapshot (PostgreSQL), so
    # nothing written meanwhile can be overwritten with an older count.
    with desk._tx() as s:
        if desk.engine.dialect.name == "postgresql":
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        people, drift, fix_counts, fix_states = _recount(s)
        for pid, n in fix_counts.items():
            s.execute(update(Person).where(Person.id == pid).values(open_nsis=n))
        for pid, (status, done_on) in fix_states.items():
            s.execute(update(Person).where(Person.id == pid)
                      .values(module_status=status, module_completed_on=done_on))
        if drift:
            s.add(AuditEntry(at=now_utc(), actor=desk.actor, action="repair counters",
                             entity="person", entity_id=None, person_id=None, before=None,
                             after={"changed": [{"person_id": d.person_id, "what": d.what,
                                                 "from": d.stored, "to": d.recounted}
                                                for d in drift]}))
    return CheckReport(people=people, drift=drift, repaired=bool(drift))
