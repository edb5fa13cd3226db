"""Dialogs to open, update, close and switch a toolkit NSI.

The toolkit picker offers ``desk.catalogue.selectable(desk.today)``; withdrawn
toolkits are listed after them, greyed and not selectable, with their withdrawal date
from the catalogue beside the name, and the rule's plain reason
(``nsi.withdrawn_message``) is written under the picker. The rules refuse a withdrawn
toolkit however it is reached, and that refusal appears inside the dialog next to the
toolkit. Closing asks for confirmation first. Each save is one
Desk operation, run in the background (see :mod:`probation_desk.ui.forms`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from probation_desk.domain.dates import uk, uk_long
from probation_desk.domain.nsi import (
    NsiFields,
    Outcome,
    Status,
    check_close,
    outcomes_for,
    withdrawn_message,
)
from probation_desk.ui.forms import OperationDialog
from probation_desk.ui.tasks import Change, Progress, Tasks
from probation_desk.ui.widgets import NotesEdit, OptionalDate, UkDateEdit, confirm, plain_text

if TYPE_CHECKING:
    from probation_desk.services.desk import Desk
    from probation_desk.services.records import NsiView, OrderView, PersonView


def toolkit_combo(desk: Desk, parent: QWidget, exclude: str = "") -> QComboBox:
    """A picker of the toolkits a new NSI may be opened on today.

    Withdrawn toolkits come last, greyed and not selectable, as "Chemsex (withdrawn 1 Jun
    2022)", the date from the catalogue; each carries the rule's reason as its tooltip,
    What's This and accessible description.
    """
    box = QComboBox(parent)
    model = QStandardItemModel(box)
    for kit in desk.catalogue.selectable(desk.today):
        if kit.code != exclude:
            item = QStandardItem(kit.name)
            item.setData(kit.code, Qt.ItemDataRole.UserRole)
            model.appendRow(item)
    for kit in desk.catalogue.withdrawn(desk.today):
        if kit.code == exclude or kit.withdrawn_from is None:
            continue
        item = QStandardItem(f"{kit.name} (withdrawn {uk_long(kit.withdrawn_from)})")
        item.setData(kit.code, Qt.ItemDataRole.UserRole)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled
                      & ~Qt.ItemFlag.ItemIsSelectable)
        reason = withdrawn_message(kit)
        item.setToolTip(reason)
        item.setWhatsThis(reason)
        item.setData(reason, Qt.ItemDataRole.AccessibleDescriptionRole)
        model.appendRow(item)
    box.setModel(model)
    box.setCurrentIndex(0)
    box.setAccessibleName("Toolkit")
    return box


def withdrawn_note(desk: Desk, parent: QWidget, exclude: str = "") -> QLabel:
    """Why the greyed toolkits in the picker cannot be chosen, in the rule's words."""
    note = QLabel(parent)
    note.setWordWrap(True)
    note.setAccessibleName("Toolkits that cannot be chosen")
    kits = [k for k in desk.catalogue.withdrawn(desk.today) if k.code != exclude]
    note.setText("\n".join(withdrawn_message(k) for k in kits))
    note.setVisible(bool(kits))
    note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return note


def add_toolkit_row(dialog: OperationDialog, label: str, desk: Desk,
                    exclude: str = "") -> tuple[QComboBox, QLabel]:
    """The toolkit picker row, with the reason the withdrawn ones are greyed under it."""
    box = toolkit_combo(desk, dialog, exclude)
    dialog.add_row(label, box, "toolkit")
    note = withdrawn_note(desk, dialog, exclude)
    dialog.form.addRow("", note)
    return box, note


def status_combo(parent: QWidget, statuses: tuple[Status, ...]) -> QComboBox:
    """A picker of NSI statuses."""
    box = QComboBox(parent)
    for s in statuses:
        box.addItem(s.value, s.name)
    return box


def outcome_combo(parent: QWidget, outcomes: tuple[Outcome, ...], blank: str = "") -> QComboBox:
    """A picker of outcomes (with a blank first item when ``blank`` is given)."""
    box = QComboBox(parent)
    if blank:
        box.addItem(blank, "")
    for o in outcomes:
        box.addItem(o.value, o.name)
    return box



