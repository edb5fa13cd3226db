"""Columns are sized to what is in view: sizing them reads only the rows on screen, so a
long list (the Review's 100,000 rows, built as they are shown) is not built to measure
it, and a long cell in view still gets its width."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QTableView

from probation_desk.ui.widgets import fit_columns

pytestmark = pytest.mark.gui


ROOT = QModelIndex()


class Counting(QAbstractTableModel):
    """5,000 rows; remembers which rows were asked for their text."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[int] = set()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else 5000

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else 2

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        self.asked.add(index.row())
        return "Completed and revisited" if index.row() == 1 and index.column() == 0 else "x"

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ("Module", "RAR")[section]
        return None


def test_sizing_columns_reads_only_the_rows_in_view(qtbot: Any) -> None:
    model = Counting()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    model.asked.clear()
    fit_columns(view)
    shown = view.verticalHeader().visualIndexAt(view.viewport().height() - 1)
    assert 0 < shown < 100
    assert max(model.asked) <= shown + 1, f"read row {max(model.asked)} to size columns"
    # The long cell in view is whole: its column is at least as wide as its text.
    text = view.fontMetrics().horizontalAdvance("Completed and revisited")
    assert view.horizontalHeader().sectionSize(0) >= text
