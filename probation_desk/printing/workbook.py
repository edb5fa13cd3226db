"""Workbooks people on probation write in: clear print, large print, A5 booklets, fillable.

The content is data (``resources/workbooks/<name>.json``); this module lays any such
template out. Clear print: body 14 pt sans-serif, left-aligned, 1.5 line spacing, the
heading and page number always in the same place. Large print: body 18 pt, A4 only.
A booklet is laid out on A5 and imposed two-up on A4 landscape in saddle-stitch order
(each A5 page drawn as a form XObject and placed on the sheet); fields do not survive
that, so a booklet is print-only. A fillable copy has a
multi-line form field over every writing space; fields are never pre-filled, because
ReportLab fields only take the standard 14 fonts (which lack Welsh letters): the name
and other details are printed in the page text instead.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
)

from probation_desk.domain.catalogue import resources_dir
from probation_desk.domain.dates import uk
from probation_desk.printing.fonts import BODY_BOLD_FONT, BODY_FONT, FIELD_FONT, register_fonts

BOOKLET_FILLABLE_MESSAGE = (
    "A folded booklet is for printing only, so it cannot have fillable fields. "
    "Choose one or the other.")
LARGE_PRINT_BOOKLET_MESSAGE = (
    "Large print is printed on A4 pages, never as an A5 booklet. Choose large print or "
    "the booklet.")


class WorkbookOptionError(ValueError):
    """A combination of options that cannot be printed; the message says why."""


@dataclass(frozen=True)
class WorkbookPerson:
    """What a personalised workbook shows. ``crn`` is printed only when chosen."""

    name: str
    crn: str | None
    practitioner: str | None = None
    supporter: str | None = None
    printed_on: dt.date | None = None


@dataclass(frozen=True)
class WorkbookOptions:
    """How to print."""

    large_print: bool = False
    booklet: bool = False
    fillable: bool = False
    template: str = "pre_intervention_module"
    show_crn: bool = True

    def check(self) -> None:
        """Refuse combinations that cannot be printed."""
        if self.booklet and self.fillable:
            raise WorkbookOptionError(BOOKLET_FILLABLE_MESSAGE)
        if self.booklet and self.large_print:
            raise WorkbookOptionError(LARGE_PRINT_BOOKLET_MESSAGE)


@dataclass(frozen=True)
class Prompt:
    """One question with room to write."""

    id: str
    text: str
    lines: int


@dataclass(frozen=True)
class Section:
    """A heading, some plain text and the prompts under it."""

    heading: str
    text: tuple[str, ...]
    prompts: tuple[Prompt, ...]
    personal_details: bool = False


@dataclass(frozen=True)
class Template:
    """A workbook's content."""

    id: str
    title: str
    short_title: str
    sections: tuple[Section, ...]


@cache
def load_template(name: str) -> Template:
    """Read ``resources/workbooks/<name>.json`` (cached)."""
    path = resources_dir() / "workbooks" / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    sections = tuple(
        Section(
            heading=s["heading"], text=tuple(s.get("text", ())),
            prompts=tuple(Prompt(p["id"], p["text"], int(p.get("lines", 4)))
                          for p in s.get("prompts", ())),
            personal_details=bool(s.get("personal_details", False)))
        for s in data["sections"])
    ids = [p.id for s in sections for p in s.prompts]
    if len(ids) != len(set(ids)):
        raise ValueError(f"workbook {name}: prompt ids must be unique")
    return Template(data.get("id", name), data["title"], data.get("short_title", data["title"]),
                    sections)


def available_templates() -> list[str]:
    """The workbooks there are data files for."""
    return sorted(p.stem for p in (resources_dir() / "workbooks").glob("*.json"))


def field_names(template: Template) -> list[str]:
    """The form field names of a fillable copy (one per writing space)."""
    names = [p.id for s in template.sections for p in s.prompts]
    for s in template.sections:
        if s.personal_details:
            names = [f"about_{key}" for key, _ in _DETAIL_LABELS] + names
    return names


_DETAIL_LABELS = (("name", "My name"), ("crn", "My CRN"), ("practitioner",
                  "My probation practitioner"), ("supporter", "My supporter"),
                  ("date", "Date"))


# ------------------------------------------------------------------ layout
@dataclass(frozen=True)
class _Look:
    page: tuple[float, float]
    margin: float
    body: float
    heading: float

    @property
    def leading(self) -> float:
        return self.body * 1.5


def _look(options: WorkbookOptions) -> _Look:
    if options.large_print:
        return _Look(A4, 20 * mm, 18, 26)
    if options.booklet:
        return _Look(A5, 13 * mm, 14, 19)
    return _Look(A4, 20 * mm, 14, 22)


LONG_SPACE = 6
"""Writing spaces longer than this many lines may be split over a page break."""


