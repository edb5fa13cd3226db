"""What if: the open NSIs a toolkit's withdrawal would touch, asked before it happens.

A regional lead or administrator chooses a toolkit, a withdrawal date and a close-by date
(and, if they like, one region); the dialog shows the counts of NSIs that would need
closing or switching, by region and practitioner, and every open NSI on the toolkit, and
saves that list as CSV. It only reads (``services.what_if``): nothing is changed.

Opened from the Worklist (:func:`open_what_if`, which says why not to other roles).

Signals:
    WhatIfDialog.answered(): the answer on screen was read, or refused (tests wait for it).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import uk
from probation_desk.domain.people import REGIONS
from probation_desk.domain.roles import Role
from probation_desk.ui import save_folders as files
from probation_desk.ui.errors import plain_message, show_message
from probation_desk.ui.tasks import Tasks
from probation_desk.ui.widgets import UkDateEdit

if TYPE_CHECKING:
    from probation_desk.services.desk import Desk
    from probation_desk.services.what_if import WhatIf

ALLOWED = (Role.REGIONAL_LEAD, Role.ADMIN)
"""The roles that may ask."""

LIST_COLUMNS = (
    QT_TRANSLATE_NOOP("WhatIfDialog", "NSI"), QT_TRANSLATE_NOOP("WhatIfDialog", "CRN"),
    QT_TRANSLATE_NOOP("WhatIfDialog", "Name"), QT_TRANSLATE_NOOP("WhatIfDialog", "Region"),
    QT_TRANSLATE_NOOP("WhatIfDialog", "Practitioner"),
    QT_TRANSLATE_NOOP("WhatIfDialog", "Status"), QT_TRANSLATE_NOOP("WhatIfDialog", "Referred"),
    QT_TRANSLATE_NOOP("WhatIfDialog", "Expected end"),
    QT_TRANSLATE_NOOP("WhatIfDialog", "Would need"))


STATUS_WORDS = {
    "REFERRED": QT_TRANSLATE_NOOP("WhatIfDialog", "Referred"),
    "IN_PROGRESS": QT_TRANSLATE_NOOP("WhatIfDialog", "In progress"),
    "COMPLETED": QT_TRANSLATE_NOOP("WhatIfDialog", "Completed"),
    "ENDED": QT_TRANSLATE_NOOP("WhatIfDialog", "Ended early"),
}
"""An NSI's status in words (translated where shown)."""


def why_not(desk: Desk) -> str:
    """Why this user may not ask ('' when they may)."""
    if desk.role in ALLOWED:
        return ""
    reason = QCoreApplication.translate(
        "WhatIfDialog", "Only a regional lead or an administrator can ask what a withdrawal "
        "would touch. You are signed in as %1: change your role in Settings if that is wrong.")
    return reason.replace("%1", desk.role.value.lower())


