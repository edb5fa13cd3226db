"""The Worklist: every open NSI on a withdrawn toolkit, by region, and what to do with it.

Actions: open the case; close with an outcome; switch to an approved toolkit in one step
(``Desk.switch_toolkit``, notes carried); and the sweep, which closes every NSI still
open past its toolkit's close-by date: first a dry run to count, then, once confirmed,
the run itself with a progress bar ("Closing 370 of 1,200") and Cancel.

Signals:
    WorklistPage.open_case(int, int): open this person's record (person id, NSI id).
    WorklistPage.loaded(): the list is on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import uk
from probation_desk.domain.people import REGIONS
from probation_desk.ui.errors import show_message
from probation_desk.ui.nsi_dialogs import CloseNsiDialog, SwitchToolkitDialog
from probation_desk.ui.rows import Cell, cell_data, flagged
from probation_desk.ui.tasks import Change, Tasks
from probation_desk.ui.widgets import confirm, icon, row_menu

if TYPE_CHECKING:
    from probation_desk.services.desk import Desk
    from probation_desk.services.queries import WorklistRow
    from probation_desk.services.records import SweepResult

COLUMNS = ("CRN", "Name", "Region", "PDU", "Practitioner", "Toolkit", "Status", "Referred",
           "Close by", "Attention")
COL_ATTENTION = len(COLUMNS) - 1


def attention(row: WorklistRow) -> str:
    """'Overdue' or what is due, in words."""
    if row.overdue:
        return "Overdue"
    return f"Close by {uk(row.close_by)}" if row.close_by else "Withdrawn"


def cells(r: WorklistRow, warn: QIcon | None = None) -> list[Cell]:
    """A row's cells as shown (UK dates; an overdue NSI flagged in words and icon)."""
    due = attention(r)
    return [Cell(r.crn), Cell(r.name), Cell(r.region), Cell(r.pdu), Cell(r.practitioner),
            Cell(r.toolkit_name), Cell(r.status.value), Cell(uk(r.referral_date)),
            Cell(uk(r.close_by)),
            flagged(due, f"Overdue: the {r.toolkit_name} toolkit's NSIs had to close by "
                    f"{uk(r.close_by)}. Close it or switch the person to another toolkit.",
                    warn or QIcon()) if r.overdue else Cell(due)]


class WorklistModel(QAbstractTableModel):
    """The worklist rows (a few thousand at most: they are all held)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[WorklistRow] = []
        self._warn = icon("warning", QStyle.StandardPixmap.SP_MessageBoxWarning)

    def set_rows(self, rows: list[WorklistRow]) -> None:
        """Show these rows."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return cell_data(cells(self.rows[index.row()], self._warn)[index.column()], role)


