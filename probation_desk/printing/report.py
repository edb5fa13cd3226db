"""Printed table reports (ReportLab), tagged so that a screen reader reads them as tables.

Landscape A4, the title and the filters at the top, "Page x of y" at the foot. The rows
are a real table: a header row (repeated at the top of every page, as a page artifact
after the first), then one row per person. A page holds only as many columns as fit
at a readable size (:data:`SIZE`): when there are more, the table is printed in parts,
each part a table of its own that starts with the key columns (the CRN and the name)
so every row still says whose it is. Totals follow: for each column asked for, how
many people have each value, and the total. Every cell is user text, so it is escaped
before it reaches Paragraph markup.

Columns are sized from what they hold (:func:`column_widths`): each is at least as wide
as its longest word, so headings and cells wrap between words and never inside one
("Days since last session", "Staffordshire"); the room left over goes to the columns
whose text is longest. Only when even one column beside the key columns will not fit
does the type get smaller (down to :data:`SMALLEST` points), and only then may a word
be broken.

The structure (:mod:`.tagging`): the title (H1), the filters and the handling note (P),
each part's heading (H2) and its table (Table, TR, TH with column scope, TD); the page
numbers, the rules and the shading are artifacts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
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
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus.paragraph import _SplitWord, _SplitWordEnd
from reportlab.platypus.tables import TableRenderCB

from probation_desk.printing.fonts import BODY_BOLD_FONT, BODY_FONT, register_fonts
from probation_desk.printing.tagging import (
    ARTIFACT,
    END,
    FOOTER,
    PAGINATION,
    TaggedCanvas,
    tags_of,
)
from probation_desk.private_files import private_file

HANDLING = "Probation Desk: official-sensitive, handle with care"
"""The handling note printed at the foot of every page (and read once under the title)."""


@dataclass(frozen=True)
class ReportWords:
    """The words printed around a table report, in one language (English by default;
    ``services.report_words`` has the Welsh)."""

    lang: str = "en-GB"
    page_of: str = "Page {n} of {total}"
    part_of: str = "Part {n} of {total}: {columns}"
    totals: str = "Totals"
    total: str = "Total"
    rows: str = "Rows"
    people: str = "People"
    none: str = "No people match these filters."
    handling: str = HANDLING


class _NumberedCanvas(TaggedCanvas):
    """A tagged canvas that knows the page count when it writes each footer."""

    words = ReportWords()
    """Set on a subclass made for each report (its language)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pd_tags.end_page()
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._footer(total)
            Canvas.showPage(self)
        self.write_tags()
        Canvas.save(self)

    def _footer(self, total: int) -> None:
        width, _ = self._pagesize
        self.addLiteral(FOOTER)
        self.setFont(BODY_FONT, 10)
        self.setFillColor(colors.black)
        self.drawRightString(width - 12 * mm, 8 * mm,
                             self.words.page_of.format(n=self._pageNumber, total=total))
        self.drawString(12 * mm, 8 * mm, self.words.handling)
        self.addLiteral(END)


class Spaced(Paragraph):
    """A paragraph of plain text whose lines broken between words end in an unseen
    space, so the words stay apart when the text is read back (by a screen reader too)."""

    def breakLines(self, width: Any) -> Any:
        para = super().breakLines(width)
        if para.kind == 0:
            for _extra, words in para.lines[:-1]:
                if words and not (isinstance(words[-1], _SplitWord)
                                  and not isinstance(words[-1], _SplitWordEnd)):
                    words.append("")
        return para


class Tagged(Spaced):
    """A paragraph that is one structure element of ``role`` (H1, H2, P)."""

    def __init__(self, text: str, style: ParagraphStyle, role: str = "P") -> None:
        super().__init__(escape(text), style)
        self.role = role

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        tags = tags_of(canvas)
        if tags is not None:
            canvas.addLiteral(tags.begin(self.role))
        super().drawOn(canvas, x, y, _sW)
        if tags is not None:
            canvas.addLiteral(END)


class Cell(Spaced):
    """A table cell: its row in the whole table, and whether it is a column heading."""

    def __init__(self, text: str, style: ParagraphStyle, row: int, header: bool) -> None:
        super().__init__(escape(text), style)
        self.text = text
        self.row = row
        self.header = header


