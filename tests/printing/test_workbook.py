"""The Pre-Intervention Module workbook in every variant, read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from probation_desk.printing import layout
from probation_desk.printing.workbook import (
    BOOKLET_FILLABLE_MESSAGE,
    LARGE_PRINT_BOOKLET_MESSAGE,
    WorkbookOptionError,
    WorkbookOptions,
    WorkbookPerson,
    field_names,
    load_template,
    render_workbook,
)
from tests.printing.pdfread import all_text, flat, reader, render, runs_and_rules

NAME = "Siân Llŷr-Ŵyn & <Jones> 'O\"Brien'"
PERSON = WorkbookPerson(NAME, "X123456", "Alex Bevan & Co", "Ffion Price",
                        dt.date(2026, 11, 2))
TEMPLATE = load_template("pre_intervention_module")
PROMPTS = [p.text for p in TEMPLATE.prompts]
VARIANTS = [pytest.param({}, id="clear"), pytest.param({"large_print": True}, id="large"),
            pytest.param({"booklet": True}, id="booklet"),
            pytest.param({"fillable": True}, id="fillable"),
            pytest.param({"fillable": True, "large_print": True}, id="fillable-large")]


@pytest.mark.parametrize("opts", VARIANTS)
def test_every_heading_and_prompt_and_the_exact_details_are_printed(opts: dict) -> None:
    text = all_text(reader(render(PERSON, **opts)))
    for section in TEMPLATE.sections:
        assert flat(section.heading) in text, section.heading
    for prompt in PROMPTS:
        assert flat(prompt) in text, prompt
    assert f"My name: {NAME}" in text  # Welsh letters and & < > ' " exactly as typed
    assert "My CRN: X123456" in text
    assert "My probation practitioner: Alex Bevan & Co" in text
    assert "My supporter: Ffion Price" in text
    assert "Date: 02/11/2026" in text  # UK format


@pytest.mark.parametrize("opts", VARIANTS)
def test_blank_copy_has_no_personal_data_and_lines_to_write_the_details_on(opts: dict) -> None:
    r = reader(render(None, **opts))
    text = all_text(r)
    for personal in ("X123456", "Siân", "Alex Bevan", "Ffion", "/2026"):
        assert personal not in text
    assert r.metadata.title == TEMPLATE.title
    for page in r.pages:
        runs, rules = runs_and_rules(page)
        labels = [run for run in runs if run.text in ("My name:", "My CRN:")]
        for label in labels:  # a ruled line under each label, before the next text
            below = [rule.y1 for rule in rules if rule.y1 == rule.y2 and rule.y1 < label.y]
            assert below and label.y - max(below) < label.size * 4, label
        if labels:
            break
    else:
        pytest.fail("no page with 'My name:'")


def test_crn_left_off_everywhere_when_not_chosen() -> None:
    data = render(PERSON, show_crn=False)
    text = all_text(reader(data))
    assert NAME in text
    assert "X123456" not in text and "CRN" not in text
    assert b"X123456" not in data  # not in the metadata either
    blank = all_text(reader(render(None, show_crn=False)))
    assert "CRN" not in blank
    assert "My CRN:" in all_text(reader(render(None)))


def test_no_crn_on_record_leaves_a_line_to_write_it() -> None:
    text = all_text(reader(render(WorkbookPerson("Ann Lee", None))))
    assert "My CRN:" in text and "My name: Ann Lee" in text


@pytest.mark.parametrize("opts", VARIANTS)
def test_title_author_language_and_every_font_embedded(opts: dict) -> None:
    r = reader(render(PERSON, **opts))
    assert r.metadata.title == f"{TEMPLATE.title}: {NAME}"
    assert r.metadata.author == "Probation Desk"
    assert r.trailer["/Root"]["/Lang"] == "en-GB"
    fonts: dict[str, bool] = {}

    def collect(resources: dict) -> None:
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            fonts[str(font["/BaseFont"])] = (desc is not None
                                             and "/FontFile2" in desc.get_object())
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                collect(xobject["/Resources"])

    used: set[str] = set()
    for page in r.pages:
        collect(page["/Resources"])
        runs, _ = runs_and_rules(page)
        used |= {run.font for run in runs}
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= {f.split("+")[-1] for f in fonts}
    assert all(fonts.values()), fonts  # every font a page uses is embedded (TrueType)
    assert used and all(f.split("+")[-1].startswith("DejaVuSans") for f in used), used


def sizes(data: bytes) -> list[float]:
    r = reader(data)
    return [run.size for page in r.pages for run in runs_and_rules(page)[0]]


@pytest.mark.parametrize(("opts", "least"), [({}, 14), ({"booklet": True}, 14),
                                             ({"fillable": True}, 14),
                                             ({"large_print": True}, 18)])
def test_all_text_is_at_least_the_clear_or_large_print_size(opts: dict, least: float) -> None:
    found = sizes(render(PERSON, **opts))
    assert found and min(found) >= least, sorted(set(found))
    assert least in {round(s, 1) for s in found}  # the body is exactly that size


def test_large_print_is_bigger_than_clear_print() -> None:
    assert min(sizes(render(PERSON, large_print=True))) > min(sizes(render(PERSON)))


@pytest.mark.parametrize("opts", [{}, {"large_print": True}])
def test_a4_pages_numbered_in_the_same_place_and_text_left_aligned(opts: dict) -> None:
    r = reader(render(PERSON, **opts))
    look = WorkbookOptions(**opts).look
    numbers, headers = set(), set()
    for i, page in enumerate(r.pages, start=1):
        assert round(float(page.mediabox.width)) == 595  # A4 portrait
        assert round(float(page.mediabox.height)) == 842
        runs, _ = runs_and_rules(page)
        (number,) = [run for run in runs if run.text.startswith("Page ")]
        assert number.text == f"Page {i}"
        numbers.add(round(number.y, 1))
        header = max(runs, key=lambda run: run.y)
        assert header.text == "Pre-Intervention Module"
        headers.add((round(header.x, 1), round(header.y, 1)))
        starts: dict[float, float] = {}
        for run in runs:
            if run is not number:
                starts[round(run.y, 1)] = min(run.x, starts.get(round(run.y, 1), 1e9))
        for y, x in starts.items():  # every other line starts at the left margin
            assert abs(x - look.margin) < 0.5, (i, y, x)
    assert len(numbers) == 1 and len(headers) == 1


@pytest.mark.parametrize("person", [
    WorkbookPerson("Gwenllïan " * 20 + "ap Llŷr", None),
    WorkbookPerson("Ŵ" * 200, "X1"),
    WorkbookPerson("&<>'\"" * 40, "X1", "&<>" * 60, "'\"" * 100)])
@pytest.mark.parametrize("opts", [{}, {"large_print": True}, {"booklet": True}])
def test_very_long_details_wrap_inside_the_page(person: WorkbookPerson, opts: dict) -> None:
    r = reader(render(person, **opts))
    text = all_text(r).replace(" ", "")
    assert person.name.replace(" ", "") in text  # printed in full, literally
    look = WorkbookOptions(**opts).look
    right = look.page[0] - look.margin
    for page in r.pages:
        for run in runs_and_rules(page)[0]:
            font = run.font.split("+")[-1]
            if run.text.startswith("Page") or font not in ("DejaVuSans", "DejaVuSans-Bold"):
                continue
            # Booklet pages are forms drawn at an offset: measure within the A5 page.
            x = run.x % (look.page[0] + 1) if opts.get("booklet") else run.x
            # A line broken between words ends in a space that is not seen.
            assert x + stringWidth(run.text.rstrip(" "), font, run.size) <= right + 0.5, run


def test_fillable_copy_has_an_empty_multiline_field_over_every_writing_space() -> None:
    for opts in ({"fillable": True}, {"fillable": True, "large_print": True}):
        r = reader(render(None, **opts))
        fields = r.get_fields() or {}
        assert sorted(fields) == sorted(field_names(TEMPLATE)), opts
        for name, field in fields.items():
            assert field.get("/FT") == "/Tx"
            assert int(field.get("/Ff", 0)) & 4096, name  # multiline
            assert not field.get("/V"), name  # never pre-filled
        for page in r.pages:
            box = page.mediabox
            for annot in page.get("/Annots", []):
                x1, y1, x2, y2 = (float(v) for v in annot.get_object()["/Rect"])
                assert 0 <= x1 < x2 <= float(box.width) and 0 <= y1 < y2 <= float(box.height)
    personal = reader(render(PERSON, fillable=True)).get_fields() or {}
    assert {p.id for p in TEMPLATE.prompts} == set(personal)  # details printed, not fields


def test_every_prompt_id_is_a_field_name() -> None:
    names = field_names(TEMPLATE)
    assert [p.id for p in TEMPLATE.prompts] == [n for n in names if not n.startswith("about_")]
    assert len(names) == len(set(names))


def test_print_copies_have_no_form() -> None:
    for opts in ({}, {"booklet": True}, {"large_print": True}):
        r = reader(render(PERSON, **opts))
        assert not r.get_fields()
        assert "/AcroForm" not in r.trailer["/Root"]


def test_booklet_with_fillable_fields_is_refused_in_plain_words(tmp_path: Path) -> None:
    out = tmp_path / "w.pdf"
    with pytest.raises(WorkbookOptionError) as caught:
        render_workbook(PERSON, WorkbookOptions(booklet=True, fillable=True), out)
    assert str(caught.value) == BOOKLET_FILLABLE_MESSAGE
    assert BOOKLET_FILLABLE_MESSAGE == ("A folded booklet is for printing only, so it cannot "
                                        "have fillable fields. Choose one or the other.")
    assert isinstance(caught.value, ValueError)
    assert not out.exists()


def test_large_print_booklet_is_refused_in_plain_words(tmp_path: Path) -> None:
    with pytest.raises(WorkbookOptionError) as caught:
        render_workbook(PERSON, WorkbookOptions(booklet=True, large_print=True),
                        tmp_path / "w.pdf")
    assert str(caught.value) == LARGE_PRINT_BOOKLET_MESSAGE
    assert "A4" in LARGE_PRINT_BOOKLET_MESSAGE and "booklet" in LARGE_PRINT_BOOKLET_MESSAGE
    with pytest.raises(WorkbookOptionError, match="no workbook called"):
        render_workbook(PERSON, WorkbookOptions(template="nothing_here"), io.BytesIO())


@pytest.mark.parametrize("opts", VARIANTS)
def test_same_input_gives_the_same_bytes(opts: dict, tmp_path: Path) -> None:
    first = render(PERSON, **opts)
    assert render(PERSON, **opts) == first
    render_workbook(PERSON, WorkbookOptions(**opts), tmp_path / "w.pdf")
    assert (tmp_path / "w.pdf").read_bytes() == first


def test_shared_layout_is_not_changed_by_the_copies_in_between() -> None:
    """Template text is laid out once and reused: other copies must not leak into it."""
    first = render(PERSON)
    render(WorkbookPerson("Ŵ" * 300, None, "x " * 200))
    render(None, fillable=True)
    render(PERSON, booklet=True)
    render(PERSON, large_print=True)
    assert render(PERSON) == first
    layout.section_parts.cache_clear()
    assert render(PERSON) == first  # the same as laying it out afresh


def test_page_count_returned_matches_the_file(tmp_path: Path) -> None:
    for opts in ({}, {"large_print": True}, {"booklet": True}, {"fillable": True}):
        out = tmp_path / "w.pdf"
        pages = render_workbook(PERSON, WorkbookOptions(**opts), out)
        assert pages == len(reader(out.read_bytes()).pages) > 1
    assert render_workbook(PERSON, WorkbookOptions(large_print=True), io.BytesIO()) > \
        render_workbook(PERSON, WorkbookOptions(), io.BytesIO())


def test_person_on_probation_is_never_called_an_offender() -> None:
    text = all_text(reader(render(None))).lower()
    assert "offender" not in text


@pytest.mark.parametrize("opts", [{}, {"booklet": True}, {"large_print": True}])
def test_replayed_pages_read_back_as_laid_out(opts: dict) -> None:
    """Static sections are laid out once and replayed: a replayed copy reads the same.

    The pages are recorded from another person's copy, whose name brings letters the
    template does not have and, early, letters the template uses only on later pages
    (H, O, U, x, F): unless every document gives the template's letters the same codes,
    the replayed pages would name glyphs this copy never embedded.
    """
    layout._PAGES.clear()
    fresh = reader(render(PERSON, **opts))
    assert layout._PAGES  # recorded
    layout._PAGES.clear()
    render(WorkbookPerson("Ærø HOUx-F Łukasz Þór", "A000001", "Jo Reid", None), **opts)
    replayed = reader(render(PERSON, **opts))
    assert len(replayed.pages) == len(fresh.pages)
    for a, b in zip(fresh.pages, replayed.pages, strict=True):
        assert b.get_contents().get_data() == a.get_contents().get_data()
        assert flat(b.extract_text()) == flat(a.extract_text())
    assert NAME in flat(all_text(replayed))


@pytest.mark.parametrize("value", [
    "Siân Llŷr-Ŵyn", "Gwenllïan " * 20 + "ap Llŷr", "Ŵ" * 200, "a " + "Ŵ" * 60,
    "&<>'\"" * 40, "Siân  Llŷr-Ŵyn\tx", "   "])
@pytest.mark.parametrize("look", [layout.CLEAR_A4, layout.LARGE_A4, layout.CLEAR_A5],
                         ids=["clear", "large", "booklet"])
def test_a_detail_breaks_its_lines_where_a_paragraph_of_it_would(value: str,
                                                                 look: layout.Look) -> None:
    """The details are drawn as plain text, not Paragraph markup, yet wrap the same."""
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    from probation_desk.printing.fonts import register_fonts

    register_fonts()
    st = layout.styles(look)
    width = look.page[0] - 2 * look.margin
    para = Paragraph(f"<b>My name:</b> {escape(value)}", st.body)
    para.wrap(width, 1e6)
    lines = para.blPara.lines
    expected = ([flat("".join(frag.text for frag in line.words)) for line in lines]
                if para.blPara.kind else [flat(" ".join(words)) for _w, words in lines])
    detail = layout.Detail("My name:", value, st.body, st.prompt.fontName)
    detail.wrap(width, 1e6)
    assert [flat("".join(t for _font, t in line)) for line in detail._lines] == expected
    assert detail.height == len(expected) * st.body.leading