def add_date_rows(dialog: OperationDialog, today: dt.date
                  ) -> tuple[UkDateEdit, OptionalDate, OptionalDate, OptionalDate]:
    """The referral, expected start and end, and start date rows every NSI form has."""
    referral = UkDateEdit(today, dialog)
    expected_start = OptionalDate("Expected start date", today, dialog)
    expected_end = OptionalDate("Expected end date", today, dialog)
    started = OptionalDate("Date started", today, dialog)
    dialog.add_row("&Referral date", referral, "referral_date")
    dialog.add_row("E&xpected start", expected_start, "expected_start")
    dialog.add_row("Expected &end", expected_end, "expected_end")
    dialog.add_row("&Started on", started, "actual_start")
    return referral, expected_start, expected_end, started


class OpenNsiDialog(OperationDialog):
    """Open a toolkit NSI for a person."""

    def __init__(self, desk: Desk, tasks: Tasks, person: PersonView,
                 parent: QWidget | None = None,
                 orders: Sequence[OrderView] = ()) -> None:
        super().__init__(tasks, "Open a toolkit NSI",
                         f"For {person.name} ({person.crn}). Only toolkits approved today "
                         "can be chosen.", parent, "&Open NSI")
        self.desk, self.person = desk, person
        today = desk.today
        self.toolkit, self.toolkit_note = add_toolkit_row(self, "&Toolkit", desk)
        self.status = self.add_row("Stat&us", status_combo(self, (Status.REFERRED,
                                                                  Status.IN_PROGRESS)), "status")
        (self.referral, self.expected_start, self.expected_end,
         self.actual_start) = add_date_rows(self, today)
        self.practitioner = self.add_row("&Practitioner", QLineEdit(desk.actor, self),
                                         "practitioner")
        # Left empty, the operation records the signed-in user: say so while it is empty.
        self.practitioner_note = QLabel(self)
        self.practitioner_note.setWordWrap(True)
        self.practitioner_note.setAccessibleName("About the practitioner")
        self.form.addRow("", self.practitioner_note)
        assert isinstance(self.practitioner, QLineEdit)
        self.practitioner.textChanged.connect(self._practitioner_changed)
        self._practitioner_changed(self.practitioner.text())
        # The order (its RAR requirement) the NSI is delivered under: RAR-flagged contacts
        # under this NSI then count towards that requirement.
        self.order = QComboBox(self)
        self.order.addItem("No order", None)
        for o in orders:
            if o.rar_terminated_on is not None:
                continue  # an NSI on a terminated requirement would need an end date
            rar = f" (RAR, {o.rar_max_days} days)" if o.rar_max_days else ""
            self.order.addItem(f"{o.kind.value}, {uk(o.start)} to {uk(o.end)}{rar}", o.id)
        running = [o for o in orders if o.rar_max_days and o.rar_terminated_on is None]
        if running:
            self.order.setCurrentIndex(max(0, self.order.findData(running[-1].id)))
        self.add_row("Under the or&der", self.order, "order")
        self.notes = self.add_row("&Notes", NotesEdit(self), "notes")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)

    def _practitioner_changed(self, text: str) -> None:
        empty = not text.strip()
        self.practitioner_note.setText(
            f"Left empty, you ({self.desk.actor}) will be recorded as the managing "
            "practitioner." if empty else "")
        self.practitioner_note.setVisible(empty)

    def fields(self) -> NsiFields:
        """The NSI as typed."""
        assert isinstance(self.toolkit, QComboBox) and isinstance(self.status, QComboBox)
        assert isinstance(self.referral, UkDateEdit) and isinstance(self.notes, NotesEdit)
        assert isinstance(self.practitioner, QLineEdit)
        return NsiFields(
            toolkit=self.toolkit.currentData() or "",
            status=Status[self.status.currentData()],
            referral_date=self.referral.value(),
            expected_start=_opt(self.expected_start), expected_end=_opt(self.expected_end),
            actual_start=_opt(self.actual_start),
            notes=plain_text(self.notes),
            practitioner=self.practitioner.text().strip() or None)

    def operation(self) -> Callable[[Progress], Any]:
        desk, pid, fields = self.desk, self.person.id, self.fields()
        order_id = self.order.currentData()
        return lambda _p: desk.open_nsi(pid, fields, order_id=order_id)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.person.id, nsis=True))


