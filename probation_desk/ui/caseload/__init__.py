"""The Caseload section, split as Anki splits its browser table: ``state`` (what the list
shows: query, columns, cells), ``model`` (ids and rows), ``view`` (table and search box)
and ``page`` (the section itself)."""

from probation_desk.ui.caseload.model import CaseloadModel
from probation_desk.ui.caseload.page import CaseloadPage
from probation_desk.ui.caseload.state import (
    COL_MODULE,
    COL_OPEN,
    COL_RAR,
    COLUMNS,
    ID_PAGE,
    Query,
    cells,
)

__all__ = ["COLUMNS", "COL_MODULE", "COL_OPEN", "COL_RAR", "ID_PAGE", "CaseloadModel",
           "CaseloadPage", "Query", "cells"]
