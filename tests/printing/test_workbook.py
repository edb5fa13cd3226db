"""The Pre-Intervention Module workbook in every variant, read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from probation_desk.printing.workbook import (
    WorkbookOptionError,
    WorkbookOptions,
    WorkbookPerson,
    booklet_order,
    field_names,
    load_template,
    render_many,
    render_workbook,
)

NAME = "Siân Llŷr-Ŵyn & <Jones> 'O\"Brien' â"
PERSON = WorkbookPerson(NAME, "X123456", "Alex Bevan", "Ffion Price", dt.date(2026, 11, 22))
TEMPLATE = load_template("pre_intervention_module")
PROMPTS = [p.text for s in TEMPLATE.sections for p in s.prompts]


def flat(text: str) -> str:
    return " ".join(text.split())


def render(person: WorkbookPerson | None, **opts: bool) -> PdfReader:
    buffer = io.BytesIO()
    render_workbook(person, WorkbookOptions(**opts), buffer)
    return PdfReader(io.BytesIO(buffer.getvalue()))


def all_text(reader: PdfReader) -> str:
    return flat(" ".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("opts", [{}, {"large_print": True}, {"booklet": True},
                                  {"fillable": True}])
def test_every_prompt_and_the_exact_name_are_printed(opts: dict[str, bool]) -> None:
    text = all_text(render(PERSON, **opts))
    for prompt in PROMPTS:
        assert flat(prompt) in text, prompt
    assert NAME in text  # Welsh letters, & < > ' " exactly as typed
    assert "X123456" in text and "22/11/2026" in text


def test_blank_copy_has_no_personal_data_and_lines_to_write_on() -> None:
    reader = render(None)
    text = all_text(reader)
    assert "My name:" in text and "X123456" not in text and "Alex Bevan" not in text
    assert reader.metadata.title == TEMPLATE.title


def test_crn_left_off_when_not_chosen() -> None:
    text = all_text(render(PERSON, show_crn=False))
    assert "X123456" not in text and "My CRN" not in text and NAME in text


def test_document_title_author_language_and_fonts_embedded() -> None:
    reader = render(PERSON)
    assert reader.metadata.title == f"{TEMPLATE.title}: {NAME}"
    assert reader.metadata.author == "Probation Desk"
    assert reader.trailer["/Root"].get("/Lang") == "en-GB"
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            embedded = desc is not None and "/FontFile2" in desc.get_object()
            fonts[str(font["/BaseFont"])] = embedded
    assert any("DejaVuSans" in name for name in fonts)
    assert all(embedded for name, embedded in fonts.items() if "DejaVu" in name), fonts
    used: set[str] = set()

    def visit(text: str, cm: object, tm: object, font: dict | None, size: float) -> None:
        if text.strip() and font is not None:
            used.add(str(font["/BaseFont"]))
    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert used and all("DejaVuSans" in name for name in used), used  # all text embedded


def sizes(reader: PdfReader) -> set[float]:
    found: set[float] = set()

    def visit(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.add(round(size * tm[0], 1))
    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return found


def test_clear_print_body_is_at_least_14pt_and_large_print_18pt() -> None:
    clear = sizes(render(PERSON))
    large = sizes(render(PERSON, large_print=True))
    # Every size used, other than the small running header, meets the minimum.
    assert min(s for s in clear if s > 10.5) >= 14
    assert min(s for s in large if s > 13.5) >= 18
    assert 14 in clear and 18 in large


def test_page_numbers_on_every_a4_page() -> None:
    reader = render(PERSON)
    for i, page in enumerate(reader.pages, start=1):
        assert f"Page {i}" in page.extract_text()
        assert round(float(page.mediabox.width)) == 595  # A4 portrait


def half_text(pdf: Path, side: int, left: bool) -> str:
    """What poppler reads on one half of an A4 landscape side."""
    import subprocess

    x = "0" if left else "421"
    out = subprocess.run(["pdftotext", "-f", str(side), "-l", str(side), "-x", x, "-y", "0",
                          "-W", "420", "-H", "595", str(pdf), "-"],
                         capture_output=True, text=True, check=True)
    return out.stdout


def test_booklet_is_imposed_in_saddle_stitch_order(tmp_path: Path) -> None:
    import shutil

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "booklet.pdf"
    sides = render_workbook(PERSON, WorkbookOptions(booklet=True), pdf)
    reader = PdfReader(pdf)
    assert len(reader.pages) == sides and sides % 2 == 0
    for page in reader.pages:
        assert round(float(page.mediabox.width)) == 842  # A4 landscape
        assert round(float(page.mediabox.height)) == 595
    order = booklet_order(sides * 2)
    assert order[0] == (sides * 2, 1)  # the cover sits beside the back page
    for number, (left, right) in enumerate(order, start=1):
        for is_left, page_no in ((True, left), (False, right)):
            text = half_text(pdf, number, is_left)
            if page_no:
                assert re.search(rf"\bPage {page_no}\b", text), (number, is_left, text)
            else:
                assert "Page" not in text  # padding is blank


def test_booklet_order_pads_to_a_multiple_of_four() -> None:
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert booklet_order(6) == [(0, 1), (2, 0), (6, 3), (4, 5)]


def test_fillable_copy_has_a_named_field_for_every_writing_space() -> None:
    fields = render(None, fillable=True).get_fields() or {}
    assert set(field_names(TEMPLATE)) == set(fields)
    assert all(not (f.get("/V") or "") for f in fields.values())  # never pre-filled
    personal = render(PERSON, fillable=True).get_fields() or {}
    assert {p.id for s in TEMPLATE.sections for p in s.prompts} <= set(personal)


def test_booklet_has_no_fields_and_refuses_fillable_or_large_print() -> None:
    assert not render(PERSON, booklet=True).get_fields()
    with pytest.raises(WorkbookOptionError, match="printing only"):
        render(PERSON, booklet=True, fillable=True)
    with pytest.raises(WorkbookOptionError, match="never as an A5 booklet"):
        render(PERSON, booklet=True, large_print=True)


def test_same_input_gives_the_same_bytes() -> None:
    a, b = io.BytesIO(), io.BytesIO()
    render_workbook(PERSON, WorkbookOptions(), a)
    render_workbook(PERSON, WorkbookOptions(), b)
    assert a.getvalue() == b.getvalue()


def test_very_long_name_wraps_and_renders() -> None:
    long_name = "Gwenllïan " * 20 + "ap Llŷr"
    text = all_text(render(WorkbookPerson(long_name.strip(), None)))
    assert flat(long_name) in text


def test_many_people_one_file_or_one_each(tmp_path: Path) -> None:
    people = [WorkbookPerson(f"Person {i} Ŵ", f"A00000{i}") for i in range(3)]
    seen: list[tuple[int, int]] = []
    (one,) = render_many(people, WorkbookOptions(), tmp_path / "all.pdf", one_file=True,
                         progress=lambda d, t: seen.append((d, t)) or True)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    text = all_text(PdfReader(one))
    assert all(f"Person {i} Ŵ" in text for i in range(3))
    files = render_many(people, WorkbookOptions(booklet=True), tmp_path / "each",
                        one_file=False, progress=lambda d, t: d < 2)
    assert [f.name for f in files] == ["workbook-A000000.pdf", "workbook-A000001.pdf"]


def test_pages_render_to_png(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = tmp_path / "w.pdf"
    render_workbook(PERSON, WorkbookOptions(booklet=True), pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "p")], check=True)
    assert [p.name for p in tmp_path.glob("p*.png")]
    assert re.match(r"p-?0*1\.png", next(tmp_path.glob("p*.png")).name)
