"""The Review section's page: the treatment manager's list of people referred to a
Structured Intervention, with sign-off, "not ready yet", and the completion report (CSV
and PDF).

The controller of the section: it owns the filters (``filters.py``), the list model
(``model.py``) and the dialogs (``dialogs.py``), and runs every database call through
the window's shared :class:`ui.tasks.Tasks`, so the GUI thread never waits.

Only a treatment manager is offered the sign-off actions; the operation itself also
refuses anyone else (``domain.review.check_sign_off``), so the rule holds however it is
reached.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import uk
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import ModuleStatus, SupporterRole
from probation_desk.domain.people import REGIONS
from probation_desk.domain.review import BLOCKED_TEXT, SignOffKind
from probation_desk.domain.roles import Role
from probation_desk.services import review as svc
from probation_desk.services.desk import Desk
from probation_desk.services.queries import distinct_values
from probation_desk.ui import save_folders as files
from probation_desk.ui.errors import plain_message
from probation_desk.ui.review import model as list_model
from probation_desk.ui.review.dialogs import SignOffDialog
from probation_desk.ui.review.filters import ReviewFilters, empty_text
from probation_desk.ui.review.model import COLUMNS, ReviewModel, ReviewTable
from probation_desk.ui.tasks import Change, Progress, Tasks
from probation_desk.ui.widgets import row_menu

T = TypeVar("T")


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


class ReviewPage(QWidget):
    """The Review section. ``open_case(person_id)`` asks the window to open a case."""

    open_case = Signal(int)
    loaded = Signal()
    """The list finished loading, or a row was refreshed (for the status bar)."""

    def __init__(self, desk: Desk, tasks: Tasks | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setAccessibleName("Review")
        self.tasks = tasks if tasks is not None else Tasks(self)
        self._pending = 0
        self._sort_key, self._descending = "crn", False
        self._sort_column = 0
        self._filter: svc.ReviewFilter | None = None
        self._dialog: SignOffDialog | None = None
        self._exporting = False
        self._options_region: str | None = None

        self._build_filters()
        self._build_list()
        self._build_actions()

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addWidget(self.filters)
        lay.addLayout(self.list_head)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.selection_label)
        lay.addLayout(self.action_row)
        lay.addWidget(self.role_label)
        lay.addLayout(self.message_row)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.timeout.connect(self._load)
        self._set_tab_order()
        self._apply_role()
        self.refresh()

    # --- building
    def _build_filters(self) -> None:
        self.filters = ReviewFilters(self)
        f = self.filters
        self.search_edit, self.region_box, self.pdu_box = f.search_edit, f.region_box, f.pdu_box
        self.practitioner_box, self.state_box = f.practitioner_box, f.state_box
        self.from_edit, self.to_edit, self.rar_check = f.from_edit, f.to_edit, f.rar_check
        self.clear_button = f.clear_button
        f.changed.connect(self._schedule)
        f.region_changed.connect(self._load_options)

    def _build_list(self) -> None:
        self.model = ReviewModel(self)
        self.model.page_wanted.connect(self._fetch_page)
        self.table = ReviewTable(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Review list")
        self.table.setAccessibleDescription(
            "People referred to a Structured Intervention. Enter opens the case.")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for the buttons
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setHighlightSections(False)
        header.sortIndicatorChanged.connect(self._sort_changed)
        fm = self.table.fontMetrics()
        bold = QFont(self.table.font())
        bold.setBold(True)
        pad = 24

        def fit(*texts: str) -> int:
            return max(fm.horizontalAdvance(t) for t in texts) + pad

        widths = (fit("CRN", "X000000"), fit("Gwenllïan ap Gwilym-Ŵyn"), fit(*REGIONS),
                  fit("Camden and Islington"), fit("Practitioner", "Morgan Vaughan"),
                  fit(*(m.value for m in ModuleStatus)), fit("Completed on"),
                  fit(*(f"Morgan Vaughan ({r.value})" for r in SupporterRole)),
                  fit("Days since last session"),
                  fit("Stepwise Emotions (Emotional management)"),
                  QFontMetrics(bold).horizontalAdvance(BLOCKED_TEXT) + pad + 24,  # bold, icon
                  fit("Not ready yet 22/11/2026 by Morgan Vaughan"),
                  fit("Needs one more session on barriers"))
        for i, w in enumerate(widths):
            header.resizeSection(i, w)
        header.setStretchLastSection(True)
        self.table.activated.connect(lambda _i: self._open_current())
        self.table.open_requested.connect(self._open_current)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection())
        self.model.dataChanged.connect(lambda *_: self._selection())
        self.model.modelReset.connect(self._selection)

        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName("Nothing to show")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.empty_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.empty_label.setFont(font)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        self.list_label = QLabel("Revie&w list", self)
        self.list_label.setBuddy(self.table)
        bold = self.list_label.font()
        bold.setBold(True)
        self.list_label.setFont(bold)
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("How many people are listed")
        self.loading_label = QLabel("Loading…", self)
        self.loading_label.setAccessibleName("Loading")
        self.loading_label.hide()
        self.list_head = QHBoxLayout()
        self.list_head.addWidget(self.list_label)
        self.list_head.addWidget(self.count_label)
        self.list_head.addStretch(1)
        self.list_head.addWidget(self.loading_label)

    def _build_actions(self) -> None:
        self.selection_label = QLabel("Select a person in the list.", self)
        self.selection_label.setWordWrap(True)
        self.selection_label.setAccessibleName("Selected person")
        self.selection_label.setTextFormat(Qt.TextFormat.PlainText)

        self.open_button = QPushButton("&Open case", self)
        self.open_button.setAccessibleName("Open case")
        self.open_button.setToolTip("Open the selected person's case record (Enter)")
        self.sign_button = QPushButton("Sign off co&mpletion…", self)
        self.sign_button.setAccessibleName("Sign off completion")
        self.not_ready_button = QPushButton("Mark &not ready…", self)
        row_menu(self.table, lambda: [self.open_button, None, self.sign_button,
                                      self.not_ready_button])
        self.not_ready_button.setAccessibleName("Mark not ready")
        self.csv_button = QPushButton("E&xport CSV…", self)
        self.csv_button.setAccessibleName("Export CSV")
        self.csv_button.setToolTip("Save the list, with the current filters, as a CSV file "
                                   "for Excel")
        self.pdf_button = QPushButton("Print report (P&DF)…", self)
        self.pdf_button.setAccessibleName("Print report as PDF")
        self.pdf_button.setToolTip("Save the completion report, with the current filters, "
                                   "as a PDF to print")
        self.open_button.clicked.connect(self._open_current)
        self.sign_button.clicked.connect(lambda: self.start_sign_off(SignOffKind.REVIEWED))
        self.not_ready_button.clicked.connect(
            lambda: self.start_sign_off(SignOffKind.NOT_READY))
        self.csv_button.clicked.connect(lambda: self._choose_and_export("csv"))
        self.pdf_button.clicked.connect(lambda: self._choose_and_export("pdf"))

        self.action_row = QHBoxLayout()
        for b in (self.open_button, self.sign_button, self.not_ready_button):
            self.action_row.addWidget(b)
        self.action_row.addStretch(1)
        self.action_row.addWidget(self.csv_button)
        self.action_row.addWidget(self.pdf_button)

        self.role_label = QLabel(self)
        self.role_label.setWordWrap(True)
        self.role_label.setAccessibleName("Who can sign off")
        self.role_label.setTextFormat(Qt.TextFormat.PlainText)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: the report writers give no count
        self.progress.setMaximumWidth(160)
        self.progress.setAccessibleName("Export in progress")
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Message")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setSizePolicy(QSizePolicy.Policy.Expanding,
                                         QSizePolicy.Policy.Preferred)
        self.message_row = QHBoxLayout()
        self.message_row.addWidget(self.progress)
        self.message_row.addWidget(self.message_label, 1)

    def _set_tab_order(self) -> None:
        chain = [*self.filters.controls, self.table, self.open_button, self.sign_button,
                 self.not_ready_button, self.csv_button, self.pdf_button]
        for a, b in pairwise(chain):
            self.setTabOrder(a, b)

    # --- role
    def _apply_role(self) -> None:
        manager = self.desk.role is Role.TREATMENT_MANAGER
        for b in (self.sign_button, self.not_ready_button):
            b.setVisible(manager)
        self.role_label.setVisible(not manager)
        self.role_label.setText(
            "Only treatment managers can sign off a module completion or mark someone not "
            f"ready. You are signed in as {self.desk.role.value.lower()}: you can look at "
            "the list and export it.")
        self._selection()

    @property
    def can_sign_off(self) -> bool:
        """True when this user is offered the sign-off actions."""
        return self.desk.role is Role.TREATMENT_MANAGER

    # --- filters
    def current_filter(self) -> svc.ReviewFilter:
        """The filter the controls describe."""
        return self.filters.current()

    @Slot()
    def clear_filters(self) -> None:
        """Back to everyone referred, in every region."""
        self.filters.clear()

    def focus_search(self) -> None:
        """Put the cursor in the search box (the window's Ctrl+F)."""
        self.filters.focus_search()

    def _schedule(self, delay: int) -> None:
        self._debounce.start(delay)

    def _load_options(self, region: str) -> None:
        """Fill the PDU and practitioner lists for ``region`` (kept when still valid)."""
        self._options_region = region
        desk = self.desk

        def work() -> tuple[list[str], list[str]]:
            return (distinct_values(desk, "pdu", region),
                    distinct_values(desk, "practitioner", region))

        self._run("review-options", lambda _p: work(), self._options_loaded)

    def _options_loaded(self, options: tuple[list[str], list[str]]) -> None:
        if self.filters.set_options(*options):
            self._schedule(0)

    def _run(self, key: str, work: Callable[[Progress], T], done: Callable[[T], object],
             failed: Callable[[BaseException], object] | None = None, *,
             long: bool = False) -> None:
        """Run ``work`` through the shared runner; only the newest outcome per key shows."""
        self._pending += 1
        self.loading_label.setVisible(not self._exporting)

        def ended() -> None:
            self._pending -= 1
            self.loading_label.setVisible(self._pending > 0 and not self._exporting)

        op = self.tasks.op(self, work).superseding(f"review-{id(self)}-{key}") \
            .success(done).failure(failed or self._load_failed).finally_(ended)
        (op.long() if long else op).run_in_background()

    # --- loading
    @Slot()
    def refresh(self) -> None:
        """Reload the filter choices and the list (F5); the role is looked at again."""
        self._apply_role()
        self._load_options(self.filters.region)
        self._load()

    @Slot()
    def _load(self) -> None:
        f = self._filter_or_say()
        if f is None:
            return
        self._filter = f
        desk, key, desc = self.desk, self._sort_key, self._descending

        def work() -> tuple[list[int], dict[int, svc.ReviewRow]]:
            ids = svc.review_ids(desk, f, key, desc)
            return ids, svc.review_rows(desk, ids[:list_model.PAGE_SIZE])

        self._run("list", lambda _p: work(), lambda res: self._list_loaded(f, res))

    def _filter_or_say(self) -> svc.ReviewFilter | None:
        """The filter, or None after saying in words which box does not hold a date."""
        try:
            f = self.current_filter()
        except RuleViolation as exc:
            self.message_label.setText(
                f"{exc.message} The list still shows the last filter that could be read.")
            return None
        if self.message_label.text().endswith("the last filter that could be read."):
            self.message_label.clear()
        return f

    def _list_loaded(self, f: svc.ReviewFilter,
                     result: tuple[list[int], dict[int, svc.ReviewRow]]) -> None:
        ids, first = result
        keep = self.selected_person_id()
        self.model.reset_ids(ids, first)
        self.count_label.setText(_people(len(ids)))
        if ids:
            self.stack.setCurrentWidget(self.table)
            r = self.model.row_of(keep) if keep is not None else None
            self.table.selectRow(r if r is not None else 0)
        else:
            self.empty_label.setText(empty_text(f))
            self.stack.setCurrentWidget(self.empty_label)
        self._selection()
        self.loaded.emit()

    @Slot(int, int)
    def _fetch_page(self, generation: int, page: int) -> None:
        size = list_model.PAGE_SIZE
        ids = self.model.ids[page * size:(page + 1) * size]
        desk = self.desk
        self._run(f"page-{generation}-{page}", lambda _p: svc.review_rows(desk, ids),
                  lambda rows: self._page_loaded(generation, page, rows))

    def _page_loaded(self, generation: int, page: int, rows: dict[int, svc.ReviewRow]) -> None:
        self.model.add_rows(generation, page, rows)

    def _load_failed(self, exc: BaseException) -> None:
        self.message_label.setText("The review list could not be loaded. "
                                   + plain_message(exc))

    @property
    def busy(self) -> bool:
        """True while anything is loading or saving in the background."""
        return self._pending > 0 or (self._dialog is not None and self._dialog.saving)

    @Slot(int, Qt.SortOrder)
    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        header = self.table.horizontalHeader()
        if key is None:  # not sortable: put the indicator back
            header.blockSignals(True)
            header.setSortIndicator(self._sort_column, Qt.SortOrder.DescendingOrder
                                    if self._descending else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            self.message_label.setText(
                f"The list cannot be sorted by {COLUMNS[column][0].lower()}. "
                "Sort by CRN, name, region, PDU, practitioner, module or completion date.")
            return
        self._sort_column = column
        self._sort_key = key
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._schedule(0)

    # --- selection and actions
    def selected_row(self) -> svc.ReviewRow | None:
        """The selected person's row, when it has been fetched."""
        idx = self.table.currentIndex()
        if not idx.isValid() or self.stack.currentWidget() is not self.table:
            return None
        return self.model.row_at(idx.row())

    def selected_person_id(self) -> int | None:
        """The selected person's id."""
        idx = self.table.currentIndex()
        if not idx.isValid() or idx.row() >= len(self.model.ids):
            return None
        return self.model.ids[idx.row()]

    @Slot()
    def _selection(self) -> None:
        row = self.selected_row()
        manager = self.can_sign_off
        self.open_button.setEnabled(row is not None)
        self.not_ready_button.setEnabled(manager and row is not None)
        complete = row is not None and row.completed_on is not None
        self.sign_button.setEnabled(manager and complete)
        self.sign_button.setToolTip(
            "Sign off the selected person's module completion" if complete else
            "Only a completed module can be signed off: choose 'Mark not ready' instead")
        if row is None:
            self.selection_label.setText("Select a person in the list.")
            return
        text = f"Selected: {row.name} ({row.crn}). Module {row.module_state.lower()}"
        text += f" on {uk(row.completed_on)}." if row.completed_on else "."
        if row.blocked:
            text += f" {BLOCKED_TEXT}."
        if row.sign_off:
            text += f" Last review: {row.sign_off}."
        elif manager and not complete:
            text += " Nothing to sign off yet: you can mark them not ready."
        self.selection_label.setText(text)

    @Slot()
    def _open_current(self) -> None:
        pid = self.selected_person_id()
        if pid is not None:
            self.open_case.emit(pid)

    def start_sign_off(self, kind: SignOffKind) -> SignOffDialog | None:
        """Open the sign-off (or not-ready) dialog for the selected person."""
        row = self.selected_row()
        if row is None or not self.can_sign_off:
            return None
        dialog = SignOffDialog(self.desk, self.tasks, row, kind, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._signed)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self._dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: SignOffDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None
        self.table.setFocus()

    def _signed(self, view: svc.SignOffView) -> None:
        r = self.model.row_of(view.person_id)
        shown = self.model.row_at(r) if r is not None else None
        name = shown.name if shown is not None else "this person"
        what = ("Signed off the module completion" if view.kind is SignOffKind.REVIEWED
                else "Marked not ready yet")
        self.message_label.setText(f"{what} for {name} on {uk(view.on_date)}.")
        desk, pid = self.desk, view.person_id
        self.tasks.announce(Change.person(pid, module=True))
        self._run(f"row-{pid}", lambda _p: svc.review_rows(desk, [pid]), self._row_refreshed)

    def _row_refreshed(self, rows: dict[int, svc.ReviewRow]) -> None:
        for row in rows.values():
            self.model.replace_row(row)
        self._selection()
        self.loaded.emit()

    # --- exports
    def _choose_and_export(self, fmt: str) -> None:
        f = self._filter_or_say()
        if f is None:
            return
        where = f"-{f.region.replace(' ', '-').replace(',', '')}" if f.region else ""
        name = f"module-completion{where}-{self.desk.today.isoformat()}.{fmt}"
        caption = "Export the review list as CSV" if fmt == "csv" else "Save the report as PDF"
        kinds = "CSV files (*.csv)" if fmt == "csv" else "PDF files (*.pdf)"
        # Documents the first time, then the folder last used for CSVs (or report PDFs).
        path = files.ask_save_path(self, "csv" if fmt == "csv" else "report", caption, name,
                                   kinds, f".{fmt}")
        if path:
            self.export(fmt, path)

    def export_csv(self, path: str | Path) -> None:
        """Save the list with the current filters as CSV (in the background)."""
        self.export("csv", path)

    def export_pdf(self, path: str | Path) -> None:
        """Save the completion report with the current filters as PDF (in the background)."""
        self.export("pdf", path)

    def export(self, fmt: str, path: str | Path) -> None:
        """Write the report to ``path`` off the GUI thread; say where it went."""
        if self._exporting:
            return
        target = Path(path)
        f = self._filter_or_say()
        if f is None:
            return
        desk = self.desk
        what = "CSV file" if fmt == "csv" else "PDF report"

        def work(_p: Progress) -> int:
            part = target.with_name(target.name + ".part")
            try:
                if fmt == "csv":
                    rows = svc.completion_rows(desk, f)
                    svc.write_csv(rows, part)
                    n = len(rows)
                else:
                    n = svc.write_completion_report(desk, "pdf", part, f=f)
                os.replace(part, target)  # a half-written file never takes the name
            finally:
                part.unlink(missing_ok=True)
            return n

        self._exporting = True
        self.loading_label.hide()
        self.csv_button.setEnabled(False)
        self.pdf_button.setEnabled(False)
        self.progress.show()
        self.message_label.setText(
            f"Saving the {what} of {_people(len(self.model.ids))} "
            f"({svc.filter_description(f)})…")
        self._run(f"export-{fmt}", work, lambda n: self._exported(what, target, n),
                  lambda exc: self._export_failed(what, target, exc), long=True)

    def _export_ended(self) -> None:
        self._exporting = False
        self.progress.hide()
        self.csv_button.setEnabled(True)
        self.pdf_button.setEnabled(True)

    def _exported(self, what: str, target: Path, n: int) -> None:
        self._export_ended()
        self.message_label.setText(f"Saved the {what} of {_people(n)} to {target}.")

    def _export_failed(self, what: str, target: Path, exc: BaseException) -> None:
        self._export_ended()
        self.message_label.setText(
            f"The {what} was not saved to {target}. " + plain_message(exc)
            + " Choose another folder and try again.")

    # --- lifetime
    def shutdown(self) -> None:
        """Wait for background work (call before closing the database)."""
        self._debounce.stop()
        self.tasks.wait()

