"""Small widgets and helpers shared by the window's pages and dialogs.

- UK date boxes (typed as dd/mm/yyyy whatever the locale and read exactly, or refused in
  words; a Monday-first calendar); the Tab-leaves-the-box base of the review page's own
  sectioned date boxes;
- an optional date (a check box and a date box);
- :class:`FieldErrors`, which shows a rule's refusal next to the field it names
  (``RuleViolation.field``) and keeps everything typed;
- confirmation boxes, icons, and the QSettings used for window state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFocusEvent, QIcon, QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QCalendarWidget,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QTableView,
    QWidget,
    QWidgetAction,
)

from probation_desk.domain.dates import parse_date, uk
from probation_desk.domain.errors import RuleViolation
from probation_desk.ui.window_state import window_settings as window_settings

UK_LOCALE = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
ERROR_STYLE = ("QLabel { color: #8a1c1c; background: #fdf0f0; border: 1px solid #8a1c1c;"
               " padding: 4px; }")


# ---------------------------------------------------------------- dates
def qdate(day: dt.date) -> QDate:
    """A QDate for a Python date."""
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> dt.date:
    """A Python date for a QDate."""
    return dt.date(day.year(), day.month(), day.day())


class TabLeavesDateEdit(QDateEdit):
    """A date box where Tab and Shift+Tab move to the next or previous field.

    Plain QDateEdit spends Tab on moving between day, month and year, a keyboard trap
    for anyone working without a mouse.
    """

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and not (
                event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                     | Qt.KeyboardModifier.AltModifier)):
            if event.key() == Qt.Key.Key_Backtab or (
                    event.key() == Qt.Key.Key_Tab
                    and event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
                return QWidget.focusNextPrevChild(self, False)
            if event.key() == Qt.Key.Key_Tab:
                return QWidget.focusNextPrevChild(self, True)
        return super().event(event)



class UkDateEdit(QLineEdit):
    """A date box: what is typed is the date, or a refusal in words; never a guess.

    A plain QDateEdit edits day, month and year as separate sections, so depending on
    how the box was reached (Tab, Shift+Tab, its mnemonic, a click, Ctrl+A) typing went
    into a different section and "17/10/2025" could be saved as 05/10/2025. Here the box
    is plain text: reaching it by any of those ways selects what is shown, so typing
    replaces it, and :meth:`value` reads the whole text with
    :func:`probation_desk.domain.dates.parse_date` ("01/09/2026", "1/9/2026", "1.9.2026",
    "01092026" and "2026-09-01" are all 1 September 2026). Anything else ("1/6/22",
    "31/02/2026") is refused in words, by the field. The calendar button (or Alt+Down,
    F4) picks a date with a Monday-first calendar; Tab and Shift+Tab move on.

    Signals:
        dateChanged(QDate): the text now reads as a different date.
    """

    dateChanged = Signal(QDate)

    def __init__(self, day: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field: str | None = None
        """The rule field a refusal of this box is shown by (set by the dialog's row)."""
        self.setPlaceholderText("dd/mm/yyyy")
        self.setToolTip("Type the date as day/month/year, for example 29/07/2022. "
                        "Alt+Down opens a calendar.")
        self._last: dt.date | None = None
        self._select_on_release = False
        self.calendar = QCalendarWidget()
        self.calendar.setLocale(UK_LOCALE)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setAccessibleName("Calendar")
        self.calendar.setGridVisible(True)
        self._menu = QMenu(self)
        holder = QWidgetAction(self._menu)
        holder.setDefaultWidget(self.calendar)
        self._menu.addAction(holder)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self.calendar_action = self.addAction(
            QApplication.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView),
            QLineEdit.ActionPosition.TrailingPosition)
        self.calendar_action.setText("Choose from a calendar")
        self.calendar_action.setToolTip("Choose from a calendar (Alt+Down)")
        self.calendar_action.triggered.connect(self.open_calendar)
        self.textChanged.connect(self._text_changed)
        self.editingFinished.connect(self._tidy)
        if day is not None:
            self.set_value(day)

    # ------------------------------------------------------------ the value
    def set_field(self, field: str) -> None:
        """Name the rule field a refusal of this box is shown by."""
        self.field = field

    def parsed(self) -> dt.date | None:
        """The date the text reads as, or None when it is not exactly one date."""
        try:
            return parse_date(self.text())
        except ValueError:
            return None

    def value(self) -> dt.date:
        """The date typed, exactly; a refusal in words when the text is not one date."""
        try:
            return parse_date(self.text())
        except ValueError as exc:
            label = self.accessibleName() or "The date"
            raise RuleViolation("not-a-date", f"{label}: {exc}", self.field) from None

    def set_value(self, day: dt.date) -> None:
        """Show ``day``."""
        self.setText(uk(day))

    def date(self) -> QDate:
        """The date typed as a QDate (invalid when the text is not a date)."""
        day = self.parsed()
        return QDate() if day is None else qdate(day)

    def setDate(self, day: QDate) -> None:
        """Show ``day`` (a QDate)."""
        self.set_value(pydate(day))

    def calendarWidget(self) -> QCalendarWidget:
        """The calendar the button opens."""
        return self.calendar

    def _text_changed(self, _text: str) -> None:
        day = self.parsed()
        if day is not None and day != self._last:
            self._last = day
            self.dateChanged.emit(qdate(day))

    def _tidy(self) -> None:
        """On leaving the box, show a date that was read in the usual dd/mm/yyyy form."""
        day = self.parsed()
        if day is not None and self.text() != uk(day):
            self.set_value(day)

    # ------------------------------------------------------------ the calendar
    def open_calendar(self) -> None:
        """Show the calendar under the box, on the date typed (or today)."""
        day = self.parsed()
        self.calendar.setSelectedDate(qdate(day) if day else QDate.currentDate())
        self._menu.popup(self.mapToGlobal(self.rect().bottomLeft()))
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, day: QDate) -> None:
        self.setDate(day)
        self._menu.close()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------ typing over
    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        reason = event.reason()
        if reason == Qt.FocusReason.MouseFocusReason:
            self._select_on_release = True  # the click itself places the cursor first
        elif reason not in (Qt.FocusReason.PopupFocusReason,
                            Qt.FocusReason.ActiveWindowFocusReason):
            self.selectAll()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self._select_on_release and not self.hasSelectedText():
            self.selectAll()  # a click into the box, then typing, replaces the date
        self._select_on_release = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F4 or (
                event.key() == Qt.Key.Key_Down
                and event.modifiers() & Qt.KeyboardModifier.AltModifier):
            self.open_calendar()
            event.accept()
            return
        super().keyPressEvent(event)


