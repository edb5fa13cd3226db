"""The Review list's filters: search, region, PDU, practitioner, module state, the
completion date range and "Include everyone on a RAR".

A layout-only view in TagStudio's sense: it knows its controls and what filter they
describe, and asks for a reload through ``changed``; the page does the loading.

Signals:
    ReviewFilters.changed(int): the filter changed; reload after this many milliseconds.
    ReviewFilters.region_changed(str): the region changed (the PDU and practitioner
        choices follow it).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.module import ModuleStatus
from probation_desk.domain.people import REGIONS
from probation_desk.domain.review import BLOCKED_TEXT
from probation_desk.services import review as svc
from probation_desk.ui.widgets import AnyDateEdit

SEARCH_DELAY_MS = 150
"""Typing in the search box waits this long for the next key before the list reloads."""
BLOCKED_STATE = "BLOCKED"


class ReviewFilters(QFrame):
    """Two rows of filter controls above the Review list."""

    changed = Signal(int)
    region_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Filters")
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("CRN or name")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search by CRN or name")
        self.search_edit.setMinimumWidth(180)
        self.region_box = self._combo("Region", [("All regions", "")]
                                      + [(r, r) for r in REGIONS])
        self.pdu_box = self._combo("PDU", [("All PDUs", "")])
        self.pdu_box.setMinimumWidth(150)
        self.practitioner_box = self._combo("Practitioner", [("All practitioners", "")])
        self.practitioner_box.setMinimumWidth(150)
        self.state_box = self._combo("Module state", [
            ("Any state", ""), *((s.value, s.name) for s in ModuleStatus),
            (BLOCKED_TEXT, BLOCKED_STATE)])
        self.from_edit = AnyDateEdit(parent=self)
        self.to_edit = AnyDateEdit(parent=self)
        for edit, name in ((self.from_edit, "Completed on or after"),
                           (self.to_edit, "Completed on or before")):
            edit.setAccessibleName(name)
            edit.setToolTip(f"{name}: type a date as dd/mm/yyyy, or leave it empty for "
                            "any date. Alt+Down opens a calendar.")
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("00/00/00000") + 60)
        self.rar_check = QCheckBox("Include everyone on a &RAR", self)
        self.rar_check.setAccessibleName("Include everyone on a RAR")
        self.rar_check.setToolTip("Also list people on a RAR who have not been referred to "
                                  "a Structured Intervention")
        self.clear_button = QPushButton("Clear a&ll filters", self)
        self.clear_button.setAccessibleName("Clear all filters")

        row1 = QHBoxLayout()
        row1.setSpacing(6)
        for i, (text, field, stretch) in enumerate((
                ("&Search", self.search_edit, 2), ("Re&gion", self.region_box, 1),
                ("&PDU", self.pdu_box, 1), ("Pract&itioner", self.practitioner_box, 1))):
            if i:
                row1.addSpacing(14)
            row1.addWidget(self._label(text, field))
            row1.addWidget(field, stretch)
        row2 = QHBoxLayout()
        row2.setSpacing(6)
        row2.addWidget(self._label("Module s&tate", self.state_box))
        row2.addWidget(self.state_box)
        row2.addSpacing(14)
        row2.addWidget(self._label("Completed &between", self.from_edit))
        row2.addWidget(self.from_edit)
        row2.addWidget(self._label("&and", self.to_edit))
        row2.addWidget(self.to_edit)
        row2.addSpacing(14)
        row2.addWidget(self.rar_check)
        row2.addStretch(1)
        row2.addWidget(self.clear_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row1)
        lay.addLayout(row2)

        self.search_edit.textChanged.connect(lambda _t: self.changed.emit(SEARCH_DELAY_MS))
        self.region_box.currentIndexChanged.connect(self._region_changed)
        for box in (self.pdu_box, self.practitioner_box, self.state_box):
            box.currentIndexChanged.connect(lambda _i: self.changed.emit(0))
        self.from_edit.filter_changed.connect(lambda: self.changed.emit(SEARCH_DELAY_MS))
        self.to_edit.filter_changed.connect(lambda: self.changed.emit(SEARCH_DELAY_MS))
        self.rar_check.toggled.connect(lambda _b: self.changed.emit(0))
        self.clear_button.clicked.connect(self.clear)

    @property
    def controls(self) -> list[QWidget]:
        """The controls in reading (Tab) order."""
        return [self.search_edit, self.region_box, self.pdu_box, self.practitioner_box,
                self.state_box, self.from_edit, self.to_edit, self.rar_check,
                self.clear_button]

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        box = QComboBox(self)
        box.setAccessibleName(name)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for text, value in items:
            box.addItem(text, value)
        return box

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    @property
    def region(self) -> str:
        """The region chosen ("" for all)."""
        return str(self.region_box.currentData() or "")

    def current(self) -> svc.ReviewFilter:
        """The filter the controls describe (a refusal for a date that is not a date)."""
        return svc.ReviewFilter(
            search=self.search_edit.text().strip(),
            region=self.region,
            pdu=self.pdu_box.currentData() or "",
            practitioner=self.practitioner_box.currentData() or "",
            state=self.state_box.currentData() or "",
            completed_from=self.from_edit.optional_value(),
            completed_to=self.to_edit.optional_value(),
            include_rar=self.rar_check.isChecked())

    @Slot()
    def clear(self) -> None:
        """Back to everyone referred, in every region."""
        widgets = (self.search_edit, self.region_box, self.pdu_box, self.practitioner_box,
                   self.state_box, self.from_edit, self.to_edit, self.rar_check)
        for w in widgets:
            w.blockSignals(True)
        self.search_edit.clear()
        for box in (self.region_box, self.pdu_box, self.practitioner_box, self.state_box):
            box.setCurrentIndex(0)
        self.from_edit.set_any()
        self.to_edit.set_any()
        self.rar_check.setChecked(False)
        for w in widgets:
            w.blockSignals(False)
        self.region_changed.emit("")
        self.changed.emit(0)

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    @Slot()
    def _region_changed(self) -> None:
        self.region_changed.emit(self.region)
        self.changed.emit(0)

    def set_options(self, pdus: list[str], practitioners: list[str]) -> bool:
        """Fill the PDU and practitioner lists (a choice still offered is kept).

        Returns True when a choice was no longer offered, so the filter changed.
        """
        changed = False
        for box, values, all_text in ((self.pdu_box, pdus, "All PDUs"),
                                      (self.practitioner_box, practitioners,
                                       "All practitioners")):
            keep = box.currentData() or ""
            box.blockSignals(True)
            box.clear()
            box.addItem(all_text, "")
            for v in values:
                box.addItem(v, v)
            i = box.findData(keep) if keep else 0
            box.setCurrentIndex(max(i, 0))
            if keep and i < 0:
                changed = True
            box.blockSignals(False)
        return changed


def empty_text(f: svc.ReviewFilter) -> str:
    """Why the list is empty, and what to do."""
    where = f"in {f.region}" if f.region else "in any region"
    narrowed = any((f.search, f.pdu, f.practitioner, f.state, f.completed_from,
                    f.completed_to))
    if narrowed:
        return (f"No one matches these filters {where}.\n"
                "Clear the search or widen the filters (Clear all filters shows everyone "
                "referred).")
    if f.include_rar:
        return (f"No one {where} has been referred to a Structured Intervention or is on "
                "a RAR.")
    return (f"No one {where} has been referred to a Structured Intervention yet.\n"
            "Tick 'Include everyone on a RAR' to see people on a RAR as well.")
