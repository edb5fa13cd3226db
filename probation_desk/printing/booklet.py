"""A5 booklets imposed two-up on A4 landscape in saddle-stitch order.

Each A5 page is drawn into a form XObject while the document is laid out; when the
document is saved the forms are placed, two to a side, in the order that makes a
booklet when the sides are printed double-sided (flip on the short edge) and the stack
is folded in half. The back sides need no rotation for a short-edge flip. Pages are
padded with blanks to a multiple of four.

This is done inside ReportLab rather than by merging a finished A5 PDF with pypdf
(``merge_transformed_page``): that took about 53 ms a booklet here against a few ms,
and would miss the 200-booklets-in-10-seconds target. The text stays text either way.
Form fields do not survive imposition, so a booklet is print-only.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.pagesizes import A4, A5
from reportlab.pdfgen.canvas import Canvas

from probation_desk.printing.pdfcache import CachingCanvas

SHEET = (A4[1], A4[0])
"""A4 landscape: the paper a booklet is printed on."""


def booklet_order(pages: int) -> list[tuple[int, int]]:
    """Saddle-stitch order: (left, right) page numbers (1-based; 0 = blank) per A4 side.

    ``pages`` is padded to a multiple of four. Sides alternate front and back of each
    sheet: print double-sided, flipping on the short edge, then fold the stack in half.
    """
    if pages < 1:
        return []
    padded = -(-pages // 4) * 4
    order: list[tuple[int, int]] = []
    for sheet in range(padded // 4):
        order.append((padded - 2 * sheet, 1 + 2 * sheet))  # front
        order.append((2 + 2 * sheet, padded - 1 - 2 * sheet))  # back
    return [(a if a <= pages else 0, b if b <= pages else 0) for a, b in order]


class BookletCanvas(CachingCanvas):
    """Imposes while it draws: each A5 page becomes a form, placed two-up on save.

    ``start_booklet()`` (called by the layout's PersonStart marker) begins a new
    booklet in the same file, so several people's booklets can share one PDF.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["pagesize"] = SHEET
        super().__init__(*args, **kwargs)
        self._forms = 0
        self._starts: list[int] = []
        self.sides = 0
        self._begin()

    def _begin(self) -> None:
        self._forms += 1
        self.beginForm(f"a5p{self._forms}", 0, 0, A5[0], A5[1])

    def setPageSize(self, size: tuple[float, float]) -> None:
        """Keep the A4 landscape sheet whatever the layout asks for."""

    def start_booklet(self) -> None:
        """The page being drawn is page 1 of a new booklet."""
        if not self._starts or self._starts[-1] != self._forms:
            self._starts.append(self._forms)

    def showPage(self) -> None:
        self.endForm()
        self._begin()

    def save(self) -> None:
        self.endForm()
        drawn = self._forms - 1  # the last form was begun but never drawn on
        starts = [s for s in self._starts if s <= drawn] or [1]
        if starts[0] != 1:
            starts.insert(0, 1)
        half = SHEET[0] / 2
        for i, first in enumerate(starts):
            last = starts[i + 1] - 1 if i + 1 < len(starts) else drawn
            for left, right in booklet_order(last - first + 1):
                for number, x in ((left, 0.0), (right, half)):
                    if number:
                        self.saveState()
                        self.translate(x, 0)
                        self.doForm(f"a5p{first + number - 1}")
                        self.restoreState()
                Canvas.showPage(self)
                self.sides += 1
        CachingCanvas.save(self)
