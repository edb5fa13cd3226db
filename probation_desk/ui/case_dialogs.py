"""Dialogs that build the case record: a person, an order, a RAR termination, an
appointment and its outcome, a note of correction.

Each one saves through one Desk operation (``OperationDialog``): a refusal shows in
the rule's words next to its field, and nothing typed is lost. A CRN already on the
database is refused, and the dialog offers to open that person instead.

Signals:
    PersonDialog.open_requested(int): the user chose to open the person already recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from probation_desk.domain.contacts import ContactDetails
from probation_desk.domain.dates import uk
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.people import (
    REGIONS,
    Language,
    OrderDetails,
    OrderKind,
    PersonDetails,
    PrintNeeds,
)
from probation_desk.ui.forms import OperationDialog
from probation_desk.ui.tasks import Change, Progress, Tasks
from probation_desk.ui.widgets import NotesEdit, OptionalDate, UkDateEdit, plain_text

if TYPE_CHECKING:
    from probation_desk.services.contacts import ContactView
    from probation_desk.services.desk import Desk
    from probation_desk.services.records import NsiView, OrderView, PersonView

_TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_time(text: str) -> dt.time:
    """A time typed as 14:30 (or 14.30); refused in words otherwise."""
    m = _TIME_RE.match(text)
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return dt.time(int(m.group(1)), int(m.group(2)))
    raise RuleViolation("bad-time", f"'{text}' is not a time. Type it as hours:minutes on "
                        "the 24-hour clock, for example 14:30.", "time")


def _combo(parent: QWidget, items: list[tuple[str, Any]], current: Any = None) -> QComboBox:
    box = QComboBox(parent)
    for text, data in items:
        box.addItem(text, data)
    if current is not None:
        box.setCurrentIndex(max(0, box.findData(current)))
    return box


class PersonDialog(OperationDialog):
    """Add a person on probation (Case > New person…), or edit their details."""

    open_requested = Signal(int)

    def __init__(self, desk: Desk, tasks: Tasks, person: PersonView | None = None,
                 parent: QWidget | None = None, *, region: str = "") -> None:
        """``region``: a new person's region to begin with (the user's own)."""
        title = "New person" if person is None else "Edit person details"
        intro = ("A person on probation. The CRN is one letter and six digits, as in "
                 "nDelius (a lower-case letter is read as upper case)." if person is None
                 else f"The details of {person.name} ({person.crn}). The CRN cannot change.")
        super().__init__(tasks, title, intro, parent,
                         "&Save" if person else "&Add person")
        self.desk, self.person = desk, person
        self.existing_id: int | None = None
        self.crn = self.add_row("&CRN", QLineEdit(person.crn if person else "", self), "crn")
        assert isinstance(self.crn, QLineEdit)
        self.crn.setReadOnly(person is not None)
        self.crn.setMaxLength(20)
        self.name = self.add_row("Na&me", QLineEdit(person.name if person else "", self),
                                 "name")
        self.dob = self.add_row("Date of &birth", OptionalDate(
            "Date of birth", (person.date_of_birth if person and person.date_of_birth
                              else dt.date(1990, 1, 1)), self), "date_of_birth")
        assert isinstance(self.dob, OptionalDate)
        self.dob.set_value(person.date_of_birth if person else None)
        self.region = self.add_row("&Region", _combo(self, [(r, r) for r in REGIONS],
                                                     person.region if person
                                                     else region or None),
                                   "region")
        self.pdu = self.add_row("P&DU", QLineEdit(person.pdu if person else "", self), "pdu")
        self.practitioner = self.add_row(
            "Managing &practitioner",
            QLineEdit(person.practitioner if person else desk.actor, self), "practitioner")
        self.language = self.add_row("&Language", _combo(
            self, [(x.value, x.name) for x in Language],
            person.language.name if person else None), "language")
        self.print_needs = self.add_row("Print &needs", _combo(
            self, [(x.value, x.name) for x in PrintNeeds],
            person.print_needs.name if person else None), "print_needs")
        self.open_existing = QPushButton("&Open that person", self)
        self.open_existing.setAccessibleName("Open the person already recorded")
        self.open_existing.hide()
        self.open_existing.clicked.connect(self._open_existing)
        self.buttons.addButton(self.open_existing, self.buttons.ButtonRole.ActionRole)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)

    def details(self) -> PersonDetails:
        """The details as typed."""
        assert isinstance(self.crn, QLineEdit) and isinstance(self.name, QLineEdit)
        assert isinstance(self.dob, OptionalDate) and isinstance(self.region, QComboBox)
        assert isinstance(self.pdu, QLineEdit) and isinstance(self.practitioner, QLineEdit)
        assert isinstance(self.language, QComboBox)
        assert isinstance(self.print_needs, QComboBox)
        return PersonDetails(self.crn.text(), self.name.text(), self.dob.value(),
                             self.region.currentData(), self.pdu.text(),
                             self.practitioner.text(),
                             Language[self.language.currentData()],
                             PrintNeeds[self.print_needs.currentData()])

    def operation(self) -> Callable[[Progress], Any]:
        desk, details, person = self.desk, self.details(), self.person
        if person is None:
            return lambda _p: desk.add_person(details)
        pid, version = person.id, person.version
        return lambda _p: desk.update_person(pid, details, version)

    def show_refusal(self, exc: RuleViolation) -> None:
        super().show_refusal(exc)
        self.existing_id = None
        if exc.rule == "duplicate-crn":
            try:
                self.existing_id = self.desk.person_by_crn(self.details().crn).id
            except RuleViolation:
                self.existing_id = None
        self.open_existing.setVisible(self.existing_id is not None)

    def _open_existing(self) -> None:
        if self.existing_id is not None:
            self.open_requested.emit(self.existing_id)
            self.close_unsaved()

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change(people=frozenset({result.id}), everything=True))


class OrderDialog(OperationDialog):
    """Add an order (with its RAR requirement), or change one."""

    def __init__(self, desk: Desk, tasks: Tasks, person: PersonView,
                 order: OrderView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Add an order" if order is None else "Change an order",
                         f"A sentence or licence for {person.name} ({person.crn}). A RAR "
                         "requirement carries the court's maximum RAR days (1 to 365).",
                         parent, "&Save")
        self.desk, self.person, self.order = desk, person, order
        self.kind = self.add_row("&Kind", _combo(
            self, [(k.value, k.name) for k in OrderKind],
            order.kind.name if order else None), "kind")
        self.start = self.add_row("Start &date", UkDateEdit(
            order.start if order else desk.today, self), "start")
        self.end = self.add_row("&End date", UkDateEdit(
            order.end if order else desk.today.replace(year=desk.today.year + 1)
            if not (desk.today.month == 2 and desk.today.day == 29)
            else desk.today + dt.timedelta(days=365), self), "end")
        self.has_rar = QCheckBox("It has a &RAR requirement", self)
        self.has_rar.setAccessibleName("It has a RAR requirement")
        self.has_rar.setChecked(order is None or order.rar_max_days is not None)
        self.add_row("", self.has_rar, "rar")
        self.max_days = QSpinBox(self)
        self.max_days.setRange(1, 365)
        self.max_days.setValue(order.rar_max_days if order and order.rar_max_days else 20)
        self.max_days.setAccessibleName("Court's maximum RAR days")
        self.add_row("Court's ma&ximum RAR days", self.max_days, "rar_max_days")
        self.has_rar.toggled.connect(self.max_days.setEnabled)
        self.max_days.setEnabled(self.has_rar.isChecked())

    def details(self) -> OrderDetails:
        """The order as typed."""
        assert isinstance(self.kind, QComboBox)
        assert isinstance(self.start, UkDateEdit) and isinstance(self.end, UkDateEdit)
        return OrderDetails(OrderKind[self.kind.currentData()], self.start.value(),
                            self.end.value(),
                            self.max_days.value() if self.has_rar.isChecked() else None)

    def operation(self) -> Callable[[Progress], Any]:
        desk, d, pid = self.desk, self.details(), self.person.id
        if self.order is None:
            return lambda _p: desk.add_order(pid, d)
        oid = self.order.id
        return lambda _p: desk.update_order(oid, d)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.person.id))


class TerminateDialog(OperationDialog):
    """End a RAR requirement early, with a date and a reason."""

    def __init__(self, desk: Desk, tasks: Tasks, person: PersonView, order: OrderView,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Terminate RAR requirement",
                         f"End the RAR requirement of the {order.kind.value.lower()} "
                         f"({uk(order.start)} to {uk(order.end)}) early. RAR activity after "
                         "the termination date no longer counts.", parent, "&Terminate")
        self.desk, self.person, self.order = desk, person, order
        self.on = self.add_row("Termination &date", UkDateEdit(desk.today, self),
                               "terminated_on")
        self.reason = self.add_row("&Reason", QLineEdit(self), "reason")

    def operation(self) -> Callable[[Progress], Any]:
        assert isinstance(self.on, UkDateEdit) and isinstance(self.reason, QLineEdit)
        desk, oid, on, why = self.desk, self.order.id, self.on.value(), self.reason.text()
        return lambda _p: desk.terminate_requirement(oid, on, why)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.person.id))


class ContactDialog(OperationDialog):
    """Book an appointment, or record a contact, for a person."""

    def __init__(self, desk: Desk, tasks: Tasks, person: PersonView,
                 orders: list[OrderView], nsis: list[NsiView],
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Book an appointment",
                         f"An appointment or contact for {person.name} ({person.crn}). "
                         "Flag it as RAR activity only when it is linked to an order with "
                         "a RAR requirement (directly or through its NSI).", parent, "&Book")
        self.desk, self.person = desk, person
        cat = desk.contact_catalogue
        self.type = self.add_row("&Type", _combo(self, [(t.name, t.code) for t in cat.types],
                                                 "OFFICE_VISIT"), "type")
        self.date = self.add_row("&Date", UkDateEdit(desk.today, self), "at")
        self.time = self.add_row("T&ime", QLineEdit("10:00", self), "time")
        assert isinstance(self.time, QLineEdit)
        self.time.setPlaceholderText("hh:mm")
        rar_orders = [o for o in orders if o.rar_max_days is not None]
        default_order = rar_orders[-1].id if rar_orders else None
        self.order = self.add_row("&Order", _combo(
            self, [("No order", None)] + [
                (f"{o.kind.value}, {uk(o.start)} to {uk(o.end)}"
                 + (f" (RAR, {o.rar_max_days} days)" if o.rar_max_days else ""), o.id)
                for o in orders], default_order), "order")
        self.nsi = self.add_row("&NSI", _combo(
            self, [("No NSI", None)] + [(f"{n.toolkit_name}, referred "
                                         f"{uk(n.fields.referral_date)}", n.id)
                                        for n in nsis if n.is_open]), "nsi")
        self.rar = QCheckBox("&RAR activity", self)
        self.rar.setAccessibleName("RAR activity")
        self.rar.setChecked(default_order is not None)
        self.add_row("", self.rar, "rar")
        self.notes = self.add_row("Not&es", NotesEdit(self), "notes")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 38)

    def details(self) -> ContactDetails:
        """The appointment as typed (a refusal in words for a bad date or time)."""
        assert isinstance(self.date, UkDateEdit) and isinstance(self.time, QLineEdit)
        assert isinstance(self.type, QComboBox) and isinstance(self.order, QComboBox)
        assert isinstance(self.nsi, QComboBox) and isinstance(self.notes, NotesEdit)
        at = dt.datetime.combine(self.date.value(), parse_time(self.time.text()))
        return ContactDetails(self.type.currentData(), at, self.order.currentData(),
                              self.nsi.currentData(), self.rar.isChecked(),
                              plain_text(self.notes))

    def operation(self) -> Callable[[Progress], Any]:
        desk, pid, d = self.desk, self.person.id, self.details()
        return lambda _p: desk.add_contact(pid, d)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.person.id))


class OutcomeDialog(OperationDialog):
    """Record what happened at an appointment (not before its time)."""

    def __init__(self, desk: Desk, tasks: Tasks, contact: ContactView,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Record outcome",
                         f"{contact.type_name} on {uk(contact.at.date())} at "
                         f"{contact.at:%H:%M}"
                         + (" (RAR activity)" if contact.rar else "")
                         + f". Its outcome and notes can be changed until "
                         f"{uk(contact.editable_until)}; after that, add a note of "
                         "correction.", parent, "&Save")
        self.desk, self.contact = desk, contact
        cat = desk.contact_catalogue
        self.outcome = self.add_row("&Outcome", _combo(
            self, [(o.name, o.code) for o in cat.outcomes],
            contact.outcome.code if contact.outcome else None), "outcome")
        self.reason = self.add_row("&Reason for an acceptable absence", _combo(
            self, [("No reason", None)] + [(r.name, r.code) for r in cat.reasons]), "reason")
        self.notes = self.add_row("Not&es", NotesEdit(self), "notes")
        assert isinstance(self.notes, NotesEdit) and isinstance(self.outcome, QComboBox)
        self.notes.setPlainText(contact.notes or "")
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self._outcome_changed()

    def _outcome_changed(self) -> None:
        assert isinstance(self.outcome, QComboBox) and isinstance(self.reason, QComboBox)
        needs = self.desk.contact_catalogue.outcome(self.outcome.currentData()).needs_reason
        self.reason.setEnabled(needs)
        if not needs:
            self.reason.setCurrentIndex(0)

    def operation(self) -> Callable[[Progress], Any]:
        assert isinstance(self.outcome, QComboBox) and isinstance(self.reason, QComboBox)
        assert isinstance(self.notes, NotesEdit)
        desk, c = self.desk, self.contact
        outcome, reason = self.outcome.currentData(), self.reason.currentData()
        notes = plain_text(self.notes)
        return lambda _p: desk.record_outcome(c.id, outcome, reason,
                                              expected_version=c.version, notes=notes)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.contact.person_id))


class CorrectionDialog(OperationDialog):
    """A note of correction beside a contact (the original stays as it was)."""

    def __init__(self, desk: Desk, tasks: Tasks, contact: ContactView,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Add a note of correction",
                         f"{contact.type_name} on {uk(contact.at.date())}: "
                         f"{contact.outcome_text}. The record stays as it was; the note is "
                         "kept beside it.", parent, "&Add note")
        self.desk, self.contact = desk, contact
        self.text = self.add_row("&Correction", NotesEdit(self), "correction")

    def operation(self) -> Callable[[Progress], Any]:
        assert isinstance(self.text, NotesEdit)
        desk, cid, text = self.desk, self.contact.id, plain_text(self.text) or ""
        return lambda _p: desk.add_correction(cid, text)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.contact.person_id))
