"""The case record: details, Orders & RAR, NSIs (with status history), the module, workbooks.

Everything for one person is read in one background call (:class:`CaseData`) and
shown when it arrives; after any change to that person (``Tasks.changed``) it is read
again, so the RAR panel updates as soon as a module session is recorded.

Signals:
    CaseRecord.loaded(int): the record of this person id is on screen.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import uk, uk_long
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import ModuleState
from probation_desk.ui.history_panel import HistoryPanel
from probation_desk.ui.module_panel import ModulePanel
from probation_desk.ui.record_actions import RecordActions
from probation_desk.ui.si_panel import SiPanel
from probation_desk.ui.tasks import Change, Tasks
from probation_desk.ui.widgets import icon, row_menu

if TYPE_CHECKING:
    from probation_desk.domain.contacts import Enforcement
    from probation_desk.services.contacts import ContactView, TimelineEntry
    from probation_desk.services.desk import Desk
    from probation_desk.services.records import NsiView, OrderView, PersonView, RarView


@dataclass(frozen=True)
class CaseData:
    """Everything the case record shows for one person."""

    person: PersonView
    orders: list[OrderView]
    rar: list[RarView]
    nsis: list[NsiView]
    module: ModuleState
    contacts: list[ContactView]
    enforcement: Enforcement
    timeline: list[TimelineEntry]


def load_case(desk: Desk, person_id: int) -> CaseData:
    """Read one person's record (runs on a pool thread)."""
    return CaseData(desk.person(person_id), desk.orders(person_id), desk.rar(person_id),
                    desk.nsis(person_id), desk.module_state(person_id),
                    desk.contacts(person_id), desk.enforcement(person_id),
                    desk.timeline(person_id))


def rar_lines(data: CaseData) -> list[str]:
    """The Orders & RAR panel in words."""
    lines: list[str] = []
    rar_by_order = {v.order.id: v for v in data.rar}
    counted_module = False
    for o in data.orders:
        head = f"{o.kind.value}, {uk(o.start)} to {uk(o.end)}"
        view = rar_by_order.get(o.id)
        if view is None:
            lines.append(f"{head}: no RAR requirement.")
            continue
        s = view.summary
        text = f"{head}: {s.booked_text}."
        if o.rar_terminated_on is not None:
            text += (f" The RAR requirement was terminated on {uk(o.rar_terminated_on)} "
                     f"({o.rar_termination_reason}).")
        if s.over_maximum:
            text += (f" That is {s.days_completed - s.max_days} more than the court's "
                     f"maximum of {s.max_days}: check the contacts flagged as RAR activity.")
        if s.module_date is not None:
            counted_module = True
            if s.module_days:
                text += (f" The Pre-Intervention Module's completion on {uk(s.module_date)} "
                         "is one of these days.")
            else:
                text += (f" The module was completed on {uk(s.module_date)}, a day that "
                         "already counted for other RAR activity, so it added no extra day.")
        # Part of the count above, not days on top of it ("Other RAR activity: 2 days"
        # beside "2 of 20" read as two more).
        text += (f" Of the days completed, {s.activity_days} "
                 f"{'are' if s.activity_days != 1 else 'is'} from RAR appointments and "
                 "activity.")
        if s.awaiting_outcome:
            text += (f" {s.awaiting_outcome} past RAR appointment"
                     f"{'s are' if s.awaiting_outcome != 1 else ' is'} waiting for an "
                     "outcome.")
        if s.counted:
            text += "\nCounted dates:\n" + "\n".join(
                f"  {uk(d.on)}: {'; '.join(d.reasons)}" for d in s.counted)
        lines.append(text)
    m = data.module
    if not data.orders:
        lines.append("No orders are recorded for this person.")
    if m.completed_on is None and data.rar:
        lines.append("The Pre-Intervention Module has not been completed yet. Its first "
                     "completion will count as one RAR day; revisits add none.")
    if m.completed_on is not None and not counted_module and data.rar:
        lines.append(f"The module was completed on {uk(m.completed_on)}, outside the dates "
                     "of any order with a RAR requirement, so it counts towards none.")
    if m.revisits:
        n = len(m.revisits)
        lines.append(f"The module has been revisited {n} time{'s' if n != 1 else ''}: "
                     "revisits add no RAR days.")
    return lines


