"""How a list's cell is shown, once for every list: text, and for a cell that needs
attention its icon, colour, bold and tooltip (never colour alone: an icon or word too).

A list model describes each row as :class:`Cell` values and answers Qt's ``data()``
with :func:`cell_data`; the Review list and the Worklist both do, so a flagged cell
("Overdue", "Blocked: module not completed") looks and reads the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

FLAG_COLOUR = QColor("#8a1c1c")
"""The dark red of a cell that needs attention (always with an icon or a word)."""

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Cell:
    """One cell as shown."""

    text: str
    tip: str | None = None
    """The tooltip (None: the text itself, when there is any)."""
    icon: QIcon | None = None
    colour: QColor | None = None
    bold: bool = False
    right: bool = False
    """Aligned right (numbers)."""


def flagged(text: str, tip: str, icon: QIcon, *, bold: bool = False) -> Cell:
    """A cell that needs attention: its words, a warning icon, the flag colour, a tip."""
    return Cell(text, tip, icon, FLAG_COLOUR, bold)


def cell_data(cell: Cell, role: int) -> Any:
    """What Qt's ``data(index, role)`` returns for ``cell``."""
    if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
        return cell.text
    if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
        # The whole text (or its explanation), for a cell too narrow to show it all.
        return cell.tip if cell.tip is not None else (cell.text or None)
    if role == Qt.ItemDataRole.DecorationRole:
        return cell.icon
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(cell.colour) if cell.colour is not None else None
    if role == Qt.ItemDataRole.FontRole and cell.bold:
        bold = QFont()
        bold.setBold(True)
        return bold
    if role == Qt.ItemDataRole.TextAlignmentRole and cell.right:
        return _RIGHT
    return None
