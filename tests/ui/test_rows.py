"""The Review list and the Worklist show a cell that needs attention the same way (one
helper, ui/rows.py): the words, a warning icon, the flag colour and a tooltip saying why,
never colour alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from probation_desk.domain.nsi import Status
from probation_desk.domain.review import BLOCKED_TEXT
from probation_desk.services.queries import WorklistRow
from probation_desk.services.review import ReviewRow
from probation_desk.ui.review.model import COL_SI_STATE, ReviewModel
from probation_desk.ui.rows import FLAG_COLOUR
from probation_desk.ui.worklist import COL_ATTENTION, WorklistModel

pytestmark = pytest.mark.gui
R = Qt.ItemDataRole


def worklist_row(overdue: bool) -> WorklistRow:
    return WorklistRow(1, 2, "L900002", "Bola Okafor", "London", "Hackney", "Nia Lloyd",
                       "CHEMSEX", "Chemsex", Status.IN_PROGRESS, dt.date(2022, 5, 2),
                       dt.date(2022, 7, 29), overdue, 1)


def review_row(blocked: bool) -> ReviewRow:
    return ReviewRow(2, "L900002", "Bola Okafor", "London", "Hackney", "Nia Lloyd",
                     "In progress", None, "", 12, "Stepwise Emotions", dt.date(2026, 9, 1),
                     BLOCKED_TEXT if blocked else "Awaiting start", "", blocked)


def flag(model: Any, row: int, column: int) -> tuple[Any, ...]:
    index = model.index(row, column)
    brush = index.data(R.ForegroundRole)
    icon = index.data(R.DecorationRole)
    return (index.data(R.DisplayRole), index.data(R.AccessibleTextRole),
            brush.color() if isinstance(brush, QBrush) else brush,
            icon is not None and not icon.isNull(), index.data(R.ToolTipRole))


def test_overdue_and_blocked_cells_are_flagged_alike(qtbot: Any) -> None:
    worklist = WorklistModel()
    worklist.set_rows([worklist_row(True), worklist_row(False)])
    review = ReviewModel()
    review.reset_ids([2, 3], {2: review_row(True), 3: replace(review_row(False),
                                                              person_id=3)})
    overdue = flag(worklist, 0, COL_ATTENTION)
    blocked = flag(review, 0, COL_SI_STATE)
    assert overdue[:4] == ("Overdue", "Overdue", FLAG_COLOUR, True)
    assert blocked[:4] == (BLOCKED_TEXT, BLOCKED_TEXT, FLAG_COLOUR, True)
    assert "Close it or switch the person to another toolkit" in overdue[4]
    assert "cannot start until the Pre-Intervention Module is completed" in blocked[4]
    assert review.index(0, COL_SI_STATE).data(R.FontRole).bold()
    # Not flagged: the words alone, in the ordinary colour, no icon.
    assert flag(worklist, 1, COL_ATTENTION)[:4] == ("Close by 29/07/2022",) * 2 + (None,
                                                                                  False)
    assert flag(review, 1, COL_SI_STATE)[:4] == ("Awaiting start",) * 2 + (None, False)
    # Numbers sit right.
    assert review.index(0, 8).data(R.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
