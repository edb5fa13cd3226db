"""The withdrawal banner: one strip across the top for each withdrawn toolkit that matters.

Each line says what was withdrawn and when, the close-by date, and how many NSIs are
still open in the user's caseload, region and everywhere, with a warning icon and the
word "Overdue" once the close-by date has passed (never colour alone). Clicking a line,
or pressing its button (Space or Enter), opens the Worklist on what the line counted:
that toolkit's open NSIs in every region (the line's "N in all").

Signals:
    Banner.open_worklist(str): a line was activated (its toolkit's code).
    Banner.loaded(): the lines are up to date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from probation_desk.ui.tasks import Change, Tasks
from probation_desk.ui.widgets import icon

if TYPE_CHECKING:
    from probation_desk.services.desk import Desk
    from probation_desk.services.queries import BannerItem

STYLE = ("QFrame#bannerLine { background: #fff4ce; border: 2px solid #7a5a00; "
         "border-radius: 3px; } QFrame#bannerLine QLabel { color: #1f1a00; }")


class BannerLine(QFrame):
    """One withdrawal: icon, words, and a button that opens the Worklist."""

    activated = Signal()

    def __init__(self, text: str, toolkit_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bannerLine")
        self.setAccessibleName(f"Toolkit withdrawal notice: {toolkit_name}")
        self.setAccessibleDescription(text)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) * 3 // 2
        mark = QLabel(self)
        mark.setPixmap(icon("warning", QStyle.StandardPixmap.SP_MessageBoxWarning)
                       .pixmap(size, size))
        mark.setAccessibleName("Warning")
        self.text = QLabel(text, self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAccessibleName("Withdrawal")
        self.button = QPushButton("Open the Worklist", self)
        self.button.setAccessibleName(f"Open the Worklist for {toolkit_name}")
        self.button.clicked.connect(self.activated.emit)
        self.button.setAutoDefault(True)  # Enter as well as Space activates it
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit()
        super().mouseReleaseEvent(event)


class Banner(QWidget):
    """The strip of withdrawal notices (hidden when there are none)."""

    open_worklist = Signal(str)
    loaded = Signal()

    def __init__(self, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.desk: Desk | None = None
        self.region = ""
        self.practitioner = ""
        self.items: list[BannerItem] = []
        self._lines: list[BannerLine] = []
        self._gen = 0
        self.setAccessibleName("Notices")
        self.setStyleSheet(STYLE)
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(6, 6, 6, 0)
        self.hide()
        tasks.changed.connect(self._on_change)

    def set_desk(self, desk: Desk | None, region: str, practitioner: str) -> None:
        """Show notices for this database, counted for this user's region and caseload."""
        self.desk, self.region, self.practitioner = desk, region, practitioner
        self.reload()

    def reload(self) -> None:
        """Count again (in the background)."""
        desk, region, pp = self.desk, self.region, self.practitioner
        if desk is None:
            self._show([])
            return
        self._gen += 1
        gen = self._gen

        def work(_p: object) -> list[BannerItem]:
            from probation_desk.services.queries import banner

            return banner(desk, region, pp)

        def done(items: list[BannerItem]) -> None:
            if gen == self._gen:
                self._show(items)

        self.tasks.op(self, work).success(done).run_in_background()

    def lines(self) -> list[str]:
        """The notices' words, as shown."""
        return [w.text.text() for w in self._lines]

    def _show(self, items: list[BannerItem]) -> None:
        self.items = items
        while self._lay.count():
            gone = self._lay.takeAt(0)
            w = gone.widget() if gone is not None else None
            if w is not None:
                w.deleteLater()
        self._lines = []
        for item in items:
            line = BannerLine(item.text(self.region), item.toolkit.name, self)
            line.activated.connect(lambda code=item.toolkit.code: self.open_worklist.emit(code))
            self._lay.addWidget(line)
            self._lines.append(line)
        self.setVisible(bool(items))
        self.loaded.emit()

    def _on_change(self, change: Change) -> None:
        if change.nsis or change.everything or change.settings:
            self.reload()
