"""Printed table reports (ReportLab): landscape A4, the header row repeated on every page,
"Page x of y", and the filters and date printed under the title.

Every cell is user text, so it is escaped before it reaches Paragraph markup.
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
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from probation_desk.files import private_file
from probation_desk.printing.fonts import BODY_BOLD_FONT, BODY_FONT, register_fonts


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


def render_table_report(out: str | Path, *, title: str, subtitle: str, columns: list[str],
                        rows: list[list[str]],
                        col_widths_mm: tuple[float, ...] | None = None) -> int:
    """Write a landscape table report; returns the page count."""
    register_fonts()
    page = landscape(A4)
    margin = 12 * mm
    usable = page[0] - 2 * margin
    cell = ParagraphStyle("cell", fontName=BODY_FONT, fontSize=8, leading=10, alignment=TA_LEFT)
    head = ParagraphStyle("head", parent=cell, fontName=BODY_BOLD_FONT)
    title_style = ParagraphStyle("title", fontName=BODY_BOLD_FONT, fontSize=16, leading=20)
    sub_style = ParagraphStyle("sub", fontName=BODY_FONT, fontSize=10, leading=13)
    data = [[Paragraph(escape(c), head) for c in columns]]
    data += [[Paragraph(escape(v), cell) for v in r] for r in rows]
    if not rows:
        data.append([Paragraph("No people match these filters.", cell)]
                    + [Paragraph("", cell)] * (len(columns) - 1))
    if col_widths_mm:
        scale = usable / (sum(col_widths_mm) * mm)
        widths = [w * mm * scale for w in col_widths_mm]
    else:
        widths = [usable / len(columns)] * len(columns)
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
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
