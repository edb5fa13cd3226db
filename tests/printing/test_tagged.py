"""The workbook and the completion report are tagged PDFs a screen reader can follow:
read back with pikepdf, poppler's ``pdfinfo -struct-text``, ``qpdf --check`` and the
``pdfua`` checker. The A5 booklet is print-only and says so by having no structure."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from probation_desk.printing.report import render_table_report
from probation_desk.printing.template import DETAILS, Template, field_names, load_template
from probation_desk.printing.workbook import (
    WorkbookOptions,
    WorkbookPerson,
    render_many,
    render_workbook,
    uk_date,
)
from probation_desk.services.review import REPORT_COLUMNS
from tests.printing.tagged import (
    check_tagged,
    qpdf_check,
    read_structure,
    struct_text,
    words,
)
from tests.printing.test_report import ROW

pytestmark = pytest.mark.skipif(
    shutil.which("pdfinfo") is None or shutil.which("qpdf") is None,
    reason="needs poppler-utils (pdfinfo) and qpdf (./run-tests installs them as root)")

PERSON = WorkbookPerson("Siân Llŷr-Ŵyn & <Co>", "X123456", "Alex Bevan", None,
                        dt.date(2026, 11, 22))

WORKBOOKS: dict[str, tuple[WorkbookPerson | None, dict[str, Any]]] = {
    "blank": (None, {}),
    "personalised": (PERSON, {}),
    "personalised, no CRN": (PERSON, {"show_crn": False}),
    "large print": (PERSON, {"large_print": True}),
    "fillable blank": (None, {"fillable": True}),
    "fillable personalised": (PERSON, {"fillable": True}),
    "large print fillable": (None, {"large_print": True, "fillable": True}),
}


def expected_text(template: Template, person: WorkbookPerson | None,
                  options: WorkbookOptions) -> list[str]:
    """The template's text in its own order, with the person's details where asked for."""
    values: dict[str, str | None] = {}
    if person is not None:
        values = {"name": person.name, "crn": person.crn if options.show_crn else None,
                  "practitioner": person.practitioner, "supporter": person.supporter,
                  "date": uk_date(person.printed_on) if person.printed_on else None}
    out: list[str] = []
    for i, section in enumerate(template.sections):
        if i == 0:
            out.append(template.title)
        out += [section.heading, *section.text]
        if section.personal_details:
            for key, label in DETAILS:
                if key == "crn" and not options.show_crn:
                    continue
                out.append(f"{label}:")
                if values.get(key):
                    out.append(str(values[key]))
        out += [p.text for p in section.prompts]
    return out


def pdfua_findings(path: Path) -> list[str]:
    """What the pdfua checker finds (it covers 16 of PDF/UA-1's 106 machine rules)."""
    from pdfua import validate

    report = validate(str(path))
    assert not report.skipped, [o.rule.id for o in report.skipped]
    return [f"{f.rule_id}: {f.message}" for f in report.findings]


@pytest.mark.parametrize("case", list(WORKBOOKS))
def test_every_a4_workbook_is_tagged_in_template_order(tmp_path: Path, case: str) -> None:
    person, opts = WORKBOOKS[case]
    options = WorkbookOptions(**opts)
    template = load_template(options.template)
    for copy in ("first", "again"):  # the second copy replays the first's static pages
        out = tmp_path / f"{copy}.pdf"
        render_workbook(person, options, out)
        pdf, tree = check_tagged(out)
        assert qpdf_check(out) == ""
        assert pdfua_findings(out) == []
        assert str(pdf.Root.Lang) == template.lang
        roles = [e.role for e in tree.walk()]
        assert roles.count("H1") == 1
        assert roles.count("H2") == len(template.sections)
        assert roles.count("L") == 1  # the person's details
        text = struct_text(out)
        # The structure reads as the template does, word for word, and holds nothing of
        # the running header or the page numbers (artifacts).
        assert words(" ".join(text)) == words(" ".join(expected_text(template, person,
                                                                     options)))
        assert not any(t.startswith("Page ") for t in text)
        fields = [str(f.T) for f in pdf.Root.AcroForm.Fields] if options.fillable else []
        forms = [e for e in tree.walk() if e.role == "Form"]
        assert len(forms) == len(fields)
        if options.fillable and person is None:
            assert fields == field_names(template)
        if options.fillable:
            # Each field is in the tree where its question is: right after it.
            flat = tree.walk()
            for form in forms:
                before = flat[flat.index(form) - 1]
                assert before.role in ("P", "LBody", "Lbl")


def test_a_split_paragraph_is_one_element_over_two_pages(tmp_path: Path) -> None:
    """A detail long enough to run over a page is still one list item, read in one go."""
    long = " ".join(["Featherstonehaugh-Llewellyn"] * 120)
    person = WorkbookPerson(long, "X1", long, long, dt.date(2026, 11, 22))
    out = tmp_path / "long.pdf"
    render_workbook(person, WorkbookOptions(large_print=True), out)
    _pdf, tree = check_tagged(out)
    items = [e for e in tree.walk() if e.role == "LI"]
    bodies = [k for item in items for k in item.kids if k.role == "LBody"]
    assert len(items) == len(bodies) == 5
    assert any(len({page for page, _m in body.mcids}) > 1 for body in bodies), \
        "no detail ran over a page: the test does not test the split"
    assert words(" ".join(struct_text(out))).count(words(long)) == 3


@pytest.mark.parametrize("fillable", [False, True])
def test_several_people_in_one_file(tmp_path: Path, fillable: bool) -> None:
    options = WorkbookOptions(fillable=fillable)
    template = load_template(options.template)
    people = [WorkbookPerson(f"Person {i} Ŵyn", f"A{i:06d}", "Alex Bevan", "Sam",
                             dt.date(2026, 11, 22)) for i in range(3)]
    out = tmp_path / "all.pdf"
    render_many(people, options, out, one_file=True)
    pdf, tree = check_tagged(out)
    assert qpdf_check(out) == ""
    assert pdfua_findings(out) == []
    assert [e.role for e in tree.walk()].count("H1") == 3
    expected = [t for p in people for t in expected_text(template, p, options)]
    assert words(" ".join(struct_text(out))) == words(" ".join(expected))
    if fillable:
        names = {str(f.T) for f in pdf.Root.AcroForm.Fields}
        forms = [e for e in tree.walk() if e.role == "Form"]
        assert len(forms) == len(names) == 3 * len(template.prompts)
        assert all(n.startswith(("p1_", "p2_", "p3_")) for n in names)


def test_the_a5_booklet_is_print_only(tmp_path: Path) -> None:
    """Imposed two-up it has no reading order to tag: it is for printing and folding."""
    out = tmp_path / "booklet.pdf"
    render_workbook(PERSON, WorkbookOptions(booklet=True), out)
    assert "/StructTreeRoot" not in pikepdf.open(out).Root
    assert qpdf_check(out) == ""


def test_the_completion_report_is_a_table(tmp_path: Path) -> None:
    from pypdf import PdfReader

    rows = []
    for i in range(70):
        row = list(ROW)
        row[0] = f"Q{i:06d}"
        row[5] = ("Completed", "In progress", "Not started")[i % 3]
        row[7] = "" if i % 4 == 0 else row[7]  # an empty cell is still a cell
        rows.append(row)
    out = tmp_path / "report.pdf"
    pages = render_table_report(out, title="Pre-Intervention Module completion",
                                subtitle="Filters: all regions.", columns=list(REPORT_COLUMNS),
                                rows=rows, count_by=("Module",))
    pdf, _tree = check_tagged(out)
    assert qpdf_check(out) == ""
    assert pdfua_findings(out) == []
    assert all(p.mediabox[2] > p.mediabox[3] for p in pdf.pages)  # landscape
    document = read_structure(out)
    assert [k.role for k in document.kids[:3]] == ["H1", "P", "P"]
    *parts, totals = document.find("Table")
    assert len(parts) > 1, "fourteen columns do not fit one page at a readable size"
    shown: list[str] = []
    for table in parts:
        head, *body = table.kids
        assert {r.role for r in table.kids} == {"TR"}
        assert [c.role for c in head.kids] == ["TH"] * len(head.kids)
        assert all(c.attributes == ["/Scope /Column"] for c in head.kids)
        assert len(head.kids) <= 8
        assert [c.text for c in head.kids[:2]] == ["CRN", "Name"]  # whose each row is
        shown += [c.text for c in head.kids[2:]]
        assert len(body) == len(rows)  # the header row once: repeats are artifacts
        columns = [REPORT_COLUMNS.index(c.text) for c in head.kids]
        for row, read in zip(rows, body, strict=True):
            assert [c.role for c in read.kids] == ["TD"] * len(columns)
            assert [c.text for c in read.kids] == [words(row[i]) for i in columns]
    assert shown == list(REPORT_COLUMNS[2:])  # every column once, in order
    # The header row is drawn at the top of every page of a table, as an artifact.
    for number, page in enumerate(PdfReader(out).pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text
        if not text.lstrip().startswith("Totals"):
            assert "CRN" in text and "Name" in text
    # Totals: how many people have each module state, and everyone.
    assert [r.text for r in totals.kids] == ["Module People", "Completed 24",
                                             "In progress 23", "Not started 23", "Total 70"]


def test_an_empty_report_says_so_and_is_tagged(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    render_table_report(out, title="T", subtitle="S", columns=list(REPORT_COLUMNS), rows=[],
                        count_by=("Module",))
    check_tagged(out)
    assert qpdf_check(out) == ""
    document = read_structure(out)
    assert "No people match these filters." in [k.text for k in document.kids]
    (totals,) = document.find("Table")
    assert [r.text for r in totals.kids] == ["Module People", "Total 0"]