class _Table(QTableView):
    enter = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.enter.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class WorklistPage(QWidget):
    """Open NSIs on withdrawn toolkits, with the actions that resolve them."""

    open_case = Signal(int, int)
    loaded = Signal()

    def __init__(self, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.desk: Desk | None = None
        self.setAccessibleName("Worklist")
        self._gen = 0
        self.dialog: QWidget | None = None
        self.last_sweep: SweepResult | None = None

        intro = QLabel("Open NSIs on withdrawn toolkits. Finish the work and close each "
                       "one, or switch the person to an approved toolkit. After the "
                       "close-by date, the sweep closes whatever is still open.", self)
        intro.setWordWrap(True)
        intro.setAccessibleName("About the worklist")
        self.region = QComboBox(self)
        self.region.setAccessibleName("Region")
        self.region.addItem("All regions", "")
        for r in REGIONS:
            self.region.addItem(r, r)
        self.region.currentIndexChanged.connect(lambda _i: self.reload())
        region_label = QLabel("Re&gion", self)
        region_label.setBuddy(self.region)
        self.toolkit = QComboBox(self)
        self.toolkit.setAccessibleName("Toolkit")
        self.toolkit.addItem("All withdrawn toolkits", "")
        self.toolkit.currentIndexChanged.connect(lambda _i: self.reload())
        toolkit_label = QLabel("Tool&kit", self)
        toolkit_label.setBuddy(self.toolkit)
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("How many NSIs are listed")
        self.count_label.setWordWrap(True)  # never what sets the window's narrowest width
        for box in (self.region, self.toolkit):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)
        # "All withdrawn toolkits" whole, not "All withdrawn toolki".
        self.toolkit.setMinimumContentsLength(len(self.toolkit.itemText(0)) + 1)

        self.model = WorklistModel(self)
        self.table = _Table(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Open NSIs on withdrawn toolkits")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.enter.connect(self.open_selected)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setAccessibleName("Nothing listed")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.open_button = QPushButton("&Open case", self)
        self.open_button.clicked.connect(self.open_selected)
        self.close_button = QPushButton("Clos&e NSI…", self)
        self.close_button.clicked.connect(self.close_selected)
        self.switch_button = QPushButton("Switch toolki&t…", self)
        self.switch_button.clicked.connect(self.switch_selected)
        self.sweep_button = QPushButton("Close all overdue (s&weep)…", self)
        self.what_if_button = QPushButton(self.tr("What &if…"), self)
        self.what_if_button.setToolTip(self.tr(
            "What a toolkit's withdrawal would touch, before it happens: the open NSIs "
            "that would need closing or switching, by region and practitioner. It changes "
            "nothing. For regional leads and administrators."))
        self.what_if_button.setAccessibleName(self.tr("What if a toolkit were withdrawn"))
        self.what_if_button.clicked.connect(self.what_if)
        row_menu(self.table, lambda: [self.open_button, None, self.close_button,
                                      self.switch_button])
        self.sweep_button.setToolTip("Count, then close, every NSI still open past its "
                                     "toolkit's close-by date, in every region")
        self.sweep_button.clicked.connect(self.sweep)
        for b, name in ((self.open_button, "Open the person's case"),
                        (self.close_button, "Close the chosen NSI"),
                        (self.switch_button, "Switch the chosen NSI to another toolkit"),
                        (self.sweep_button, "Close all overdue NSIs (sweep)")):
            b.setAccessibleName(name)

        head = QHBoxLayout()
        head.addWidget(region_label)
        head.addWidget(self.region)
        head.addSpacing(12)
        head.addWidget(toolkit_label)
        head.addWidget(self.toolkit)
        head.addSpacing(12)
        head.addWidget(self.count_label, 1)
        buttons = QHBoxLayout()
        for b in (self.open_button, self.close_button, self.switch_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.what_if_button)
        buttons.addWidget(self.sweep_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(intro)
        lay.addLayout(head)
        lay.addWidget(self.stack, 1)
        lay.addLayout(buttons)
        tasks.changed.connect(self._on_change)
        self._enable()

    # ---------------------------------------------------------------- loading
    def set_desk(self, desk: Desk | None, user_region: str = "") -> None:
        """Show this database's worklist, in the user's region to begin with."""
        self.desk = desk
        self.toolkit.blockSignals(True)
        self.toolkit.clear()
        self.toolkit.addItem("All withdrawn toolkits", "")
        if desk is not None:
            for kit in desk.catalogue.with_withdrawal():  # a coming one too: the banner's
                self.toolkit.addItem(kit.name, kit.code)
        self.toolkit.blockSignals(False)
        self.show_scope(user_region, "")

    def show_scope(self, region: str, toolkit: str) -> None:
        """List one region's (or, with "", every region's) NSIs on one toolkit (or all
        withdrawn ones): what a banner line counted, when it is opened from there."""
        for box, value in ((self.region, region), (self.toolkit, toolkit)):
            box.blockSignals(True)
            box.setCurrentIndex(max(box.findData(value), 0))
            box.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        """Read the worklist again (in the background)."""
        desk = self.desk
        if desk is None:
            self.model.set_rows([])
            self._enable()
            return
        region = self.region.currentData() or ""
        toolkit = self.toolkit.currentData() or ""
        on = f"the {self.toolkit.currentText()} toolkit" if toolkit else "withdrawn toolkits"
        self._gen += 1
        gen = self._gen
        self.count_label.setText("Loading…")

        def work(_p: object) -> list[WorklistRow]:
            from probation_desk.services.queries import worklist

            return worklist(desk, region, toolkit=toolkit)

        def done(rows: list[WorklistRow]) -> None:
            if gen != self._gen:
                return
            keep = self.selected()
            self.model.set_rows(rows)
            overdue = sum(1 for r in rows if r.overdue)
            where = f" in {region}" if region else " in all regions"
            self.count_label.setText(
                f"{len(rows):,} open NSI{'s' if len(rows) != 1 else ''} on {on}{where}; "
                f"{overdue:,} overdue")
            if rows:
                self.stack.setCurrentWidget(self.table)
                row = next((i for i, r in enumerate(rows) if keep and r.nsi_id == keep.nsi_id),
                           0)
                self.table.selectRow(row)
            else:
                self.empty.setText(f"No open NSIs on {on} "
                                   f"{'in ' + region if region else 'in any region'}.")
                self.stack.setCurrentWidget(self.empty)
            self._enable()
            self.loaded.emit()

        self.tasks.op(self, work).success(done).run_in_background()

    def empty_text(self) -> str:
        """What the page says when nothing is listed."""
        return self.empty.text()

    def _on_change(self, change: Change) -> None:
        if self.desk is not None and (change.nsis or change.everything or change.settings):
            self.reload()

    def selected(self) -> WorklistRow | None:
        """The chosen row."""
        rows = self.table.selectionModel().selectedRows() if self.model.rows else []
        return self.model.rows[rows[0].row()] if rows else None

    def select_nsi(self, nsi_id: int) -> bool:
        """Choose a row by NSI id."""
        for i, r in enumerate(self.model.rows):
            if r.nsi_id == nsi_id:
                self.table.selectRow(i)
                return True
        return False

    def _enable(self) -> None:
        chosen = self.selected() is not None
        for b in (self.open_button, self.close_button, self.switch_button):
            b.setEnabled(chosen)
        self.sweep_button.setEnabled(self.desk is not None)
        self.what_if_button.setEnabled(self.desk is not None)

    # ---------------------------------------------------------------- actions
    def open_selected(self) -> None:
        """Open the chosen person's case record."""
        r = self.selected()
        if r is not None:
            self.open_case.emit(r.person_id, r.nsi_id)

    def _open(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # type: ignore[attr-defined]

    def close_selected(self) -> None:
        """Close the chosen NSI with an outcome (confirmed first)."""
        r, desk = self.selected(), self.desk
        if r is None or desk is None:
            return

        def opened(nsi: Any) -> None:
            if not nsi.is_open:
                self.reload()
                return
            self._open(CloseNsiDialog(desk, self.tasks, nsi, r.name, self))

        self.tasks.op(self, lambda _p: desk.nsi(r.nsi_id)).success(opened).run_in_background()

    def switch_selected(self) -> None:
        """Switch the chosen NSI to an approved toolkit in one step."""
        r, desk = self.selected(), self.desk
        if r is None or desk is None:
            return
        self._open(SwitchToolkitDialog(desk, self.tasks, r.nsi_id, r.person_id, r.toolkit,
                                       r.toolkit_name, r.version, r.name, self))

    def what_if(self) -> None:
        """Ask what a toolkit's withdrawal would touch (other roles are told why not)."""
        from probation_desk.ui.what_if_dialog import open_what_if

        if self.desk is not None:
            self.dialog = open_what_if(self, self.desk, self.tasks,
                                       self.region.currentData() or "") or self.dialog

    def sweep(self) -> None:
        """Count what the sweep would close (dry run), then close it if confirmed."""
        desk = self.desk
        if desk is None:
            return
        self.sweep_button.setEnabled(False)

        def counted(result: SweepResult) -> None:
            n = result.closed
            if n == 0:
                show_message(self, "Nothing to close",
                             "No open NSIs are past their toolkit's close-by date. Nothing "
                             "was changed.")
                return
            if not confirm(self, "Close overdue NSIs?",
                           f"{n:,} open NSI{'s are' if n != 1 else ' is'} on withdrawn "
                           "toolkits past the close-by date, in all regions. Close "
                           f"{'them all' if n != 1 else 'it'} now with the outcome 'Closed "
                           "automatically: toolkit withdrawn'? (This count was a dry run: "
                           "nothing has been changed yet.)",
                           f"&Close {n:,} NSI{'s' if n != 1 else ''}", "&Not now"):
                return
            self._run_sweep(n)

        self.tasks.op(self, lambda _p: desk.sweep(dry_run=True)) \
            .with_progress("Counting overdue NSIs…", title="Sweep") \
            .success(counted).finally_(self._enable).run_in_background()

    def _run_sweep(self, expected: int) -> None:
        desk = self.desk
        assert desk is not None
        self.sweep_button.setEnabled(False)

        def label(done: int, total: int) -> str:
            return f"Closing {done:,} of {total or expected:,} NSIs…"

        def finished(result: SweepResult) -> None:
            self.last_sweep = result
            if result.cancelled:
                text = (f"Stopped after closing {result.closed:,} of {expected:,} NSIs. The "
                        "rest are still open: run the sweep again to close them.")
            else:
                text = (f"Closed {result.closed:,} NSI{'s' if result.closed != 1 else ''} on "
                        "withdrawn toolkits past their close-by date.")
            show_message(self, "Sweep finished", text)
            self.tasks.announce(Change(everything=True, nsis=True))

        chunk = max(500, expected // 50)  # each chunk one transaction; ~50 progress steps
        self.tasks.op(self, lambda p: desk.sweep(progress=p, chunk=chunk)) \
            .with_progress(label, title="Sweep", cancellable=True, delay_ms=0) \
            .success(finished).finally_(self._enable).run_in_background()
