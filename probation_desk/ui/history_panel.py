"""The case record's History tab: every change to the person's record from the audit trail,
newest first, in words (when, who, what, before → after). Read-only; read in the background
when the tab is shown (a long history never holds up the rest of the record)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import uk
from probation_desk.ui.errors import plain_message
from probation_desk.ui.tasks import Change, Tasks

if TYPE_CHECKING:
    from probation_desk.services.desk import Desk
    from probation_desk.services.history import HistoryLine

COLUMNS = (QT_TRANSLATE_NOOP("HistoryPanel", "When"), QT_TRANSLATE_NOOP("HistoryPanel", "Who"),
           QT_TRANSLATE_NOOP("HistoryPanel", "What"),
           QT_TRANSLATE_NOOP("HistoryPanel", "Before → after"))


class HistoryPanel(QWidget):
    """The History tab.

    Signals:
        HistoryPanel.loaded(): the history on screen was read (tests wait for it).
    """

    loaded = Signal()

    def __init__(self, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.desk: Desk | None = None
        self.person_id: int | None = None
        self._shown_for: int | None = None
        self.lines: list[HistoryLine] = []
        self.setAccessibleName(self.tr("History"))
        self.note = QLabel(self.tr("Every change to this record, newest first: who made it, "
                                   "when, and what it was before and after. Nothing here "
                                   "can be changed."), self)
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(str(c)) for c in COLUMNS])
        self.table.setAccessibleName(self.tr("Changes to this record"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        lay = QVBoxLayout(self)
        lay.addWidget(self.note)
        lay.addWidget(self.table, 1)
        tasks.changed.connect(self._on_change)

    def set_person(self, desk: Desk | None, person_id: int | None) -> None:
        """The record now shows this person: read their history when the tab is seen."""
        self.desk, self.person_id = desk, person_id
        self._shown_for = None
        self.table.setRowCount(0)
        if self.isVisible():
            self.load()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._shown_for != self.person_id:
            self.load()

    def _on_change(self, change: Change) -> None:
        if self.person_id is not None and (change.everything or self.person_id in
                                           change.people) and self.isVisible():
            self.load()

    def load(self) -> None:
        """Read the history in the background and show it."""
        desk, pid = self.desk, self.person_id
        if desk is None or pid is None:
            return
        self._shown_for = pid

        def work(_p: object) -> list[HistoryLine]:
            from probation_desk.services.history import history

            return history(desk, pid)

        def done(lines: list[HistoryLine]) -> None:
            if pid == self.person_id:
                self._show(lines)

        def failed(exc: BaseException) -> None:
            self.note.setText(plain_message(exc))

        self.tasks.op(self, work).success(done).failure(failed) \
            .superseding("record-history").run_in_background()

    def _show(self, lines: list[HistoryLine]) -> None:
        self.lines = lines
        self.table.setRowCount(len(lines))
        for row, h in enumerate(lines):
            at = h.at if h.at.tzinfo else h.at.replace(tzinfo=dt.UTC)
            local = at.astimezone()
            changes = "\n".join(f"{c.field}: {c.before} → {c.after}" if c.before
                                else f"{c.field}: {c.after}" for c in h.changes)
            for col, text in enumerate((f"{uk(local.date())} {local:%H:%M}", h.who, h.what,
                                        changes)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self.loaded.emit()
