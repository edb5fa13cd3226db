"""Workbooks people on probation write in: clear print, large print, A5 booklets, fillable.

The content is data (``resources/workbooks/<name>.json``, see :mod:`.template`); this
module prints any such template for one person, for many, or as a blank copy.

- Clear print (default): body 14 pt sans-serif, left-aligned, 1.5 line spacing, black
  on white, the header and page number always in the same place (:mod:`.layout`).
- Large print: 18 pt, A4 only.
- Booklet: A5 pages imposed two-up on A4 landscape in saddle-stitch order
  (:mod:`.booklet`); print-only.
- Fillable: a multi-line form field (named after the prompt's id) over every writing
  space, for use on screen. Fields are never pre-filled: ReportLab fields only take the
  standard 14 fonts, which lack Welsh letters, so the person's details are printed in
  the page text instead.

User-supplied strings never reach Paragraph markup (the details are drawn as plain
text, see :class:`.layout.Detail`), and the font (DejaVu Sans) is embedded, so names
print exactly as typed. Output is reproducible:
the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak

from probation_desk.printing.booklet import BookletCanvas, booklet_order
from probation_desk.printing.fonts import BODY_BOLD_FONT, BODY_FONT, register_fonts
from probation_desk.printing.layout import (
    RENDER_LOCK,
    Look,
    PersonStart,
    details,
    look_for,
    section_parts,
    section_story,
    seed_fonts,
    seed_letters,
)
from probation_desk.printing.pdfcache import CachingCanvas
from probation_desk.printing.tagging import TaggedCanvas
from probation_desk.printing.template import (
    Template,
    TemplateError,
    available_templates,
    field_names,
    load_template,
)
from probation_desk.printing.workbook_doc import WorkbookDoc
from probation_desk.private_files import private_file

__all__ = [
    "BOOKLET_FILLABLE_MESSAGE",
    "LARGE_PRINT_BOOKLET_MESSAGE",
    "Template",
    "TemplateError",
    "WorkbookOptionError",
    "WorkbookOptions",
    "WorkbookPerson",
    "available_templates",
    "booklet_order",
    "field_names",
    "load_template",
    "render_many",
    "render_workbook",
    "unavailable",
]

BOOKLET_FILLABLE_REASON = ("A folded booklet is for printing only, so it cannot have "
                           "fillable fields.")
LARGE_PRINT_BOOKLET_REASON = ("Large print needs A4 pages, so it cannot be printed as an "
                              "A5 booklet.")
BOOKLET_FILLABLE_MESSAGE = BOOKLET_FILLABLE_REASON + " Choose one or the other."
LARGE_PRINT_BOOKLET_MESSAGE = LARGE_PRINT_BOOKLET_REASON + " Choose large print or the booklet."

CONFLICTS: tuple[tuple[str, str, str, str], ...] = (
    ("booklet", "fillable", BOOKLET_FILLABLE_REASON, BOOKLET_FILLABLE_MESSAGE),
    ("booklet", "large_print", LARGE_PRINT_BOOKLET_REASON, LARGE_PRINT_BOOKLET_MESSAGE),
)
"""Options that cannot be printed together: (option, option, why, why and what to do)."""


def unavailable(options: WorkbookOptions) -> dict[str, tuple[str, str]]:
    """The options that cannot be added to ``options`` as they are, each with the option
    that excludes it and why (so a form can disable it up front and say so in words)."""
    out: dict[str, tuple[str, str]] = {}
    for a, b, why, _message in CONFLICTS:
        if getattr(options, a) and not getattr(options, b):
            out.setdefault(b, (a, why))
        if getattr(options, b) and not getattr(options, a):
            out.setdefault(a, (b, why))
    return out


class WorkbookOptionError(ValueError):
    """A combination of options that cannot be printed; the message says why in plain words."""


@dataclass(frozen=True)
class WorkbookPerson:
    """What a personalised workbook shows. ``crn`` is printed only when the options say so."""

    name: str
    crn: str | None
    practitioner: str | None = None
    supporter: str | None = None
    printed_on: dt.date | None = None


@dataclass(frozen=True)
class WorkbookOptions:
    """How to print a workbook."""

    large_print: bool = False
    booklet: bool = False
    fillable: bool = False
    template: str = "pre_intervention_module"
    show_crn: bool = True
    language: str = "en"
    """The edition: "en" or "cy" (``printing.template.EDITIONS``)."""

    def check(self) -> None:
        """Refuse combinations that cannot be printed (:class:`WorkbookOptionError`)."""
        for a, b, _why, message in CONFLICTS:
            if getattr(self, a) and getattr(self, b):
                raise WorkbookOptionError(message)

    @property
    def look(self) -> Look:
        """Page and type sizes for these options."""
        return look_for(large_print=self.large_print, booklet=self.booklet)


def uk_date(day: dt.date) -> str:
    """dd/mm/yyyy."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _labels(template: Template, options: WorkbookOptions) -> tuple[tuple[str, str], ...]:
    return tuple((k, label) for k, label in template.details
                 if k != "crn" or options.show_crn)


def _values(person: WorkbookPerson | None, options: WorkbookOptions) -> dict[str, str | None]:
    if person is None:
        return {}
    return {"name": person.name, "crn": person.crn if options.show_crn else None,
            "practitioner": person.practitioner, "supporter": person.supporter,
            "date": uk_date(person.printed_on) if person.printed_on else None}


