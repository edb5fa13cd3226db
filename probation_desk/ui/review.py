"""The Review section: the treatment manager's list of people referred to a Structured
Intervention, with sign-off, "not ready yet", and the completion report (CSV and PDF).

The list model holds only person ids (sorted and filtered in the database) and builds
rows for the part of the list being looked at, a page at a time, in the background, so
it stays instant with 100,000 people. Every database call runs off the GUI thread
through :class:`TaskRunner` (a small QThreadPool runner kept here until a shared
``ui/tasks.py`` exists).

Only a treatment manager is offered the sign-off actions; the operation itself also
refuses anyone else (``domain.review.check_sign_off``), so the rule holds however it is
reached.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import OrderedDict
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    QStandardPaths,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import uk
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import ModuleStatus
from probation_desk.domain.people import REGIONS
from probation_desk.domain.review import BLOCKED_TEXT, SignOffKind
from probation_desk.domain.roles import Role
from probation_desk.services import review as svc
from probation_desk.services.desk import Desk
from probation_desk.services.queries import distinct_values
from probation_desk.ui.widgets import TabLeavesDateEdit, pydate, qdate

log = logging.getLogger(__name__)

PAGE_SIZE = 200
"""Rows built per background fetch."""
MAX_CACHED_PAGES = 40
"""Pages of rows kept in memory (8,000 rows); older ones are dropped and rebuilt if needed."""
SEARCH_DELAY_MS = 150
"""Typing in the search box waits this long for the next key before the list reloads."""
MIN_DATE = QDate(2022, 1, 1)
"""The lowest date the range boxes hold; showing it means "any"."""
UK_LOCALE = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
BLOCKED_STATE = "BLOCKED"


# ------------------------------------------------------------------ background work


class _Job(QRunnable):
    """Runs one function on a pool thread and hands the outcome back to the runner."""

    def __init__(self, runner: TaskRunner, token: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._runner, self._token, self._fn = runner, token, fn

    def run(self) -> None:
        try:
            result, error = self._fn(), None
        except Exception as exc:  # handed to the GUI thread, shown there
            result, error = None, exc
        try:
            self._runner.finished.emit(self._token, result, error)
        except RuntimeError:  # the runner was deleted while this ran: nobody to tell
            pass


class TaskRunner(QObject):
    """Run functions off the GUI thread; deliver results on it.

    Each call has a ``key``: when a newer call with the same key was started, the older
    result is dropped (a list reload overtaken by the next keystroke, say). Deleting the
    runner waits for running work, so nothing touches a closed database.
    """

    finished = Signal(int, object, object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._seq = 0
        self._latest: dict[str, int] = {}
        self._calls: dict[int, tuple[str, Callable[[Any], None],
                                     Callable[[Exception], None] | None]] = {}
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        """How many calls have not reported back yet."""
        return len(self._calls)

    def run(self, key: str, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None] | None = None) -> None:
        """Start ``fn()`` on a pool thread; call ``on_done(result)`` on the GUI thread."""
        self._seq += 1
        token = self._seq
        self._latest[key] = token
        was_idle = not self._calls
        self._calls[token] = (key, on_done, on_error)
        if was_idle:
            self.busy_changed.emit(True)
        self._pool.start(_Job(self, token, fn))

    def wait(self, msecs: int = 30000) -> bool:
        """Block until running work ends (for shutdown and tests)."""
        return self._pool.waitForDone(msecs)

    @Slot(int, object, object)
    def _deliver(self, token: int, result: Any, error: Any) -> None:
        key, on_done, on_error = self._calls.pop(token, ("", None, None))
        try:
            if on_done is None or self._latest.get(key) != token:
                return  # overtaken by a newer call with the same key
            if error is None:
                on_done(result)
            elif on_error is not None:
                on_error(error)
            else:
                log.error("Background task %s failed", key, exc_info=error)
        finally:
            if not self._calls:
                self.busy_changed.emit(False)


def plain_error(exc: Exception, doing: str) -> str:
    """A refusal in the rule's own words; anything else said plainly."""
    if isinstance(exc, RuleViolation):
        return exc.message
    if isinstance(exc, OSError):
        return f"Could not {doing}: {exc.strerror or exc}. Nothing was changed."
    log.error("Could not %s", doing, exc_info=exc)
    return (f"Could not {doing} ({exc.__class__.__name__}: {exc}). Nothing was changed: "
            "try again, and tell your administrator if it keeps happening.")


