"""The window's sections and room: which section shows, Review and Dashboard built on
first use, the list and the record sharing the Caseload, and the remembered layout.

The Review and Dashboard sections are built by other modules (see
:data:`probation_desk.ui.shell.pages.EXTRA_SECTIONS`); they are imported the first time
their section is shown.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import (
    QApplication,
    QWidget,
)

from probation_desk.ui.errors import plain_message
from probation_desk.ui.window_state import window_settings

if TYPE_CHECKING:
    pass

from probation_desk.ui.shell.pages import (
    AREAS,
    CASELOAD,
    EXTRA_SECTIONS,
    FEW_ROWS,
    LIST_SHARE,
    SECTIONS,
    WORKLIST,
    Placeholder,
)
from probation_desk.ui.shell.pages import (
    Qt as Qt,
)
from probation_desk.ui.shell.part import WindowPart

log = logging.getLogger("probation_desk")

FIRST_SIZE = (1200, 800)
"""The window's size at first start, on a screen with room for it."""
FRAME_ALLOWANCE = 40
"""Room left for the title bar and frame before the window manager says how big they are
(a 1366x768 laptop's status bar stays on screen)."""


class SectionsMixin(WindowPart):
    """Part of :class:`probation_desk.ui.main_window.MainWindow` (see the module's notes)."""

    def show_section(self, index: int) -> None:
        """Switch to a section (Alt+1..5)."""
        self.nav.setCurrentRow(index)
        self._section_changed(index)

    def _section_changed(self, index: int) -> None:
        if index < 0:
            return
        if self.desk is None and self.stack.currentWidget() is self.problem:
            return
        if index in EXTRA_SECTIONS and self.desk is not None \
                and index not in self.extra_pages:
            self._build_extra(index)
        self.stack.setCurrentIndex(index)
        self._enable_case_actions()

    def _build_extra(self, index: int) -> None:
        """Build the Review or Dashboard page if its module exists (else a placeholder)."""
        module_name, class_name, placeholder = EXTRA_SECTIONS[index]
        page: QWidget
        try:
            found = importlib.util.find_spec(module_name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            page = Placeholder(SECTIONS[index], placeholder, self)
        else:
            try:
                cls = getattr(importlib.import_module(module_name), class_name)
                params = inspect.signature(cls).parameters
                kwargs: dict[str, Any] = {}
                if "tasks" in params:
                    kwargs["tasks"] = self.tasks
                if "parent" in params:
                    kwargs["parent"] = self
                page = cls(self.desk, **kwargs)
            except Exception as exc:
                page = Placeholder(SECTIONS[index], f"The {SECTIONS[index]} could not be "
                                   f"shown: {plain_message(exc)}", self)
            open_case = getattr(page, "open_case", None)
            if open_case is not None and hasattr(open_case, "connect"):
                open_case.connect(lambda pid, *_rest: self.open_case(pid, None))
        self._drop_page(index)
        self.stack.insertWidget(index, page)
        self.extra_pages[index] = page

    def _drop_page(self, index: int) -> None:
        old = self.stack.widget(index)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()

    def _reset_extra_pages(self) -> None:
        for index in list(self.extra_pages):
            self._drop_page(index)
            self.stack.insertWidget(index, Placeholder(SECTIONS[index], "Loading…", self))
        self.extra_pages.clear()

    def _toggle_beside(self) -> None:
        if not self.pages_built:
            return
        beside = self.beside_action.isChecked()
        self.case_split.setOrientation(Qt.Orientation.Horizontal if beside
                                       else Qt.Orientation.Vertical)
        self._apply_share()

    def set_area(self, area: str, *, show: bool = True) -> None:
        """Give the record (F7) or the list (F8) the whole Caseload area; the same key
        again goes back to both."""
        if not self.pages_built or area not in AREAS:
            return
        if area == self.area and area != "both":
            area = "both"
        self.area = area
        if show:
            self.show_section(CASELOAD)
        focus = QApplication.focusWidget()
        self.caseload.setVisible(area != "record")
        self.record.setVisible(area != "list")
        self.record_only_action.setChecked(area == "record")
        self.list_only_action.setChecked(area == "list")
        if area == "record" and (focus is None or self.caseload.isAncestorOf(focus)):
            self._focus_record()
        elif area == "list" and (focus is None or self.record.isAncestorOf(focus)):
            self.caseload.table.setFocus()
        if area == "both":
            self._apply_share()

    def move_split(self, steps: int) -> None:
        """Move the line between list and record by a sixth of the area (Alt+Shift+Up
        gives the record more room, Alt+Shift+Down the list)."""
        if not self.pages_built:
            return
        if self.area != "both":
            self.set_area("both")
        self.show_section(CASELOAD)
        self.list_share = min(0.85, max(0.15, self.list_share + steps / 6))
        self._apply_share()

    def _split_moved(self, _pos: int, _index: int) -> None:
        sizes = self.case_split.sizes()
        if sum(sizes) > 0 and all(sizes):
            self.list_share = sizes[0] / sum(sizes)

    def _apply_share(self) -> None:
        if not self.case_split.isVisible():
            self._share_pending = True  # its height is known once it is shown
            return
        self._share_pending = False
        sizes = self.case_split.sizes()
        total = sum(sizes) or (self.case_split.height()
                               if self.case_split.orientation() == Qt.Orientation.Vertical
                               else self.case_split.width())
        if total <= 0:
            return
        first = int(total * self.list_share)
        self.case_split.setSizes([first, total - first])
        self._fit_split()

    def _fit_split(self) -> None:
        """A list of a few matches takes only the room its rows need: the rest goes to
        the record (never more than the share the person chose for the list)."""
        if not self.pages_built or self.area != "both" \
                or self.case_split.orientation() != Qt.Orientation.Vertical:
            return
        sizes = self.case_split.sizes()
        total = sum(sizes)
        if total <= 0 or not self.caseload.isVisible():
            return
        rows = max(self.caseload.model.total, FEW_ROWS)
        wanted = int(total * self.list_share)
        need = self.caseload.height_for_rows(rows)
        first = max(min(wanted, need), self.caseload.minimumSizeHint().height())
        if first != sizes[0]:
            self.case_split.setSizes([first, total - first])

    def _restore_geometry(self) -> None:
        qs = window_settings()
        geometry = qs.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        else:  # first start: a size the screen it opens on holds, title bar included
            screen = self.screen() or QApplication.primaryScreen()
            if screen is None:
                self.resize(1100, 720)
            else:
                room = screen.availableGeometry()
                width = min(FIRST_SIZE[0], room.width() - FRAME_ALLOWANCE)
                height = min(FIRST_SIZE[1], room.height() - FRAME_ALLOWANCE)
                self.resize(width, height)
                self.move(room.x() + (room.width() - width) // 2,
                          room.y() + max((room.height() - height - FRAME_ALLOWANCE) // 2, 0))
        self.fit_to_screen()
        state = qs.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(state)
        self.beside_action.setChecked(bool(qs.value("window/recordBeside", False, type=bool)))
        section = qs.value("window/section", 0, type=int)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(section if section in (CASELOAD, WORKLIST) else CASELOAD)
        self.nav.blockSignals(False)
        self.stack.setCurrentIndex(self.nav.currentRow())

    def fit_to_screen(self) -> None:
        """Keep the window on the screen it is on (a size saved on a larger screen, or
        at another scale, would otherwise open partly off it)."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        if self.isMaximized() or self.isFullScreen():
            return
        frame = self.frameGeometry()
        extra_w = max(frame.width() - self.width(), 0)
        extra_h = max(frame.height() - self.height(), 0)
        if not self.isVisible() or extra_h == 0:  # the frame is not known yet: allow for it
            extra_h = max(extra_h, FRAME_ALLOWANCE)
        width = min(self.width(), room.width() - extra_w)
        height = min(self.height(), room.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        frame = self.frameGeometry()
        x = min(max(frame.x(), room.x()), room.right() + 1 - frame.width())
        y = min(max(frame.y(), room.y()), room.bottom() + 1 - frame.height())
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def _restore_state(self) -> None:
        """Splitters, headers, the record's room and the section, once the pages exist."""
        qs = window_settings()
        share = qs.value("window/listShare", LIST_SHARE, type=float)
        self.list_share = min(0.85, max(0.15, float(share)))  # type: ignore[arg-type]
        self._toggle_beside()
        value = qs.value("window/nsiSplitter")
        if isinstance(value, QByteArray | bytes):
            self.record.nsi_split.restoreState(value)
        else:  # first run: the NSIs get the larger share, the status history the rest
            self.record.nsi_split.setSizes([600, 400])
        self._apply_share()
        area = qs.value("window/caseArea", "both", type=str)
        if area in AREAS and area != "both":
            self.set_area(area, show=False)
        self.caseload.restore_state(qs)
        self.stack.setCurrentIndex(self.nav.currentRow())

    def save_state(self) -> None:
        """Remember geometry, splitters, headers and the section."""
        qs = window_settings()
        qs.setValue("window/geometry", self.saveGeometry())
        qs.setValue("window/state", self.saveState())
        qs.setValue("window/recordBeside", self.beside_action.isChecked())
        qs.setValue("window/section", max(self.nav.currentRow(), 0))
        if self.pages_built:
            qs.setValue("window/listShare", self.list_share)
            qs.setValue("window/caseArea", self.area)
            qs.setValue("window/nsiSplitter", self.record.nsi_split.saveState())
            self.caseload.save_state(qs)
        qs.sync()
