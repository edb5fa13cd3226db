"""The completion report's table, read back from the PDF: headings and cells wrap between
words, never inside one, however long the words and however many columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from probation_desk.printing.report import render_table_report
from probation_desk.services.review import REPORT_COLUMNS
from tests.printing.pdfread import runs_and_rules

# Long words where the old fixed widths broke them: "Days since last s / essio / n",
# "Staffordshir / e"; and a row as wide as the report can be.
ROW = ["Q123456", "Gwenllïan Price-Ŷsgolfeistres", "Yorkshire and the Humber",
       "Staffordshire and Stoke-on-Trent", "Morgan Vaughan-Llewellyn",
       "Completed and revisited", "22/11/2026",
       "Bartholomew Featherstonehaugh (Peer mentor appointed by the Programme Manager)",
       "1279", "Stepwise Problem Solving (Attitudes, thinking and behaviour)", "01/10/2022",
       "Blocked: module not completed",
       "Not ready yet 22/11/2026 by Christabel Worthington-Smythe",
       "Needs two more sessions on consequential thinking before starting"]


def words_drawn(path: Path) -> list[str]:
    """Every word as drawn on every page (a word broken across lines shows as parts)."""
    out: list[str] = []
    for page in PdfReader(path).pages:
        runs, _rules = runs_and_rules(page)
        for run in runs:
            out.extend(run.text.split())
    return out


@pytest.mark.parametrize("columns", [len(REPORT_COLUMNS), len(ROW)])
def test_no_heading_or_cell_breaks_inside_a_word(tmp_path: Path, columns: int) -> None:
    headings = list(REPORT_COLUMNS)[:columns]
    while len(headings) < columns:
        headings.append("Not ready because")
    row = ROW[:columns]
    out = tmp_path / "report.pdf"
    render_table_report(out, title="Pre-Intervention Module completion",
                        subtitle="Filters: all regions.", columns=headings,
                        rows=[row, row[::-1][:columns]])
    drawn = words_drawn(out)
    for text in [*headings, *row]:
        for word in text.split():
            assert word in drawn, f"{word!r} of {text!r} was broken: {drawn}"


def test_an_unbreakable_word_too_long_for_the_page_still_prints(tmp_path: Path) -> None:
    """A single word wider than the page cannot wrap at a space: it is broken, not lost."""
    out = tmp_path / "report.pdf"
    long = "X" * 400
    pages = render_table_report(out, title="T", subtitle="S", columns=["A", "B"],
                                rows=[[long, "short"]])
    assert pages >= 1
    assert "".join(w for w in words_drawn(out) if set(w) == {"X"}) == long