class _DateEdit(TabLeavesDateEdit):
    """A date box that takes dates typed the way people type them.

    Plain QDateEdit spends Tab on moving between day, month and year, and with "any"
    shown it never lets go (a keyboard trap); here Tab always moves to the next field.
    Typing "01/09/2026", "1/9/2026", "1.9.2026" or "01092026" all give 1 September
    2026 (plain QDateEdit skips a part when "/" follows two digits). Delete or Backspace
    on an empty or fully selected box goes back to "any".
    """

    typing_start: QDate | None = None
    """The date typing starts from when the box shows "any" (today's date if None)."""
    _advanced = False

    def _blank(self) -> bool:
        return bool(self.specialValueText()) and self.date() == self.minimumDate()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if self.specialValueText() and event.key() in (Qt.Key.Key_Delete,
                                                       Qt.Key.Key_Backspace) and (
                self._blank() or self.lineEdit().selectedText() == self.text()):
            self.setDate(self.minimumDate())  # back to "any"
            event.accept()
            return
        if text and text in "/.-":
            if self._advanced:  # two digits already moved on to the next part
                self._advanced = False
                event.accept()
                return
            if text != "/":
                event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Slash,
                                  event.modifiers(), "/")
        if self._blank() and text.isdigit():
            # "any" is not a date to edit: start from a real one, typed over from the day.
            self.setDate(self.typing_start or QDate.currentDate())
            self.setSelectedSection(QDateTimeEdit.Section.DaySection)
        before = self.currentSectionIndex()
        super().keyPressEvent(event)
        self._advanced = text.isdigit() and self.currentSectionIndex() != before


def uk_date_edit(parent: QWidget | None = None) -> QDateEdit:
    """A date box typed and shown as dd/mm/yyyy, with a Monday-first calendar."""
    edit = _DateEdit(parent)
    edit.setLocale(UK_LOCALE)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.calendarWidget().setFirstDayOfWeek(Qt.DayOfWeek.Monday)
    edit.calendarWidget().setLocale(UK_LOCALE)
    return edit


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


# ------------------------------------------------------------------ the list model

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
)
"""Column headings, with the database sort key where the column can be sorted."""
COL_SI_STATE = 10
COL_SIGN_OFF = 11
COL_DAYS = 8
BLOCKED_COLOUR = QColor("#8a1c1c")


def cells(row: svc.ReviewRow) -> list[str]:
    """A row's cells as shown (UK dates)."""
    days = row.days_since_last_session
    return [row.crn, row.name, row.region, row.pdu, row.practitioner, row.module_state,
            uk(row.completed_on), row.supporter, "" if days is None else str(days),
            row.intervention, row.si_state, row.sign_off]


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
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cells(row)[c]
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == COL_SI_STATE and row.blocked:
                return (f"{BLOCKED_TEXT}: the Structured Intervention cannot start until the "
                        "Pre-Intervention Module is completed.")
            text = cells(row)[c]
            return text or None
        if role == Qt.ItemDataRole.DecorationRole:
            if c == COL_SI_STATE and row.blocked:
                return self._blocked_icon
            if c == COL_SIGN_OFF and row.sign_off.startswith(SignOffKind.REVIEWED.value):
                return self._signed_icon
        if role == Qt.ItemDataRole.ForegroundRole and c == COL_SI_STATE and row.blocked:
            return BLOCKED_COLOUR
        if role == Qt.ItemDataRole.FontRole and c == COL_SI_STATE and row.blocked:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.TextAlignmentRole and c == COL_DAYS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class _ReviewTable(QTableView):
    """The list; Enter or Return opens the current person's case."""

    open_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


# ------------------------------------------------------------------ sign-off dialog


