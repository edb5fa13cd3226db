"""The caseload's table model: person ids a window at a time, rows built when painted.

The model holds person ids only, a window of 200 at a time, sorted and filtered in the
database, with a total count; the cells are built from ``queries.caseload_rows`` for the
rows being painted, fetched in the background and cached (a bounded number of rows).

Signals:
    CaseloadModel.rows_arrived(): rows for the view arrived (for the first paint).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush

from probation_desk.ui.tasks import Tasks

if TYPE_CHECKING:
    from probation_desk.services.caseload_sql import CaseRow, SearchResult
    from probation_desk.services.desk import Desk

from probation_desk.ui.caseload.state import (
    _ACCESSIBLE,
    _ALIGN,
    _DESCRIPTION,
    _DISPLAY,
    _FOREGROUND,
    _RIGHT,
    _ROLES,
    _TOOLTIP,
    _USER,
    COL_OPEN,
    COL_RAR,
    COLUMNS,
    ID_PAGE,
    MAX_ROWS,
    OVER_COLOUR,
    ROW_PAGE,
    Query,
    cells,
)


class CaseloadModel(QAbstractTableModel):
    """Person ids in list order (a window at a time); rows fetched when painted."""

    rows_arrived = Signal()

    def __init__(self, tasks: Tasks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.desk: Desk | None = None
        self.query: Query | None = None
        self.generation = 0
        self.total = 0
        self.counted = True
        self._id_pages: dict[int, list[int]] = {}
        self._rows: OrderedDict[int, CaseRow] = OrderedDict()
        self._cells: dict[int, list[str]] = {}
        self._asked: set[tuple[str, int]] = set()
        self._position: dict[int, int] | None = None

    # ---------------------------------------------------------------- the list
    def reset(self, query: Query, result: SearchResult, rows: dict[int, CaseRow]) -> None:
        """Show a new list: its first ids (or all of them) and newly built rows."""
        self.beginResetModel()
        self.generation += 1
        self.query = query
        self.counted = result.total is not None
        self.total = result.total if result.total is not None else len(result.ids)
        self._id_pages = {i // ID_PAGE: result.ids[i:i + ID_PAGE]
                          for i in range(0, len(result.ids), ID_PAGE)}
        # Rows already built stay: a narrower search shows mostly the same people, and
        # changes to anyone's data drop their rows (forget_rows).
        self._store(rows)
        self._asked.clear()
        self._position = None
        self.endResetModel()

    def set_total(self, generation: int, total: int) -> None:
        """The count arrived for list ``generation``: the rest of the rows exist now."""
        if generation != self.generation or self.counted:
            return
        self.counted = True
        if total > self.total:
            self.beginInsertRows(QModelIndex(), self.total, total - 1)
            self.total = total
            self.endInsertRows()
        elif total < self.total:  # changed meanwhile: never show rows that are not there
            self.beginResetModel()
            self.total = total
            self.endResetModel()

    def id_at(self, row: int) -> int | None:
        """The person id at ``row``, when its window has been fetched."""
        page = self._id_pages.get(row // ID_PAGE)
        if page is None or row % ID_PAGE >= len(page):
            return None
        return page[row % ID_PAGE]

    def built(self) -> frozenset[int]:
        """People whose rows are built already (a snapshot, for a background search)."""
        return frozenset(self._cells)

    def row_at(self, row: int) -> CaseRow | None:
        """The row shown at ``row``, when built."""
        pid = self.id_at(row)
        return None if pid is None else self._rows.get(pid)

    def row_of(self, person_id: int) -> int | None:
        """Where a person is in the fetched part of the list (None if not there)."""
        if self._position is None:
            self._position = {pid: p * ID_PAGE + i for p, ids in self._id_pages.items()
                              for i, pid in enumerate(ids)}
        return self._position.get(person_id)

    def forget_rows(self, person_ids: frozenset[int] | None = None) -> None:
        """Drop built rows (all, or these people's) so they are fetched afresh."""
        if person_ids is None:
            self._rows.clear()
            self._cells.clear()
        else:
            for pid in person_ids:
                self._rows.pop(pid, None)
                self._cells.pop(pid, None)
        self._asked = {a for a in self._asked if a[0] == "ids"}
        if self.total:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.total - 1, len(COLUMNS) - 1))

    # ---------------------------------------------------------------- fetching
    def _want(self, row: int) -> None:
        if self.desk is None or self.query is None:
            return
        pid = self.id_at(row)
        if pid is None:
            self._fetch_ids(row // ID_PAGE)
        else:
            self._fetch_rows(row // ROW_PAGE)

    def _fetch_ids(self, page: int) -> None:
        key = ("ids", page)
        if key in self._asked:
            return
        self._asked.add(key)
        desk, query, gen = self.desk, self.query, self.generation
        assert desk is not None and query is not None

        def work(_p: object) -> tuple[list[int], dict[int, CaseRow]]:
            from probation_desk.services.caseload_search import caseload_window
            from probation_desk.services.queries import caseload_rows

            ids = caseload_window(desk, query.filter, query.sort, query.descending,
                                  page * ID_PAGE, ID_PAGE)
            return ids, caseload_rows(desk, ids)

        def done(result: tuple[list[int], dict[int, CaseRow]]) -> None:
            if gen != self.generation:
                return
            ids, rows = result
            self._id_pages[page] = ids
            self._position = None
            self._store(rows)
            self._changed(page * ID_PAGE, page * ID_PAGE + len(ids) - 1)

        self.tasks.op(None, work).success(done).failure(
            lambda exc: self._failed(key, gen, exc)).run_in_background()

    def _fetch_rows(self, chunk: int) -> None:
        key = ("rows", chunk)
        if key in self._asked:
            return
        self._asked.add(key)
        first = chunk * ROW_PAGE
        ids = [pid for r in range(first, min(first + ROW_PAGE, self.total))
               if (pid := self.id_at(r)) is not None]
        desk, gen = self.desk, self.generation
        assert desk is not None

        def work(_p: object) -> dict[int, CaseRow]:
            from probation_desk.services.queries import caseload_rows

            return caseload_rows(desk, ids)

        def done(rows: dict[int, CaseRow]) -> None:
            if gen != self.generation:
                return
            self._store(rows)
            self._asked.discard(key)  # rows may be dropped later and asked for again
            self._changed(first, first + ROW_PAGE - 1)

        self.tasks.op(None, work).success(done).failure(
            lambda exc: self._failed(key, gen, exc)).run_in_background()

    def _failed(self, key: tuple[str, int], gen: int, exc: BaseException) -> None:
        from probation_desk.ui.errors import plain_message

        plain_message(exc)  # logged; the cells keep saying "Loading…" until F5
        if gen == self.generation:
            self._asked.discard(key)

    def _store(self, rows: dict[int, CaseRow]) -> None:
        for pid, row in rows.items():
            self._rows[pid] = row
            self._rows.move_to_end(pid)
            self._cells[pid] = cells(row)
        while len(self._rows) > MAX_ROWS:
            old, _row = self._rows.popitem(last=False)
            self._cells.pop(old, None)

    def _changed(self, first: int, last: int) -> None:
        last = min(last, self.total - 1)
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.rows_arrived.emit()

    # ---------------------------------------------------------------- Qt
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        title, key = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Sort by {title}" if key else f"{title} (this column cannot be sorted)"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every cell painted: the common cases return at once.
        if role not in _ROLES or not index.isValid():
            return None
        r = index.row()
        if r >= self.total:
            return None
        c = index.column()
        pid = self.id_at(r)
        if role == _USER:
            return pid
        text = None if pid is None else self._cells.get(pid)
        if text is None:
            if role == _DISPLAY:
                self._want(r)
                return "Loading…" if c == 0 else ""
            return None
        if role == _DISPLAY or role == _ACCESSIBLE:
            return text[c]
        if role == _ALIGN:
            return _RIGHT if c in (COL_OPEN, COL_RAR) else None
        assert pid is not None
        if c != COL_RAR:
            # A cell too narrow for its text is elided: the whole text is its tooltip
            # and what a screen reader says.
            return text[c] if role == _TOOLTIP or role == _DESCRIPTION else None
        row = self._rows[pid]  # the rarer roles, for the RAR column only
        if role == _FOREGROUND:
            return QBrush(OVER_COLOUR) if row.rar_over else None
        if not row.rar_text:
            return "No order with a RAR requirement"
        done, most = row.rar_text.split("/")
        tip = f"{done} of {most} RAR days completed"
        return tip + " (over the court's maximum)" if row.rar_over else tip

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is done by the page, in the database (see CaseloadPage._sort)."""