class WritingLines(Flowable):
    """Ruled lines to write on; with ``field`` set, a form field over them."""

    def __init__(self, lines: int, gap: float, field: str | None = None) -> None:
        super().__init__()
        self.lines = lines
        self.gap = gap
        self.field = field

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self.lines * self.gap + 4
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """Carry on over the page break: as many lines here as fit, the rest overleaf."""
        here = int((avail_height - 4) // self.gap)
        if here < 2 or here >= self.lines:
            return []
        rest_field = f"{self.field}_continued" if self.field else None
        return [WritingLines(here, self.gap, self.field),
                WritingLines(self.lines - here, self.gap, rest_field)]

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColorRGB(0.25, 0.25, 0.25)
        c.setLineWidth(0.7)
        for i in range(1, self.lines + 1):
            y = self.height - i * self.gap
            c.line(0, y, self.width, y)
        if self.field:
            c.acroForm.textfield(
                name=self.field, tooltip=self.field.replace("_", " "), x=0, y=0,
                width=self.width, height=self.height, fontName=FIELD_FONT,
                fontSize=12, borderWidth=0, fillColor=None, borderColor=None,
                fieldFlags="multiline", value="", relative=True)


def _styles(look: _Look) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=BODY_FONT, fontSize=look.body, leading=look.leading,
                          alignment=TA_LEFT, spaceAfter=look.body * 0.6)
    return {
        "body": body,
        "prompt": ParagraphStyle("prompt", parent=body, fontName=BODY_BOLD_FONT,
                                 spaceBefore=look.body * 0.6, spaceAfter=look.body * 0.3),
        "heading": ParagraphStyle("heading", parent=body, fontName=BODY_BOLD_FONT,
                                  fontSize=look.heading, leading=look.heading * 1.3,
                                  spaceAfter=look.body),
        "title": ParagraphStyle("title", parent=body, fontName=BODY_BOLD_FONT,
                                fontSize=look.heading + 4, leading=(look.heading + 4) * 1.3,
                                spaceAfter=look.body * 1.5),
    }


def _details(person: WorkbookPerson | None, options: WorkbookOptions,
             st: dict[str, ParagraphStyle], gap: float, prefix: str) -> list[Flowable]:
    """The 'About me' lines: printed from the record, or left blank to write in."""
    out: list[Flowable] = []
    values: dict[str, str | None] = {}
    if person is not None:
        values = {"name": person.name, "crn": person.crn if options.show_crn else None,
                  "practitioner": person.practitioner, "supporter": person.supporter,
                  "date": uk(person.printed_on) if person.printed_on else None}
    for key, label in _DETAIL_LABELS:
        if key == "crn" and person is not None and not options.show_crn:
            continue
        value = values.get(key)
        if value:
            out.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", st["body"]))
        else:
            field = f"{prefix}about_{key}" if options.fillable else None
            out.append(KeepTogether([Paragraph(f"<b>{escape(label)}:</b>", st["body"]),
                                     WritingLines(1, gap, field)]))
    return out


def _story(template: Template, person: WorkbookPerson | None, options: WorkbookOptions,
           look: _Look, prefix: str = "") -> list[Flowable]:
    st = _styles(look)
    gap = look.leading * 1.45
    story: list[Flowable] = [Paragraph(escape(template.title), st["title"])]
    for i, section in enumerate(template.sections):
        if i > 0:
            story.append(PageBreak())
        story.append(Paragraph(escape(section.heading), st["heading"]))
        story.extend(Paragraph(escape(t), st["body"]) for t in section.text)
        if section.personal_details:
            story.extend(_details(person, options, st, gap, prefix))
        for p in section.prompts:
            field = f"{prefix}{p.id}" if options.fillable else None
            # A question stays with its writing space; only long spaces (notes) may
            # run on overleaf, and then with at least three lines under the question.
            question = Paragraph(escape(p.text), st["prompt"])
            if p.lines <= LONG_SPACE:
                story.append(KeepTogether([question, WritingLines(p.lines, gap, field)]))
            else:
                story.append(CondPageBreak(look.leading * 3 + gap * 3))
                story.extend([question, WritingLines(p.lines, gap, field)])
    return story


class _WorkbookDoc(BaseDocTemplate):
    """One page template: the same header and page-number position on every page."""

    def __init__(self, out: Any, template: Template, person: WorkbookPerson | None,
                 look: _Look) -> None:
        title = template.title + (f": {person.name}" if person else "")
        super().__init__(out, pagesize=look.page, leftMargin=look.margin,
                         rightMargin=look.margin, topMargin=look.margin + look.body * 2,
                         bottomMargin=look.margin + look.body * 1.5, title=title,
                         author="Probation Desk", subject=template.short_title,
                         lang="en-GB", invariant=1, creator="Probation Desk")
        self._short = template.short_title
        self._look = look
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame],
                                            onPage=self._decorate)])

    def _decorate(self, canvas: Canvas, doc: Any) -> None:
        look = self._look
        width, height = look.page
        canvas.saveState()
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(BODY_FONT, max(10.0, look.body * 0.75))
        canvas.drawString(look.margin, height - look.margin, self._short)
        canvas.setFont(BODY_BOLD_FONT, look.body)
        canvas.drawRightString(width - look.margin, look.margin, f"Page {doc.page}")
        canvas.restoreState()


