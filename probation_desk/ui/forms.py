"""The base of every dialog that saves something through a Desk operation: the one
form helper every dialog uses, so they all behave the same way.

- Saving runs in the background (``ui.tasks``).
- A refusal (``RuleViolation``) appears inside the dialog in the rule's own words, next
  to the field it names (``exc.field``; :meth:`OperationDialog.add_row` with a field
  name places its error label under the field), and the dialog stays open with
  everything typed kept. The message goes away as soon as that field is changed.
- The dialog grows to fit its intro, notice and refusals (never clipped text).
- A ``ConflictError`` (someone else saved first) offers to reload the latest version.
- Enter saves (Ctrl+Enter inside notes); Esc closes without saving, and asks first
  when something was typed. Notes that already hold text start with the cursor at
  their end.

Signals:
    OperationDialog.saved(object): the operation succeeded; carries its result.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.errors import ConflictError, Refusals, RuleViolation
from probation_desk.ui.errors import plain_message
from probation_desk.ui.tasks import Progress, Tasks
from probation_desk.ui.widgets import FieldErrors, NotesEdit, UkDateEdit, confirm

INFO_STYLE = ("QLabel { background: #eef4fb; border: 1px solid #1d4f91; padding: 4px; "
              "color: #10294d; }")
MIN_WIDTH_CHARS = 60
"""A dialog is at least this many average characters wide (so its intro reads as text)."""


def fit_to_contents(dialog: QWidget) -> None:
    """Grow ``dialog`` (never shrink it) so every word-wrapped label shows in full,
    within the screen it is on."""
    lay = dialog.layout()
    if lay is None:
        return
    lay.activate()
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry() if screen is not None else None
    width = max(dialog.width(), lay.totalSizeHint().width(), dialog.minimumWidth())
    if room is not None:
        width = min(width, room.width())
    height = lay.totalHeightForWidth(width) if lay.hasHeightForWidth() else -1
    height = max(height, lay.totalMinimumSize().height(), dialog.height())
    if room is not None:
        height = min(height, room.height())
    if width != dialog.width() or height != dialog.height():
        dialog.resize(width, height)


class OperationDialog(QDialog):
    """A form whose Save runs one Desk operation in the background."""

    saved = Signal(object)
    long_running = False
    """True for work that may take a while (printing, opening another database)."""

    def __init__(self, tasks: Tasks, title: str, intro: str = "",
                 parent: QWidget | None = None, save_text: str = "&Save") -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.result_value: Any = None
        self.saving = False
        self._fields: list[QWidget] = []
        self.initial_focus: QWidget | None = None
        """The field the cursor starts in (the first enabled field if None)."""
        self._typed_at_start: list[str] | None = None
        self._discard_box: QMessageBox | None = None
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * MIN_WIDTH_CHARS)

        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("About this form")
        self.intro.setVisible(bool(intro))
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(INFO_STYLE)
        self.notice.setAccessibleName("Notice")
        self.notice.hide()
        self.general_error = QLabel(self)
        self.errors = FieldErrors(self.general_error, self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

        self.buttons = QDialogButtonBox(self)
        self.save_button: QPushButton = self.buttons.addButton(
            save_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.setAccessibleName(save_text.replace("&", ""))
        self.save_button.setToolTip("Enter saves (Ctrl+Enter inside notes). Esc closes "
                                    "without saving.")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.saving_label = QLabel(self)
        self.saving_label.setAccessibleName("Saving")

        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.notice)
        lay.addWidget(self.general_error)
        lay.addLayout(self.form)
        lay.addStretch(1)
        lay.addWidget(self.saving_label)
        lay.addWidget(self.buttons)

    # ---------------------------------------------------------------- building
    def add_row(self, label_text: str, widget: QWidget, field: str | None = None,
                *aliases: str) -> QWidget:
        """A labelled field (label with a mnemonic), with its error label under it."""
        self._fields.append(widget)
        if field is not None and hasattr(widget, "set_field"):
            widget.set_field(field)  # a date box's own refusal is shown by its field
        label = QLabel(label_text, self)
        # A row whose focus goes to a check box (a date's "Set") is the buddy itself, so
        # Alt on "Started on" moves to "Set" without ticking it (a buddy button is clicked).
        proxy = widget.focusProxy()
        label.setBuddy(widget if isinstance(proxy, QAbstractButton) else proxy or widget)
        if not widget.accessibleName():
            widget.setAccessibleName(label_text.replace("&", "").rstrip(":"))
        if field is None:
            self.form.addRow(label, widget)
            return widget
        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(widget)
        col.addWidget(self.errors.label_for(field, widget, *aliases))
        self.form.addRow(label, box)
        if isinstance(widget, NotesEdit):
            widget.submit.connect(self.accept)
        return widget

    # ---------------------------------------------------------------- to override
    def operation(self) -> Callable[[Progress], Any]:
        """The work to run when Save is pressed (build it from the fields)."""
        raise NotImplementedError

    def confirm_save(self) -> bool:
        """Ask before saving, when the change deserves it (closing an NSI)."""
        return True

    def on_saved(self, result: Any) -> None:
        """After a successful save (announce the change)."""

    def reload_latest(self) -> None:
        """Fetch the latest saved version into the form (after a conflict)."""

    # ---------------------------------------------------------------- saving
    def accept(self) -> None:
        if self.saving:
            return
        self.errors.clear()
        try:
            work = self.operation()
        except RuleViolation as exc:
            self.show_refusal(exc)
            return
        if not self.confirm_save():
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.saving_label.setText("Saving…")
        op = self.tasks.op(self, work).success(self._done).failure(self._failed) \
            .finally_(self._end)
        (op.long() if self.long_running else op).run_in_background()

    def _end(self) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.saving_label.clear()

    def _done(self, result: Any) -> None:
        self.result_value = result
        self.on_saved(result)
        self.saved.emit(result)
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConflictError):
            self.show_refusal(exc)
            if confirm(self, "Changed by someone else",
                       exc.message + "\n\nReload the latest version now? What you typed "
                       "here will be replaced by what was saved.",
                       "&Reload", "&Keep what I typed"):
                self.reload_latest()
            return
        if isinstance(exc, RuleViolation):
            self.show_refusal(exc)
            return
        self.errors.show(None, plain_message(exc))

    def show_refusal(self, exc: RuleViolation) -> None:
        """The rule's own words, by the field it names; everything typed stays.

        Several refusals found together (``Refusals``) are all shown at once.
        """
        found = exc.refusals if isinstance(exc, Refusals) else (exc,)
        self.errors.show_all([(r.field, r.message) for r in found])
        self.fit_to_contents()

    def show_notice(self, text: str) -> None:
        """An information line at the top (not an error)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self.fit_to_contents()

    def fit_to_contents(self) -> None:
        """Grow to show every message in full (after a refusal or a notice)."""
        fit_to_contents(self)
        QTimer.singleShot(0, lambda: fit_to_contents(self))  # once the labels re-wrapped

    # ---------------------------------------------------------------- closing
    def _typed(self) -> list[str]:
        """What is typed in the dialog's text boxes (not its dates), in order."""
        out: list[str] = []
        for field in self._fields:
            boxes = [field, *field.findChildren(QWidget)]
            for w in boxes:
                if isinstance(w, QPlainTextEdit) and not w.isReadOnly():
                    out.append(w.toPlainText())
                elif isinstance(w, QLineEdit) and not w.isReadOnly() \
                        and not isinstance(w, UkDateEdit) \
                        and not isinstance(w.parentWidget(), QAbstractSpinBox | QComboBox):
                    out.append(w.text())  # not the line edit inside a date box or list
        return out

    def has_typed(self) -> bool:
        """True when text was typed since the dialog opened (Esc then asks first)."""
        return self._typed_at_start is not None and self._typed() != self._typed_at_start

    def reject(self) -> None:
        if self.saving:  # a save in flight finishes first, so its outcome is shown
            return
        if self.has_typed():
            self.ask_discard()
            return
        super().reject()

    def close_unsaved(self) -> None:
        """Close without saving and without asking (the person chose another way on,
        such as opening the record that already exists)."""
        QDialog.reject(self)

    def ask_discard(self) -> QMessageBox:
        """Ask (without blocking) whether to close and lose what was typed."""
        if self._discard_box is not None and self._discard_box.isVisible():
            return self._discard_box
        text = "What you typed here has not been saved. Close without saving it?"
        box = QMessageBox(QMessageBox.Icon.Question, "Discard what you typed?", text,
                          QMessageBox.StandardButton.NoButton, self)
        discard = box.addButton("&Discard and close", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setAccessibleName("Discard what you typed?")
        box.setAccessibleDescription(text)

        def answered(_result: int) -> None:
            if box.clickedButton() is discard:
                QDialog.reject(self)

        box.finished.connect(answered)
        self._discard_box = box
        box.open()
        return box

    def refusal_text(self) -> str:
        """Every refusal now shown in the dialog."""
        return self.errors.visible_text()

    def showEvent(self, event: Any) -> None:
        # Reading order: the fields, then Save and Cancel (the buttons were made first).
        chain: list[QWidget] = []
        for w in self._fields:
            proxy = w.focusProxy()
            if proxy is None:
                chain.append(w)
                continue
            # A row of several controls (a check box and a date, a path and Browse…).
            chain.append(proxy)
            chain += [c for c in w.findChildren(QWidget, options=Qt.FindChildOption
                                                .FindDirectChildrenOnly)
                      if c is not proxy and c.focusPolicy() & Qt.FocusPolicy.TabFocus
                      and not c.objectName().startswith("qt_")]
        chain += [self.save_button, self.cancel_button]
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)
        super().showEvent(event)
        if self._typed_at_start is None:
            self._typed_at_start = self._typed()
            for w in self._fields:
                if isinstance(w, QPlainTextEdit) and w.toPlainText():
                    w.moveCursor(QTextCursor.MoveOperation.End)  # carry on writing
            fit_to_contents(self)
        if chain and not self.saving:
            first = self.initial_focus if self.initial_focus is not None \
                and self.initial_focus.isEnabled() else \
                next((w for w in chain if w.isEnabled()), self.save_button)
            first.setFocus(Qt.FocusReason.TabFocusReason)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.saving:
            event.accept()
            return
        super().keyPressEvent(event)

