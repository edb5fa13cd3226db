"""Where the window's save dialogs start: the user's Documents folder the first time,
then the folder last used for that kind of file.

Each kind of file (:data:`KINDS`: workbook PDFs, report PDFs, CSV files, exports,
backups) remembers its own folder in the window's settings (``folders/<kind>`` in
:func:`~probation_desk.ui.widgets.window_settings`), so saving a report somewhere does
not move where workbooks go. A remembered folder that has since gone falls back to
Documents; nothing ever starts in the program's own folder (the working directory Qt
uses when it is given no folder).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from probation_desk.ui.widgets import window_settings

KINDS = {
    "workbook": "workbook PDFs",
    "report": "report PDFs",
    "csv": "CSV files",
    "export": "exports",
    "backup": "backups",
}
"""The kinds of file whose folders are remembered separately, in words."""


def documents() -> Path:
    """The user's Documents folder (their home folder if the desktop names none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


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
    path, _ = QFileDialog.getSaveFileName(parent, caption, begin, filters)
    if not path:
        return ""
    if suffix and not path.lower().endswith(suffix):
        path += suffix
    remember(kind, path)
    return path


def ask_folder(parent: QWidget | None, kind: str, caption: str, start: str = "") -> str:
    """Choose a folder for ``kind`` ('' when cancelled), remembered for next time."""
    begin = start if start and Path(start).is_dir() else str(start_folder(kind))
    path = QFileDialog.getExistingDirectory(parent, caption, begin)
    if path:
        remember(kind, path, folder=True)
    return path
