"""The window's sections and the pages that stand in for them: their names and order,
the placeholder shown while a section waits, and the page saying why a database could
not be opened."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtCore import Qt


__all__ = ["AREAS", "CASELOAD", "DASHBOARD", "EXTRA_SECTIONS", "FEW_ROWS", "LIST_SHARE",
           "REVIEW", "SECTIONS", "WATCH_MS", "WEEK", "WORKLIST", "Placeholder", "ProblemPage",
           "Qt"]

log = logging.getLogger("probation_desk")


class _LazyQt:
    """``Qt`` (the namespace of Qt's enums), fetched when first used.

    PySide6 makes every one of the namespace's hundred enums the first time it is
    touched (about 13 ms): the shell the window shows first does not need it, so it is
    not touched before the window is on screen (the rest is done in ``start``).
    """

    def __getattr__(self, name: str) -> Any:
        from PySide6.QtCore import Qt as namespace

        value = getattr(namespace, name)
        setattr(self, name, value)
        return value


if not TYPE_CHECKING:
    Qt = _LazyQt()

SECTIONS = ("Caseload", "Worklist", "Review", "Dashboard", "My week")
CASELOAD, WORKLIST, REVIEW, DASHBOARD, WEEK = range(5)
WATCH_MS = 500
"""How often the window looks for changes other people committed (milliseconds)."""
LIST_SHARE = 0.4
"""The list's share of the Caseload's height on first run (the record gets the rest)."""
FEW_ROWS = 3
"""A list is never squeezed to fewer rows than this to make room for the record."""
AREAS = ("both", "record", "list")
"""What the Caseload section shows: the list and the record, the record only, the list only."""
EXTRA_SECTIONS = {
    REVIEW: ("probation_desk.ui.review", "ReviewPage",
             "The Review list arrives with the treatment manager view: people referred to "
             "a Structured Intervention, their module completion and sign-off."),
    DASHBOARD: ("probation_desk.ui.dashboard", "DashboardPage",
                "The Dashboard arrives with the treatment manager view: module completion "
                "by PDU and by month."),
    WEEK: ("probation_desk.ui.week", "WeekPage",
           "My week: my caseload's appointments by day, with the outcomes to record first."),
}
"""Sections built by other modules: (module, class taking (desk, ...), placeholder text)."""


class Placeholder(QWidget):
    """A section that is not built yet, or waits for the database (``centred=False``:
    its text is centred by :meth:`centre`, for the shell shown before Qt's enums)."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None, *,
                 centred: bool = True) -> None:
        super().__init__(parent)
        self.setAccessibleName(title)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        if centred:
            self.centre()
        self.label.setAccessibleName(title)
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)

    def centre(self) -> None:
        """Centre the text."""
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)


class ProblemPage(QWidget):
    """Shown when the database cannot be opened: the reason, and what to do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("The database could not be opened")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Why the database could not be opened")
        self.settings_button = QPushButton("Choose another database in &Settings…", self)
        self.retry_button = QPushButton("&Try again", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.settings_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.message)
        lay.addLayout(buttons)
        lay.addStretch(2)

    def finish(self) -> None:
        """The message can be selected and copied (set once Qt's enums are loaded)."""
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)