def _copy(template: Template, person: WorkbookPerson | None, options: WorkbookOptions,
          index: int = 0, prefix: str = "") -> list[Any]:
    look = options.look
    personal = details(_values(person, options), _labels(template, options), look,
                       options.fillable)
    story: list[Any] = [PersonStart(index, prefix)]
    # Print-only copies replay the static sections' pages (form fields are not replayed).
    key = None if options.fillable else (template, look, not options.booklet)
    story += section_story(section_parts(template, look, options.fillable), personal,
                           key, look)
    return story


@cache
def _seed(template: Template, options: WorkbookOptions) -> dict[str, str]:
    """The letters each font is seeded with for this template (see layout.seed_fonts)."""
    labels = "".join(f"{label}:" for _k, label in template.details)
    return seed_letters(section_parts(template, options.look, options.fillable),
                        {BODY_FONT: template.short_title + labels,
                         BODY_BOLD_FONT: f"{template.word('page')} 0123456789" + labels})


class _TaggedCanvas(TaggedCanvas, CachingCanvas):
    """The A4 workbook's canvas: tagged, reusing formatted pages."""


def _target(out: str | os.PathLike[str] | BinaryIO) -> Any:
    return os.fspath(out) if isinstance(out, str | os.PathLike) else out


def _build(template: Template, options: WorkbookOptions, story: list[Any], out: Any, *,
           title: str, on_person: Callable[[int], None] | None = None) -> WorkbookDoc:
    doc = WorkbookDoc(out, options.look, title=title, subject=template.short_title,
                      lang=template.lang, running_header=template.short_title,
                      on_person=on_person, page_word=template.word("page"))
    letters = _seed(template, options)
    canvases: list[Canvas] = []

    def maker(*args: Any, **kwargs: Any) -> Canvas:
        canvas = (BookletCanvas if options.booklet else _TaggedCanvas)(*args, **kwargs)
        seed_fonts(canvas, letters)
        canvases.append(canvas)
        return canvas

    doc.build(story, canvasmaker=maker)
    last = canvases[-1]
    doc.sides = last.sides if isinstance(last, BookletCanvas) else int(doc.page)
    doc.finish()
    return doc


def _prepare(options: WorkbookOptions) -> Template:
    options.check()
    register_fonts()
    try:
        return load_template(options.template, options.language)
    except TemplateError as exc:
        raise WorkbookOptionError(str(exc)) from None


def render_workbook(person: WorkbookPerson | None, options: WorkbookOptions,
                    out: str | os.PathLike[str] | BinaryIO) -> int:
    """Write one workbook; returns the number of pages in the output.

    ``person`` None prints a blank copy, with lines to write the name and details on.
    A booklet's page count is its A4 sides (two A5 pages each, padded to whole sheets).
    """
    template = _prepare(options)
    title = template.title + (f": {person.name}" if person is not None else "")
    if isinstance(out, str | os.PathLike):
        with private_file(out) as fh, RENDER_LOCK:
            doc = _build(template, options, _copy(template, person, options), fh,
                         title=title)
        return doc.sides
    with RENDER_LOCK:
        doc = _build(template, options, _copy(template, person, options), _target(out),
                     title=title)
    return doc.sides


class _Cancelled(Exception):
    """Raised inside a layout to stop it when progress() says so."""


def _file_name(person: WorkbookPerson, index: int, used: set[str]) -> str:
    stem = "".join(ch for ch in (person.crn or "") if ch.isascii() and ch.isalnum())
    stem = f"workbook-{stem or f'person-{index + 1}'}"
    name, n = f"{stem}.pdf", 1
    while name.lower() in used:
        n += 1
        name = f"{stem}-{n}.pdf"
    used.add(name.lower())
    return name


def render_many(people: Sequence[WorkbookPerson], options: WorkbookOptions,
                out_dir_or_file: str | os.PathLike[str], *, one_file: bool,
                progress: Callable[[int, int], bool] | None = None) -> list[Path]:
    """Workbooks for several people; returns the files written.

    ``one_file``: one PDF at ``out_dir_or_file`` with each person's copy in turn (page
    numbers restart for each; booklets are imposed one by one; fillable fields are named
    ``p<n>_<id>`` so copies do not share answers). Otherwise one PDF per person in the
    folder ``out_dir_or_file``, named after the CRN (``workbook-X123456.pdf``).

    ``progress(done, total)`` is called as each copy is finished; returning False
    cancels. Cancelling keeps the separate files already written; a single file is
    then not written at all.
    """
    template = _prepare(options)
    total = len(people)
    if one_file:
        target = Path(out_dir_or_file)
        if not people:
            return []
        story: list[Any] = []
        for i, person in enumerate(people):
            if i:
                story.append(PageBreak())
            story += _copy(template, person, options, i, f"p{i + 1}_" if total > 1 else "")

        def on_person(done: int) -> None:
            if progress is not None and progress(done, total) is False:
                raise _Cancelled

        title = (f"{template.title} ({total} "
                 f"{template.word('person') if total == 1 else template.word('people')})")
        try:
            with private_file(target) as fh, RENDER_LOCK:
                _build(template, options, story, fh, title=title, on_person=on_person)
        except _Cancelled:
            return []
        if progress is not None:
            progress(total, total)
        return [target]
    folder = Path(out_dir_or_file)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for i, person in enumerate(people):
        path = folder / _file_name(person, i, used)
        render_workbook(person, options, path)
        written.append(path)
        if progress is not None and progress(i + 1, total) is False:
            break
    return written

