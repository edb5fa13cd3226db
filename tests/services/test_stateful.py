"""Random sequences of operations with a moving clock, checking the record's invariants
after every step (hypothesis RuleBasedStateMachine, on a real SQLite file).

Operations: add people and orders, open/start/close NSIs, switch toolkits, sweep, module
sessions, RAR contacts, sign-off, and imports of small files. Invariants after each step:
no NSI opened on a withdrawn toolkit after its withdrawal; module RAR days per requirement
at most 1; RAR days equal the distinct counted dates; every change has an audit row;
every closed NSI has an outcome and an end date on or after its start; export -> import
-> export gives the same file.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import func, select

from probation_desk.domain.contacts import ContactDetails
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.nsi import NsiFields, Outcome, Status
from probation_desk.domain.people import OrderDetails, OrderKind, PersonDetails
from probation_desk.domain.review import SignOffKind
from probation_desk.domain.roles import Role
from probation_desk.services import import_format as fmt
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from probation_desk.services.review import record_sign_off
from probation_desk.services.transfer import export_file, import_file
from probation_desk.store.models import AuditEntry, Nsi

KITS = ("MAPS", "CPC", "NMMOT", "CHEMSEX")
STEPS = {"run": 0, "accepted": 0}
_TEMPLATE: dict[str, Path] = {}


def _empty_database(folder: Path, name: str) -> str:
    """A fresh migrated SQLite file, copied from one made once (migrating takes a while)."""
    if "path" not in _TEMPLATE:
        base = Path(tempfile.mkdtemp(prefix="pd-stateful-")) / "template.sqlite3"
        open_database(f"sqlite:///{base}").dispose()
        _TEMPLATE["path"] = base
    target = folder / name
    shutil.copyfile(_TEMPLATE["path"], target)
    return f"sqlite:///{target}"


class DeskMachine(RuleBasedStateMachine):
    """One desk, one user, a clock that only moves forward."""

    @initialize()
    def start(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pd-machine-"))
        self.today = dt.date(2022, 5, 2)
        self.now = dt.datetime(2022, 5, 2, 12, 0)
        self.desk = Desk(open_database(_empty_database(self.folder, "desk.sqlite3")),
                         actor="Stateful PP", clock=lambda: self.today,
                         now=lambda: self.now)
        self.people: list[int] = []
        self.orders: dict[int, int] = {}
        self.audits = 0
        self.files = 0

    def teardown(self) -> None:
        if hasattr(self, "desk"):
            self.desk.engine.dispose()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _changed(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run an operation; if it was accepted, it must have written audit rows."""
        STEPS["run"] += 1
        try:
            result = fn(*args, **kwargs)
        except RuleViolation:
            return None
        with self.desk.engine.connect() as con:
            audits = con.execute(select(func.count()).select_from(AuditEntry)).scalar() or 0
        assert audits > self.audits, f"{fn.__name__} changed data without an audit row"
        self.audits = audits
        STEPS["accepted"] += 1
        return result

    # ------------------------------------------------------------------ rules
    @rule(days=st.integers(1, 60))
    def time_passes(self, days: int) -> None:
        STEPS["run"] += 1
        self.today += dt.timedelta(days=days)
        self.now = dt.datetime.combine(self.today, dt.time(12, 0))

    @precondition(lambda self: len(self.people) < 4)
    @rule()
    def add_person(self) -> None:
        n = len(self.people)
        p = self._changed(self.desk.add_person, PersonDetails(
            f"S{n:06d}", f"Person {n} Ŵyn", None, "Wales", "Swansea", "PP"))
        if p is not None:
            self.people.append(p.id)
            o = self._changed(self.desk.add_order, p.id, OrderDetails(
                OrderKind.COMMUNITY_ORDER, dt.date(2022, 1, 3), dt.date(2024, 1, 2), 10))
            if o is not None:
                self.orders[p.id] = o.id

    @precondition(lambda self: bool(self.people))
    @rule(who=st.integers(0, 3), kit=st.sampled_from(KITS), back=st.integers(0, 40))
    def open_nsi(self, who: int, kit: str, back: int) -> None:
        if who >= len(self.people):
            return
        pid = self.people[who]
        self._changed(self.desk.open_nsi, pid, NsiFields(
            kit, referral_date=max(dt.date(2022, 5, 1), self.today - dt.timedelta(days=back))),
            order_id=self.orders.get(pid))

    def _open_nsis(self) -> list[Any]:
        return [n for pid in self.people for n in self.desk.nsis(pid) if n.fields.is_open]

    @precondition(lambda self: bool(self.people))
    @rule(pick=st.integers(0, 20))
    def start_nsi(self, pick: int) -> None:
        open_ = [n for n in self._open_nsis() if n.fields.status is Status.REFERRED]
        if open_:
            n = open_[pick % len(open_)]
            self._changed(self.desk.update_nsi, n.id, NsiFields(
                n.fields.toolkit, Status.IN_PROGRESS, n.fields.referral_date,
                actual_start=self.today, notes=n.fields.notes,
                practitioner=n.fields.practitioner), n.version)

    @precondition(lambda self: bool(self.people))
    @rule(pick=st.integers(0, 20), outcome=st.sampled_from(
        [Outcome.COMPLETED, Outcome.NOT_COMPLETED, Outcome.NOT_SUITABLE]),
        back=st.integers(-5, 10))
    def close_nsi(self, pick: int, outcome: Outcome, back: int) -> None:
        open_ = self._open_nsis()
        if open_:
            n = open_[pick % len(open_)]
            self._changed(self.desk.close_nsi, n.id, outcome,
                          self.today - dt.timedelta(days=back), n.version)

    @precondition(lambda self: bool(self.people))
    @rule(pick=st.integers(0, 20), kit=st.sampled_from(KITS))
    def switch(self, pick: int, kit: str) -> None:
        open_ = self._open_nsis()
        if open_:
            n = open_[pick % len(open_)]
            self._changed(self.desk.switch_toolkit, n.id, kit, n.version)

    @rule()
    def sweep(self) -> None:
        STEPS["run"] += 1
        result = self.desk.sweep()
        if result.closed:
            with self.desk.engine.connect() as con:
                self.audits = con.execute(
                    select(func.count()).select_from(AuditEntry)).scalar() or 0

    @precondition(lambda self: bool(self.people))
    @rule(who=st.integers(0, 3), completed=st.booleans(), back=st.integers(0, 20))
    def module_session(self, who: int, completed: bool, back: int) -> None:
        if who < len(self.people):
            self._changed(self.desk.record_session, self.people[who], ModuleSession(
                self.today - dt.timedelta(days=back), SupporterRole.PP, "Nia Lloyd",
                completed))

    @precondition(lambda self: bool(self.people))
    @rule(who=st.integers(0, 3), back=st.integers(0, 20))
    def rar_contact(self, who: int, back: int) -> None:
        if who >= len(self.people):
            return
        pid = self.people[who]
        at = dt.datetime.combine(self.today - dt.timedelta(days=back), dt.time(10, 0))
        self._changed(self.desk.add_contact, pid, ContactDetails(
            "OFFICE_VISIT", at, self.orders.get(pid), rar=True),
            outcome=("ATTENDED_COMPLIED", None))

    @precondition(lambda self: bool(self.people))
    @rule(who=st.integers(0, 3))
    def sign_off(self, who: int) -> None:
        if who < len(self.people):
            self.desk.role = Role.TREATMENT_MANAGER
            try:
                self._changed(record_sign_off, self.desk, self.people[who],
                              SignOffKind.REVIEWED, self.today, comment="Ready.")
            finally:
                self.desk.role = Role.PRACTITIONER

    @rule(kit=st.sampled_from(KITS), bad=st.booleans())
    def import_small_file(self, kit: str, bad: bool) -> None:
        STEPS["run"] += 1
        self.files += 1
        crn = f"F{self.files:06d}"
        day = self.today.isoformat()
        lines = [
            {"type": "header", "format": "probation-desk", "version": fmt.FORMAT_VERSION},
            {"type": "person", "crn": crn, "name": "Imported Person", "region": "London",
             "pdu": "Hackney", "practitioner": "PP"},
            {"type": "nsi", "ref": f"{crn}/N1", "crn": crn, "toolkit": kit,
             "status": "REFERRED", "referral_date": day},
            {"type": "module_session", "ref": f"{crn}/S1", "crn": crn, "date": day,
             "supporter_role": "PP", "supporter_name": "PP",
             "completed": "false" if bad else False},
        ]
        path = self.folder / f"in{self.files}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
        result = import_file(self.desk, path)
        assert result.stopped is None
        if bad:
            assert 4 in {r.line for r in result.refused}
        with self.desk.engine.connect() as con:
            audits = con.execute(select(func.count()).select_from(AuditEntry)).scalar() or 0
        assert audits == self.audits + result.accepted  # one audit row per record
        self.audits = audits

    # ------------------------------------------------------------------ invariants
    @invariant()
    def no_nsi_opened_on_a_withdrawn_toolkit_after_its_withdrawal(self) -> None:
        if not hasattr(self, "desk"):
            return
        for kit in self.desk.catalogue.toolkits:
            if kit.withdrawn_from is None:
                continue
            with self.desk.engine.connect() as con:
                late = con.execute(select(func.count()).select_from(Nsi).where(
                    Nsi.toolkit == kit.code, Nsi.referral_date >= kit.withdrawn_from)).scalar()
            assert late == 0

    @invariant()
    def closed_nsis_have_an_outcome_and_an_end_after_their_start(self) -> None:
        if not hasattr(self, "desk"):
            return
        with self.desk.engine.connect() as con:
            for n in con.execute(select(Nsi).where(Nsi.active.is_(False))):
                assert n.outcome is not None and n.actual_end is not None
                assert n.actual_start is not None and n.actual_end >= n.actual_start
                assert n.actual_start >= n.referral_date

    @invariant()
    def rar_days_are_distinct_dates_and_the_module_counts_once(self) -> None:
        if not hasattr(self, "desk"):
            return
        for pid in self.people:
            for view in self.desk.rar(pid):
                s = view.summary
                assert s.module_days <= 1
                assert s.days_completed == len({d.on for d in s.counted})

    @invariant()
    def export_import_export_is_identical(self) -> None:
        if not hasattr(self, "desk"):
            return
        first = self.folder / "first.jsonl"
        export_file(self.desk, first)
        other = Desk(open_database(_empty_database(self.folder, "other.sqlite3")),
                     actor="Other", clock=lambda: self.today, now=lambda: self.now)
        try:
            result = import_file(other, first)
            assert result.refused == [] and result.stopped is None, result.refused[:3]
            second = self.folder / "second.jsonl"
            export_file(other, second)
            assert second.read_bytes() == first.read_bytes()
        finally:
            other.engine.dispose()


DeskMachine.TestCase.settings = settings(
    max_examples=10, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestDeskMachine = DeskMachine.TestCase


def test_steps_were_run() -> None:
    """Runs after the machine (same module): it took real steps, not none."""
    print(f"stateful steps run: {STEPS['run']}, operations accepted: {STEPS['accepted']}")
    assert STEPS["run"] > 0 and STEPS["accepted"] > 0