class _TableTags(TableRenderCB):
    """Tags one table as ReportLab draws it, over as many pages as it takes: a TR per row,
    TH or TD per cell; a header row drawn again on a later page is an artifact."""

    def __init__(self) -> None:
        self.canvas: Canvas | None = None
        self.row = -1
        self.open = False
        self.marking = False
        self.drawn_headers: set[tuple[int, int]] = set()

    def _tags(self, table: Any) -> Any:
        return tags_of(table.canv)

    def startTable(self, table: Any) -> None:
        tags = self._tags(table)
        if tags is not None and not self.open:
            tags.open("Table")
            self.open = True

    def startBG(self, table: Any) -> None:
        table.canv.addLiteral(ARTIFACT)

    def endBG(self, table: Any) -> None:
        table.canv.addLiteral(END)

    def startRow(self, table: Any, row: int) -> None:
        """Rows are told apart by the cells' own row numbers (see startCell)."""

    def startCell(self, table: Any, row: int, col: int, cell: Any, style: Any, pos: Any,
                  size: Any) -> None:
        tags = self._tags(table)
        self.marking = False
        if isinstance(cell, tuple | list) and len(cell) == 1:
            cell = cell[0]  # ReportLab hands a cell's flowables over as a tuple
        if tags is None or not isinstance(cell, Cell):
            return
        repeat = cell.header and (cell.row, col) in self.drawn_headers
        if repeat:
            table.canv.addLiteral(PAGINATION)
            self.marking = True
            return
        if cell.header:
            self.drawn_headers.add((cell.row, col))
        if cell.row != self.row:
            if self.row >= 0:
                tags.close()
            tags.open("TR")
            self.row = cell.row
        role = "TH" if cell.header else "TD"
        if cell.text.strip():
            table.canv.addLiteral(tags.begin(role))
            self.marking = True
        else:
            tags.open(role)  # an empty cell is still a cell of its row
            tags.close()

    def endCell(self, table: Any) -> None:
        if self.marking:
            table.canv.addLiteral(END)
            self.marking = False

    def endRow(self, table: Any) -> None:
        """Nothing to do: a row ends when the next begins, or the table ends."""

    def startLines(self, table: Any) -> None:
        table.canv.addLiteral(ARTIFACT)

    def endLines(self, table: Any) -> None:
        table.canv.addLiteral(END)

    def endTable(self, table: Any) -> None:
        """A part of the table is drawn; the table itself ends with :class:`_EndTable`."""


class _EndTable(Flowable):
    """Zero-size marker after a table: closes its last row and the table itself."""

    def __init__(self, table_tags: _TableTags) -> None:
        super().__init__()
        self.table_tags = table_tags
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        tags = tags_of(canvas)
        t = self.table_tags
        if tags is not None and t.open:
            if t.row >= 0:
                tags.close()
            tags.close()
            t.open = False


PADDING = 3
"""Left and right padding inside each cell (points)."""
SIZE = 10.0
"""The type size of the table when its columns fit (in parts if need be)."""
SIZES = (SIZE, 9.0, 8.0, 7.0, 6.0)
"""Type sizes tried in turn when even one column beside the key columns will not fit."""
SMALLEST = SIZES[-1]
LONGEST_LINE_MM = 60
"""A column's text is wrapped beyond this width even when there is room."""
COMFORTABLE_MM = 40
"""A part takes another column only while every column can have its text up to this
wide on one line (or its longest word, if wider): fewer, wider columns, fewer lines."""


def _widest(texts: list[str], font: str, size: float, *, words: bool) -> float:
    """The widest word (or whole text) among ``texts``, in points."""
    best = 0.0
    for text in texts:
        for part in (text.split() if words else [" ".join(text.split())]):
            best = max(best, stringWidth(part, font, size))
    return best


def _needs(heading: str, cells: list[str], size: float) -> tuple[float, float]:
    """(longest word, longest whole text) of a column, padding included."""
    pad = 2 * PADDING + 1
    word = max(_widest([heading], BODY_BOLD_FONT, size, words=True),
               _widest(cells, BODY_FONT, size, words=True)) + pad
    whole = max(_widest([heading], BODY_BOLD_FONT, size, words=False),
                _widest(cells, BODY_FONT, size, words=False)) + pad
    return word, whole


def column_widths(columns: list[str], rows: list[list[str]], usable: float,
                  size: float) -> list[float] | None:
    """Widths (points) giving each column room for its longest word at ``size``.

    None when the longest words alone do not fit in ``usable``. Room left over is shared
    evenly among the columns whose longest text (up to :data:`LONGEST_LINE_MM`) is wider
    than their longest word, none taking more than it wants; anything still left is
    shared in proportion to width.
    """
    lowest, natural = [], []
    for i, heading in enumerate(columns):
        word, whole = _needs(heading, [r[i] for r in rows if i < len(r)], size)
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


def column_parts(columns: list[str], rows: list[list[str]], usable: float,
                 keys: int) -> list[list[int]]:
    """The columns of each part of the table, in order; each part starts with the first
    ``keys`` columns and holds as many of the rest as fit comfortably at :data:`SIZE`
    (see :data:`COMFORTABLE_MM`), and always at least one."""
    keys = min(keys, len(columns) - 1) if len(columns) > 1 else 0
    comfortable = []
    for i, heading in enumerate(columns):
        word, whole = _needs(heading, [r[i] for r in rows if i < len(r)], SIZE)
        comfortable.append(max(word, min(whole, COMFORTABLE_MM * mm)))
    key_width = sum(comfortable[:keys])
    parts: list[list[int]] = []
    part: list[int] = []
    used = key_width
    for i in range(keys, len(columns)):
        if part and used + comfortable[i] > usable:
            parts.append(part)
            part, used = [], key_width
        part.append(i)
        used += comfortable[i]
    if part or not parts:
        parts.append(part)
    # Even the parts out, so the last is not left with one column.
    count = len(parts)
    rest = list(range(keys, len(columns)))
    if count > 1:
        size, extra = divmod(len(rest), count)
        even, start = [], 0
        for n in range(count):
            end = start + size + (1 if n < extra else 0)
            even.append(rest[start:end])
            start = end
        fits = all(key_width + sum(comfortable[i] for i in p) <= usable or len(p) == 1
                   for p in even)
        if fits:
            parts = even
    return [list(range(keys)) + p for p in parts]


