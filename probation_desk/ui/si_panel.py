"""Structured Interventions on a case: referrals, and starting one once the module is done.

Referring goes through ``Desk.refer_si``; starting through ``Desk.start_si``, which
refuses (rule "module-not-completed") until the Pre-Intervention Module is completed.
A refusal appears inside the Start dialog in the rule's own words and the dialog stays
open. A referral that cannot start yet says so in words ("Blocked: module not
completed") with a warning icon, never by colour alone, and "Begin intervention…" is
then disabled with the rule's reason (``interventions.start_blocked``) beside it.

The buttons are "Ne&w referral…" (Alt+W) and "&Begin intervention…" (Alt+B): Alt+R and
Alt+S already belong to the caseload's Region and Search, shown beside the record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import uk
from probation_desk.domain.interventions import NATIONAL_EXAMPLES, NeedArea, start_blocked
from probation_desk.domain.module import ModuleState
from probation_desk.domain.review import BLOCKED_TEXT, blocked
from probation_desk.ui.forms import OperationDialog
from probation_desk.ui.tasks import Change, Progress, Tasks
from probation_desk.ui.widgets import UkDateEdit, icon

if TYPE_CHECKING:
    from probation_desk.services.desk import Desk
    from probation_desk.services.records import PersonView, SiReferralView

SI_COLUMNS = ("Need area", "Intervention", "Referred", "State")
AWAITING_TEXT = "Awaiting start"


def need_area_text(stored: str) -> str:
    """The need area in words (stored by its enum name)."""
    try:
        return NeedArea[stored].value
    except KeyError:
        return stored


def state_text(r: SiReferralView, state: ModuleState) -> str:
    """Started dd/mm/yyyy, Blocked: module not completed, or Awaiting start."""
    if r.start_date is not None:
        return f"Started {uk(r.start_date)}"
    if blocked(False, state):
        return BLOCKED_TEXT
    return AWAITING_TEXT


class ReferDialog(OperationDialog):
    """Refer a person to a Structured Intervention."""

    def __init__(self, desk: Desk, tasks: Tasks, person: PersonView,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Refer to a Structured Intervention",
                         f"A Structured Intervention referral for {person.name} "
                         f"({person.crn}). It can start once the Pre-Intervention Module "
                         "is completed.", parent, "&Refer")
        self.desk, self.person = desk, person
        self.need_area = QComboBox(self)
        for area in NeedArea:
            self.need_area.addItem(area.value, area.name)
        self.add_row("&Need area", self.need_area, "need_area")
        self.name = QComboBox(self)
        self.name.setEditable(True)
        self.name.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.name.addItems(NATIONAL_EXAMPLES)
        self.add_row("&Intervention", self.name, "name")
        self.date = UkDateEdit(desk.today, self)
        self.add_row("Referral &date", self.date, "referral_date")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 32)

    def operation(self) -> Callable[[Progress], Any]:
        desk, pid = self.desk, self.person.id
        area = NeedArea[self.need_area.currentData()]
        name, on = self.name.currentText(), self.date.value()
        return lambda _p: desk.refer_si(pid, area, name, on)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.person.id))


class StartDialog(OperationDialog):
    """Start a referred Structured Intervention (refused until the module is completed)."""

    def __init__(self, desk: Desk, tasks: Tasks, person: PersonView,
                 referral: SiReferralView, parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Start a Structured Intervention",
                         f"Start {referral.name} ({need_area_text(referral.need_area)}) "
                         f"for {person.name} ({person.crn}), referred on "
                         f"{uk(referral.referral_date)}.", parent, "&Start")
        self.desk, self.person, self.referral = desk, person, referral
        self.date = UkDateEdit(desk.today, self)
        self.add_row("Start &date", self.date, "start_date")

    def operation(self) -> Callable[[Progress], Any]:
        desk, rid, on = self.desk, self.referral.id, self.date.value()
        return lambda _p: desk.start_si(rid, on)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.person.id))


class SiPanel(QWidget):
    """A person's Structured Intervention referrals, with Refer… and Start…."""

    def __init__(self, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.desk: Desk | None = None
        self.person: PersonView | None = None
        self.referrals: list[SiReferralView] = []
        self.state: ModuleState | None = None
        self.dialog: OperationDialog | None = None
        self._gen = 0
        self._select_id: int | None = None
        self.setAccessibleName("Structured Interventions")

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Structured Interventions summary")
        self.table = QTableWidget(0, len(SI_COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(SI_COLUMNS))
        self.table.setAccessibleName("Structured Intervention referrals")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.refer_button = QPushButton("Ne&w referral…", self)
        self.refer_button.setAccessibleName("Refer to a Structured Intervention")
        self.refer_button.setToolTip("Refer to a Structured Intervention (Alt+W)")
        self.refer_button.clicked.connect(self.refer)
        self.start_button = QPushButton("&Begin intervention…", self)
        self.start_button.setAccessibleName("Start the chosen Structured Intervention")
        self.start_button.setToolTip("Start the chosen referral (Alt+B)")
        self.start_button.clicked.connect(self.start)
        self.start_reason = QLabel(self)
        self.start_reason.setWordWrap(True)
        self.start_reason.setAccessibleName("Why the intervention cannot begin")
        self.start_reason.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.start_reason.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.refer_button)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.start_reason, 1)
        buttons.addStretch(0)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        QWidget.setTabOrder(self.table, self.refer_button)
        QWidget.setTabOrder(self.refer_button, self.start_button)
        self._enable()

    # ---------------------------------------------------------------- loading
    def set_desk(self, desk: Desk | None) -> None:
        """Show referrals from this database."""
        self.desk = desk
        self.set_person(None)

    def set_person(self, person: PersonView | None) -> None:
        """Show (and read again) this person's referrals; None: nobody."""
        self.person = person
        self._gen += 1
        if person is None or self.desk is None:
            self._fill([], None)
            return
        desk, pid, gen = self.desk, person.id, self._gen

        def work(_p: Progress) -> tuple[list[SiReferralView], ModuleState]:
            return desk.si_referrals(pid), desk.module_state(pid)

        def done(result: tuple[list[SiReferralView], ModuleState]) -> None:
            if gen == self._gen:
                self._fill(*result)

        def failed(exc: BaseException) -> None:
            from probation_desk.ui.errors import plain_message

            if gen == self._gen:
                self.summary.setText(plain_message(exc))

        self.tasks.op(self, work).success(done).failure(failed).run_in_background()

    def _fill(self, referrals: list[SiReferralView], state: ModuleState | None) -> None:
        keep = self._select_id
        if keep is None and (chosen := self.selected()) is not None:
            keep = chosen.id
        self._select_id = None
        self.referrals = list(referrals)
        self.state = state
        self.table.setRowCount(len(referrals))
        warning = icon("warning", QStyle.StandardPixmap.SP_MessageBoxWarning)
        chosen_row = -1
        for i, r in enumerate(referrals):
            text = state_text(r, state) if state is not None else ""
            cells = (need_area_text(r.need_area), r.name, uk(r.referral_date), text)
            items = [QTableWidgetItem(cell) for cell in cells]
            for j, item in enumerate(items):
                self.table.setItem(i, j, item)
            if text == BLOCKED_TEXT:
                item = items[3]
                item.setIcon(warning)
                item.setToolTip("Cannot start until the Pre-Intervention Module is "
                                "completed.")
            if r.id == keep:
                chosen_row = i
        if self.person is None:
            self.summary.clear()
        elif not referrals:
            self.summary.setText("No Structured Intervention referrals.")
        else:
            n = len(referrals)
            self.summary.setText(f"{n} referral{'s' if n != 1 else ''}.")
        if chosen_row < 0 and referrals:
            chosen_row = 0
        if chosen_row >= 0:
            self.table.selectRow(chosen_row)
        self._enable()

    # ---------------------------------------------------------------- choosing
    def selected(self) -> SiReferralView | None:
        """The chosen referral, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.referrals):
            return None
        return self.referrals[rows[0].row()]

    def row_texts(self, row: int) -> list[str]:
        """What one row shows, left to right."""
        items = [self.table.item(row, j) for j in range(len(SI_COLUMNS))]
        return [item.text() if item is not None else "" for item in items]

    def _selection_changed(self) -> None:
        self._enable()

    def _enable(self) -> None:
        ready = self.desk is not None and self.person is not None
        self.refer_button.setEnabled(ready)
        chosen = self.selected()
        waiting = ready and chosen is not None and chosen.start_date is None
        reason = start_blocked(self.state) if waiting and self.state is not None else None
        self.start_button.setEnabled(waiting and reason is None)
        self.start_reason.setText(reason or "")
        self.start_reason.setVisible(reason is not None)
        # The reason is also what a screen reader hears on the disabled button.
        self.start_button.setAccessibleDescription(reason or "")

    # ---------------------------------------------------------------- actions
    def _open(self, dialog: OperationDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open()

    def _saved(self, result: Any) -> None:
        self._select_id = getattr(result, "id", None)

    def refer(self) -> None:
        """Open the Refer dialog for this person."""
        if self.desk is None or self.person is None:
            return
        self._open(ReferDialog(self.desk, self.tasks, self.person, self))

    def start(self) -> None:
        """Open the Start dialog for the chosen referral (not already started)."""
        chosen = self.selected()
        if self.desk is None or self.person is None or chosen is None \
                or chosen.start_date is not None or not self.start_button.isEnabled():
            return
        self._open(StartDialog(self.desk, self.tasks, self.person, chosen, self))