class _CommentEdit(QPlainTextEdit):
    """A multi-line box where Enter accepts the dialog and Shift+Enter starts a new line."""

    submit = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.submit.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class SignOffDialog(QDialog):
    """Sign off a module completion, or mark the person not ready yet.

    Saving runs in the background. A refusal from the rules is shown here in the rule's
    own words and the dialog stays open with everything typed still in it.
    """

    saved = Signal(object)  # the SignOffView

    def __init__(self, desk: Desk, runner: TaskRunner, row: svc.ReviewRow,
                 kind: SignOffKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner, self.row, self.kind = desk, runner, row, kind
        signing = kind is SignOffKind.REVIEWED
        self.setWindowTitle("Sign off module completion" if signing else "Mark not ready yet")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(520)

        about = QLabel(self._about_text())
        about.setWordWrap(True)
        about.setAccessibleName("Who this is for")

        self.date_edit = uk_date_edit(self)
        self.date_edit.setDate(qdate(desk.today))
        self.date_edit.setAccessibleName("Review date")
        self.name_edit = QLineEdit(desk.actor, self)
        self.name_edit.setAccessibleName("Your name")
        self.comment_edit = _CommentEdit(self)
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setAccessibleName("Comment" if signing else "Reason")
        self.comment_edit.setPlaceholderText(
            "Optional: anything the practitioner should know" if signing
            else "Required: what still needs to happen before the Structured Intervention")
        self.comment_edit.setMinimumHeight(90)
        self.comment_edit.submit.connect(self._save)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        date_label = QLabel("Review &date", self)
        date_label.setBuddy(self.date_edit)
        name_label = QLabel("Your &name", self)
        name_label.setBuddy(self.name_edit)
        comment_label = QLabel("Co&mment" if signing else "&Reason", self)
        comment_label.setBuddy(self.comment_edit)
        form.addRow(date_label, self.date_edit)
        form.addRow(name_label, self.name_edit)
        form.addRow(comment_label, self.comment_edit)
        hint = QLabel("Enter saves. Shift+Enter starts a new line. Esc closes without saving.")
        hint.setWordWrap(True)
        hint.setAccessibleName("Keyboard hint")

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setAccessibleName("Why it was not saved")
        self.error_label.setStyleSheet(
            "QLabel { color: #8a1c1c; border: 1px solid #8a1c1c; padding: 6px; }")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            "&Sign off" if signing else "&Mark not ready",
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setAccessibleName("Sign off" if signing else "Mark not ready")
        self.save_button.setDefault(True)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(about)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(self.error_label)
        lay.addWidget(self.buttons)
        self.setTabOrder(self.date_edit, self.name_edit)
        self.setTabOrder(self.name_edit, self.comment_edit)
        self.setTabOrder(self.comment_edit, self.save_button)
        self.setTabOrder(self.save_button, cancel)
        self.comment_edit.setFocus()
        self._saving = False

    def _about_text(self) -> str:
        r = self.row
        done = (f"Module completed on {uk(r.completed_on)}"
                if r.completed_on else f"Module: {r.module_state.lower()}")
        lines = [f"{r.name} ({r.crn}), {r.pdu}. {done}."]
        if r.intervention:
            lines.append(f"Structured Intervention: {r.intervention}. {r.si_state}.")
        if r.sign_off:
            lines.append(f"Last review: {r.sign_off}.")
        return "\n".join(lines)

    def values(self) -> tuple[dt.date, str, str]:
        """What is typed: (date, name, comment)."""
        return (pydate(self.date_edit.date()), self.name_edit.text(),
                self.comment_edit.toPlainText())

    @Slot()
    def _save(self) -> None:
        if self._saving:
            return
        on, name, comment = self.values()
        self._saving = True
        self.save_button.setEnabled(False)
        self.save_button.setText("Saving…")
        desk, pid, kind = self.desk, self.row.person_id, self.kind
        self.runner.run(f"sign-off-{pid}",
                        lambda: svc.record_sign_off(desk, pid, kind, on, comment or None, name),
                        self._done, self._failed)

    def _done(self, view: svc.SignOffView) -> None:
        self._saving = False
        self.saved.emit(view)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.save_button.setText("&Sign off" if self.kind is SignOffKind.REVIEWED
                                 else "&Mark not ready")
        self.error_label.setText("Not saved. " + plain_error(exc, "save the review"))
        self.error_label.show()
        field = getattr(exc, "field", None)
        target = {"on_date": self.date_edit, "by_name": self.name_edit,
                  "comment": self.comment_edit}.get(field or "", self.comment_edit)
        target.setFocus()

    def reject(self) -> None:
        if not self._saving:  # a save in flight finishes first, so its outcome is shown
            super().reject()


# ------------------------------------------------------------------ the page


class ReviewPage(QWidget):
    """The Review section. ``open_case(person_id)`` asks the window to open a case."""

    open_case = Signal(int)
    loaded = Signal()
    """The list finished loading, or a row was refreshed (for the status bar)."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setAccessibleName("Review")
        self.runner = TaskRunner(self)
        self.runner.busy_changed.connect(self._busy)
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
        lay.addWidget(self.filters_box)
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
    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        box = QComboBox(self)
        box.setAccessibleName(name)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for text, value in items:
            box.addItem(text, value)
        return box

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def _build_filters(self) -> None:
        self.filters_box = QFrame(self)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("CRN or name")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search by CRN or name")
        self.search_edit.setMinimumWidth(180)
        self.region_box = self._combo("Region", [("All regions", "")]
                                      + [(r, r) for r in REGIONS])
        self.pdu_box = self._combo("PDU", [("All PDUs", "")])
        self.pdu_box.setMinimumWidth(150)
        self.practitioner_box = self._combo("Practitioner", [("All practitioners", "")])
        self.practitioner_box.setMinimumWidth(150)
        self.state_box = self._combo("Module state", [
            ("Any state", ""), *((s.value, s.name) for s in ModuleStatus),
            (BLOCKED_TEXT, BLOCKED_STATE)])
        self.from_edit = uk_date_edit(self)
        self.to_edit = uk_date_edit(self)
        for edit, name in ((self.from_edit, "Completed on or after"),
                           (self.to_edit, "Completed on or before")):
            edit.setMinimumDate(MIN_DATE)
            edit.setSpecialValueText("any")
            edit.setDate(MIN_DATE)
            edit.setAccessibleName(name)
            edit.setToolTip(f"{name}: type a date as dd/mm/yyyy, or press Delete for "
                            "'any'. Alt+Down opens a calendar.")
            if isinstance(edit, _DateEdit):
                edit.typing_start = qdate(self.desk.today)
            edit.setMinimumWidth(120)
        self.rar_check = QCheckBox("Include everyone on a &RAR", self)
        self.rar_check.setAccessibleName("Include everyone on a RAR")
        self.rar_check.setToolTip("Also list people on a RAR who have not been referred to "
                                  "a Structured Intervention")
        self.clear_button = QPushButton("Clear a&ll filters", self)
        self.clear_button.setAccessibleName("Clear all filters")

        grid = QGridLayout(self.filters_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        row1 = QHBoxLayout()
        row1.setSpacing(6)
        for i, (text, field, stretch) in enumerate((
                ("&Search", self.search_edit, 2), ("Re&gion", self.region_box, 1),
                ("&PDU", self.pdu_box, 1), ("Pra&ctitioner", self.practitioner_box, 1))):
            if i:
                row1.addSpacing(14)
            row1.addWidget(self._label(text, field))
            row1.addWidget(field, stretch)
        row2 = QHBoxLayout()
        row2.setSpacing(6)
        row2.addWidget(self._label("Module s&tate", self.state_box))
        row2.addWidget(self.state_box)
        row2.addSpacing(14)
        row2.addWidget(self._label("Completed &between", self.from_edit))
        row2.addWidget(self.from_edit)
        row2.addWidget(self._label("&and", self.to_edit))
        row2.addWidget(self.to_edit)
        row2.addSpacing(14)
        row2.addWidget(self.rar_check)
        row2.addStretch(1)
        row2.addWidget(self.clear_button)
        grid.addLayout(row1, 0, 0)
        grid.addLayout(row2, 1, 0)

        self.search_edit.textChanged.connect(lambda _t: self._schedule(SEARCH_DELAY_MS))
        self.region_box.currentIndexChanged.connect(self._region_changed)
        for box in (self.pdu_box, self.practitioner_box, self.state_box):
            box.currentIndexChanged.connect(lambda _i: self._schedule(0))
        self.from_edit.dateChanged.connect(lambda _d: self._schedule(SEARCH_DELAY_MS))
        self.to_edit.dateChanged.connect(lambda _d: self._schedule(SEARCH_DELAY_MS))
        self.rar_check.toggled.connect(lambda _b: self._schedule(0))
        self.clear_button.clicked.connect(self.clear_filters)

    def _build_list(self) -> None:
        self.model = ReviewModel(self)
        self.model.page_wanted.connect(self._fetch_page)
        self.table = _ReviewTable(self)
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
                  fit("Morgan Vaughan (Peer mentor)"), fit("Days since last session"),
                  fit("Stepwise Emotions (Emotional management)"),
                  QFontMetrics(bold).horizontalAdvance(BLOCKED_TEXT) + pad + 24,  # bold, icon
                  fit("Not ready yet 22/11/2026 by Morgan Vaughan"))
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
        chain = [self.search_edit, self.region_box, self.pdu_box, self.practitioner_box,
                 self.state_box, self.from_edit, self.to_edit, self.rar_check,
                 self.clear_button, self.table, self.open_button, self.sign_button,
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
        def day(edit: QDateEdit) -> dt.date | None:
            return None if edit.date() == edit.minimumDate() else pydate(edit.date())

        return svc.ReviewFilter(
            search=self.search_edit.text().strip(),
            region=self.region_box.currentData() or "",
            pdu=self.pdu_box.currentData() or "",
            practitioner=self.practitioner_box.currentData() or "",
            state=self.state_box.currentData() or "",
            completed_from=day(self.from_edit), completed_to=day(self.to_edit),
            include_rar=self.rar_check.isChecked())

    @Slot()
    def clear_filters(self) -> None:
        """Back to everyone referred, in every region."""
        widgets = (self.search_edit, self.region_box, self.pdu_box, self.practitioner_box,
                   self.state_box, self.from_edit, self.to_edit, self.rar_check)
        for w in widgets:
            w.blockSignals(True)
        self.search_edit.clear()
        for box in (self.region_box, self.pdu_box, self.practitioner_box, self.state_box):
            box.setCurrentIndex(0)
        self.from_edit.setDate(MIN_DATE)
        self.to_edit.setDate(MIN_DATE)
        self.rar_check.setChecked(False)
        for w in widgets:
            w.blockSignals(False)
        self._load_options("")
        self._schedule(0)

    def focus_search(self) -> None:
        """Put the cursor in the search box (the window's Ctrl+F)."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _schedule(self, delay: int) -> None:
        self._debounce.start(delay)

    @Slot()
    def _region_changed(self) -> None:
        self._load_options(self.region_box.currentData() or "")
        self._schedule(0)

    def _load_options(self, region: str) -> None:
        """Fill the PDU and practitioner lists for ``region`` (kept when still valid)."""
        self._options_region = region
        desk = self.desk

        def work() -> tuple[list[str], list[str]]:
            return (distinct_values(desk, "pdu", region),
                    distinct_values(desk, "practitioner", region))

        self.runner.run("options", work, self._options_loaded, self._load_failed)

    def _options_loaded(self, options: tuple[list[str], list[str]]) -> None:
        pdus, practitioners = options
        changed = False
        for box, values, all_text in ((self.pdu_box, pdus, "All PDUs"),
                                      (self.practitioner_box, practitioners,
                                       "All practitioners")):
            keep = box.currentData() or ""
            box.blockSignals(True)
            box.clear()
            box.addItem(all_text, "")
            for v in values:
                box.addItem(v, v)
            i = box.findData(keep) if keep else 0
            box.setCurrentIndex(max(i, 0))
            if keep and i < 0:
                changed = True
            box.blockSignals(False)
        if changed:
            self._schedule(0)

    # --- loading
    @Slot()
    def refresh(self) -> None:
        """Reload the filter choices and the list (F5); the role is looked at again."""
        self._apply_role()
        self._load_options(self.region_box.currentData() or "")
        self._load()

    @Slot()
    def _load(self) -> None:
        f = self.current_filter()
        self._filter = f
        desk, key, desc = self.desk, self._sort_key, self._descending

        def work() -> tuple[list[int], dict[int, svc.ReviewRow]]:
            ids = svc.review_ids(desk, f, key, desc)
            return ids, svc.review_rows(desk, ids[:PAGE_SIZE])

        self.runner.run("list", work, lambda res: self._list_loaded(f, res), self._load_failed)

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
        ids = self.model.ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        desk = self.desk
        self.runner.run(f"page-{generation}-{page}", lambda: svc.review_rows(desk, ids),
                        lambda rows: self._page_loaded(generation, page, rows),
                        self._load_failed)

    def _page_loaded(self, generation: int, page: int, rows: dict[int, svc.ReviewRow]) -> None:
        self.model.add_rows(generation, page, rows)

    def _load_failed(self, exc: Exception) -> None:
        self.message_label.setText(plain_error(exc, "load the review list"))

    @Slot(bool)
    def _busy(self, busy: bool) -> None:
        self.loading_label.setVisible(busy and not self._exporting)

    @property
    def busy(self) -> bool:
        """True while anything is loading or saving in the background."""
        return self.runner.pending > 0

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
        dialog = SignOffDialog(self.desk, self.runner, row, kind, self)
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
        self.runner.run(f"row-{pid}", lambda: svc.review_rows(desk, [pid]),
                        self._row_refreshed, self._load_failed)

    def _row_refreshed(self, rows: dict[int, svc.ReviewRow]) -> None:
        for row in rows.values():
            self.model.replace_row(row)
        self._selection()
        self.loaded.emit()

    # --- exports
    def _choose_and_export(self, fmt: str) -> None:
        f = self.current_filter()
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        where = f"-{f.region.replace(' ', '-').replace(',', '')}" if f.region else ""
        name = f"module-completion{where}-{self.desk.today.isoformat()}.{fmt}"
        caption = "Export the review list as CSV" if fmt == "csv" else "Save the report as PDF"
        kinds = "CSV files (*.csv)" if fmt == "csv" else "PDF files (*.pdf)"
        path, _ = QFileDialog.getSaveFileName(self, caption, str(Path(folder) / name), kinds)
        if path:
            if not path.lower().endswith(f".{fmt}"):
                path += f".{fmt}"
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
        f = self.current_filter()
        desk = self.desk
        what = "CSV file" if fmt == "csv" else "PDF report"

        def work() -> int:
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
        self.runner.run(f"export-{fmt}", work,
                        lambda n: self._exported(what, target, n),
                        lambda exc: self._export_failed(what, target, exc))

    def _export_ended(self) -> None:
        self._exporting = False
        self.progress.hide()
        self.csv_button.setEnabled(True)
        self.pdf_button.setEnabled(True)

    def _exported(self, what: str, target: Path, n: int) -> None:
        self._export_ended()
        self.message_label.setText(f"Saved the {what} of {_people(n)} to {target}.")

    def _export_failed(self, what: str, target: Path, exc: Exception) -> None:
        self._export_ended()
        self.message_label.setText(
            f"The {what} was not saved to {target}. "
            + plain_error(exc, f"write {target.name}")
            + " Choose another folder and try again.")

    # --- lifetime
    def shutdown(self) -> None:
        """Wait for background work (call before closing the database)."""
        self._debounce.stop()
        self.runner.wait()


def empty_text(f: svc.ReviewFilter) -> str:
    """Why the list is empty, and what to do."""
    where = f"in {f.region}" if f.region else "in any region"
    narrowed = any((f.search, f.pdu, f.practitioner, f.state, f.completed_from,
                    f.completed_to))
    if narrowed:
        return (f"No one matches these filters {where}.\n"
                "Clear the search or widen the filters (Clear all filters shows everyone "
                "referred).")
    if f.include_rar:
        return (f"No one {where} has been referred to a Structured Intervention or is on "
                "a RAR.")
    return (f"No one {where} has been referred to a Structured Intervention yet.\n"
            "Tick 'Include everyone on a RAR' to see people on a RAR as well.")
