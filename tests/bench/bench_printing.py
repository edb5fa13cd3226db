"""Printing benchmark: workbook pages per second against a bare ReportLab document.

Run: ``.venv/bin/python -m tests.bench.bench_printing``. Not a test: it prints figures.

The baseline is a bare ReportLab document (one short paragraph a page, Helvetica,
nothing embedded) with the same number of pages as the workbook, timed in the same
run and interleaved with it, so a busy machine slows both alike (CPU-time ratios are
printed too); each is timed again with a different person in every copy. The A4 workbook
is a tagged PDF (marked content, structure tree, XMP: ``printing/tagging.py``), so its
figure includes the tagging; the bare baseline and the print-only booklet have none,
and a blank fillable copy (laid out afresh each time: fields are never replayed) is
timed for comparison. Targets: the personalised workbook and booklet at least 0.7 of
the baseline's pages per second; 200 personalised A5 booklets, imposition included,
within 10 seconds on a 2-core machine.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.pagesizes import A4, A5
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


def bare(pages: int, size: tuple[float, float] = A4) -> None:
    """A bare ReportLab document: one short paragraph on each of ``pages`` pages."""
    style = getSampleStyleSheet()["Normal"]
    story: list[object] = []
    for i in range(pages):
        story += [Paragraph(f"Page {i + 1}", style), PageBreak()]
    SimpleDocTemplate(io.BytesIO(), pagesize=size, invariant=1).build(story[:-1])


CPU: dict[str, float] = {}
"""CPU-time ratios of the last run (mine / baseline pages per CPU second), by name."""


def race(a: Callable[[], object], b: Callable[[], object],
         repeat: int, name: str = "") -> tuple[float, float]:
    """Median seconds of ``a`` and of ``b``, run alternately (CPU medians kept in CPU)."""
    ta: list[float] = []
    tb: list[float] = []
    ca: list[float] = []
    cb: list[float] = []
    for _ in range(repeat):
        for fn, times, cpus in ((a, ta, ca), (b, tb, cb)):
            start, cpu = time.perf_counter(), time.process_time()
            fn()
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
    if name:
        CPU[name] = statistics.median(ca) / max(statistics.median(cb), 1e-9)
    return statistics.median(ta), statistics.median(tb)


def a5_pages(options: WorkbookOptions) -> int:
    """How many A5 pages the booklet lays out (before padding and imposing)."""
    from reportlab.platypus import BaseDocTemplate

    from probation_desk.printing import workbook_doc

    seen: list[int] = []
    original = workbook_doc.WorkbookDoc.finish

    def spy(doc: BaseDocTemplate) -> None:
        seen.append(int(doc.page))
        original(doc)  # type: ignore[arg-type]

    workbook_doc.WorkbookDoc.finish = spy  # type: ignore[method-assign]
    try:
        render_workbook(PERSON, options, io.BytesIO())
    finally:
        workbook_doc.WorkbookDoc.finish = original  # type: ignore[method-assign]
    return seen[0]


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    a4 = WorkbookOptions()
    booklet = WorkbookOptions(booklet=True)
    render_workbook(PERSON, a4, io.BytesIO())  # fonts and template cached
    render_workbook(PERSON, booklet, io.BytesIO())
    pages = render_workbook(PERSON, a4, io.BytesIO())
    base, mine = race(lambda: bare(pages), lambda: render_workbook(PERSON, a4, io.BytesIO()),
                      repeat, "a4")
    print(f"bare ReportLab document, {pages} A4 pages:     {pages / base:7,.0f} pages/s")
    print(f"personalised A4 workbook, {pages} pages:       {pages / mine:7,.0f} pages/s "
          f"= {base / mine:.2f} x baseline, {CPU['a4']:.2f} x in CPU time (target >= 0.7)")
    fillable = WorkbookOptions(fillable=True)
    blank = render_workbook(None, fillable, io.BytesIO())
    base, mine = race(lambda: bare(blank), lambda: render_workbook(None, fillable,
                                                                   io.BytesIO()),
                      repeat, "fillable")
    print(f"  blank fillable A4 workbook, {blank} pages (fields in the tree, laid out afresh): "
          f"{base / mine:.2f} x baseline, {CPU['fillable']:.2f} x in CPU time")
    small = a5_pages(booklet)
    sides = render_workbook(PERSON, booklet, io.BytesIO())
    base, mine = race(lambda: bare(small, A5),
                      lambda: render_workbook(PERSON, booklet, io.BytesIO()), repeat, "a5")
    print(f"bare ReportLab document, {small} A5 pages:     {small / base:7,.0f} pages/s")
    print(f"personalised A5 booklet, {small} pages imposed on {sides} A4 sides: "
          f"{small / mine:7,.0f} A5 pages/s = {base / mine:.2f} x baseline, {CPU['a5']:.2f} x in "
          "CPU time (target >= 0.7)")

    # The same again with a different person in each copy, so that nothing kept from
    # one copy to the next can flatter the figures (each name is new to the caches).
    others = iter([WorkbookPerson(f"Rhys {i} ap Ŵyn-Llŷr", f"B{i:06d}", f"Jo Reid {i}",
                                  f"Sam {i}", dt.date(2026, 11, 22))
                   for i in range(4 * repeat)])
    base, mine = race(lambda: bare(pages), lambda: render_workbook(next(others), a4,
                                                                   io.BytesIO()),
                      repeat, "a4 each")
    print(f"  the A4 workbook, a different person each copy: {base / mine:.2f} x baseline, "
          f"{CPU['a4 each']:.2f} x in CPU time")
    base, mine = race(lambda: bare(small, A5), lambda: render_workbook(next(others), booklet,
                                                                       io.BytesIO()),
                      repeat, "a5 each")
    print(f"  the A5 booklet, a different person each copy:  {base / mine:.2f} x baseline, "
          f"{CPU['a5 each']:.2f} x in CPU time")

    people = [WorkbookPerson(f"Person {i} Ŵyn", f"A{i:06d}", "Alex Bevan", None,
                             dt.date(2026, 11, 22)) for i in range(200)]
    with tempfile.TemporaryDirectory(prefix="pd-bench-print-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        files = render_many(people, booklet, folder / "each", one_file=False)
        each = time.perf_counter() - start
        start = time.perf_counter()
        render_many(people, booklet, folder / "all.pdf", one_file=True)
        one = time.perf_counter() - start
    print(f"200 personalised A5 booklets, one file each: {each:5.2f} s ({len(files)} files; "
          "target < 10 s)")
    print(f"200 personalised A5 booklets in one PDF:     {one:5.2f} s")


if __name__ == "__main__":
    main()
