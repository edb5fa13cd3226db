"""The Review list's model: person ids in list order, rows built a page at a time.

The model holds only person ids (sorted and filtered in the database) and asks its
owner for the rows of the part of the list being looked at, a page at a time, so it
stays instant with 100,000 people. It does no database work itself.

Signals:
    ReviewModel.page_wanted(int, int): rows are needed for (generation, page).
    ReviewTable.open_requested(): Enter or Return on a row.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QApplication, QStyle, QTableView

from probation_desk.domain.dates import uk
from probation_desk.domain.review import BLOCKED_TEXT, SignOffKind
from probation_desk.services import review as svc
from probation_desk.ui.rows import Cell, cell_data, flagged

PAGE_SIZE = 200
"""Rows built per background fetch."""
MAX_CACHED_PAGES = 40
"""Pages of rows kept in memory (8,000 rows); older ones are dropped and rebuilt if needed."""


COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("CRN", "crn"),
    ("Name", "name"),
    ("Region", "region"),
    ("PDU", "pdu"),
    ("Practitioner", "practitioner"),
    ("Module", "state"),
    ("Completed on", "completed"),
    ("Supporter", None),
    ("Days since last session", None),
    ("Structured Intervention", None),
    ("SI state", None),
    ("Sign-off", None),
    ("Reason not ready", None),
)
"""Column headings, with the database sort key where the column can be sorted."""
COL_SI_STATE = 10
COL_SIGN_OFF = 11
COL_REASON = 12
COL_DAYS = 8
BLOCKED_TIP = (f"{BLOCKED_TEXT}: the Structured Intervention cannot start until the "
               "Pre-Intervention Module is completed.")


def cells(row: svc.ReviewRow, blocked_icon: QIcon | None = None,
          signed_icon: QIcon | None = None) -> list[Cell]:
    """A row's cells as shown (UK dates; a blocked person flagged in words and icon)."""
    days = row.days_since_last_session
    signed = row.sign_off.startswith(SignOffKind.REVIEWED.value)
    return [Cell(row.crn), Cell(row.name), Cell(row.region), Cell(row.pdu),
            Cell(row.practitioner), Cell(row.module_state), Cell(uk(row.completed_on)),
            Cell(row.supporter), Cell("" if days is None else str(days), right=True),
            Cell(row.intervention),
            flagged(row.si_state, BLOCKED_TIP, blocked_icon or QIcon(), bold=True)
            if row.blocked else Cell(row.si_state),
            Cell(row.sign_off, icon=signed_icon if signed else None),
            # one line in the list; in full (as typed) as its tooltip
            Cell(" ".join(row.not_ready_reason.split()), tip=row.not_ready_reason or None)]


class ReviewModel(QAbstractTableModel):
    """Person ids in list order; rows are fetched a page at a time when first shown.

    ``page_wanted(generation, page)`` asks the owner to fetch a page; it answers with
    :meth:`add_rows`. A new id list (``reset_ids``) starts a new generation, so rows for
    an old list that arrive late are ignored.
    """

    page_wanted = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ids: list[int] = []
        self.generation = 0
        self._rows: dict[int, svc.ReviewRow] = {}
        self._pages: OrderedDict[int, list[int]] = OrderedDict()  # page -> ids, oldest first
        self._asked: set[int] = set()
        self._position: dict[int, int] | None = None
        style = QApplication.style()
        self._blocked_icon: QIcon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self._signed_icon: QIcon = style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)

    # --- the list
    def reset_ids(self, ids: list[int], first_rows: dict[int, svc.ReviewRow]) -> None:
        """Show a new list; ``first_rows`` are the rows of its first page, if fetched."""
        self.beginResetModel()
        self.generation += 1
        self.ids = ids
        self._rows.clear()
        self._pages.clear()
        self._asked.clear()
        self._position = None
        if first_rows:
            self._rows.update(first_rows)
            self._pages[0] = ids[:PAGE_SIZE]
            self._asked.add(0)
        self.endResetModel()

    def add_rows(self, generation: int, page: int, rows: dict[int, svc.ReviewRow]) -> None:
        """Rows fetched for ``page`` of list ``generation``."""
        if generation != self.generation:
            return
        self._rows.update(rows)
        self._pages[page] = list(rows)
        self._pages.move_to_end(page)
        while len(self._pages) > MAX_CACHED_PAGES:
            old, old_ids = self._pages.popitem(last=False)
            self._asked.discard(old)
            for pid in old_ids:
                self._rows.pop(pid, None)
        first = page * PAGE_SIZE
        last = min(first + PAGE_SIZE, len(self.ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def replace_row(self, row: svc.ReviewRow) -> None:
        """A fresh copy of one person's row (after a sign-off)."""
        if row.person_id not in self._rows and self.row_of(row.person_id) is None:
            return
        self._rows[row.person_id] = row
        r = self.row_of(row.person_id)
        if r is not None:
            self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMNS) - 1))

    def row_at(self, r: int) -> svc.ReviewRow | None:
        """The row shown at ``r``, when it has been fetched."""
        if 0 <= r < len(self.ids):
            return self._rows.get(self.ids[r])
        return None

    def row_of(self, person_id: int) -> int | None:
        """Where a person is in the list (None if not in it)."""
        if self._position is None:
            self._position = {pid: i for i, pid in enumerate(self.ids)}
        return self._position.get(person_id)

    # --- Qt
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            title, key = COLUMNS[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return title
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"Sort by {title.lower()}" if key
                        else f"{title} (this column cannot be sorted)")
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.ids):
            return None
        r, c = index.row(), index.column()
        row = self._rows.get(self.ids[r])
        if row is None:
            page = r // PAGE_SIZE
            if page not in self._asked:
                self._asked.add(page)
                self.page_wanted.emit(self.generation, page)
            if role == Qt.ItemDataRole.DisplayRole and c == 0:
                return "Loading…"
            return None
        return cell_data(cells(row, self._blocked_icon, self._signed_icon)[c], role)


class ReviewTable(QTableView):
    """The list; Enter or Return opens the current person's case."""

    open_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)
