"""Printed table reports (ReportLab): landscape A4, the header row repeated on every page,
"Page x of y", and the filters and date printed under the title.

Every cell is user text, so it is escaped before it reaches Paragraph markup.

Columns are sized from what they hold (:func:`column_widths`): each is at least as wide
as its longest word, so headings and cells wrap between words and never inside one
("Days since last session", "Staffordshire"); the room left over goes to the columns
whose text is longest. When even the longest words do not fit across the page, the type
gets smaller (down to :data:`SMALLEST` points) before a word may be broken.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from probation_desk.printing.fonts import BODY_BOLD_FONT, BODY_FONT, register_fonts
from probation_desk.private_files import private_file


class _NumberedCanvas(Canvas):
    """A canvas that knows the page count when it writes each footer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width, _ = self._pagesize
        self.setFont(BODY_FONT, 10)
        self.setFillColor(colors.black)
        self.drawRightString(width - 12 * mm, 8 * mm, f"Page {self._pageNumber} of {total}")
        self.drawString(12 * mm, 8 * mm, "Probation Desk: official-sensitive, handle with care")


PADDING = 3
"""Left and right padding inside each cell (points)."""
SIZES = (8.0, 7.5, 7.0, 6.5, 6.0)
"""Type sizes tried in turn until every column's longest word fits across the page."""
SMALLEST = SIZES[-1]
LONGEST_LINE_MM = 60
"""A column's text is wrapped beyond this width even when there is room."""


def _widest(texts: list[str], font: str, size: float, *, words: bool) -> float:
    """The widest word (or whole text) among ``texts``, in points."""
    best = 0.0
    for text in texts:
        for part in (text.split() if words else [" ".join(text.split())]):
            best = max(best, stringWidth(part, font, size))
    return best


def column_widths(columns: list[str], rows: list[list[str]], usable: float,
                  size: float) -> list[float] | None:
    """Widths (points) giving each column room for its longest word at ``size``.

    None when the longest words alone do not fit in ``usable``. Room left over is shared
    evenly among the columns whose longest text (up to :data:`LONGEST_LINE_MM`) is wider
    than their longest word, none taking more than it wants; anything still left is
    shared in proportion to width.
    """
    pad = 2 * PADDING + 1
    lowest, natural = [], []
    for i, heading in enumerate(columns):
        cells = [r[i] for r in rows if i < len(r)]
        word = max(_widest([heading], BODY_BOLD_FONT, size, words=True),
                   _widest(cells, BODY_FONT, size, words=True)) + pad
        whole = max(_widest([heading], BODY_BOLD_FONT, size, words=False),
                    _widest(cells, BODY_FONT, size, words=False)) + pad
        lowest.append(word)
        natural.append(max(word, min(whole, LONGEST_LINE_MM * mm)))
    if sum(lowest) > usable:
        return None
    spare = usable - sum(lowest)
    wants = [n - w for n, w in zip(natural, lowest, strict=True)]
    if sum(wants) >= spare:
        # Share it out evenly, a column wanting less than its share taking only what it
        # wants (so short texts stay on one line and the long ones wrap evenly).
        extra = [0.0] * len(wants)
        waiting = sorted(range(len(wants)), key=wants.__getitem__)
        while waiting:
            share = spare / len(waiting)
            i = waiting.pop(0)
            extra[i] = min(wants[i], share)
            spare -= extra[i]
        return [w + e for w, e in zip(lowest, extra, strict=True)]
    widths = list(natural)
    left = usable - sum(widths)
    total = sum(widths)
    return [w + left * w / total for w in widths]


def render_table_report(out: str | Path, *, title: str, subtitle: str, columns: list[str],
                        rows: list[list[str]]) -> int:
    """Write a landscape table report; returns the page count."""
    register_fonts()
    page = landscape(A4)
    margin = 12 * mm
    usable = page[0] - 2 * margin
    size, widths = SMALLEST, None
    for size in SIZES:
        widths = column_widths(columns, rows, usable, size)
        if widths is not None:
            break
    if widths is None:  # a word too long for any column: it is broken, the page still prints
        size, widths = SMALLEST, [usable / len(columns)] * len(columns)
    cell = ParagraphStyle("cell", fontName=BODY_FONT, fontSize=size, leading=size * 1.25,
                          alignment=TA_LEFT)
    head = ParagraphStyle("head", parent=cell, fontName=BODY_BOLD_FONT)
    title_style = ParagraphStyle("title", fontName=BODY_BOLD_FONT, fontSize=16, leading=20)
    sub_style = ParagraphStyle("sub", fontName=BODY_FONT, fontSize=10, leading=13)
    data = [[Paragraph(escape(c), head) for c in columns]]
    data += [[Paragraph(escape(v), cell) for v in r] for r in rows]
    if not rows:
        data.append([Paragraph("No people match these filters.", cell)]
                    + [Paragraph("", cell)] * (len(columns) - 1))
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ]))
    with private_file(out) as fh:
        return _render(fh, page, margin, title, subtitle, title_style, sub_style, table)


def _render(fh: Any, page: Any, margin: float, title: str, subtitle: str, title_style: Any,
            sub_style: Any, table: Any) -> int:
    doc = SimpleDocTemplate(
        fh, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
        bottomMargin=16 * mm, title=title, author="Probation Desk", lang="en-GB",
        invariant=1)
    story = [Paragraph(escape(title), title_style), Paragraph(escape(subtitle), sub_style),
             Spacer(1, 4 * mm), table]
    doc.build(story, canvasmaker=_NumberedCanvas)
    return int(doc.page)
