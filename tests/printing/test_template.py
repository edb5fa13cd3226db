"""Workbook content as data: any template renders; bad data is refused in plain words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from probation_desk import resources
from probation_desk.printing.template import (
    FILL,
    TemplateError,
    available_templates,
    field_names,
    load_template,
    parse_template,
)
from probation_desk.printing.workbook import WorkbookOptions, WorkbookPerson, render_workbook
from probation_desk.resources import resource_path
from tests.printing.pdfread import all_text, reader, render

WELSH = {
    "title": "Paratoi: fy llyfr gwaith", "short_title": "Llyfr gwaith", "lang": "cy",
    "sections": [
        {"heading": "Beth yw hwn", "text": ["Mae'r llyfr hwn yn eich helpu chi."],
         "personal_details": True},
        {"heading": "Fy nodiadau", "prompts": [
            {"id": "nodyn_un", "text": "Beth sy'n bwysig i chi? Ŵyr, ŷd, â.", "lines": 3},
            {"id": "nodiadau", "text": "Fy nodiadau:", "lines": "fill"}]},
    ],
}


@pytest.fixture
def extra_root(tmp_path: Path) -> Iterator[Path]:
    """A resources folder searched before the shipped one."""
    (tmp_path / "workbooks").mkdir()
    original = resources.ROOTS
    resources.ROOTS = (tmp_path, *original)
    yield tmp_path
    resources.ROOTS = original


def test_a_new_workbook_is_just_a_data_file(extra_root: Path) -> None:
    (extra_root / "workbooks" / "welsh_test.json").write_text(json.dumps(WELSH),
                                                              encoding="utf-8")
    assert "welsh_test" in available_templates()
    data = render(WorkbookPerson("Siôn Ŵyn", "C1"), template="welsh_test", fillable=True)
    r = reader(data)
    text = all_text(r)
    assert "Beth sy'n bwysig i chi? Ŵyr, ŷd, â." in text and "Siôn Ŵyn" in text
    assert r.trailer["/Root"]["/Lang"] == "cy"
    assert set(r.get_fields() or {}) == {"nodyn_un", "nodiadau"} | {
        n for n in field_names(load_template("welsh_test")) if n.startswith("about_")} - {
        "about_name", "about_crn"}


def test_shipped_template_is_found_and_checked() -> None:
    t = load_template("pre_intervention_module")
    assert resource_path("workbooks", "pre_intervention_module.json").is_file()
    assert load_template("pre_intervention_module") is t  # parsed once
    assert t.lang == "en-GB" and len(t.prompts) >= 10
    assert t.prompts[-1].lines == FILL  # the notes page
    headings = " ".join(s.heading for s in t.sections).lower()
    for words in ("what this is", "get in the way", "change", "help", "my supporters",
                  "my next steps", "notes"):
        assert words in headings


@pytest.mark.parametrize(("data", "message"), [
    ({"title": "T"}, "list of sections"),
    ({"title": "T", "sections": []}, "no sections"),
    ({"title": "T", "sections": [{"text": ["x"]}]}, "heading must be some text"),
    ({"title": "T", "sections": [{"heading": "H", "prompts": [
        {"id": "a", "text": "Q"}, {"id": "a", "text": "Q2"}]}]}, "own id"),
    ({"title": "T", "sections": [{"heading": "H", "prompts": [
        {"id": "Bad Id", "text": "Q"}]}]}, "lower-case"),
    ({"title": "T", "sections": [{"heading": "H", "prompts": [
        {"id": "a", "text": "Q", "lines": 40}]}]}, "from 1 to"),
    ({"title": "T", "sections": [{"heading": "H", "personal_details": True, "prompts": [
        {"id": "about_name", "text": "Q"}]}]}, "own id"),
    ({"title": "T", "lang": "english", "sections": [{"heading": "H"}]}, "language tag"),
])
def test_bad_templates_are_refused_saying_what_is_wrong(data: dict, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse_template("bad", data)


def test_unknown_or_unreadable_template(extra_root: Path) -> None:
    with pytest.raises(TemplateError, match="no workbook called"):
        load_template("../secrets")
    (extra_root / "workbooks" / "broken_test.json").write_text("{", encoding="utf-8")
    with pytest.raises(TemplateError, match="cannot be read"):
        load_template("broken_test")


def test_resources_fall_back_to_the_installed_copy(tmp_path: Path) -> None:
    installed = tmp_path / "_resources"
    (installed / "fonts").mkdir(parents=True)
    (installed / "fonts" / "x.ttf").write_bytes(b"")
    original = resources.ROOTS
    resources.ROOTS = (tmp_path / "missing", installed)
    try:
        assert resource_path("fonts", "x.ttf") == installed / "fonts" / "x.ttf"
        with pytest.raises(FileNotFoundError, match="cannot find"):
            resource_path("fonts", "nothing.ttf")
    finally:
        resources.ROOTS = original
    assert resources.ROOTS[0].name == "resources" and resources.ROOTS[1].name == "_resources"


def test_shipped_font_and_its_licence() -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font = TTFont("check", str(resource_path("fonts", name)))
        for ch in "ŵŷâŴŶÂïô":  # Welsh letters are in the font itself
            assert ord(ch) in font.face.charToGlyph, (name, ch)
    licence = resource_path("fonts", "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert "Bitstream" in licence


def test_blank_options_default_to_clear_print_a4() -> None:
    options = WorkbookOptions()
    assert (options.large_print, options.booklet, options.fillable, options.show_crn) == (
        False, False, False, True)
    assert options.look.body == 14 and round(options.look.page[0]) == 595
    assert render_workbook(None, options, __import__("io").BytesIO()) > 0
