"""The Caseload page: search and filters over everyone, and the lazy table of people.

The table's model holds person ids only, a window of 200 at a time, sorted and
filtered in the database, with a total count; the cells are built from
``queries.caseload_rows`` for the rows being painted, fetched in the background and
cached (a bounded number of rows). Typing in the search box waits ~150 ms for the next
key, then reloads in the background; a result overtaken by a newer one is dropped.

The person whose record is open is not the table's business: it is the window's
:class:`~probation_desk.ui.current.CurrentPerson`. Moving the current row makes that
person current; a person made current from elsewhere (the Worklist's Open case, the
Review, Add a person) is selected and scrolled into view, and when the search or filters
leave them out, the list is changed to show them (filters cleared, their CRN searched).
When the list changes (search, filters, sort, Settings' region, F5) the current person
stays selected if they are still listed (looked for beyond the first window of rows) and
is let go of otherwise, with the list back at its top; the selection is then that
person alone. So the record, the selection and the rows on screen never disagree.

Signals:
    CaseloadPage.first_rows_shown(): the first rows were painted (for the benchmark).
    CaseloadPage.search_done(): a search result is on screen (tests and the benchmark).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.module import ModuleStatus
from probation_desk.domain.nsi import Status
from probation_desk.domain.people import REGIONS
from probation_desk.ui.current import CurrentPerson
from probation_desk.ui.tasks import Change, Tasks
from probation_desk.ui.widgets import fit_columns

if TYPE_CHECKING:
    from probation_desk.services.caseload_sql import CaseloadFilter, CaseRow, SearchResult
    from probation_desk.services.desk import Desk

from probation_desk.ui.caseload.model import CaseloadModel
from probation_desk.ui.caseload.state import (
    COLUMNS,
    FIND_PAGES,
    ID_PAGE,
    SEARCH_DELAY_MS,
    Query,
)
from probation_desk.ui.caseload.view import CaseloadTable, SearchBox


class CaseloadPage(QWidget):
    """Search, filters and the caseload table (the case record sits beside it)."""

    first_rows_shown = Signal()
    search_done = Signal()
    open_record = Signal()

    def __init__(self, tasks: Tasks, parent: QWidget | None = None, *,
                 current: CurrentPerson | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.current = current if current is not None else CurrentPerson(self)
        """Whose record is open (the window's; the table's selection follows it)."""
        self.desk: Desk | None = None
        self.user_region = ""
        self.db_empty = False
        """Set by the window: the database has nobody in it at all."""
        self.me = ""
        """Whose 'My caseload' this is (``queries.my_identity``), set with the desk."""
        self.last_note = ""
        self.setAccessibleName("Caseload")
        self._search_gen = 0
        self._rows_painted = False
        self._open_single = False
        """Return was pressed in the search box: open the one match when the list comes."""
        self._reveal: int | None = None
        """A person made current from elsewhere, being looked for in (or put into) the list."""
        self._revealed_by_crn = False
        self._sort_col = 0
        self._sort_desc = False
        self.last_search_ms: float | None = None
        self.last_keystroke_ms: float | None = None
        self._typed_at: float | None = None

        self.model = CaseloadModel(tasks, self)
        self._searcher: Any = None  # a CaseloadSearcher, made on the first search's thread
        self._warmed = False
        self._build()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.reload)
        tasks.changed.connect(self._on_change)

    # ---------------------------------------------------------------- building
    def _combo(self, name: str) -> QComboBox:
        box = QComboBox(self)
        box.setAccessibleName(name)
        # Narrow enough for 200% scaling; the list drops down at full width.
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(6)
        box.currentIndexChanged.connect(self._filters_changed)
        return box

    def _build(self) -> None:
        self.search = SearchBox(self)
        self.search.down.connect(self._to_table)
        self.search.setPlaceholderText("CRN or name (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search by CRN or name")
        self.search.textEdited.connect(self._typed)
        self.search.returnPressed.connect(self._return_in_search)
        search_label = QLabel("&Search", self)
        search_label.setBuddy(self.search)

        self.region = self._combo("Region")
        self.region.addItem("All regions", "")
        for r in REGIONS:
            self.region.addItem(r, r)
        self.pdu = self._combo("PDU")
        self.pdu.addItem("All PDUs", "")
        self.practitioner = self._combo("Practitioner")
        self.practitioner.addItem("All practitioners", "")
        self.toolkit = self._combo("Toolkit")
        self.toolkit.addItem("All toolkits", "")
        self.nsi_status = self._combo("NSI status")
        self.nsi_status.addItem("Any NSI status", "")
        for s in Status:
            self.nsi_status.addItem(s.value, s.name)
        self.module = self._combo("Module")
        self.module.addItem("Any module status", "")
        for m in ModuleStatus:
            self.module.addItem(m.value, m.name)
        self.everyone_button = QPushButton("Everyone (Ctrl+E)", self)
        self.everyone_button.setCheckable(True)
        self.everyone_button.setShortcut(QKeySequence("Ctrl+E"))
        self.everyone_button.setAccessibleName("Everyone, not only my caseload")
        self.everyone_button.setToolTip("Ctrl+E: everyone on the database, or back to my "
                                        "caseload (the people I manage)")
        self.everyone_button.toggled.connect(self._scope_changed)
        self.clear_button = QPushButton("Cle&ar filters", self)
        self.clear_button.setAccessibleName("Clear the search and filters")
        self.clear_button.clicked.connect(self.clear_filters)

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(search_label, 0, 0)
        grid.addWidget(self.search, 0, 1, 1, 3)
        grid.addWidget(self.everyone_button, 0, 4)
        grid.addWidget(self.clear_button, 0, 5)
        pairs = (("&Region", self.region), ("P&DU", self.pdu),
                 ("&Practitioner", self.practitioner), ("&Toolkit", self.toolkit),
                 ("NSI stat&us", self.nsi_status), ("&Module", self.module))
        for i, (text, box) in enumerate(pairs):
            label = QLabel(text, self)
            label.setBuddy(box)
            grid.addWidget(label, 1 + i // 3, (i % 3) * 2)
            grid.addWidget(box, 1 + i // 3, (i % 3) * 2 + 1)
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 1)

        self.count_label = QLabel("Opening the database…", self)
        self.count_label.setAccessibleName("How many people are listed")
        self.note_label = QLabel(self)
        self.note_label.setWordWrap(True)
        self.note_label.setAccessibleName("Shown past the filters")
        self.note_label.hide()

        self.table = CaseloadTable(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Caseload")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows (Shift/Ctrl+click) for Print workbooks for selected people…
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.sortIndicatorChanged.connect(self._sort)
        self._size_columns()
        vh = self.table.verticalHeader()
        vh.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(lambda _i: self.open_record.emit())
        self.table.activated_by_key.connect(self.open_record.emit)
        self.table.viewport().installEventFilter(self)
        self.model.modelReset.connect(self._after_reset)
        self.model.rows_arrived.connect(self._sync_current)
        self.current.changed.connect(self._follow)
        self._columns_fitted = False
        """True once the columns were sized to what they show (or widths were restored)."""
        self.model.rows_arrived.connect(self._fit_columns)

        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setAccessibleName("Nothing listed")
        self.empty.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(grid)
        head = QHBoxLayout()
        head.addWidget(self.count_label, 1)
        lay.addLayout(head)
        lay.addWidget(self.note_label)
        lay.addWidget(self.stack, 1)
        self.setTabOrder(self.search, self.everyone_button)
        self.setTabOrder(self.everyone_button, self.clear_button)
        prev: QWidget = self.clear_button
        for _t, box in pairs:
            self.setTabOrder(prev, box)
            prev = box
        self.setTabOrder(prev, self.table)
        for w in (self.search, *(b for _t, b in pairs), self.clear_button,
                  self.everyone_button):
            w.setEnabled(False)

    def _size_columns(self) -> None:
        fm = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        pad = fm.horizontalAdvance("M") + 12
        samples = ("X000000", "Gwenllïan Price-Ŷsgol", "Yorkshire and the Humber",
                   "Camden and Islington", "Morgan Vaughan", "Open NSIs",
                   "Completed and revisited", "22/20 over")
        for i, text in enumerate(samples):
            header.resizeSection(i, fm.horizontalAdvance(text) + pad)

    # ---------------------------------------------------------------- desk
    def set_desk(self, desk: Desk | None, user_region: str = "", *,
                 keep_rows: bool = False) -> None:
        """Show this database (None while none is open).

        ``keep_rows``: the rows on screen are this database's first page, read just
        before it was opened (:meth:`show_first_page`): they stay on screen while the
        list is read again, and the visible ones are read afresh.
        """
        self.desk = desk
        self.model.desk = desk
        self.user_region = user_region
        if desk is not None:
            from probation_desk.services.queries import my_identity

            self.me = my_identity(desk)
        if not keep_rows:
            self.model.forget_rows()  # ids may mean other people in another database
        if self._searcher is not None:
            self._searcher.forget()
        enabled = desk is not None
        for w in (self.search, self.region, self.pdu, self.toolkit, self.nsi_status,
                  self.module, self.clear_button, self.everyone_button):
            w.setEnabled(enabled)
        self.practitioner.setEnabled(enabled and self.everyone())
        if desk is None:
            return
        self.toolkit.blockSignals(True)
        self.toolkit.clear()
        self.toolkit.addItem("All toolkits", "")
        for kit in desk.catalogue.toolkits:
            withdrawn = " (withdrawn)" if kit.is_withdrawn(desk.today) else ""
            self.toolkit.addItem(kit.name + withdrawn, kit.code)
        self.toolkit.blockSignals(False)
        self._set_region(user_region)
        # The first rows before the filter choices: both wait for the one quick thread,
        # and on a far server each costs round trips.
        self.reload(fresh=keep_rows)
        self._load_choices()

    def _set_region(self, region: str) -> None:
        self.region.blockSignals(True)
        self.region.setCurrentIndex(max(self.region.findData(region), 0))
        self.region.blockSignals(False)

    def first_page_query(self, user_region: str, me: str) -> Query:
        """The list this page shows first once a database opens for ``user_region``,
        with ``me`` the identity the Desk will have (``queries.my_identity``)."""
        self._set_region(user_region)
        self.me = me
        return self.query()

    def show_first_page(self, query: Query, result: SearchResult,
                        rows: dict[int, CaseRow]) -> None:
        """Show the first page read before the database is open (``services.caseload_sql``):
        the same ids and rows the normal search gives; :meth:`set_desk` (with
        ``keep_rows``) then reads the list again and counts it."""
        if self.desk is not None:
            return  # the database opened first: its own list is on screen
        self.model.reset(query, result, rows)
        self._show_count()

    def visible_rows(self) -> int:
        """How many rows the table shows at its present height (at least 20)."""
        return max(20, self.table.viewport().height()
                   // max(1, self.table.verticalHeader().defaultSectionSize()) + 2)

    # ---------------------------------------------------------------- filters
    def current_filter(self) -> CaseloadFilter:
        """The filter as set on screen."""
        from probation_desk.services.caseload_sql import CaseloadFilter

        return CaseloadFilter(
            search=self.search.text(), region=self.region.currentData() or "",
            pdu=self.pdu.currentData() or "", practitioner=self.practitioner.currentData() or "",
            toolkit=self.toolkit.currentData() or "",
            nsi_status=self.nsi_status.currentData() or "",
            module_status=self.module.currentData() or "",
            mine="" if self.everyone() else self.me)

    def everyone(self) -> bool:
        """True when the list is everyone's, not only my caseload."""
        return self.everyone_button.isChecked()

    def set_everyone(self, on: bool) -> None:
        """Everyone (True) or my caseload (False); the list reloads when it changes."""
        self.everyone_button.setChecked(on)

    def _scope_changed(self, everyone: bool) -> None:
        # My caseload is one practitioner's: the practitioner filter is for everyone's list.
        self.practitioner.setEnabled(everyone and self.desk is not None)
        if not everyone:
            self.practitioner.blockSignals(True)
            self.practitioner.setCurrentIndex(0)
            self.practitioner.blockSignals(False)
        self.reload()

    def _load_choices(self) -> None:
        desk = self.desk
        if desk is None:
            return
        region = self.region.currentData() or ""

        def work(_p: object) -> tuple[list[str], list[str]]:
            from probation_desk.services.queries import distinct_values

            return (distinct_values(desk, "pdu", region),
                    distinct_values(desk, "practitioner", region))

        def done(values: tuple[list[str], list[str]]) -> None:
            for box, items, everyone in ((self.pdu, values[0], "All PDUs"),
                                         (self.practitioner, values[1], "All practitioners")):
                keep = box.currentData() or ""
                box.blockSignals(True)
                box.clear()
                box.addItem(everyone, "")
                for v in items:
                    box.addItem(v, v)
                box.setCurrentIndex(max(box.findData(keep), 0))
                box.blockSignals(False)

        self.tasks.op(self, work).success(done).run_in_background()

    def _filters_changed(self, _index: int = 0) -> None:
        if self.sender() is self.region:
            self._load_choices()
        self.reload()

    def clear_filters(self) -> None:
        """Clear the search and every filter."""
        for box in (self.region, self.pdu, self.practitioner, self.toolkit, self.nsi_status,
                    self.module):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.clear()
        self._load_choices()
        self.reload()
        self.search.setFocus()

    def focus_search(self) -> None:
        """Ctrl+F: to the search box, text selected."""
        self.window().activateWindow()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _typed(self, _text: str) -> None:
        self._typed_at = time.perf_counter()
        self._debounce.start()

    def _search_now(self) -> None:
        self._debounce.stop()
        self.reload()

    def _return_in_search(self) -> None:
        """Return in the search box: search now; when exactly one person matches, open
        their record (as Return on their row would)."""
        if self._debounce.isActive() or self.model.query != self.query():
            self._open_single = True
            self._search_now()
            return
        self._open_if_single()

    def _open_if_single(self) -> None:
        self._open_single = False
        if self.model.counted and self.model.total == 1:
            self._select_row(0)
            self.open_record.emit()

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        key = COLUMNS[column][1]
        header = self.table.horizontalHeader()
        if not key:  # RAR days are worked out per row: they cannot be sorted in the database
            header.blockSignals(True)
            header.setSortIndicator(self._sort_col, Qt.SortOrder.DescendingOrder
                                    if self._sort_desc else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            return
        self._sort_col, self._sort_desc = column, order == Qt.SortOrder.DescendingOrder
        self.reload()

    def query(self) -> Query:
        """The filter and sort on screen."""
        return Query(self.current_filter(), COLUMNS[self._sort_col][1], self._sort_desc)

    # ---------------------------------------------------------------- loading
    def reload(self, keep_person: int | None = None, *, fresh: bool = False) -> None:
        """Fetch the list again for the search, filters and sort on screen (``fresh``:
        read the visible rows again even where they are built)."""
        desk = self.desk
        if desk is None:
            return
        self._debounce.stop()
        query = self.query()
        self._search_gen += 1
        gen = self._search_gen
        started = time.perf_counter()
        typed_at, self._typed_at = self._typed_at, None
        visible = self.visible_rows()
        keep = keep_person if keep_person is not None else self.current.id
        reveal = keep is not None and keep == self._reveal and not self._revealed_by_crn
        built = frozenset() if fresh else self.model.built()

        def work(_p: object) -> tuple[SearchResult, dict[int, CaseRow], str | None]:
            from probation_desk.services.caseload_search import (
                CaseloadSearcher,
                caseload_window,
            )
            from probation_desk.services.caseload_sql import SearchResult as Found
            from probation_desk.services.queries import caseload_rows

            if self._searcher is None:
                self._searcher = CaseloadSearcher()
            result = self._searcher.search(desk, query.filter, query.sort, query.descending,
                                           ID_PAGE)
            ids = list(result.ids)
            if keep is not None and keep not in ids and (result.total is None
                                                         or result.total > len(ids)):
                # The current person may be further down: read on (in order) to keep them.
                for _page in range(FIND_PAGES):
                    more = caseload_window(desk, query.filter, query.sort, query.descending,
                                           len(ids), ID_PAGE)
                    ids += more
                    if keep in more or len(more) < ID_PAGE:
                        break
                result = Found(result.total, ids, result.note)
            crn = None
            if reveal and keep is not None and keep not in ids:
                # Asked for from elsewhere, and these filters leave them out.
                crn = desk.person(keep).crn
            visible_ids = ids[:visible]
            if keep is not None and keep in ids:
                at = ids.index(keep)
                visible_ids += ids[max(0, at - visible):at + visible]
            missing = [pid for pid in dict.fromkeys(visible_ids) if pid not in built]
            return result, caseload_rows(desk, missing), crn

        def done(found: tuple[SearchResult, dict[int, CaseRow], str | None]) -> None:
            if gen != self._search_gen:
                return  # overtaken by a newer search
            result, rows, crn = found
            self.last_note = result.note
            self.note_label.setText(result.note)
            self.note_label.setVisible(bool(result.note))
            self.model.reset(query, result, rows)  # the selection follows (_after_reset)
            self._settle_current(crn)
            self._show_count()
            now = time.perf_counter()
            self.last_search_ms = (now - started) * 1000
            self.last_keystroke_ms = None if typed_at is None else (now - typed_at) * 1000
            if result.total is None:
                self._count(gen, query)
            if not self._warmed:
                self._warm_up()
            if self._open_single:
                self._open_if_single()
            self.search_done.emit()

        self.tasks.op(self, work).success(done).run_in_background()

    def _warm_up(self) -> None:
        """Once, after the first list is shown: run each kind of search the search box
        makes, results unused, so the first keys typed find the statements prepared and
        the indexes they read in memory."""
        self._warmed = True
        desk = self.desk
        if desk is None:
            return

        def work(_p: object) -> None:
            from probation_desk.services.caseload_search import (
                CaseloadSearcher,
                caseload_search,
                caseload_total,
            )
            from probation_desk.services.caseload_sql import CaseloadFilter

            for term in ("q", "qz", "q0"):  # a letter; a name term; a CRN prefix
                f = CaseloadFilter(search=term)
                caseload_search(desk, f)
                caseload_total(desk, f)
            CaseloadSearcher().total(desk, CaseloadFilter(search="qz"))

        self.tasks.op(self, work).failure(lambda _exc: None).run_in_background()

    def _count(self, gen: int, query: Query) -> None:
        desk = self.desk
        assert desk is not None
        model_gen = self.model.generation

        searcher = self._searcher

        def work(_p: object) -> int:
            from probation_desk.services.caseload_search import caseload_total

            if searcher is None:
                return caseload_total(desk, query.filter)
            return int(searcher.total(desk, query.filter, query.sort, query.descending))

        def done(total: int) -> None:
            if gen == self._search_gen:
                self.model.set_total(model_gen, total)
                self._show_count()

        self.tasks.op(self, work).success(done).run_in_background()

    def _show_count(self) -> None:
        m = self.model
        n = m.total
        mine = "" if self.everyone() else f" on my caseload (managed by {self.me})"
        if not m.counted:
            self.count_label.setText(f"More than {n:,} people{mine} (counting…)")
        else:
            self.count_label.setText(f"{n:,} {'person' if n == 1 else 'people'}{mine}")
        if n == 0:
            self.empty.setText(self.empty_text())
            self.stack.setCurrentWidget(self.empty)
        else:
            self.stack.setCurrentWidget(self.table)

    def empty_text(self) -> str:
        """Why the list is empty and what to do."""
        f = self.current_filter()
        narrowed = [f.pdu, f.practitioner, self.toolkit.currentText() if f.toolkit else "",
                    self.nsi_status.currentText() if f.nsi_status else "",
                    self.module.currentText() if f.module_status else ""]
        narrowed = [n for n in narrowed if n]
        bare = not f.search.strip() and not f.region and not narrowed
        if self.db_empty or (bare and not f.mine):
            return ("Nobody is on the caseload yet. Load demo data from the File menu, or "
                    "import a file with the command line (probation-desk import).")
        if bare:
            return (f"Nobody on the database is managed by {f.mine}, so my caseload is "
                    "empty. Press Ctrl+E to see everyone.")
        what = (f"No people match '{f.search.strip()}'" if f.search.strip()
                else "No people match these filters")
        if f.region:
            what += f" in {f.region}"
        if narrowed:
            what += f" ({', '.join(narrowed)})"
        if f.mine:
            return what + (f" on my caseload (managed by {f.mine}). Press Ctrl+E to search "
                           "everyone, or clear the search or filters.")
        return what + ". Clear the search or filters."

    def _fit_columns(self) -> None:
        """On the first rows shown: each column as wide as its heading and the rows in
        view (unless widths were remembered), the last one taking what is left."""
        if self._columns_fitted or not self.table.isVisible() or self.model.total == 0:
            return
        if self.model.data(self.model.index(0, 0)) == "Loading…":
            return
        self._columns_fitted = True
        fit_columns(self.table)

    def height_for_rows(self, rows: int) -> int:
        """The page height that shows the filters and ``rows`` rows of the list."""
        table = self.table
        chrome = self.height() - self.stack.height()
        bar = table.horizontalScrollBar()
        return (chrome + table.horizontalHeader().height() + 2 * table.frameWidth()
                + rows * table.verticalHeader().defaultSectionSize()
                + (bar.sizeHint().height() if bar.isVisible() else 0) + 2)

    # ---------------------------------------------------------------- the current person
    def _after_reset(self) -> None:
        """A new list: select the current person alone if listed, else show the top."""
        if not self._columns_fitted:
            QTimer.singleShot(0, self._fit_columns)  # once the view has its rows
        pid = self.current.id
        row = self.model.row_of(pid) if pid is not None else None
        if row is not None:
            self._select_row(row)
        else:
            self.table.selectionModel().clear()
            self.table.scrollToTop()

    def _settle_current(self, crn: str | None) -> None:
        """After a new list: keep, reveal or let go of the current person."""
        pid = self.current.id
        if pid is None or self.model.row_of(pid) is not None:
            self._reveal, self._revealed_by_crn = None, False
            return
        if crn is not None and pid == self._reveal:
            self._show_only(crn)
            return
        # The list no longer holds them: the record lets go too, rather than disagree.
        self._reveal, self._revealed_by_crn = None, False
        self.current.set(None)

    def _show_only(self, crn: str) -> None:
        """Clear the filters and search for one CRN: a person asked for from elsewhere."""
        self._revealed_by_crn = True
        for box in (self.region, self.pdu, self.practitioner, self.toolkit, self.nsi_status,
                    self.module):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.setText(crn)
        self._load_choices()
        self.reload()

    def _select_row(self, row: int) -> None:
        """That row alone selected and current, scrolled into view."""
        index = self.model.index(row, 0)
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def _follow(self, person_id: int | None) -> None:
        """The current person changed: the selection follows (the list changes if need be)."""
        if person_id is None:
            self._reveal, self._revealed_by_crn = None, False
            self.table.selectionModel().clear()
            return
        row = self.model.row_of(person_id)
        if row is not None:
            if self.table.currentIndex().row() != row \
                    or not self.table.selectionModel().isRowSelected(row, QModelIndex()):
                self._select_row(row)
            return
        # Made current from elsewhere and not in the rows read so far: look further down,
        # then, if the search and filters leave them out, show them.
        self.table.selectionModel().clear()
        self._reveal, self._revealed_by_crn = person_id, False
        self.reload(keep_person=person_id)

    def _sync_current(self) -> None:
        """Rows arrived: if the current row's person was not known yet, they are now."""
        index = self.table.currentIndex()
        if index.isValid():
            pid = self.model.id_at(index.row())
            if pid is not None and pid != self.current.id:
                self.current.set(pid)

    def current_person(self) -> int | None:
        """The id of the current person (whose record is open)."""
        return self.current.id

    def selected_people(self) -> list[int]:
        """Ids of the selected rows, in table order (else the current person)."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        ids = [pid for pid in (self.model.id_at(r) for r in rows) if pid is not None]
        if not ids and (pid := self.current_person()) is not None:
            ids = [pid]
        return ids

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The user moved to another row: that person becomes current."""
        if current.isValid():
            pid = self.model.id_at(current.row())
            if pid is not None:  # else once its ids arrive (_sync_current)
                self.current.set(pid)

    def select_person(self, person_id: int) -> bool:
        """Make a person current; True when they are in the rows read so far (selected)."""
        self.current.set(person_id)
        return self.model.row_of(person_id) is not None

    def _on_change(self, change: Change) -> None:
        if self._searcher is not None:
            self._searcher.forget()  # what it holds may be out of date now
        if self.desk is None:
            return
        if change.everything or change.settings:
            self.model.forget_rows()
            self._load_choices()
            self.reload()
        elif change.people:
            self.model.forget_rows(change.people)

    def _to_table(self) -> None:
        if self.model.total:
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)

    # ---------------------------------------------------------------- events
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.table.viewport() and event.type() == QEvent.Type.Paint \
                and not self._rows_painted and self.model.total and self.model.row_at(0):
            self._rows_painted = True
            self.table.viewport().removeEventFilter(self)  # only the first paint matters
            QTimer.singleShot(0, self.first_rows_shown.emit)
        return super().eventFilter(obj, event)

    # ---------------------------------------------------------------- state
    def save_state(self, settings: Any) -> None:
        """Remember the column widths and order."""
        settings.setValue("caseload/header", self.table.horizontalHeader().saveState())
        settings.setValue("caseload/everyone", self.everyone())

    def restore_state(self, settings: Any) -> None:
        """Put back the column widths and order."""
        # A fresh install opens on my caseload; after that, as it was left.
        everyone = settings.value("caseload/everyone", False)
        self.everyone_button.blockSignals(True)
        self.everyone_button.setChecked(everyone in (True, "true", "1", 1))
        self.everyone_button.blockSignals(False)
        self.practitioner.setEnabled(self.everyone() and self.desk is not None)
        state = settings.value("caseload/header")
        if state is not None:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.restoreState(state)
            header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            self._columns_fitted = True  # the widths the person chose