def _opt(widget: QWidget) -> dt.date | None:
    assert isinstance(widget, OptionalDate)
    return widget.value()


CHANGED_UNDERNEATH = (
    "Someone else has just saved a change to this NSI. Saving what is typed here would "
    "be refused, so nothing of theirs is overwritten: press Save to be offered their "
    "version, or Cancel.")


def watch_nsi(dialog: Any) -> None:
    """Tell ``dialog``'s user at once when its NSI is saved elsewhere (before Save).

    Any change announced for the NSI's person (including one another person committed on
    a team database) makes the dialog read the NSI's version again in the background.
    """
    def changed(change: Change) -> None:
        if dialog.saving or not dialog.isVisible() or not (
                change.everything or dialog.nsi.person_id in change.people):
            return
        desk, nid = dialog.desk, dialog.nsi.id

        def done(latest: NsiView) -> None:
            if latest.version != dialog.nsi.version:
                dialog.show_notice(CHANGED_UNDERNEATH)

        dialog.tasks.op(dialog, lambda _p: desk.nsi(nid)).success(done).run_in_background()

    dialog.tasks.changed.connect(changed)
    dialog.destroyed.connect(lambda *_a: _disconnect(dialog.tasks, changed))


def _disconnect(tasks: Tasks, slot: Callable[[Change], None]) -> None:
    try:
        tasks.changed.disconnect(slot)
    except (RuntimeError, TypeError):
        pass


class UpdateNsiDialog(OperationDialog):
    """Change an open NSI (status, dates, notes); refused if someone saved it first."""

    def __init__(self, desk: Desk, tasks: Tasks, nsi: NsiView, person_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Update NSI", "", parent, "Sa&ve changes")
        self.desk = desk
        self.nsi = nsi
        self.person_name = person_name
        today = desk.today
        self.kit_label = self.add_row("Toolkit", QLabel(self), "toolkit")
        self.status = self.add_row("Stat&us", status_combo(self, tuple(Status)), "status")
        (self.referral, self.expected_start, self.expected_end,
         self.actual_start) = add_date_rows(self, today)
        self.actual_end = self.add_row("En&ded on", OptionalDate("Date ended", today, self),
                                       "actual_end")
        self.outcome = self.add_row("Ou&tcome", outcome_combo(
            self, outcomes_for(desk.toolkit(nsi.fields.toolkit), today, manual_only=True),
            "(not ended)"), "outcome")
        self.practitioner = self.add_row("&Practitioner", QLineEdit(self), "practitioner")
        self.notes = self.add_row("&Notes", NotesEdit(self), "notes")
        self.fill(nsi)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)
        watch_nsi(self)

    def fill(self, nsi: NsiView) -> None:
        """Show ``nsi``'s saved values."""
        self.nsi = nsi
        f = nsi.fields
        assert isinstance(self.kit_label, QLabel)
        self.kit_label.setText(nsi.toolkit_name)
        self.intro.setText(f"{nsi.toolkit_name} NSI for {self.person_name}, referred "
                           f"{uk(f.referral_date)}.")
        self.intro.show()
        _set_combo(self.status, f.status.name)
        assert isinstance(self.referral, UkDateEdit)
        if f.referral_date:
            self.referral.set_value(f.referral_date)
        for w, v in ((self.expected_start, f.expected_start), (self.expected_end, f.expected_end),
                     (self.actual_start, f.actual_start), (self.actual_end, f.actual_end)):
            assert isinstance(w, OptionalDate)
            w.set_value(v)
        _set_combo(self.outcome, f.outcome.name if f.outcome else "")
        assert isinstance(self.practitioner, QLineEdit) and isinstance(self.notes, NotesEdit)
        self.practitioner.setText(f.practitioner or "")
        self.notes.setPlainText(f.notes or "")

    def fields(self) -> NsiFields:
        """The NSI as typed."""
        assert isinstance(self.status, QComboBox) and isinstance(self.outcome, QComboBox)
        assert isinstance(self.referral, UkDateEdit) and isinstance(self.notes, NotesEdit)
        assert isinstance(self.practitioner, QLineEdit)
        outcome = self.outcome.currentData()
        return NsiFields(
            toolkit=self.nsi.fields.toolkit, status=Status[self.status.currentData()],
            referral_date=self.referral.value(),
            expected_start=_opt(self.expected_start), expected_end=_opt(self.expected_end),
            actual_start=_opt(self.actual_start), actual_end=_opt(self.actual_end),
            outcome=Outcome[outcome] if outcome else None, notes=plain_text(self.notes),
            practitioner=self.practitioner.text().strip() or None)

    def operation(self) -> Callable[[Progress], Any]:
        desk, nid, version, fields = self.desk, self.nsi.id, self.nsi.version, self.fields()
        return lambda _p: desk.update_nsi(nid, fields, version)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.nsi.person_id, nsis=True))

    def reload_latest(self) -> None:
        desk, nid = self.desk, self.nsi.id

        def done(nsi: NsiView) -> None:
            self.fill(nsi)
            self.errors.clear()
            self.show_notice("Reloaded: this shows the version saved by someone else. "
                             "Make your change again, then save.")
            self.tasks.announce(Change.person(nsi.person_id, nsis=True))

        self.tasks.op(self, lambda _p: desk.nsi(nid)).success(done).run_in_background()


