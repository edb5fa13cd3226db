"""The caseload list's query state: what it shows (filter and sort), its columns, and
how a row's cells read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import QColor

from probation_desk.domain.module import ModuleStatus

if TYPE_CHECKING:
    from probation_desk.services.caseload_sql import CaseloadFilter, CaseRow


ID_PAGE = 200
"""Ids fetched per window."""
ROW_PAGE = 100
"""Rows built per background fetch."""
MAX_ROWS = 5000
"""Rows kept in memory; the least recently fetched are dropped and rebuilt if needed."""
SEARCH_DELAY_MS = 150
FIND_PAGES = 25
"""How many windows of ids past the first a reload reads to keep the current person
selected (5,000 rows); further down, the list lets go of them."""

COLUMNS: tuple[tuple[str, str], ...] = (
    ("CRN", "crn"), ("Name", "name"), ("Region", "region"), ("PDU", "pdu"),
    ("Practitioner", "practitioner"), ("Open NSIs", "open_nsis"), ("Module", "module"),
    ("RAR days", ""),
)
"""Column headings with their sort keys ('' cannot be sorted)."""
COL_OPEN, COL_MODULE, COL_RAR = 5, 6, 7
OVER_COLOUR = QColor("#8a1c1c")
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole.value
_ALIGN = Qt.ItemDataRole.TextAlignmentRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_DESCRIPTION = Qt.ItemDataRole.AccessibleDescriptionRole.value
_USER = Qt.ItemDataRole.UserRole.value
_ROLES = frozenset({_DISPLAY, _ACCESSIBLE, _ALIGN, _FOREGROUND, _TOOLTIP, _DESCRIPTION,
                    _USER})
_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value


@dataclass(frozen=True)
class Query:
    """What the list shows: the filter and the sort."""

    filter: CaseloadFilter
    sort: str = "crn"
    descending: bool = False


def module_text(status: str) -> str:
    """'Completed and revisited' for 'REVISITED'."""
    try:
        return ModuleStatus[status].value
    except KeyError:
        return status


def rar_text(row: CaseRow) -> str:
    """'7/20', or '22/20 over' when over the court's maximum (a word, not colour alone)."""
    if not row.rar_text:
        return "No RAR"
    return f"{row.rar_text} over" if row.rar_over else row.rar_text


def cells(row: CaseRow) -> list[str]:
    """A row as shown."""
    return [row.crn, row.name, row.region, row.pdu, row.practitioner, str(row.open_nsis),
            module_text(row.module_status), rar_text(row)]