def _table(columns: list[str], rows: list[list[str]], usable: float) -> list[Flowable]:
    """One table (and its closing marker) with its columns sized to fit ``usable``."""
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
    data: list[list[Any]] = [[Cell(c, head, 0, True) for c in columns]]
    data += [[Cell(v, cell, n, False) for v in r] for n, r in enumerate(rows, start=1)]
    table_tags = _TableTags()
    table = LongTable(data, colWidths=widths, repeatRows=1, renderCB=table_tags, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        # The cells are paragraphs with their own fonts; this is the table's own, which
        # it selects before each cell: the embedded font, not an unembedded Helvetica.
        ("FONT", (0, 0), (-1, -1), BODY_FONT, size),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ]))
    return [table, _EndTable(table_tags)]


def totals(columns: list[str], rows: list[list[str]],
           count_by: Sequence[str]) -> list[tuple[str, list[tuple[str, int]]]]:
    """For each column in ``count_by``: how many rows have each value (most first, then
    by value; a blank cell counts as "(blank)")."""
    out = []
    for name in count_by:
        if name not in columns:
            raise ValueError(f"There is no column {name!r} to count.")
        i = columns.index(name)
        counts = Counter((r[i].strip() if i < len(r) else "") or "(blank)" for r in rows)
        out.append((name, sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))
    return out


def render_table_report(out: str | Path, *, title: str, subtitle: str, columns: list[str],
                        rows: list[list[str]], key_columns: int = 2,
                        count_by: Sequence[str] = (),
                        words: ReportWords = ReportWords()) -> int:
    """Write a landscape table report; returns the page count.

    ``key_columns``: how many leading columns say whose a row is (repeated in every part
    when the columns do not fit across one page). ``count_by``: columns whose values are
    counted in the totals at the end (every report ends with the number of rows).
    """
    register_fonts()
    page = landscape(A4)
    margin = 12 * mm
    usable = page[0] - 2 * margin
    title_style = ParagraphStyle("title", fontName=BODY_BOLD_FONT, fontSize=16, leading=20)
    part_style = ParagraphStyle("part", fontName=BODY_BOLD_FONT, fontSize=12, leading=15,
                                spaceBefore=4 * mm, spaceAfter=2 * mm)
    sub_style = ParagraphStyle("sub", fontName=BODY_FONT, fontSize=10, leading=13)
    story: list[Flowable] = [Tagged(title, title_style, "H1"), Tagged(subtitle, sub_style),
                             Tagged(f"{words.handling}.", sub_style), Spacer(1, 2 * mm)]
    if not rows:
        story.append(Tagged(words.none, sub_style))
    else:
        parts = column_parts(columns, rows, usable, key_columns)
        for n, part in enumerate(parts, start=1):
            names = [columns[i] for i in part]
            if len(parts) > 1:
                story += [CondPageBreak(40 * mm),
                          Tagged(words.part_of.format(n=n, total=len(parts),
                                                      columns=", ".join(names)),
                                 part_style, "H2")]
            story += _table(names, [[r[i] if i < len(r) else "" for i in part] for r in rows],
                            usable)
    story += [CondPageBreak(40 * mm), Tagged(words.totals, part_style, "H2")]
    everyone = [words.total, f"{len(rows):,}"]
    for name, counts in totals(columns, rows, count_by):
        story += _table([name, words.people],
                        [[value, f"{n:,}"] for value, n in counts] + [everyone], usable / 2)
        story.append(Spacer(1, 3 * mm))
    if not count_by:
        story += _table([words.rows, words.people], [everyone], usable / 2)
    canvas = type("_ReportCanvas", (_NumberedCanvas,), {"words": words})
    with private_file(out) as fh:
        return _render(fh, page, margin, title, story, canvas, words.lang)


def _render(fh: Any, page: Any, margin: float, title: str, story: list[Flowable],
            canvas: type[_NumberedCanvas] = _NumberedCanvas, lang: str = "en-GB") -> int:
    doc = SimpleDocTemplate(
        fh, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
        bottomMargin=16 * mm, title=title, author="Probation Desk", lang=lang,
        invariant=1, initialFontName=BODY_FONT, initialFontSize=10, initialLeading=13)
    doc.build(story, canvasmaker=canvas)
    return int(doc.page)
