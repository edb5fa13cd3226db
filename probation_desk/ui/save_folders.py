"""Where the window's save dialogs start: the user's Documents folder the first time,
then the folder last used for that kind of file.

Each kind of file (:data:`KINDS`: workbook PDFs, report PDFs, CSV files, exports,
backups) remembers its own folder in the window's settings (``folders/<kind>`` in
:func:`~probation_desk.ui.widgets.window_settings`), so saving a report somewhere does
not move where workbooks go. A remembered folder that has since gone falls back to
Documents; nothing ever starts in the program's own folder (the working directory Qt
uses when it is given no folder).

:class:`PathEdit` is the box such a path is shown in: wide enough for the whole path.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRect, QSize, QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFileDialog, QLineEdit, QStyle, QStyleOptionFrame, QWidget

from probation_desk.ui.widgets import confirm, window_settings

KINDS = {
    "workbook": "workbook PDFs",
    "report": "report PDFs",
    "csv": "CSV files",
    "export": "exports",
    "backup": "backups",
}
"""The kinds of file whose folders are remembered separately, in words."""


def documents() -> Path:
    """The user's Documents folder (their home folder if there is none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def start_folder(kind: str) -> Path:
    """The folder a save dialog for ``kind`` starts in."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of file: {kind}")
    value = window_settings().value(f"folders/{kind}", "")
    if isinstance(value, str) and value and Path(value).is_dir():
        return Path(value)
    return documents()


def start_path(kind: str, name: str) -> str:
    """A suggested file ``name`` in the start folder for ``kind``."""
    return str(start_folder(kind) / name)


def remember(kind: str, path: str | Path, *, folder: bool = False) -> None:
    """Remember where a ``kind`` of file was saved (the file's folder, or ``path`` itself
    when it is a folder), for the next save dialog of that kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of file: {kind}")
    where = Path(path) if folder else Path(path).parent
    if not str(where) or not where.is_absolute():
        return
    qs = window_settings()
    qs.setValue(f"folders/{kind}", str(where))
    qs.sync()


def ask_save_path(parent: QWidget | None, kind: str, caption: str, name: str,
                  filters: str, suffix: str = "", *, start: str = "") -> str:
    """The save dialog for ``kind``, starting in its folder with ``name`` suggested.

    ``start`` (a path already in a form's box) is where to start instead, when its
    folder exists. Returns the chosen path ('' when cancelled), with ``suffix`` added
    when the name typed lacks it, and remembers its folder.
    """
    begin = start if start and Path(start).is_absolute() and Path(start).parent.is_dir() \
        else start_path(kind, name)
    # The dialog's own question about an existing file misses a name the suffix is then
    # added to: ask here instead, about the name that will be written.
    path, _ = QFileDialog.getSaveFileName(parent, caption, begin, filters,
                                          options=QFileDialog.Option.DontConfirmOverwrite)
    if not path:
        return ""
    if suffix and not path.lower().endswith(suffix):
        path += suffix
    if not ask_replace(parent, path):
        return ""
    remember(kind, path)
    return path


def ask_replace(parent: QWidget | None, path: str | Path) -> bool:
    """Whether to replace the existing file at ``path`` (True when there is none)."""
    if not Path(path).exists():
        return True
    question = QCoreApplication.translate(
        "Files", "%1 already exists. Replace it? What it holds now will be lost.")
    return confirm(parent, QCoreApplication.translate("Files", "Replace the file?"),
                   question.replace("%1", str(path)),
                   QCoreApplication.translate("Files", "&Replace it"),
                   QCoreApplication.translate("Files", "&Keep it"))


def ask_folder(parent: QWidget | None, kind: str, caption: str, start: str = "") -> str:
    """Choose a folder for ``kind`` ('' when cancelled), remembered for next time."""
    begin = start if start and Path(start).is_dir() else str(start_folder(kind))
    path = QFileDialog.getExistingDirectory(parent, caption, begin)
    if path:
        remember(kind, path, folder=True)
    return path


PATH_SCREEN_SHARE = 0.7
"""A path box asks for at most this share of the screen's width."""


class PathEdit(QLineEdit):
    """A path box that asks for room to show its whole path (up to most of the screen's
    width, never "…cuments/workbook-C000043.pdf"). A path longer still is shown elided
    in the middle while the box is not being edited (its start and the file name stay
    readable), with the full path as its tooltip and accessible description."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.textChanged.connect(self._changed)
        self._changed(text)

    def _changed(self, text: str) -> None:
        self.setToolTip(text)
        self.setAccessibleDescription(f"The full path: {text}" if text else "")
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        margins = self.textMargins()
        text = self.fontMetrics().horizontalAdvance(self.text() or "M" * 30)
        inner = QSize(text + margins.left() + margins.right() + 8, hint.height())
        want = self.style().sizeFromContents(QStyle.ContentsType.CT_LineEdit, option, inner,
                                             self)
        screen = self.screen() or QGuiApplication.primaryScreen()
        most = int(screen.availableGeometry().width() * PATH_SCREEN_SHARE) if screen else 2000
        return QSize(max(hint.width(), min(want.width(), most)), hint.height())

    def _text_rect(self) -> QRect:
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        rect = self.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option,
                                           self)
        rect = rect.marginsRemoved(self.textMargins())
        rect.adjust(2, 0, -2, 0)  # QLineEdit's own horizontal margin
        return rect

    def shown_text(self) -> str:
        """The text as painted now: the whole path, or elided in the middle."""
        room = self._text_rect().width()
        text = self.text()
        if self.hasFocus() or self.fontMetrics().horizontalAdvance(text) <= room:
            return text
        return self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, room)

    def paintEvent(self, event: QPaintEvent) -> None:
        shown = self.shown_text()
        if shown == self.text():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelLineEdit, option, painter,
                                   self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        painter.drawText(self._text_rect(), int(Qt.AlignmentFlag.AlignVCenter
                                                | Qt.AlignmentFlag.AlignLeft), shown)
        painter.end()
