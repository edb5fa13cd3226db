"""Errors shown to people: a refusal in the rule's own words, anything else plainly.

Nothing here ever shows a traceback. Unexpected errors go to the log
(logger ``probation_desk``, the file in the data folder) with the traceback, and to
the screen as a plain message. :func:`install_excepthook` routes uncaught exceptions
from Qt callbacks the same way.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import TYPE_CHECKING

from probation_desk.domain.errors import RuleViolation

if TYPE_CHECKING:  # imported where used: the window's shell is shown without them
    from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger("probation_desk")

UNEXPECTED = ("Something went wrong that Probation Desk did not expect. Nothing more was "
              "changed. The details are in the log file; if it keeps happening, tell your "
              "administrator.")

shown: list[str] = []
"""Texts of the error messages shown this session, newest last (tests read it)."""


def plain_message(exc: BaseException) -> str:
    """What to tell a person about ``exc``: never a traceback."""
    if isinstance(exc, RuleViolation):
        return exc.message
    names = {c.__name__ for c in type(exc).__mro__}
    # store.engine.DatabaseProblem (and its kinds), store.backup.BackupProblem: plain words
    # already, recognised without importing the store.
    if names & {"DatabaseProblem", "BackupProblem"}:
        return str(exc)
    if isinstance(exc, OSError):
        return (f"The file could not be used: {exc.strerror or exc}. Nothing was changed. "
                "Check the location and try again.")
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return UNEXPECTED


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    """Show ``exc`` in a message box that does not block (window-modal)."""
    text = plain_message(exc)
    if title is None:
        title = "Not done" if isinstance(exc, RuleViolation) else "Probation Desk"
    from PySide6.QtWidgets import QMessageBox

    show_message(parent, title, text, QMessageBox.Icon.Warning)


def show_message(parent: QWidget | None, title: str, text: str,
                 icon: QMessageBox.Icon | None = None) -> QMessageBox:
    """A message box opened without blocking; returned so callers may add buttons
    (an information box unless ``icon`` says otherwise)."""
    from PySide6.QtWidgets import QMessageBox

    shown.append(text)
    if icon is None:
        icon = QMessageBox.Icon.Information
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAccessibleName(title)
    box.setAccessibleDescription(text)
    box.open()
    return box


_showing = False


def _hook(exc_type: type[BaseException], exc: BaseException,
          tb: TracebackType | None) -> None:
    global _showing
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if not isinstance(exc, RuleViolation):
        log.error("uncaught exception", exc_info=(exc_type, exc, tb))
    if _showing:
        return
    _showing = True
    try:
        from PySide6.QtWidgets import QMessageBox

        text = exc.message if isinstance(exc, RuleViolation) else UNEXPECTED
        shown.append(text)
        box = QMessageBox(QMessageBox.Icon.Warning, "Probation Desk", text,
                          QMessageBox.StandardButton.Ok)
        box.setAccessibleName("Probation Desk error")
        box.exec()
    finally:
        _showing = False


def install_excepthook() -> None:
    """Send uncaught exceptions to the log and a plain message box."""
    sys.excepthook = _hook