def _set_combo(box: QWidget, data: str) -> None:
    assert isinstance(box, QComboBox)
    box.setCurrentIndex(max(box.findData(data), 0))


class CloseNsiDialog(OperationDialog):
    """Close an open NSI with an outcome, after confirmation."""

    def __init__(self, desk: Desk, tasks: Tasks, nsi: NsiView, person_name: str,
                 parent: QWidget | None = None) -> None:
        kit = desk.toolkit(nsi.fields.toolkit)
        extra = ""
        if kit.close_by is not None and kit.is_withdrawn(desk.today):
            extra = (f" The {kit.name} toolkit was withdrawn; its NSIs had to close by "
                     f"{uk_long(kit.close_by)}.")
        super().__init__(tasks, "Close NSI",
                         f"Close the {nsi.toolkit_name} NSI for {person_name}, referred "
                         f"{uk(nsi.fields.referral_date)}.{extra}", parent, "&Close NSI")
        self.desk, self.nsi, self.person_name = desk, nsi, person_name
        self.kit = kit
        # Only the outcomes this toolkit allows (the catalogue says which).
        self.outcome = self.add_row("&Outcome", outcome_combo(
            self, outcomes_for(kit, desk.today, manual_only=True)), "outcome")
        if kit.is_withdrawn(desk.today):
            _set_combo(self.outcome, Outcome.TOOLKIT_WITHDRAWN.name)
        self.end = self.add_row("&Ended on", UkDateEdit(desk.today, self), "actual_end",
                                "actual_start")
        self.notes = self.add_row("&Notes", NotesEdit(self), "notes")
        assert isinstance(self.notes, NotesEdit)
        self.notes.setPlainText(nsi.fields.notes or "")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)
        watch_nsi(self)

    def values(self) -> tuple[Outcome, dt.date, str | None]:
        """Outcome, end date and notes as typed."""
        assert isinstance(self.outcome, QComboBox) and isinstance(self.end, UkDateEdit)
        assert isinstance(self.notes, NotesEdit)
        return Outcome[self.outcome.currentData()], self.end.value(), plain_text(self.notes)

    def confirm_save(self) -> bool:
        outcome, end, _notes = self.values()
        return confirm(self, "Close this NSI?",
                       f"Close the {self.nsi.toolkit_name} NSI for {self.person_name} on "
                       f"{uk(end)} with the outcome '{outcome.value}'? A closed NSI cannot "
                       f"be changed afterwards.{self.cancels_text()}", "&Close NSI",
                       "&Go back", default_yes=True)

    def cancels_text(self) -> str:
        """What closing does to this NSI's future appointments (nDelius cancels them)."""
        n = self.desk.future_appointments(self.nsi.id)
        if n == 0:
            return " It has no future appointments to cancel."
        return (f" Closing it cancels {n} future appointment{'s' if n != 1 else ''} that "
                f"{'have' if n != 1 else 'has'} no outcome yet.")

    def operation(self) -> Callable[[Progress], Any]:
        desk, nid, version = self.desk, self.nsi.id, self.nsi.version
        outcome, end, notes = self.values()
        # The same rule the operation applies, before the confirmation: every refusal at
        # once, by its field, and no question about a date that would be refused.
        check_close(self.kit, self.nsi.fields, outcome, end, desk.today, notes=notes)
        return lambda _p: desk.close_nsi(nid, outcome, end, version, notes)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.nsi.person_id, nsis=True))

    def reload_latest(self) -> None:
        desk, nid = self.desk, self.nsi.id

        def done(nsi: NsiView) -> None:
            self.nsi = nsi
            self.errors.clear()
            if nsi.is_open:
                self.show_notice("Reloaded the latest version. Check the outcome and date, "
                                 "then close it again.")
            else:
                self.show_notice(f"Someone else has already closed this NSI "
                                 f"({nsi.outcome.value if nsi.outcome else nsi.status.value}, "
                                 f"{uk(nsi.fields.actual_end)}). Nothing more is needed.")
                self.save_button.setEnabled(False)
            self.tasks.announce(Change.person(nsi.person_id, nsis=True))

        self.tasks.op(self, lambda _p: desk.nsi(nid)).success(done).run_in_background()


