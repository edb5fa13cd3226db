"""The base of the window's parts (``ui/shell``): each part is a mixin of the main window.

The parts share the window's attributes (its tasks, its open Desk, its pages). For the
type checker a part is a ``QMainWindow`` with those attributes declared here; at run time
it is a plain class, mixed into :class:`probation_desk.ui.main_window.MainWindow`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow

    from probation_desk.services.desk import Desk
    from probation_desk.ui.tasks import Tasks

    _Base = QMainWindow
else:
    _Base = object


class WindowPart(_Base):
    """A part of :class:`probation_desk.ui.main_window.MainWindow` (a mixin)."""

    if TYPE_CHECKING:
        tasks: Tasks
        desk: Desk | None
        db_arg: str | None
        db_url: str
        db_description: str
        watcher: Any
        pages_built: bool
        area: str
        list_share: float
        _open_gen: int
        _first_page_url: str | None
        _shortcuts: list[tuple[QAction, Any]] | None

        def __getattr__(self, name: str) -> Any: ...
