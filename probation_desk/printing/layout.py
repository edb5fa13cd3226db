"""How a workbook looks on the page: sizes, styles, the writing spaces and the page frame.

Clear print (the default): body 14 pt DejaVu Sans, left-aligned, 1.5 line spacing,
black on white, generous ruled lines to write on; every piece of text on the page,
the running header and page number included, is at least the body size. Large print:
the same at 18 pt on A4. The booklet lays the same content out on A5 pages.

The text of a template is the same for everyone, so its paragraphs are built (and
their lines broken) once per template and look, then reused for every copy; only the
person's details are new each time. Going further, the pages of a section without the
person's details (every section after the first, in print-only copies) are laid out
once: the first copy records each such page's drawing operators, and later copies
replay them (:class:`ReplayPage`) instead of laying the section out again; the
running header and page number of each page number are likewise drawn once and their
operators added again (:data:`_FRAMES`). That is only sound because every document's
font subsets are seeded with the template's own letters in one fixed order
(:func:`seed_fonts`), so a letter of the template has the same code in every copy
whatever the person's name adds after it. Rendering holds
:data:`RENDER_LOCK` (ReportLab's fonts cannot serve two documents at once anyway),
which is what makes the reuse safe.

In the A4 copies every piece of text is tagged for screen readers as it is drawn (its
structure role and marked content, :mod:`.tagging`), and the header, page numbers and
ruled lines are artifacts; a recorded page keeps what it tagged and replays it too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    PageBreak,
)

from probation_desk.printing.fonts import BODY_BOLD_FONT, BODY_FONT, FIELD_FONT
from probation_desk.printing.tagging import ARTIFACT, END, Log, Tags, tags_of
from probation_desk.printing.template import DETAIL_FIELD_PREFIX, FILL, Template

RENDER_LOCK = threading.RLock()
"""Held while a document is laid out and written."""

AUTHOR = "Probation Desk"


@dataclass(frozen=True)
class Look:
    """Page size and type sizes of one variant."""

    name: str
    page: tuple[float, float]
    margin: float
    body: float
    heading: float
    title: float

    @property
    def leading(self) -> float:
        """Line spacing of body text: 1.5 times the type size."""
        return self.body * 1.5

    @property
    def gap(self) -> float:
        """Distance between ruled writing lines (about 10 mm in clear print)."""
        return round(self.leading * 1.4, 2)

    @property
    def header_band(self) -> float:
        """Room at the top for the running header and its rule."""
        return self.leading + self.body * 0.8

    @property
    def footer_band(self) -> float:
        """Room at the bottom for the page number."""
        return self.leading + self.body * 0.5

    @property
    def frame_height(self) -> float:
        """Height of the text area."""
        return self.page[1] - 2 * self.margin - self.header_band - self.footer_band


CLEAR_A4 = Look("clear print, A4", A4, 18 * mm, 14, 20, 24)
LARGE_A4 = Look("large print, A4", A4, 18 * mm, 18, 24, 28)
CLEAR_A5 = Look("clear print, A5 booklet", A5, 12 * mm, 14, 18, 21)


def look_for(*, large_print: bool, booklet: bool) -> Look:
    """The look of a variant (large print is A4 only; the caller has checked that)."""
    if large_print:
        return LARGE_A4
    return CLEAR_A5 if booklet else CLEAR_A4


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of one look."""

    body: ParagraphStyle
    prompt: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle


@cache
def styles(look: Look) -> Styles:
    """Paragraph styles for a look (left-aligned, black, 1.5 line spacing)."""
    body = ParagraphStyle("body", fontName=BODY_FONT, fontSize=look.body, leading=look.leading,
                          alignment=TA_LEFT, spaceAfter=look.body * 0.6,
                          textColor=(0, 0, 0), splitLongWords=1, allowWidows=0,
                          allowOrphans=0)
    return Styles(
        body=body,
        prompt=ParagraphStyle("prompt", parent=body, fontName=BODY_BOLD_FONT,
                              spaceBefore=look.body * 0.9, spaceAfter=look.body * 0.2),
        heading=ParagraphStyle("heading", parent=body, fontName=BODY_BOLD_FONT,
                               fontSize=look.heading, leading=look.heading * 1.3,
                               spaceAfter=look.body * 0.8),
        title=ParagraphStyle("title", parent=body, fontName=BODY_BOLD_FONT,
                             fontSize=look.title, leading=look.title * 1.25,
                             spaceAfter=look.body * 1.2))