class SwitchToolkitDialog(OperationDialog):
    """Close an NSI as transferred and open one on an approved toolkit, notes carried."""

    def __init__(self, desk: Desk, tasks: Tasks, nsi_id: int, person_id: int,
                 toolkit_code: str, toolkit_name: str, version: int, person_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Switch to another toolkit",
                         f"{person_name}'s {toolkit_name} NSI will be closed as 'Transferred "
                         "to another toolkit', and a new NSI opened on the toolkit you "
                         "choose, with the notes carried over and the same managing "
                         f"practitioner (you, {desk.actor}, if none is recorded). Both happen "
                         "together or not at all.", parent, "S&witch toolkit")
        self.desk, self.nsi_id, self.person_id, self.version = desk, nsi_id, person_id, version
        self.toolkit, self.toolkit_note = add_toolkit_row(self, "&New toolkit", desk,
                                                          toolkit_code)
        self.on = self.add_row("&Switch on", UkDateEdit(desk.today, self), "referral_date",
                               "actual_end")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 34)

    def operation(self) -> Callable[[Progress], Any]:
        assert isinstance(self.toolkit, QComboBox) and isinstance(self.on, UkDateEdit)
        desk, nid, version = self.desk, self.nsi_id, self.version
        code, on = self.toolkit.currentData() or "", self.on.value()
        return lambda _p: desk.switch_toolkit(nid, code, version, on=on)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.person_id, nsis=True))

    def reload_latest(self) -> None:
        desk, nid = self.desk, self.nsi_id

        def done(nsi: NsiView) -> None:
            self.version = nsi.version
            self.errors.clear()
            if nsi.is_open:
                self.show_notice("Reloaded the latest version. Choose the toolkit again and "
                                 "switch.")
            else:
                self.show_notice("Someone else has already closed this NSI, so it cannot be "
                                 "switched. Open a new NSI instead.")
                self.save_button.setEnabled(False)
            self.tasks.announce(Change.person(nsi.person_id, nsis=True))

        self.tasks.op(self, lambda _p: desk.nsi(nid)).success(done).run_in_background()