CONTACT_COLUMNS = ("Date", "Time", "Type", "RAR", "Outcome", "Notes")
NSI_ROWS = 4
"""The NSI table always shows at least this many rows (the record scrolls instead)."""
NSI_COLUMNS = ("Toolkit", "Status", "Referred", "Started", "Ended", "Outcome",
               "Practitioner", "Attention")


def rows_high(table: QTableWidget, rows: int) -> int:
    """The height a table needs to show its heading and ``rows`` rows."""
    fm = table.fontMetrics()
    row = max(table.verticalHeader().defaultSectionSize(), fm.height() + 8)
    return fm.height() + 10 + rows * row + 2 * table.frameWidth() + 4


class FillingScroll(QScrollArea):
    """A scroll area whose page fills it, shrinking down to the page's minimum size
    and scrolling only below that. (A resizable QScrollArea keeps a page with
    word-wrapped text at its preferred height and scrolls while there is room.)"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(False)

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        """Size the page to the area, not below its minimum."""
        page = self.widget()
        if page is None:
            return
        least = page.minimumSizeHint().expandedTo(page.minimumSize())
        room = self.maximumViewportSize()
        bar = self.verticalScrollBar().sizeHint().width()
        height = max(room.height(), least.height())
        width = max(room.width() - (bar if height > room.height() else 0), least.width())
        if page.size().width() != width or page.size().height() != height:
            page.resize(width, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().eventFilter(obj, event)


class CaseRecord(RecordActions, QWidget):
    """One person's record, in tabs."""

    loaded = Signal(int)

    def __init__(self, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.desk: Desk | None = None
        self.data: CaseData | None = None
        self.person_id: int | None = None
        self._load_gen = 0
        self.dialog: QWidget | None = None
        self.setAccessibleName("Case record")

        self.title = QLabel("Choose a person from the list to see their record.", self)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.title.setAccessibleName("Person")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Case record sections")
        self.tabs.addTab(self._build_details(), "D&etails")
        self.tabs.addTab(self._build_rar(), "&Orders && RAR")
        self.tabs.addTab(self._build_nsis(), "&NSIs")
        self.module = ModulePanel(self)
        self.module.record_requested.connect(self.record_session)
        self.module.withdraw_requested.connect(self.withdraw_session)
        self.module.edit_requested.connect(self.edit_session)
        self.tabs.addTab(self.module, "Modu&le")
        self.si = SiPanel(tasks, self)
        self.tabs.addTab(self.si, "Structured &Interventions")
        self.tabs.addTab(self._build_workbooks(), "Wor&kbooks")
        self.tabs.addTab(self._build_log(), "Contact lo&g")
        self.changes_panel = HistoryPanel(tasks, self)
        self.tabs.addTab(self.changes_panel, self.tr("History (&Z)"))
        # Ctrl+Tab and Ctrl+Shift+Tab move between the record's tabs wherever the focus is
        # in the record (a table would otherwise take them as a move to the next field).
        for keys, step in (("Ctrl+Tab", 1), ("Ctrl+Shift+Tab", -1), ("Ctrl+Backtab", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.next_tab(step))

        # When the record has little room, it scrolls rather than squeezing its tables
        # to a row or two (each page keeps the room it needs to be read).
        self.scroller = FillingScroll(self)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setAccessibleName("Case record")
        inner = QWidget(self.scroller)
        col = QVBoxLayout(inner)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.title)
        col.addWidget(self.tabs, 1)
        self.scroller.setWidget(inner)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.scroller)
        tasks.changed.connect(self._on_change)
        self._enable(False)

    # ---------------------------------------------------------------- building
    def _selectable(self, label: QLabel) -> QLabel:
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                      | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        return label

    def _build_details(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.details: dict[str, QLabel] = {}
        for key, text in (("crn", "CRN"), ("name", "Name"), ("dob", "Date of birth"),
                          ("region", "Region"), ("pdu", "PDU"),
                          ("practitioner", "Practitioner"), ("language", "Language"),
                          ("print", "Print needs"), ("open", "Open NSIs"),
                          ("module", "Module")):
            value = self._selectable(QLabel(page))
            value.setAccessibleName(text)
            form.addRow(text + ":", value)
            self.details[key] = value
        return page

    def _build_rar(self) -> QWidget:
        page = QScrollArea(self)
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget(page)
        lay = QVBoxLayout(inner)
        self.rar_label = self._selectable(QLabel(inner))
        self.rar_label.setAccessibleName("Orders and RAR days")
        self.rar_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.rar_label.setTextFormat(Qt.TextFormat.PlainText)
        self.enforcement_icon = QLabel(inner)
        self.enforcement_label = self._selectable(QLabel(inner))
        self.enforcement_label.setAccessibleName("Failures to comply")
        erow = QHBoxLayout()
        erow.addWidget(self.enforcement_icon)
        erow.addWidget(self.enforcement_label, 1)
        self.add_order_button = QPushButton("Ne&w order…", inner)
        self.add_order_button.clicked.connect(self.add_order)
        self.edit_order_button = QPushButton("Ad&just order…", inner)
        self.edit_order_button.clicked.connect(self.edit_order)
        self.terminate_button = QPushButton("Terminate RAR requirement earl&y…", inner)
        self.terminate_button.clicked.connect(self.terminate_requirement)
        self.book_button = QPushButton("&Book appointment…", inner)
        self.book_button.clicked.connect(self.book_contact)
        self.outcome_button = QPushButton("Record outcome (&X)…", inner)
        self.outcome_button.clicked.connect(self.record_outcome)
        self.correction_button = QPushButton("Add a correction (&Q)…", inner)
        self.correction_button.clicked.connect(self.add_correction)
        orow = QHBoxLayout()
        for b in (self.add_order_button, self.edit_order_button, self.terminate_button):
            b.setAccessibleName(re.sub(r" \(&.\)|&", "", b.text()).rstrip("…"))
            orow.addWidget(b)
        orow.addStretch(1)
        crow = QHBoxLayout()
        for b in (self.book_button, self.outcome_button, self.correction_button):
            b.setAccessibleName(re.sub(r" \(&.\)|&", "", b.text()).rstrip("…"))
            crow.addWidget(b)
        crow.addStretch(1)
        self.contact_table = QTableWidget(0, len(CONTACT_COLUMNS), inner)
        self.contact_table.setHorizontalHeaderLabels(list(CONTACT_COLUMNS))
        self.contact_table.setAccessibleName("Appointments and contacts")
        row_menu(self.contact_table, lambda: [self.outcome_button, self.correction_button,
                                              None, self.book_button])
        self.contact_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.contact_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.contact_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.contact_table.verticalHeader().hide()
        self.contact_table.setTabKeyNavigation(False)
        self.contact_table.setMinimumHeight(160)
        ch = self.contact_table.horizontalHeader()
        ch.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        ch.setStretchLastSection(True)
        self.contact_table.itemSelectionChanged.connect(self._contact_selected)
        self.contact_table.doubleClicked.connect(lambda _i: self.record_outcome())
        lay.addLayout(orow)
        lay.addWidget(self.rar_label)
        lay.addLayout(erow)
        lay.addLayout(crow)
        lay.addWidget(self.contact_table, 1)
        page.setWidget(inner)
        return page

    def _build_log(self) -> QWidget:
        page = QWidget(self)
        self.log = QListWidget(page)
        self.log.setAccessibleName("Contact log, newest first")
        lay = QVBoxLayout(page)
        lay.addWidget(self.log)
        return page

    def _build_nsis(self) -> QWidget:
        page = QWidget(self)
        self.nsi_table = QTableWidget(0, len(NSI_COLUMNS), page)
        self.nsi_table.setHorizontalHeaderLabels(list(NSI_COLUMNS))
        self.nsi_table.setAccessibleName("NSIs")
        self.nsi_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.nsi_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.nsi_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.nsi_table.verticalHeader().hide()
        self.nsi_table.setTabKeyNavigation(False)
        header = self.nsi_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.nsi_table.setMinimumHeight(rows_high(self.nsi_table, NSI_ROWS))
        self.nsi_table.itemSelectionChanged.connect(self._nsi_selected)
        self.nsi_table.doubleClicked.connect(lambda _i: self.update_nsi())
        self.history = QListWidget(page)
        self.history.setMinimumHeight(self.history.fontMetrics().height() * 3 + 12)
        self.history.setAccessibleName("Status history of the chosen NSI")
        history_label = QLabel("Status histor&y", page)
        history_label.setBuddy(self.history)

        self.new_button = QPushButton("New NSI…", page)
        self.new_button.setToolTip("Open a toolkit NSI (Ctrl+N)")
        self.new_button.clicked.connect(self.new_nsi)
        self.update_button = QPushButton("Update…", page)
        self.update_button.clicked.connect(self.update_nsi)
        self.close_button = QPushButton("Close NSI…", page)
        self.close_button.clicked.connect(self.close_nsi)
        self.switch_button = QPushButton("Switch toolkit…", page)
        self.switch_button.clicked.connect(self.switch_nsi)
        for b, name in ((self.new_button, "Open a new NSI"), (self.update_button, "Update NSI"),
                        (self.close_button, "Close NSI"),
                        (self.switch_button, "Switch to another toolkit")):
            b.setAccessibleName(name)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.update_button, self.close_button, self.switch_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.withdrawn_note = QLabel(page)
        self.withdrawn_note.setWordWrap(True)
        self.withdrawn_note.setAccessibleName(self.tr("Only closing is allowed"))
        self.withdrawn_note.hide()

        split = QSplitter(Qt.Orientation.Vertical, page)
        split.setObjectName("nsiSplitter")
        split.addWidget(self.nsi_table)
        hist = QWidget(split)
        hl = QVBoxLayout(hist)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(history_label)
        hl.addWidget(self.history)
        split.addWidget(hist)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.nsi_split = split
        lay = QVBoxLayout(page)
        lay.addLayout(buttons)
        lay.addWidget(self.withdrawn_note)
        lay.addWidget(split, 1)
        return page

    def _build_workbooks(self) -> QWidget:
        page = QWidget(self)
        text = self._selectable(QLabel(
            "Print the Pre-Intervention Module workbook for this person to write in: A4 or "
            "an A5 booklet, large print, with or without their name and CRN, or a blank "
            "copy.", page))
        text.setAccessibleName("About workbooks")
        self.print_button = QPushButton("Print workbook…", page)
        row_menu(self.nsi_table, lambda: [self.update_button, self.close_button,
                                          self.switch_button, None, self.new_button,
                                          self.print_button])
        self.print_button.setToolTip("Print workbook (Ctrl+P)")
        self.print_button.setAccessibleName("Print workbook")
        self.print_button.clicked.connect(self.print_workbook)
        lay = QVBoxLayout(page)
        lay.addWidget(text)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(1)
        return page

    # ---------------------------------------------------------------- loading
    def set_desk(self, desk: Desk | None) -> None:
        """Show records from this database."""
        self.desk = desk
        self.si.set_desk(desk)
        self.show_person(None)

    def show_person(self, person_id: int | None) -> None:
        """Load and show one person's record (None: nobody)."""
        self.person_id = person_id
        self._load_gen += 1
        if person_id is None or self.desk is None:
            self.data = None
            self.title.setText("Choose a person from the list to see their record.")
            self.changes_panel.set_person(self.desk, None)
            self._clear()
            self._enable(False)
            return
        self.reload()

    def reload(self) -> None:
        """Read the current person's record again."""
        desk, pid = self.desk, self.person_id
        if desk is None or pid is None:
            return
        self._load_gen += 1
        gen = self._load_gen

        def done(data: CaseData) -> None:
            if gen == self._load_gen:
                self._show(data)

        def failed(exc: BaseException) -> None:
            from probation_desk.ui.errors import plain_message

            if gen == self._load_gen:
                self.title.setText(plain_message(exc))
                self._enable(False)

        self.tasks.op(self, lambda _p: load_case(desk, pid)).success(done) \
            .failure(failed).run_in_background()

    def _on_change(self, change: Change) -> None:
        if self.person_id is not None and (change.everything
                                           or self.person_id in change.people):
            self.reload()

    def _clear(self) -> None:
        for lab in self.details.values():
            lab.clear()
        self.rar_label.clear()
        self.enforcement_label.clear()
        self.enforcement_icon.clear()
        self.contact_table.setRowCount(0)
        self.log.clear()
        self.nsi_table.setRowCount(0)
        self.history.clear()
        self.module.show_state(None)
        self.si.set_person(None)

    def _enable(self, on: bool) -> None:
        for b in (self.new_button, self.print_button, self.add_order_button,
                  self.book_button):
            b.setEnabled(on)
        self._nsi_selected()
        self._contact_selected()

    def _show(self, data: CaseData) -> None:
        self.data = data
        p = data.person
        if self.changes_panel.person_id != p.id:
            self.changes_panel.set_person(self.desk, p.id)
        self.title.setText(f"{p.name} ({p.crn})")
        self.si.set_person(p)
        d = self.details
        d["crn"].setText(p.crn)
        d["name"].setText(p.name)
        d["dob"].setText(uk(p.date_of_birth) or "Not recorded")
        d["region"].setText(p.region)
        d["pdu"].setText(p.pdu)
        d["practitioner"].setText(p.practitioner)
        d["language"].setText(p.language.value)
        d["print"].setText(p.print_needs.value)
        d["open"].setText(str(p.open_nsis))
        d["module"].setText(data.module.status.value)
        self.rar_label.setText("\n\n".join(rar_lines(data)))
        e = data.enforcement
        self.enforcement_label.setText(e.text if e.failures else
                                       "No failures to comply in the last 12 months.")
        if e.review:
            warn = icon("warning", QStyle.StandardPixmap.SP_MessageBoxWarning)
            self.enforcement_icon.setPixmap(warn.pixmap(20, 20))
            self.enforcement_icon.setAccessibleName("Warning")
        else:
            self.enforcement_icon.clear()
        self._fill_contacts(data.contacts)
        self.log.clear()
        for entry in data.timeline:
            when = uk(entry.at.date()) + (f" {entry.at:%H:%M}" if entry.timed else "")
            self.log.addItem(f"{when}  {entry.kind}: {entry.text}")
        self._fill_nsis(data.nsis)
        self.module.show_state(data.module)
        self._enable(True)
        self.loaded.emit(p.id)

    def _fill_nsis(self, nsis: list[NsiView]) -> None:
        keep = self.selected_nsi()
        keep_id = keep.id if keep else None
        warn = icon("warning", QStyle.StandardPixmap.SP_MessageBoxWarning)
        desk = self.desk
        self.nsi_table.setRowCount(len(nsis))
        select_row = -1
        for i, n in enumerate(nsis):
            f = n.fields
            attention = ""
            if n.overdue:
                attention = "Overdue: close it or switch toolkit"
            elif n.is_open and desk is not None:
                try:
                    kit = desk.toolkit(f.toolkit)
                except Exception:  # unknown code in old data: shown as it is
                    kit = None
                if kit is not None and kit.is_withdrawn(desk.today) and kit.close_by:
                    attention = f"Toolkit withdrawn: close by {uk_long(kit.close_by)}"
            values = (n.toolkit_name, f.status.value, uk(f.referral_date), uk(f.actual_start),
                      uk(f.actual_end), f.outcome.value if f.outcome else "",
                      f.practitioner or "", attention)
            for j, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, n.id)
                if j == len(values) - 1 and attention:
                    item.setIcon(warn)
                self.nsi_table.setItem(i, j, item)
            if n.id == keep_id:
                select_row = i
        if select_row >= 0:
            self.nsi_table.selectRow(select_row)
        self._nsi_selected()

    def _fill_contacts(self, contacts: list[ContactView]) -> None:
        keep = self.selected_contact()
        keep_id = keep.id if keep else None
        self.contact_table.setRowCount(len(contacts))
        select_row = -1
        for i, c in enumerate(contacts):
            timed = c.at.time() != dt.time()  # a date only is stored at midnight
            values = (uk(c.at.date()), f"{c.at:%H:%M}" if timed else self.tr("no time"),
                      c.type_name, "RAR" if c.rar else "",
                      c.outcome_text + (f" ({len(c.corrections)} correction"
                                        f"{'s' if len(c.corrections) != 1 else ''})"
                                        if c.corrections else ""),
                      (c.notes or "").replace("\n", " ")[:80])
            for j, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.id)
                self.contact_table.setItem(i, j, item)
            if c.id == keep_id:
                select_row = i
        if select_row >= 0:
            self.contact_table.selectRow(select_row)
        self._contact_selected()

    def selected_contact(self) -> ContactView | None:
        """The contact chosen in the appointments table."""
        if self.data is None:
            return None
        rows = self.contact_table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.contact_table.item(rows[0].row(), 0)
        cid = item.data(Qt.ItemDataRole.UserRole) if item else None
        return next((c for c in self.data.contacts if c.id == cid), None)

    def select_contact(self, contact_id: int) -> bool:
        """Choose a contact in the table by id."""
        for r in range(self.contact_table.rowCount()):
            item = self.contact_table.item(r, 0)
            if item and item.data(Qt.ItemDataRole.UserRole) == contact_id:
                self.contact_table.selectRow(r)
                return True
        return False

    def _contact_selected(self) -> None:
        c = self.selected_contact()
        live = c is not None and c.cancelled_on is None
        self.outcome_button.setEnabled(live)
        self.correction_button.setEnabled(c is not None)
        rar_orders = [o for o in self.data.orders if o.rar_max_days is not None
                      and o.rar_terminated_on is None] if self.data else []
        self.edit_order_button.setEnabled(bool(self.data and self.data.orders))
        self.terminate_button.setEnabled(bool(rar_orders))

    def next_tab(self, step: int) -> None:
        """The next (1) or previous (-1) tab of the record, round the end."""
        count = self.tabs.count()
        if count:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % count)
            self.tabs.setFocus()

    def selected_nsi(self) -> NsiView | None:
        """The NSI chosen in the table."""
        if self.data is None:
            return None
        rows = self.nsi_table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.nsi_table.item(rows[0].row(), 0)
        nid = item.data(Qt.ItemDataRole.UserRole) if item else None
        return next((n for n in self.data.nsis if n.id == nid), None)

    def select_nsi(self, nsi_id: int) -> bool:
        """Choose an NSI in the table by id."""
        for r in range(self.nsi_table.rowCount()):
            item = self.nsi_table.item(r, 0)
            if item and item.data(Qt.ItemDataRole.UserRole) == nsi_id:
                self.nsi_table.selectRow(r)
                return True
        return False

    def only_close(self, n: NsiView | None) -> str:
        """Why the chosen open NSI can only be closed ('' when it can be updated): its
        toolkit is withdrawn."""
        if n is None or not n.is_open or self.desk is None:
            return ""
        try:
            kit = self.desk.toolkit(n.fields.toolkit)
        except RuleViolation:
            return ""
        if kit.withdrawn_from is None or not kit.is_withdrawn(self.desk.today):
            return ""
        return self.tr("The %1 was withdrawn on %2, so this NSI cannot be updated: close it "
                       "with an outcome, or switch it to an approved toolkit.") \
            .replace("%1", kit.titled).replace("%2", uk_long(kit.withdrawn_from))

    def _nsi_selected(self) -> None:
        n = self.selected_nsi()
        is_open = n is not None and n.is_open
        only_close = self.only_close(n)
        self.update_button.setEnabled(is_open and not only_close)
        self.update_button.setToolTip(only_close)
        self.withdrawn_note.setText(only_close)
        self.withdrawn_note.setVisible(bool(only_close))
        self.close_button.setEnabled(is_open)
        self.switch_button.setEnabled(is_open)
        self.history.clear()
        if n is None:
            return
        for h in n.history:
            note = f"; {h.note}" if h.note else ""
            # The date it takes effect, then who recorded it and when it was done.
            at = h.recorded_at  # stored in UTC
            done = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone()
            self.history.addItem(f"{uk(h.status_date)}  {h.status.value} (recorded by "
                                 f"{h.recorded_by} on {uk(done.date())}{note})")