class Reusable:
    """A flowable drawn in many documents: forgets, once drawn, that it was postponed.

    Platypus marks a flowable that did not fit as ``_postponed`` and refuses it if it
    does not fit on the next frame either; the mark is never cleared, so a flowable
    reused for the next copy must clear it itself.
    """

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        self.__dict__.pop("_postponed", None)
        super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]


class _Lines(Flowable):
    """A flowable drawn from its own line breaks, worked out once per width.

    ``lines`` given (one side of a split) are kept as they are; otherwise
    :meth:`_break` works them out for the width the frame offers, and again only when
    that width changes. Each line is ``style.leading`` high.
    """

    def __init__(self, style: ParagraphStyle, lines: tuple[Any, ...] | None) -> None:
        super().__init__()
        self.style = style
        self._lines: tuple[Any, ...] = lines or ()
        self._fixed = lines is not None
        self._for_width = -1.0
        self.width = 0.0
        self.height = 0.0

    def _break(self, width: float) -> tuple[Any, ...]:
        raise NotImplementedError

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if not self._fixed and availWidth != self._for_width:
            self._lines = self._break(availWidth)
            self._for_width = availWidth
        self.width = availWidth
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)


class PlainText(Reusable, _Lines):
    """A paragraph of template text in one font, reused across copies.

    Drawn as one text object, which is several times cheaper than a Paragraph (the text
    has no markup to parse, and its line breaks are kept for the next copy). Left-aligned;
    words longer than the line are broken between letters. Splits between lines over a
    page break, keeping at least two lines on each side. In a tagged document it is one
    structure element of ``role`` (H1, H2, P, Lbl); the part after a split is more of it.
    """

    def __init__(self, text: str, style: ParagraphStyle,
                 lines: tuple[str, ...] | None = None, role: str = "P",
                 more: bool = False) -> None:
        super().__init__(style, lines)
        self.text = text
        self.role = role
        self.more = more

    def getPlainText(self) -> str:
        return self.text

    def _break(self, width: float) -> tuple[str, ...]:
        font, size = self.style.fontName, self.style.fontSize

        def measure(t: str) -> float:
            return float(stringWidth(t, font, size))

        space = measure(" ")
        lines: list[str] = []
        line: list[str] = []
        used = 0.0
        for word in self.text.split():
            w = measure(word)
            while w > width:  # a word longer than the line: break it between letters
                if line:
                    lines.append(" ".join(line) + " ")
                    line, used = [], 0.0
                cut = len(word) - 1
                while cut > 1 and measure(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                w = measure(word)
            if line and used + space + w > width:
                lines.append(" ".join(line) + " ")
                line, used = [], 0.0
            used = used + space + w if line else w
            line.append(word)
        if line:
            lines.append(" ".join(line))
        return tuple(lines)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        fit = int((availHeight + 0.01) // self.style.leading)
        if fit < 2 or len(self._lines) - fit < 2:
            return []
        return [PlainText(self.text, self.style, self._lines[:fit], self.role, self.more),
                PlainText(self.text, self.style, self._lines[fit:], self.role, True)]

    def write(self, text: Any, top: float, tags: Tags | None = None) -> None:
        """Add the lines to a text object, the first line's top at ``top`` (as marked
        content of this paragraph's element when ``tags`` are kept)."""
        style = self.style
        if tags is not None:
            text._code.append(tags.begin(self.role, more=self.more))
        text.setTextOrigin(0, top - style.fontSize)
        text.setFont(style.fontName, style.fontSize, style.leading)
        for line in self._lines:
            text.textLine(line)
        if tags is not None:
            text._code.append(END)

    def draw(self) -> None:
        text = self.canv.beginText()
        self.write(text, self.height, tags_of(self.canv))
        self.canv.drawText(text)


class Stack(Reusable, Flowable):
    """Several short paragraphs (a heading and its text) laid out as one piece.

    Cheaper than one flowable each (one text object for all of them). If it does not
    fit where it falls, it comes apart into its paragraphs, which may split in turn.
    """

    def __init__(self, parts: tuple[PlainText, ...]) -> None:
        super().__init__()
        self.parts = parts
        self._tops: list[float] = []
        self.width = 0.0
        self.height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        heights = [part.wrap(availWidth, availHeight)[1] for part in self.parts]
        tops, y = [], 0.0
        for i, (part, h) in enumerate(zip(self.parts, heights, strict=True)):
            if i:
                y += max(self.parts[i - 1].getSpaceAfter(), part.getSpaceBefore())
            tops.append(y)
            y += h
        self.width, self.height = availWidth, y
        self._tops = [y - t for t in tops]
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return list(self.parts) if len(self.parts) > 1 else []

    def getSpaceBefore(self) -> float:
        return self.parts[0].getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.parts[-1].getSpaceAfter()

    def draw(self) -> None:
        text = self.canv.beginText()
        tags = tags_of(self.canv)
        for part, top in zip(self.parts, self._tops, strict=True):
            part.write(text, top, tags)
        self.canv.drawText(text)


def field_prefix(canvas: Canvas) -> str:
    """The prefix that keeps field names unique when several people share one PDF."""
    return str(getattr(canvas, "_pd_field_prefix", ""))


class WritingSpace(Reusable, Flowable):
    """A question (or a label) and ruled lines under it, kept together on one page.

    ``lines`` is the least room to leave; with ``grow`` the lines carry on to the foot
    of the page (the last space of each section does, so no page ends half empty), and
    :data:`~template.FILL` means at least three lines, growing. With ``field`` set, a
    multi-line form field covers the lines (for filling in on screen); it is always
    left empty. In a tagged document the question is its own element, the lines are an
    artifact and the field a ``Form`` element; with ``item`` (a line for one of the
    person's details) the whole is a list item: its label, then the field in its body.
    """

    MIN_FILL = 3

    def __init__(self, question: PlainText, lines: int, look: Look,
                 field: str | None = None, *, grow: bool = False, item: bool = False) -> None:
        super().__init__()
        self.question = question
        self.item = item
        self.grow = grow or lines == FILL
        self.lines = self.MIN_FILL if lines == FILL else lines
        self.look = look
        self.field = field
        self.gap = look.gap
        self._shown = self.lines
        self._qh = 0.0
        self.width = 0.0
        self.height = 0.0

    def _space_between(self) -> float:
        return float(self.question.style.spaceAfter)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, qh = self.question.wrap(availWidth, availHeight)
        self._qh = qh
        fixed = qh + self._space_between() + 2
        most = max(1, int((self.look.frame_height - fixed) // self.gap))  # an empty page
        shown = min(self.lines, most)
        if self.grow:
            fits = int((availHeight - fixed) // self.gap)
            if fits >= shown:
                shown = min(fits, most)
        self._shown = shown
        self.width = availWidth
        self.height = fixed + shown * self.gap
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Never split: the question stays with its lines (the frame moves it overleaf)."""
        return []

    def getSpaceBefore(self) -> float:
        return float(self.question.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.look.body * 0.4)

    def draw(self) -> None:
        canvas = self.canv
        tags = tags_of(canvas)
        if tags is not None and self.item:
            tags.open("LI")
        text = canvas.beginText()
        self.question.write(text, self.height, tags)
        canvas.drawText(text)
        top = self.height - self._qh - self._space_between()
        canvas.setStrokeColorRGB(0, 0, 0)
        canvas.setLineWidth(0.6)
        canvas.addLiteral(_rules(self.width, top, self.gap, self._shown))
        if self.field:
            name = field_prefix(canvas) + self.field
            canvas.acroForm.textfield(
                name=name, tooltip=self.question.getPlainText().rstrip(":"), x=0,
                y=top - self._shown * self.gap - 1, width=self.width,
                height=self._shown * self.gap + 1, fontName=FIELD_FONT,
                fontSize=min(12, self.look.body), borderWidth=0, fillColor=None,
                borderColor=None, fieldFlags="multiline", value="",
                relative=True)
            if tags is not None:
                if self.item:
                    tags.open("LBody")
                tags.field(canvas)
                if self.item:
                    tags.close()
        if tags is not None and self.item:
            tags.close()


@lru_cache(maxsize=1024)
def _rules(width: float, top: float, gap: float, count: int) -> str:
    """PDF path operators for ``count`` ruled lines below ``top``, marked as an artifact
    (kept: they recur)."""
    ops = [f"0 {top - i * gap:.2f} m {width:.2f} {top - i * gap:.2f} l"
           for i in range(1, count + 1)]
    return "\n".join([ARTIFACT, *ops, "S", END])


class PersonStart(Flowable):
    """Zero-size marker where one person's copy begins (page numbers restart there)."""

    def __init__(self, index: int, field_prefix: str = "") -> None:
        super().__init__()
        self.index = index
        self.prefix = field_prefix
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._pd_field_prefix = self.prefix
        start = getattr(self.canv, "start_booklet", None)
        if start is not None:
            start()


@dataclass(frozen=True)
class SectionParts:
    """The shared flowables of one section: what goes before and after the details."""

    head: tuple[Flowable, ...]
    prompts: tuple[Flowable, ...]
    personal_details: bool


@cache
def section_parts(template: Template, look: Look, fillable: bool) -> tuple[SectionParts, ...]:
    """The template's text as flowables, built once per template, look and fillable."""
    st = styles(look)
    parts = []
    for i, section in enumerate(template.sections):
        texts: list[PlainText] = []
        if i == 0:
            texts.append(PlainText(template.title, st.title, role="H1"))
        texts.append(PlainText(section.heading, st.heading, role="H2"))
        texts.extend(PlainText(t, st.body) for t in section.text)
        head: tuple[Flowable, ...] = (Stack(tuple(texts)),)
        last = len(section.prompts) - 1
        prompts = tuple(
            WritingSpace(PlainText(p.text, st.prompt), p.lines, look,
                         p.id if fillable else None, grow=j == last)
            for j, p in enumerate(section.prompts))
        parts.append(SectionParts(head, prompts, section.personal_details))
    return tuple(parts)


class Group(Flowable):
    """Zero-size marker that opens (``role``) or closes (None) a grouping element, such
    as the list of the person's details, in a tagged document; draws nothing."""

    def __init__(self, role: str | None) -> None:
        super().__init__()
        self.role = role
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        tags = tags_of(canvas)
        if tags is not None:
            if self.role is None:
                tags.close()
            else:
                tags.open(self.role)


def details(values: dict[str, str | None], labels: tuple[tuple[str, str], ...], look: Look,
            fillable: bool) -> list[Flowable]:
    """The person's details: printed where known, a ruled line to write on where not
    (a list, each detail an item: its label, then the value or the field)."""
    st = styles(look)
    out: list[Flowable] = [Group("L")]
    for key, label in labels:
        value = values.get(key)
        if value:
            out.append(Detail(f"{label}:", value, st.body, st.prompt.fontName))
        else:
            field = DETAIL_FIELD_PREFIX + key if fillable else None
            out.append(WritingSpace(_label(label, look), 1, look, field, item=True))
    out.append(Group(None))
    return out


Run = tuple[str, str]
"""Text in one font on one line: (font name, text)."""


class Detail(_Lines):
    """One of the person's details, "Label: value": the label bold, the value as typed.

    Drawn as one text object from plain strings, several times cheaper than a Paragraph
    (there is no markup to parse, so & < > ' " need no escaping to print as typed).
    Left-aligned and wrapped as the Paragraph was: between words, and a word longer than
    the line between letters, starting on the label's line; splits between lines over a
    page break, keeping at least two lines on each side. In a tagged document it is a
    list item: the label (``Lbl``, in the label's font) and the value (``LBody``); the
    parts of a split are the first and last of the same item.
    """

    def __init__(self, label: str, value: str, style: ParagraphStyle, label_font: str,
                 lines: tuple[tuple[Run, ...], ...] | None = None, *, first: bool = True,
                 last: bool = True) -> None:
        super().__init__(style, lines)
        self.label = label
        self.value = value
        self.label_font = label_font
        self.first = first
        self.last = last

    def getPlainText(self) -> str:
        return f"{self.label} {self.value}"

    def _break(self, width: float) -> tuple[tuple[Run, ...], ...]:
        size = self.style.fontSize
        words = [(self.label_font, w) for w in self.label.split()]
        words += [(self.style.fontName, w) for w in self.value.split()]
        lines: list[tuple[Run, ...]] = []
        line: list[Run] = []
        used = 0.0

        def close(between_words: bool) -> None:
            nonlocal line, used
            if line:
                if between_words:  # an unseen space, so the words stay apart when read
                    line[-1] = (line[-1][0], line[-1][1] + " ")
                lines.append(tuple(line))
            line, used = [], 0.0

        def add(font: str, word: str, w: float, space: float) -> None:
            nonlocal used
            if line and line[-1][0] == font:
                line[-1] = (font, f"{line[-1][1]} {word}")
            else:
                line.append((font, f" {word}" if line else word))
            used += space + w

        for font, word in words:
            w = stringWidth(word, font, size)
            while w > width:  # a word longer than the line: break it between letters,
                space = stringWidth(" ", font, size) if line else 0.0  # filling this line
                room = width - used - space
                cut = len(word) - 1
                while cut > 0 and stringWidth(word[:cut], font, size) > room:
                    cut -= 1
                if cut == 0 and not line:
                    cut = 1  # not even one letter fits: print it anyway
                if cut:
                    add(font, word[:cut], stringWidth(word[:cut], font, size), space)
                    word = word[cut:]
                    w = stringWidth(word, font, size)
                close(not cut)
            space = stringWidth(" ", font, size) if line else 0.0
            if line and used + space + w > width:
                close(True)
                space = 0.0
            add(font, word, w, space)
        close(False)
        return tuple(lines)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        # As a Paragraph without widows or orphans: one line left over takes another along.
        fit = min(int((availHeight + 0.01) // self.style.leading), len(self._lines) - 2)
        if fit < 2:
            return []
        return [Detail(self.label, self.value, self.style, self.label_font, self._lines[:fit],
                       first=self.first, last=False),
                Detail(self.label, self.value, self.style, self.label_font, self._lines[fit:],
                       first=False, last=self.last)]

    def draw(self) -> None:
        style = self.style
        tags = tags_of(self.canv)
        role = ""
        if tags is not None:
            if self.first:
                tags.open("LI")
            else:
                role = tags.last_role
        text = self.canv.beginText()
        y = self.height - style.fontSize
        marking = False
        for line in self._lines:
            text.setTextOrigin(0, y)
            for font, chunk in line:
                text.setFont(font, style.fontSize, style.leading)
                now = "Lbl" if font == self.label_font else "LBody"
                if tags is not None and (now != role or not marking):
                    if marking:
                        if chunk.startswith(" "):  # the space after the label is the label's
                            text.textOut(" ")
                            chunk = chunk[1:]
                        text._code.append(END)
                    text._code.append(tags.begin(now, more=now == role))
                    marking, role = True, now
                text.textOut(chunk)
            y -= style.leading
        if marking:
            text._code.append(END)
        self.canv.drawText(text)
        if tags is not None and self.last:
            tags.close()


@cache
def _label(label: str, look: Look) -> PlainText:
    return PlainText(f"{label}:", styles(look).prompt, role="Lbl")


Recorded = tuple[tuple[str, ...], Log | None]
"""One recorded page: its drawing operators, and what it tagged (None: not tagged)."""

_PAGES: dict[tuple[Any, int], tuple[Recorded, ...]] = {}
"""Recorded pages of the sections without personal details: (key, section) -> each
page. ``key`` is (template, look, tagged) of print-only copies."""


class SectionMark(Flowable):
    """Zero-size marker where a static section begins (its pages are recorded)."""

    def __init__(self, key: Any, index: int) -> None:
        super().__init__()
        self.key = key
        self.index = index
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        """Draws nothing (not even an empty save and restore of the graphics state)."""


class ReplayPage(Flowable):
    """One recorded page of a static section, drawn again from its operators.

    Its height fills the frame (less a point), so each replayed page takes a page of its
    own, as the laid-out section did; its operators are whole ``q … Q`` blocks in page
    coordinates, so they are added as they are, without the frame's translation. What
    the page tagged is added to the document's tags with them.
    """

    def __init__(self, page: Recorded, height: float) -> None:
        super().__init__()
        self.ops, self.log = page
        self.height = height
        self.width = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        tags = tags_of(canvas)
        if (tags is None) != (self.log is None):
            raise RuntimeError("a page recorded with tags replayed without them, or back")
        canvas._code.extend(self.ops)
        if tags is not None and self.log is not None:
            tags.replay(self.log)


def section_story(parts: tuple[SectionParts, ...], personal: list[Flowable],
                  key: Any = None, look: Look | None = None) -> list[Flowable]:
    """One copy's flowables: each section on a new page, the details where asked for.

    With ``key`` (print-only copies), a static section already recorded for that key is
    replayed page by page; one not yet recorded is marked to be recorded.
    """
    story: list[Flowable] = []
    for i, part in enumerate(parts):
        if i:
            story.append(PageBreak())
        static = key is not None and look is not None and not part.personal_details
        pages = _PAGES.get((key, i)) if static else None
        if pages is not None and look is not None:
            story.extend(ReplayPage(page, look.frame_height - 1) for page in pages)
            continue
        story.append(SectionMark(key if static else None, i))
        story.extend(part.head)
        if part.personal_details:
            story.extend(personal)
        story.extend(part.prompts)
    return story


def seed_letters(parts: tuple[SectionParts, ...], extra: dict[str, str]) -> dict[str, str]:
    """Every letter each font prints in the template's text, in one fixed order."""
    letters: dict[str, set[str]] = {name: set(text) for name, text in extra.items()}

    def walk(f: Any) -> None:
        if isinstance(f, PlainText):
            letters.setdefault(f.style.fontName, set()).update(f.text)
        elif isinstance(f, Stack):
            for part in f.parts:
                walk(part)
        elif isinstance(f, WritingSpace):
            walk(f.question)

    for part in parts:
        for f in (*part.head, *part.prompts):
            walk(f)
    return {name: "".join(sorted(chars)) for name, chars in sorted(letters.items())}


def seed_fonts(canvas: Canvas, letters: dict[str, str]) -> None:
    """Give the template's letters their subset codes first, in one fixed order."""
    from reportlab.pdfbase.pdfmetrics import getFont

    doc = canvas._doc
    for name, text in letters.items():
        font = getFont(name)
        font.splitString(text, doc)
        font.getSubsetInternalName(0, doc)
    canvas._pd_seed = tuple(letters.items())


_FRAMES: dict[tuple[Any, ...], tuple[str, ...]] = {}
"""The running header, rule and page number of each page, as drawing operators:
(look, header, page number, seed) -> operators. Only pages whose canvas was seeded
(:func:`seed_fonts`) are kept, and the seed is part of the key, so a header's letters
and digits have the same codes wherever the operators are drawn again."""