class OptionalDate(QWidget):
    """A date that may be left out: a check box ("known") and a date box.

    Signals:
        changed(): the box was ticked or the date changed.
    """

    changed = Signal()

    def __init__(self, name: str, default: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox("Set", self)
        self.check.setAccessibleName(f"{name}: set")
        self.edit = UkDateEdit(default, self)
        self.edit.setAccessibleName(name)
        self.edit.setEnabled(False)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.check)
        lay.addWidget(self.edit, 1)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(lambda _on: self.changed.emit())
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.setFocusProxy(self.check)
        # A Tab stop (Qt gives its focus to "Set"), and a label's mnemonic moves here too.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(name)

    def set_field(self, field: str) -> None:
        """Name the rule field a refusal of this date is shown by."""
        self.edit.set_field(field)

    def value(self) -> dt.date | None:
        """The date, or None when not set (a refusal in words when not a date)."""
        return self.edit.value() if self.check.isChecked() else None

    def set_value(self, day: dt.date | None) -> None:
        """Show ``day`` (None: not set)."""
        self.check.setChecked(day is not None)
        if day is not None:
            self.edit.set_value(day)


class NotesEdit(QPlainTextEdit):
    """Multi-line notes where Tab moves on and Ctrl+Enter accepts the dialog.

    Enter starts a new line here (notes are paragraphs); the dialog's Save button says
    so in its tooltip.
    """

    submit = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.submit.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def plain_text(edit: QPlainTextEdit) -> str | None:
    """The text typed, or None when empty."""
    text = edit.toPlainText()
    return text if text.strip() else None


