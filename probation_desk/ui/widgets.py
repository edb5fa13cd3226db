"""Small widgets and helpers shared by the window's pages and dialogs.

- UK date boxes (dd/MM/yyyy whatever the locale, Monday-first calendar, Tab leaves the
  box instead of walking its sections);
- an optional date (a check box and a date box);
- :class:`FieldErrors`, which shows a rule's refusal next to the field it names
  (``RuleViolation.field``) and keeps everything typed;
- confirmation boxes, icons, and the QSettings used for window state.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QWidget,
)

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



class UkDateEdit(TabLeavesDateEdit):
    """A date box shown and typed as dd/mm/yyyy, with a Monday-first calendar.

    Tab and Shift+Tab move to the next or previous field (a plain QDateEdit spends them
    walking day, month and year). "01/09/2026", "1/9/2026", "1.9.2026" and "01092026"
    all give 1 September 2026 (a plain QDateEdit skips the month when "/" follows "01").
    """

    def __init__(self, day: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLocale(UK_LOCALE)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setCalendarPopup(True)
        cal = self.calendarWidget()
        cal.setLocale(UK_LOCALE)
        cal.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        cal.setAccessibleName("Calendar")
        self.setMinimumDate(QDate(1900, 1, 1))
        if day is not None:
            self.setDate(qdate(day))

    def value(self) -> dt.date:
        """The date shown."""
        return pydate(self.date())

    def set_value(self, day: dt.date) -> None:
        """Show ``day``."""
        self.setDate(qdate(day))

    _advanced = False
    """True when the last digit typed filled a part and Qt moved on by itself."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text and text in "/.-":
            if self._advanced:  # "01" already moved on to the month: this "/" is done
                self._advanced = False
                event.accept()
                return
            if text != "/":
                event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Slash, event.modifiers(), "/")
        before = self.currentSectionIndex()
        super().keyPressEvent(event)
        self._advanced = text.isdigit() and self.currentSectionIndex() != before


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
        self.setAccessibleName(name)

    def value(self) -> dt.date | None:
        """The date, or None when not set."""
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
        """A hidden error label for ``field`` (place it under the widget)."""
        label = QLabel()
        style(label)
        for name in (field, *aliases):
            self._fields[name] = (widget, label)
        return label

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
        self.clear()
        target = self._fields.get(field or "")
        if target is None:
            self.general.setText(message)
            self.general.show()
            return self.general
        widget, label = target
        label.setText(message)
        label.show()
        widget.setAccessibleDescription(message)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return label

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


def window_settings() -> QSettings:
    """Where window geometry, splitters and headers are kept.

    With ``PROBATION_DESK_HOME`` set (tests, portable use) an INI file in its config
    folder, so the real user's settings are never touched; otherwise Qt's native place
    for the organisation "Probation Desk".
    """
    if os.environ.get("PROBATION_DESK_HOME"):
        from probation_desk.paths import config_dir

        return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                     "Probation Desk", "Probation Desk")


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