def open_what_if(parent: QWidget, desk: Desk, tasks: Tasks, region: str = "") -> QDialog | None:
    """The What if dialog, opened without blocking; for other roles, a message saying why
    not (and None)."""
    reason = why_not(desk)
    if reason:
        show_message(parent, QCoreApplication.translate(
            "WhatIfDialog", "What if a toolkit were withdrawn"), reason)
        return None
    dlg = WhatIfDialog(desk, tasks, region, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg


class WhatIfDialog(QDialog):
    """Toolkit, withdrawal date, close-by date → the counts, the list, and Save as CSV."""

    answered = Signal()

    def __init__(self, desk: Desk, tasks: Tasks, region: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.tasks = tasks
        self.result_value: WhatIf | None = None
        self.setWindowTitle(self.tr("What if a toolkit were withdrawn"))
        self.setAccessibleName(self.windowTitle())
        self.setSizeGripEnabled(True)

        intro = QLabel(self.tr(
            "Choose a toolkit and the dates its withdrawal might have, to see which open "
            "NSIs would need closing or switching to an approved toolkit, by region and "
            "practitioner. This only looks: nothing is changed."), self)
        intro.setWordWrap(True)
        intro.setAccessibleName(self.tr("About this question"))

        today = desk.today
        self.toolkit = QComboBox(self)
        for kit in desk.catalogue.toolkits:
            if kit.withdrawn_from is None or kit.withdrawn_from > today:
                self.toolkit.addItem(kit.name, kit.code)
        self.toolkit.setAccessibleName(self.tr("Toolkit"))
        self.withdrawn_on = UkDateEdit(today + dt.timedelta(days=28), self)
        self.withdrawn_on.setAccessibleName(self.tr("Withdrawn on"))
        self.close_by = UkDateEdit(today + dt.timedelta(days=28 + 56), self)
        self.close_by.setAccessibleName(self.tr("Close-by date"))
        self.region = QComboBox(self)
        self.region.addItem(self.tr("All regions"), "")
        for r in REGIONS:
            self.region.addItem(r, r)
        self.region.setCurrentIndex(max(self.region.findData(region), 0))
        self.region.setAccessibleName(self.tr("Region"))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        # Fields at their own size: a date box as wide as the dialog reads oddly.
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        chars = self.fontMetrics().horizontalAdvance("0") * 14
        for date in (self.withdrawn_on, self.close_by):
            date.setMinimumWidth(chars)
        for text, widget in ((self.tr("&Toolkit"), self.toolkit),
                             (self.tr("&Withdrawn on"), self.withdrawn_on),
                             (self.tr("Clos&e-by date"), self.close_by),
                             (self.tr("Re&gion"), self.region)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.ask_button = QPushButton(self.tr("&Show what it would touch"), self)
        self.ask_button.setDefault(True)
        self.ask_button.clicked.connect(self.ask)

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("The answer"))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.counts = QTreeWidget(self)
        self.counts.setColumnCount(2)
        self.counts.setHeaderLabels([self.tr("Region and practitioner"),
                                     self.tr("Would need closing or switching")])
        self.counts.setAccessibleName(self.tr("Counts by region and practitioner"))
        self.counts.setUniformRowHeights(True)
        self.list = QTreeWidget(self)
        self.list.setColumnCount(len(LIST_COLUMNS))
        self.list.setHeaderLabels([self.tr(str(c)) for c in LIST_COLUMNS])
        self.list.setAccessibleName(self.tr("Open NSIs on the toolkit"))
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for tree in (self.counts, self.list):
            tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.counts.header().setStretchLastSection(True)
        self.list.header().setStretchLastSection(False)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.counts)
        split.addWidget(self.list)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        # The counts are a few lines; the list wants the height.
        self.counts.setMinimumHeight(self.fontMetrics().height() * 5)
        split.setChildrenCollapsible(False)

        self.csv_button = QPushButton(self.tr("Save as &CSV…"), self)
        self.csv_button.setEnabled(False)
        self.csv_button.clicked.connect(self.save_csv)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Close"))
        close.setAutoDefault(False)
        self.csv_button.setAutoDefault(False)

        ask_row = QHBoxLayout()
        ask_row.addWidget(self.ask_button)
        ask_row.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.csv_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addLayout(ask_row)
        lay.addWidget(self.summary)
        lay.addWidget(split, 1)
        lay.addLayout(bottom)
        self._fit()
        split.setSizes([self.height() // 5, self.height() * 4 // 5])

    def _fit(self) -> None:
        """Most of the screen it opens on (never beyond it): the list wants the room."""
        screen = self.screen()
        room = screen.availableGeometry() if screen is not None else None
        if room is None:
            self.resize(900, 600)
            return
        self.resize(min(1000, room.width() - 40), min(680, room.height() - 60))

    # ---------------------------------------------------------------- asking
    def ask(self) -> None:
        """Read the answer in the background (it changes nothing)."""
        desk = self.desk
        code = self.toolkit.currentData()
        region = self.region.currentData() or ""
        withdrawn_on, close_by = self.withdrawn_on.parsed(), self.close_by.parsed()
        if not code:
            self._refused(self.tr("Every toolkit is already withdrawn: there is nothing to "
                                  "ask about."))
            return
        if withdrawn_on is None or close_by is None:
            which = self.withdrawn_on if withdrawn_on is None else self.close_by
            self._refused(self.tr("%1: type the date as day/month/year, for example "
                                  "29/07/2026.").replace("%1", which.accessibleName()))
            which.setFocus()
            return

        def work(_p: object) -> WhatIf:
            from probation_desk.services.what_if import what_if

            return what_if(desk, code, withdrawn_on, close_by, region=region)

        self.ask_button.setEnabled(False)
        self.summary.setText(self.tr("Looking…"))
        self.tasks.op(self, work).success(self._show) \
            .failure(lambda exc: self._refused(plain_message(exc))) \
            .finally_(lambda: self.ask_button.setEnabled(True)) \
            .superseding("what-if").run_in_background()

    def _refused(self, text: str) -> None:
        self.result_value = None
        self.summary.setText(text)
        self.counts.clear()
        self.list.clear()
        self.csv_button.setEnabled(False)
        self.answered.emit()

    def _show(self, result: WhatIf) -> None:
        self.result_value = result
        kit = result.toolkit
        assert kit.withdrawn_from is not None and kit.close_by is not None
        where = (self.tr(" in %1").replace("%1", self.region.currentText())
                 if self.region.currentData() else "")
        # The toolkit by its name: "the Maps for Change toolkit" (the word "toolkit" is
        # the sentence's, so it is translated with it).
        name = kit.name[:-len("toolkit")].rstrip() if kit.name.casefold().endswith(
            "toolkit") else kit.name
        self.summary.setText(self.tr(
            "If the %1 toolkit were withdrawn on %2 with a close-by date of %3: %4 open NSIs "
            "on it%5, %6 of them not expected to end by then (they would need closing or "
            "switching to an approved toolkit). Nothing was changed.")
            .replace("%1", name).replace("%2", uk(kit.withdrawn_from))
            .replace("%3", uk(kit.close_by)).replace("%4", f"{len(result.rows):,}")
            .replace("%5", where).replace("%6", f"{result.needing_action:,}"))
        self.counts.clear()
        for region, n in sorted(result.by_region.items()):
            head = QTreeWidgetItem(self.counts, [region, f"{n:,}"])
            for (in_region, practitioner), m in sorted(result.by_practitioner.items()):
                if in_region == region:
                    QTreeWidgetItem(head, [practitioner or self.tr("(no practitioner)"),
                                           f"{m:,}"])
        if not result.by_region:
            none = QTreeWidgetItem(self.counts, [self.tr(
                "None: every open NSI on it is expected to end by the close-by date.")
                if result.rows else self.tr("None: there are no open NSIs on it.")])
            none.setFirstColumnSpanned(True)
        self.counts.expandAll()
        self.counts.resizeColumnToContents(0)
        self.list.clear()
        close_or_switch, may_finish = self.tr("Closing or switching"), self.tr(
            "Nothing (ends in time)")
        # Those that would need closing or switching first: they are the work.
        for r in sorted(result.rows, key=lambda row: not row.needs_action):
            QTreeWidgetItem(self.list, [
                r.ref, r.crn, r.name, r.region, r.practitioner,
                self.tr(str(STATUS_WORDS.get(r.status.name, r.status.value))),
                uk(r.referral_date) if r.referral_date else "",
                uk(r.expected_end) if r.expected_end else self.tr("not set"),
                close_or_switch if r.needs_action else may_finish])
        for i in range(len(LIST_COLUMNS)):  # every column whole; scroll sideways if need be
            self.list.resizeColumnToContents(i)
        self.csv_button.setEnabled(bool(result.rows))
        self.answered.emit()

    # ---------------------------------------------------------------- saving
    def save_csv(self) -> None:
        """Save the list as CSV (an existing file is replaced only when the user says so)."""
        result = self.result_value
        if result is None:
            return
        name = f"what-if-{result.toolkit.code.lower()}.csv"
        path = files.ask_save_path(self, "csv", self.tr("Save the list as"), name,
                                   self.tr("CSV files (*.csv)"), ".csv")
        if not path:
            return

        def work(_p: object) -> str:
            from probation_desk.services.what_if import write_csv

            write_csv(result, Path(path))
            return path

        self.tasks.op(self, work).success(lambda p: show_message(
            self, self.tr("Saved"), self.tr("The list is saved in %1.").replace("%1", p))) \
            .run_in_background()