def _render_pdf(template: Template, person: WorkbookPerson | None, options: WorkbookOptions,
                out: Any) -> int:
    """Lay the workbook out; returns the number of sides written."""
    look = _look(options)
    doc = _WorkbookDoc(out, template, person, look)
    if options.booklet:
        doc.build(_story(template, person, options, look), canvasmaker=_BookletCanvas)
        return len(booklet_order(int(doc.page)))
    doc.build(_story(template, person, options, look))
    return int(doc.page)


def booklet_order(pages: int) -> list[tuple[int, int]]:
    """Saddle-stitch order: (left, right) page numbers (1-based, 0 = blank) per A4 side.

    ``pages`` is padded to a multiple of four. Sides alternate front and back of each
    sheet; print double-sided, flipping on the short edge, then fold the stack in half.
    """
    n = -(-pages // 4) * 4
    order = []
    for sheet in range(n // 4):
        front = (n - 2 * sheet, 1 + 2 * sheet)
        back = (2 + 2 * sheet, n - 1 - 2 * sheet)
        order.extend([front, back])
    return [(a if a <= pages else 0, b if b <= pages else 0) for a, b in order]


class _BookletCanvas(Canvas):
    """Imposes while it draws: each A5 page becomes a form, placed two-up at the end.

    Far faster than laying out A5 pages and merging them afterwards, and the text stays
    text (nothing is rasterised).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["pagesize"] = (A4[1], A4[0])
        super().__init__(*args, **kwargs)
        self._forms = 0
        self._begin()

    def _begin(self) -> None:
        self._forms += 1
        self.beginForm(f"bookletpage{self._forms}", 0, 0, A5[0], A5[1])

    def setPageSize(self, size: tuple[float, float]) -> None:
        """Keep the A4 landscape sheet whatever platypus asks for."""

    def showPage(self) -> None:
        self.endForm()
        self._begin()

    def save(self) -> None:
        self.endForm()
        pages = self._forms - 1  # the last form was opened but never drawn on
        half = A4[1] / 2
        for left, right in booklet_order(pages):
            for number, x in ((left, 0.0), (right, half)):
                if number:
                    self.saveState()
                    self.translate(x, 0)
                    self.doForm(f"bookletpage{number}")
                    self.restoreState()
            Canvas.showPage(self)
        Canvas.save(self)


def _write(writer: Any, out: str | os.PathLike[str] | BinaryIO) -> None:
    if isinstance(out, str | os.PathLike):
        with open(out, "wb") as fh:
            writer.write(fh)
    else:
        writer.write(out)


def render_workbook(person: WorkbookPerson | None, options: WorkbookOptions,
                    out: str | os.PathLike[str] | BinaryIO) -> int:
    """Write one workbook (``person`` None: a blank copy); returns the output page count."""
    options.check()
    register_fonts()
    template = load_template(options.template)
    target = os.fspath(out) if isinstance(out, str | os.PathLike) else out
    return _render_pdf(template, person, options, target)


def render_many(people: Sequence[WorkbookPerson], options: WorkbookOptions,
                out: str | os.PathLike[str], *, one_file: bool,
                progress: Callable[[int, int], bool] | None = None) -> list[Path]:
    """Workbooks for several people: one PDF at ``out``, or one per person in folder ``out``.

    ``progress(done, total)`` is called after each person; returning False cancels
    (the files already written are kept and listed).
    """
    options.check()
    total = len(people)
    if one_file:
        from pypdf import PdfWriter

        writer = PdfWriter()
        for i, person in enumerate(people):
            buffer = io.BytesIO()
            render_workbook(person, WorkbookOptions(
                options.large_print, options.booklet, False, options.template,
                options.show_crn), buffer)
            writer.append(io.BytesIO(buffer.getvalue()))
            if progress is not None and not progress(i + 1, total):
                break
        target = Path(out)
        _write(writer, target)
        return [target]
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for i, person in enumerate(people):
        safe = "".join(ch for ch in (person.crn or f"person-{i + 1}") if ch.isalnum())
        path = folder / f"workbook-{safe or i + 1}.pdf"
        render_workbook(person, options, path)
        written.append(path)
        if progress is not None and not progress(i + 1, total):
            break
    return written
