"""A5 booklets: saddle-stitch order, padding, two-up on A4 landscape, one or many people."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from probation_desk.printing.booklet import booklet_order
from probation_desk.printing.workbook import WorkbookOptions, WorkbookPerson, render_workbook
from tests.printing.pdfread import placed_forms, reader, render

PERSON = WorkbookPerson("Siân Llŷr-Ŵyn", "X123456", "Alex Bevan", None, dt.date(2026, 11, 22))
A4_LANDSCAPE = (842, 595)


def test_booklet_order_pads_to_a_multiple_of_four() -> None:
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert booklet_order(6) == [(0, 1), (2, 0), (6, 3), (4, 5)]
    assert booklet_order(1) == [(0, 1), (0, 0)]
    assert booklet_order(0) == []
    for pages in range(1, 30):
        order = booklet_order(pages)
        padded = -(-pages // 4) * 4
        assert len(order) == padded // 2
        placed = sorted(n for side in order for n in side if n)
        assert placed == list(range(1, pages + 1))  # every page once
        full = booklet_order(padded)
        assert all(left + right == padded + 1 for left, right in full)  # facing pages
        assert order == [(a if a <= pages else 0, b if b <= pages else 0) for a, b in full]
        assert [side[1] % 2 for side in full[::2]] == [1] * (padded // 4)  # fronts: odd right


def page_number(text: str) -> int:
    found = re.findall(r"\bPage (\d+)\b", text)
    assert len(found) == 1, text
    return int(found[0])


def test_booklet_sides_are_a4_landscape_with_a5_pages_in_saddle_stitch_order() -> None:
    r = reader(render(PERSON, booklet=True))
    sides = len(r.pages)
    assert sides % 2 == 0  # whole sheets, front and back
    expected = booklet_order(sides * 2)
    assert expected[0] == (sides * 2, 1)  # the cover sits beside the back page
    for side, (page, (left, right)) in enumerate(zip(r.pages, expected, strict=True)):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == \
            A4_LANDSCAPE
        assert page.get("/Rotate", 0) == 0  # short-edge duplex: backs need no turning
        halves: dict[str, int] = {}
        for matrix, text in placed_forms(r, page):
            assert matrix[:4] == [1, 0, 0, 1]  # placed, not scaled or turned
            x = matrix[4]
            half = "left" if abs(x) < 1 else "right" if abs(x - 842 / 2) < 1 else "?"
            halves[half] = page_number(text)
        assert halves.get("left", 0) == left and halves.get("right", 0) == right, \
            (side + 1, halves)


def test_short_booklet_padded_with_blank_pages(tmp_path: Path) -> None:
    """A template of 5 A5 pages is padded to 8: three sides hold a blank half."""
    from probation_desk import resources

    (tmp_path / "workbooks").mkdir()
    sections = ",".join(f'{{"heading": "Part {i}", "text": ["Short."]}}' for i in range(5))
    (tmp_path / "workbooks" / "five_pages.json").write_text(
        f'{{"title": "Five", "sections": [{sections}]}}', encoding="utf-8")
    original = resources.ROOTS
    resources.ROOTS = (tmp_path, *original)
    try:
        r = reader(render(None, booklet=True, template="five_pages"))
    finally:
        resources.ROOTS = original
    assert len(r.pages) == 4  # 8 A5 pages, two to a side
    seen = [[(round(m[4]), page_number(text)) for m, text in placed_forms(r, page)]
            for page in r.pages]
    # (8|1) (2|7) (6|3) (4|5), with 6, 7 and 8 left blank
    assert seen == [[(421, 1)], [(0, 2)], [(421, 3)], [(0, 4), (421, 5)]]


def half_text(pdf: Path, side: int, left: bool) -> str:
    """What poppler (an independent reader) sees on one half of an A4 landscape side."""
    out = subprocess.run(["pdftotext", "-f", str(side), "-l", str(side),
                          "-x", "0" if left else "421", "-y", "0", "-W", "420", "-H", "595",
                          str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def test_poppler_sees_each_page_number_on_its_half(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "booklet.pdf"
    sides = render_workbook(PERSON, WorkbookOptions(booklet=True), pdf)
    for side, (left, right) in enumerate(booklet_order(sides * 2), start=1):
        for is_left, number in ((True, left), (False, right)):
            text = half_text(pdf, side, is_left)
            if number:
                assert page_number(text) == number, (side, is_left)
            else:
                assert not text.strip()
