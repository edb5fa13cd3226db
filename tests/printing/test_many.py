"""Workbooks for several people: one PDF, or one file each; progress and cancel."""

from __future__ import annotations

import io
from pathlib import Path

from probation_desk.printing.booklet import booklet_order
from probation_desk.printing.workbook import (
    WorkbookOptions,
    WorkbookPerson,
    field_names,
    load_template,
    render_many,
    render_workbook,
)
from tests.printing.pdfread import all_text, placed_forms, reader, render

PEOPLE = [WorkbookPerson(f"Person {i} Ŵyn & <{i}>", f"A00000{i}", "Alex Bevan")
          for i in range(3)]


def test_one_file_holds_each_copy_with_page_numbers_restarting(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    out = tmp_path / "all.pdf"
    files = render_many(PEOPLE, WorkbookOptions(), out, one_file=True,
                        progress=lambda done, total: seen.append((done, total)) is None)
    assert files == [out]
    assert seen == [(1, 3), (2, 3), (3, 3)]
    r = reader(out.read_bytes())
    single = render_workbook(PEOPLE[0], WorkbookOptions(), io.BytesIO())
    assert len(r.pages) == 3 * single
    for i, person in enumerate(PEOPLE):
        copy = r.pages[i * single:(i + 1) * single]
        texts = [page.extract_text() for page in copy]
        assert all(f"Page {n}" in t for n, t in enumerate(texts, start=1))
        assert person.name in " ".join(texts)
    assert r.metadata.title.endswith("(3 people)")


def test_one_file_fillable_keeps_each_persons_answers_apart(tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    render_many(PEOPLE[:2], WorkbookOptions(fillable=True), out, one_file=True)
    fields = set(reader(out.read_bytes()).get_fields() or {})
    prompts = [p.id for p in load_template("pre_intervention_module").prompts]
    blanks = ["about_supporter", "about_date"]  # details not on record: lines to write on
    assert fields == {f"p{n}_{pid}" for n in (1, 2) for pid in prompts + blanks}
    assert not fields & set(field_names(load_template("pre_intervention_module")))


def test_one_file_of_booklets_imposes_each_booklet_on_its_own_sheets(tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    render_many(PEOPLE, WorkbookOptions(booklet=True), out, one_file=True)
    r = reader(out.read_bytes())
    sides = render_workbook(PEOPLE[0], WorkbookOptions(booklet=True), io.BytesIO())
    assert len(r.pages) == 3 * sides
    order = booklet_order(sides * 2)
    for i in range(len(PEOPLE)):
        names = []
        for page, (left, right) in zip(r.pages[i * sides:(i + 1) * sides], order, strict=True):
            placed = {round(m[4]): text for m, text in placed_forms(r, page)}
            assert f"Page {left}" in placed[0] and f"Page {right}" in placed[421]
            names += [t for t in placed.values() if "My name:" in t]
        assert len(names) == 1 and f"My name: Person {i} " in names[0]


def test_cancelling_one_file_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    calls: list[int] = []

    def progress(done: int, total: int) -> bool:
        calls.append(done)
        return done < 1

    assert render_many(PEOPLE, WorkbookOptions(), out, one_file=True, progress=progress) == []
    assert calls == [1] and not out.exists()


def test_one_file_each_named_after_the_crn_and_cancel_keeps_what_is_done(
        tmp_path: Path) -> None:
    people = [*PEOPLE, WorkbookPerson("No CRN", None), WorkbookPerson("Same", "A000000")]
    files = render_many(people, WorkbookOptions(booklet=True), tmp_path / "each",
                        one_file=False)
    assert [f.name for f in files] == ["workbook-A000000.pdf", "workbook-A000001.pdf",
                                       "workbook-A000002.pdf", "workbook-person-4.pdf",
                                       "workbook-A000000-2.pdf"]
    for person, file in zip(people, files, strict=True):
        assert file.read_bytes() == render(person, booklet=True)  # the same as one alone
    stopped = render_many(PEOPLE, WorkbookOptions(), tmp_path / "stop", one_file=False,
                          progress=lambda done, total: done < 2)
    assert [f.name for f in stopped] == ["workbook-A000000.pdf", "workbook-A000001.pdf"]
    assert sorted(p.name for p in (tmp_path / "stop").iterdir()) == [f.name for f in stopped]


def test_nobody_to_print_writes_nothing(tmp_path: Path) -> None:
    assert render_many([], WorkbookOptions(), tmp_path / "all.pdf", one_file=True) == []
    assert not (tmp_path / "all.pdf").exists()
    assert render_many([], WorkbookOptions(), tmp_path / "each", one_file=False) == []


def test_one_file_text_has_every_name(tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    render_many(PEOPLE, WorkbookOptions(large_print=True), out, one_file=True)
    text = all_text(reader(out.read_bytes()))
    assert all(p.name in text for p in PEOPLE)
