"""My week: my caseload's appointments by day for a chosen week (this week first), with
the past ones still waiting for an outcome at the top ("Outcomes to record"), each
recordable in place with the record's own outcome dialog and rules.

Keyboard-first: the list takes the focus; Return records the chosen appointment's outcome
when it needs one and otherwise opens the person's record; the menu key offers both;
Alt+P and Alt+N move a week back and on, Alt+T comes back to this week.

Signals:
    WeekPage.open_case(int): open this person's record (the window shows it).
    WeekPage.loaded(): the week on screen was read (tests wait for it).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import uk
from probation_desk.ui.errors import plain_message
from probation_desk.ui.tasks import Change, Tasks
from probation_desk.ui.widgets import row_menu

if TYPE_CHECKING:
    from probation_desk.services.desk import Desk
    from probation_desk.services.diary import Diary, DiaryEntry

COLUMNS = (QT_TRANSLATE_NOOP("WeekPage", "When"), QT_TRANSLATE_NOOP("WeekPage", "CRN"),
           QT_TRANSLATE_NOOP("WeekPage", "Name"), QT_TRANSLATE_NOOP("WeekPage", "Appointment"),
           QT_TRANSLATE_NOOP("WeekPage", "Outcome"))
_ENTRY = Qt.ItemDataRole.UserRole


class _Tree(QTreeWidget):
    """The week's list; Return acts on the chosen appointment."""

    act = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            self.act.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class WeekPage(QWidget):
    """The My week section."""

    open_case = Signal(int)
    loaded = Signal()

    def __init__(self, desk: Desk, tasks: Tasks | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.tasks = tasks or Tasks(self)
        self.setAccessibleName(self.tr("My week"))
        from probation_desk.services.diary import week_start

        self.start = week_start(desk.today)
        self.diary: Diary | None = None
        self.dialog: QWidget | None = None

        self.back = QPushButton(self.tr("&Previous week"), self)
        self.this_week = QPushButton(self.tr("&This week"), self)
        self.on = QPushButton(self.tr("&Next week"), self)
        self.everyone = QCheckBox(self.tr("&Everyone's, not only my caseload"), self)
        self.heading = QLabel(self)
        self.heading.setAccessibleName(self.tr("The week shown"))
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)  # wraps on a small screen, never widens the window
        bar = QHBoxLayout()
        for w in (self.back, self.this_week, self.on):
            bar.addWidget(w)
        bar.addWidget(self.heading, 1)
        bar.addWidget(self.everyone)
        self.back.clicked.connect(lambda: self.show_week(self.start - dt.timedelta(days=7)))
        self.on.clicked.connect(lambda: self.show_week(self.start + dt.timedelta(days=7)))
        self.this_week.clicked.connect(lambda: self.show_week(week_start(self.desk.today)))
        self.everyone.toggled.connect(lambda _on: self.refresh())

        self.tree = _Tree(self)
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([self.tr(str(c)) for c in COLUMNS])
        self.tree.setAccessibleName(self.tr("Appointments this week"))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.act.connect(self.act)
        self.tree.itemDoubleClicked.connect(lambda _i, _c: self.act())
        self.record_action = QAction(self.tr("&Record outcome…"), self)
        self.record_action.triggered.connect(self.record_outcome)
        self.open_action = QAction(self.tr("&Open the record"), self)
        self.open_action.triggered.connect(self.open_record)
        row_menu(self.tree, self._row_actions)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName(self.tr("Nothing to show"))

        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.empty)
        self.tasks.changed.connect(self._on_change)
        self.refresh()

    # ---------------------------------------------------------------- reading
    def show_week(self, start: dt.date) -> None:
        """Show the week beginning on ``start`` (a Monday)."""
        self.start = start
        self.refresh()

    def refresh(self) -> None:
        """Read the week again (F5, or after a change)."""
        desk, start, everyone = self.desk, self.start, self.everyone.isChecked()

        def work(_p: object) -> Diary:
            from probation_desk.services.diary import diary

            return diary(desk, start, 7, everyone=everyone)

        def failed(exc: BaseException) -> None:
            self.empty.setText(plain_message(exc))
            self.empty.show()

        self.tasks.op(self, work).success(self._show).failure(failed) \
            .superseding("my-week").run_in_background()

    def _on_change(self, change: Change) -> None:
        if not change.settings:
            self.refresh()

    def _show(self, d: Diary) -> None:
        keep = self._current_entry()
        self.diary = d
        end = d.start + dt.timedelta(days=d.days - 1)
        whose = self.tr("everyone's") if d.everyone else self.tr("my caseload's")
        self.heading.setText(self.tr("Week of %1 to %2 (%3 appointments)").replace(
            "%1", uk(d.start)).replace("%2", uk(end)).replace("%3", whose))
        self.tree.clear()
        first: QTreeWidgetItem | None = None
        if d.to_record:
            head = self._group(self.tr("Outcomes to record (%1): past appointments with no "
                                       "outcome yet").replace("%1", str(len(d.to_record))))
            for e in d.to_record:
                item = self._entry(head, e, with_date=True)
                first = first or item
        today = self.desk.today
        for day, entries in d.by_day.items():
            label = f"{day:%A} {uk(day)}" + (self.tr(" (today)") if day == today else "")
            if not entries:
                label += self.tr(": no appointments")
            head = self._group(label)
            for e in entries:
                item = self._entry(head, e)
                first = first or item
        self.tree.expandAll()
        for i in range(len(COLUMNS)):
            self.tree.resizeColumnToContents(i)
        nothing = not d.to_record and not any(d.by_day.values())
        self.empty.setVisible(nothing)
        if nothing:
            self.empty.setText(self.tr(
                "No appointments this week and no outcomes waiting. Book appointments on a "
                "person's record (Orders && RAR), or tick Everyone's to see the whole "
                "caseload's.").replace("&&", "&") if not d.everyone else self.tr(
                "Nobody has appointments this week, and no outcomes are waiting."))
        target = self._find(keep) or first
        if target is not None:
            self.tree.setCurrentItem(target)
        self.loaded.emit()

    def _group(self, text: str) -> QTreeWidgetItem:
        head = QTreeWidgetItem(self.tree, [text])
        head.setFirstColumnSpanned(True)
        font = head.font(0)
        font.setBold(True)
        head.setFont(0, font)
        head.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return head

    def _entry(self, parent: QTreeWidgetItem, e: DiaryEntry, *,
               with_date: bool = False) -> QTreeWidgetItem:
        when = (f"{uk(e.at.date())} " if with_date else "") + (
            f"{e.at:%H:%M}" if e.timed else self.tr("no time given"))
        kind = e.type_name + (self.tr(" (RAR)") if e.rar else "")
        if e.cancelled:
            outcome = self.tr("Cancelled")
        elif e.needs_outcome:
            outcome = self.tr("Needs an outcome")
        else:
            outcome = e.outcome_name or self.tr("Booked")
        item = QTreeWidgetItem(parent, [when, e.crn, e.name, kind, outcome])
        item.setData(0, _ENTRY, e)
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                     f"{when}, {e.crn} {e.name}, {kind}, {outcome}")
        return item

    def _find(self, entry: DiaryEntry | None) -> QTreeWidgetItem | None:
        if entry is None:
            return None
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            for j in range(head.childCount() if head is not None else 0):
                child = head.child(j) if head is not None else None
                found = child.data(0, _ENTRY) if child is not None else None
                if found is not None and found.id == entry.id:
                    return child
        return None

    def _current_entry(self) -> DiaryEntry | None:
        item = self.tree.currentItem()
        found = item.data(0, _ENTRY) if item is not None else None
        return found if found is not None else None

    # ---------------------------------------------------------------- acting
    def _row_actions(self) -> list[Any]:
        e = self._current_entry()
        self.record_action.setEnabled(e is not None and e.needs_outcome)
        self.open_action.setEnabled(e is not None)
        return [self.record_action, self.open_action]

    def act(self) -> None:
        """Return: record the outcome if it needs one, else open the record."""
        e = self._current_entry()
        if e is None:
            return
        if e.needs_outcome:
            self.record_outcome()
        else:
            self.open_record()

    def open_record(self) -> None:
        """Open the chosen appointment's person's record."""
        e = self._current_entry()
        if e is not None:
            self.open_case.emit(e.person_id)

    def record_outcome(self) -> None:
        """The record's own outcome dialog, for the chosen appointment."""
        e = self._current_entry()
        if e is None or not e.needs_outcome:
            return
        desk = self.desk

        def opened(contact: Any) -> None:
            from probation_desk.ui.case_dialogs import OutcomeDialog

            dlg = OutcomeDialog(desk, self.tasks, contact, self)
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog = dlg
            dlg.open()

        self.tasks.op(self, lambda _p: desk.contact(e.id)).success(opened) \
            .run_in_background()
