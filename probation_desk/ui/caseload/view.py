"""The caseload's views: the table (Return opens the record) and the search box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLineEdit,
    QTableView,
)

if TYPE_CHECKING:
    pass


class CaseloadTable(QTableView):
    """The list; Enter opens the current person's record, Up from the top row goes back."""

    activated_by_key = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_by_key.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class SearchBox(QLineEdit):
    """The search box; Down moves to the list."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            event.accept()
            return
        super().keyPressEvent(event)