# ---------------------------------------------------------------- refusals in dialogs
class FieldErrors(QObject):
    """Shows a refusal next to the field it concerns, or at the top of the dialog.

    ``add(field, widget, label)`` registers a field by the name the rules use
    (``RuleViolation.field``); the error label is placed by the caller under the field.
    """

    def __init__(self, general: QLabel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.general = general
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        style(general)

    def label_for(self, field: str, widget: QWidget, *aliases: str) -> QLabel:
        """A hidden error label for ``field`` (place it under the widget).

        The message goes away as soon as the field is changed, so a corrected field
        no longer says it is wrong.
        """
        label = QLabel()
        style(label)
        for name in (field, *aliases):
            self._fields[name] = (widget, label)
        for signal in ("textEdited", "textChanged", "dateChanged", "currentIndexChanged",
                       "toggled", "changed", "valueChanged"):
            if hasattr(widget, signal):
                getattr(widget, signal).connect(lambda *_a, w=widget: self._edited(w))
                break
        return label

    def _edited(self, widget: QWidget) -> None:
        for w, label in self._fields.values():
            if w is widget and not label.isHidden():
                label.hide()
                label.clear()
                w.setAccessibleDescription("")

    def clear(self) -> None:
        """Hide every message."""
        self.general.hide()
        self.general.clear()
        for widget, label in self._fields.values():
            label.hide()
            label.clear()
            widget.setAccessibleDescription("")

    def show(self, field: str | None, message: str) -> QLabel:
        """Show ``message`` by ``field`` (or at the top); focus that field."""
        return self.show_all([(field, message)])

    def show_all(self, refusals: list[tuple[str | None, str]]) -> QLabel:
        """Show every (field, message) at once, each by its field; focus the first field.

        Two messages for one field are shown together under it, one a line.
        """
        self.clear()
        shown: list[QLabel] = []
        focus: QWidget | None = None
        for field, message in refusals:
            widget, label = self._fields.get(field or "", (None, self.general))
            label.setText(f"{label.text()}\n{message}" if label.text() else message)
            label.show()
            shown.append(label)
            if widget is not None:
                widget.setAccessibleDescription(label.text())
                focus = focus or widget
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(focus, QLineEdit):
                focus.selectAll()  # what was refused, ready to be typed over
        return next((lab for lab in shown if lab is not self.general), shown[0])

    def visible_text(self) -> str:
        """Every message now shown (for tests and screen readers)."""
        texts = [self.general.text()] if not self.general.isHidden() else []
        texts += [lab.text() for _w, lab in self._fields.values()
                  if not lab.isHidden() and lab.text()]
        return "\n".join(dict.fromkeys(texts))


def style(label: QLabel) -> None:
    """Style ``label`` as an error: a warning word and a border, not colour alone."""
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(ERROR_STYLE)
    label.setAccessibleName("Not saved because")
    label.hide()


# ---------------------------------------------------------------- questions
def confirm(parent: QWidget | None, title: str, text: str, yes: str,
            no: str = "Cancel", *, default_yes: bool = False) -> bool:
    """Ask a yes/no question with buttons that say what they do."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_button if default_yes else no_button)
    box.setEscapeButton(no_button)
    box.setAccessibleName(title)
    box.setAccessibleDescription(text)
    box.exec()
    return box.clickedButton() is yes_button


# ---------------------------------------------------------------- icons and settings
@cache
def icons_dir() -> Path:
    """resources/icons (beside the package in a checkout, inside it when installed)."""
    from probation_desk.domain.catalogue import resources_dir

    return resources_dir() / "icons"


def icon(name: str, fallback: QStyle.StandardPixmap | None = None) -> QIcon:
    """An icon from resources/icons, or a standard one if the file is missing."""
    path = icons_dir() / f"{name}.svg"
    if path.exists():
        found = QIcon(str(path))
        if not found.isNull():
            return found
    if fallback is not None:
        return QApplication.style().standardIcon(fallback)
    return QIcon()


def path_row(parent: QWidget, edit: QLineEdit, browse_name: str,
             on_browse: Callable[[], object]) -> QWidget:
    """A path box with a "Browse…" button beside it; focus goes to the box."""
    browse = QPushButton("&Browse…", parent)
    browse.setAccessibleName(browse_name)
    browse.clicked.connect(on_browse)
    row = QWidget(parent)
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(edit, 1)
    lay.addWidget(browse)
    row.setFocusProxy(edit)
    return row



class AnyDateEdit(UkDateEdit):
    """A :class:`UkDateEdit` for filters, where an empty box means "any" date.

    The box says "any" when empty; the clear button or deleting the text goes back to it.
    Signals (besides ``dateChanged``):
        filter_changed(): the box now reads as "any" or as a whole date (a half-typed
            date is not a change of filter until Enter or leaving the box, when the
            filter can say in words that it is not a date).
    """

    filter_changed = Signal()

    def __init__(self, any_text: str = "any", parent: QWidget | None = None) -> None:
        super().__init__(None, parent)
        self.any_text = any_text
        self.setPlaceholderText(any_text)
        self.setClearButtonEnabled(True)
        self.textChanged.connect(self._filter_text_changed)
        self.editingFinished.connect(self._filter_finished)

    def _filter_finished(self) -> None:
        if not self.is_any() and self.parsed() is None:
            self.filter_changed.emit()

    def is_any(self) -> bool:
        """True while the box is empty ("any")."""
        return not self.text().strip()

    def optional_value(self) -> dt.date | None:
        """The date, or None for "any"; a refusal in words for text that is not a date."""
        return None if self.is_any() else self.value()

    def set_any(self) -> None:
        """Empty the box ("any")."""
        self.clear()

    def _filter_text_changed(self, _text: str) -> None:
        if self.is_any() or self.parsed() is not None:
            self.filter_changed.emit()


def fit_widths(wanted: list[int], least: list[int], room: int) -> list[int]:
    """Column widths: each as ``wanted`` when they all fit in ``room``; otherwise the
    widest are narrowed to one common limit (never below ``least``, their heading), so
    every column starts on screen and only the longest texts are elided."""
    if sum(wanted) <= room:
        return wanted
    lo, hi = 0, max(wanted)
    while lo < hi:  # the largest limit at which everything fits
        mid = (lo + hi + 1) // 2
        if sum(max(min(w, mid), m) for w, m in zip(wanted, least, strict=True)) <= room:
            lo = mid
        else:
            hi = mid - 1
    return [max(min(w, lo), m) for w, m in zip(wanted, least, strict=True)]


def fit_columns(view: QTableView) -> None:
    """Size a table's columns to their heading and the rows in view, narrowed to fit
    the view when they do not (:func:`fit_widths`); the model gives elided cells their
    whole text as tooltip and accessible description."""
    header = view.horizontalHeader()
    wanted: list[int] = []
    least: list[int] = []
    # The rows in view only, so rows nobody sees are not built. A column's width reads
    # the precision of the horizontal header (the vertical one's governs row heights):
    # set on the vertical header, Qt read 1,000 rows for every column.
    precision = header.resizeContentsPrecision()
    header.setResizeContentsPrecision(0)
    for c in range(header.count()):
        view.resizeColumnToContents(c)
    header.setResizeContentsPrecision(precision)
    for c in range(header.count()):
        least.append(header.sectionSizeHint(c))  # the heading, whole
        wanted.append(max(header.sectionSize(c), least[-1]))
    for c, width in enumerate(fit_widths(wanted, least, view.viewport().width())):
        header.resizeSection(c, width)


def row_menu(view: QAbstractItemView, entries: Callable[[], Sequence[QAction | QAbstractButton
                                                                      | None]]) -> None:
    """Give a list its rows' actions on right click and on the menu key, as any desktop
    list has: ``entries()`` gives the actions (or the page's buttons, offered with their
    own words and enabled state) for the current row; None is a separator. A right click
    first makes the row under the pointer current."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(pos: QPoint) -> None:
        index = view.indexAt(pos)
        if index.isValid() and index != view.currentIndex():
            view.setCurrentIndex(index)
        elif not index.isValid() and view.currentIndex().isValid():
            pos = view.visualRect(view.currentIndex()).center()  # the menu key: at the row
        menu = QMenu(view)
        menu.setAccessibleName(view.accessibleName() + ": actions")
        for entry in entries():
            if entry is None:
                menu.addSeparator()
            elif isinstance(entry, QAction):
                menu.addAction(entry)
            else:
                button = entry
                action = menu.addAction(button.text().replace("&&", "\0").replace("&", "")
                                        .replace("\0", "&&"))
                action.setEnabled(button.isEnabled() and button.isVisible())
                action.triggered.connect(lambda _c=False, b=button: b.click())
        view.last_menu = menu  # type: ignore[attr-defined]  # tests read what it offered
        menu.popup(view.viewport().mapToGlobal(pos))

    view.customContextMenuRequested.connect(show)


class ElidedLabel(QLabel):
    """A one-line label that gives up width when the window is narrow: what does not fit
    is elided ("…"), and the whole text is its tooltip and accessible description. So a
    long database path never pushes the window wider than a small screen."""

    def __init__(self, text: str = "", parent: QWidget | None = None,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle) -> None:
        super().__init__(parent)
        self._full = ""
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 12)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self._elide()
        self.updateGeometry()

    def text(self) -> str:
        """The whole text (what is painted may be elided)."""
        return self._full

    def shown_text(self) -> str:
        """The text as painted now."""
        return super().text()

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 8,
                     super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        super().setText(self.fontMetrics().elidedText(self._full, self._mode,
                                                      max(self.width(), 1)))
