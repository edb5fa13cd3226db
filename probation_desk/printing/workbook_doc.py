"""The workbook's document: its page frame, running header and page numbers (artifacts for
screen readers), and where each person's copy starts and ends in a file of several."""

from __future__ import annotations

from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
)

from probation_desk.printing.fonts import BODY_BOLD_FONT, BODY_FONT
from probation_desk.printing.layout import (
    _FRAMES,
    _PAGES,
    AUTHOR,
    Look,
    PersonStart,
    Recorded,
    SectionMark,
)
from probation_desk.printing.tagging import END, FOOTER, HEADER, tags_of


class WorkbookDoc(BaseDocTemplate):
    """One page design: the header and the page number in the same place on every page.

    Page numbers count from each :class:`PersonStart`, so one PDF can hold several
    people's copies. ``on_person`` is called as each copy after the first begins (with
    the number of copies finished), and after the last page.
    """

    def __init__(self, out: Any, look: Look, *, title: str, subject: str, lang: str,
                 running_header: str, on_person: Any = None, page_word: str = "Page") -> None:
        super().__init__(
            out, pagesize=look.page, leftMargin=look.margin, rightMargin=look.margin,
            topMargin=look.margin + look.header_band,
            bottomMargin=look.margin + look.footer_band, title=title, author=AUTHOR,
            creator=AUTHOR, subject=subject, lang=lang, invariant=1,
            pageCompression=1,
            # Otherwise every page names Helvetica (not embedded) in its preamble.
            initialFontName=BODY_FONT, initialFontSize=look.body, initialLeading=look.leading)
        self.look = look
        self.running_header = running_header
        self.page_word = page_word
        self.on_person = on_person
        self.first_page = 1
        self.copies_started = 0
        self.page_counts: list[int] = []
        self.sides = 0
        """Pages in the output (A4 sides for a booklet), set when the build is done."""
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._begin,
                                            onPageEnd=self._decorate)])
        self.recording: tuple[Any, int] | None = None
        self.recorded: dict[tuple[Any, int], list[Recorded]] = {}
        self._page_start = 0
        self._number_style = ParagraphStyle("number", fontName=BODY_BOLD_FONT,
                                            fontSize=look.body, alignment=TA_CENTER)

    def afterFlowable(self, flowable: Flowable) -> None:
        """Note where each person's copy begins, and which static section is drawn."""
        if isinstance(flowable, SectionMark):
            where = (flowable.key, flowable.index)
            tags = tags_of(self.canv)
            self.recording = (where if flowable.key is not None and where not in self.recorded
                              and where not in _PAGES
                              and (tags is None or tags.page_is_fresh) else None)
            if self.recording is not None:
                self.recorded[where] = []
                self._page_start = len(self.canv._code)  # what came before is not its own
            return
        if isinstance(flowable, PersonStart | PageBreak):
            self.recording = None
        if isinstance(flowable, PersonStart):
            if self.copies_started:
                self.page_counts.append(self.page - self.first_page)
                if self.on_person is not None:
                    self.on_person(self.copies_started)
            self.copies_started += 1
            self.first_page = self.page

    def _begin(self, canvas: Canvas, doc: Any) -> None:
        self._page_start = len(canvas._code)

    def _decorate(self, canvas: Canvas, doc: Any) -> None:
        if self.recording is not None:
            tags = tags_of(canvas)
            self.recorded[self.recording].append(
                (tuple(canvas._code[self._page_start:]),
                 tags.recorded() if tags is not None else None))
        number = self.page - self.first_page + 1
        seed = getattr(canvas, "_pd_seed", None)
        key = (self.look, self.running_header, number, seed)
        ops = _FRAMES.get(key) if seed is not None else None
        if ops is not None:
            canvas._code.extend(ops)
            return
        start = len(canvas._code)
        self._draw_frame(canvas, number)
        if seed is not None and len(_FRAMES) < 4096:
            _FRAMES[key] = tuple(canvas._code[start:])

    def _draw_frame(self, canvas: Canvas, number: int) -> None:
        look = self.look
        width, height = look.page
        canvas.saveState()
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setStrokeColorRGB(0, 0, 0)
        top = height - look.margin - look.body
        canvas.addLiteral(HEADER)
        canvas.setFont(BODY_FONT, look.body)
        canvas.drawString(look.margin, top, self.running_header)
        canvas.setLineWidth(0.8)
        rule = top - look.body * 0.6
        canvas.line(look.margin, rule, width - look.margin, rule)
        canvas.addLiteral(END)
        canvas.addLiteral(FOOTER)
        canvas.setFont(BODY_BOLD_FONT, look.body)
        canvas.drawCentredString(width / 2, look.margin, f"{self.page_word} {number}")
        canvas.addLiteral(END)
        canvas.restoreState()

    def finish(self) -> None:
        """Close the last copy's page count; keep the static pages recorded."""
        self.page_counts.append(self.page - self.first_page + 1)
        for where, pages in self.recorded.items():
            if pages:
                _PAGES.setdefault(where, tuple(pages))
