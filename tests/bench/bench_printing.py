"""Printing benchmark: workbook pages per second against a bare ReportLab document.

Run: ``.venv/bin/python -m tests.bench.bench_printing``. The baseline is a bare
ReportLab document with the same number of pages (one short paragraph each), built in
the same run. Targets (from the issue): the personalised workbook at least half the
baseline's pages per second; 200 personalised A5 booklets, imposition included, within
10 seconds.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from probation_desk.printing.workbook import (
    WorkbookOptions,
    WorkbookPerson,
    render_many,
    render_workbook,
)

PERSON = WorkbookPerson("Siân Llŷr-Ŵyn", "X123456", "Alex Bevan", "Ffion Price",
                        dt.date(2026, 11, 22))


def bare(pages: int) -> None:
    style = getSampleStyleSheet()["Normal"]
    story = []
    for i in range(pages):
        story += [Paragraph(f"Page {i + 1}", style), PageBreak()]
    SimpleDocTemplate(io.BytesIO(), pagesize=A4, invariant=1).build(story[:-1])


def same_text(template_name: str = "pre_intervention_module") -> None:
    """Plain ReportLab with the workbook's own text (built-in font, no lines or fields)."""
    from reportlab.platypus import Spacer

    from probation_desk.printing.workbook import load_template

    style = getSampleStyleSheet()["Normal"]
    story: list[object] = []
    for section in load_template(template_name).sections:
        story.append(Paragraph(section.heading, style))
        story += [Paragraph(t, style) for t in section.text]
        for prompt in section.prompts:
            story += [Paragraph(prompt.text, style), Spacer(1, prompt.lines * 30)]
        story.append(PageBreak())
    SimpleDocTemplate(io.BytesIO(), pagesize=A4, invariant=1).build(story[:-1])


def pages_per_second(fn: object, pages: int, repeat: int = 30) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return pages / statistics.median(times)


def main() -> None:
    render_workbook(PERSON, WorkbookOptions(), io.BytesIO())  # fonts and template cached
    pages = render_workbook(PERSON, WorkbookOptions(), io.BytesIO())
    base = pages_per_second(lambda: bare(pages), pages)
    mine = pages_per_second(lambda: render_workbook(PERSON, WorkbookOptions(), io.BytesIO()),
                            pages)
    plain = pages_per_second(same_text, pages)
    print(f"bare ReportLab document, {pages} pages: {base:,.0f} pages/s")
    print(f"plain ReportLab with the workbook's text (built-in font): {plain:,.0f} pages/s")
    print(f"personalised A4 workbook, {pages} pages:  {mine:,.0f} pages/s "
          f"= {mine / base:.2f} x baseline (target >= 0.5)")
    people = [WorkbookPerson(f"Person {i} Ŵyn", f"A{i:06d}", "Alex Bevan", None,
                             dt.date(2026, 11, 22)) for i in range(200)]
    folder = Path(tempfile.mkdtemp(prefix="pd-bench-print-"))
    start = time.perf_counter()
    files = render_many(people, WorkbookOptions(booklet=True), folder, one_file=False)
    each = time.perf_counter() - start
    start = time.perf_counter()
    render_many(people, WorkbookOptions(booklet=True), folder / "all.pdf", one_file=True)
    one = time.perf_counter() - start
    print(f"200 personalised A5 booklets, one file each: {each:.2f} s ({len(files)} files; "
          f"target <= 10 s)")
    print(f"200 personalised A5 booklets in one PDF:     {one:.2f} s")


if __name__ == "__main__":
    main()
