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
from probation_desk.errors import UNEXPECTED, explain

if TYPE_CHECKING:  # imported where used: the window's shell is shown without them
    from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger("probation_desk")

__all__ = ["UNEXPECTED", "plain_message", "show_error", "show_message"]

shown: list[str] = []
"""Texts of the error messages shown this session, newest last (tests read it)."""


def plain_message(exc: BaseException) -> str:
    """What to tell a person about ``exc`` (:func:`probation_desk.errors.explain`):
    never a traceback; a bug is logged with its traceback."""
    said = explain(exc)
    if not said.expected:
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return said.text


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

        text = explain(exc).text
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
