"""The workbook in Welsh: the same workbook (prompt ids, order, lines) in Cymraeg, printed
around with Welsh words, the default for a person whose language is Welsh, chosen either
way on the command line, with Welsh letters in every size and /Lang cy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from probation_desk.cli import main
from probation_desk.printing.template import LABEL_DEFAULTS, load_template
from probation_desk.settings import Settings, save_settings

TITLE_CY = "Paratoi: fy Modiwl Cyn-Ymyrraeth"
TITLE_EN = "Getting ready: my Pre-Intervention Module"


def text_of(path: Path) -> str:
    """The PDF's text with line breaks and spacing joined (titles wrap at large print)."""
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages)
                    .split())


def lang_of(path: Path) -> str:
    return str(PdfReader(path).trailer["/Root"].get("/Lang"))


def test_the_welsh_edition_is_the_same_workbook() -> None:
    en, cy = load_template("pre_intervention_module"), load_template("pre_intervention_module",
                                                                      "cy")
    assert [(p.id, p.lines) for p in cy.prompts] == [(p.id, p.lines) for p in en.prompts]
    assert [(len(s.text), s.personal_details) for s in cy.sections] == [
        (len(s.text), s.personal_details) for s in en.sections]
    assert [k for k, _ in cy.details] == [k for k, _ in en.details]
    assert set(dict(cy.labels)) == set(LABEL_DEFAULTS)  # every printed word in Welsh
    assert cy.lang == "cy" and cy.title == TITLE_CY
    for s_en, s_cy in zip(en.sections, cy.sections, strict=True):
        assert s_cy.heading != s_en.heading  # translated, not copied


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PROBATION_DESK_HOME", str(tmp_path / "home"))
    save_settings(Settings(user_name="Ffion Hughes"))
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert main(["person", "add", "--crn", "W300001", "--name", "Siân Llŷr-Ŵyn", "--region",
                 "Wales", "--pdu", "Cardiff", "--language", "WELSH", "--db", url]) == 0
    assert main(["person", "add", "--crn", "W300002", "--name", "Tom Evans", "--region",
                 "Wales", "--pdu", "Cardiff", "--db", url]) == 0
    return url


@pytest.mark.parametrize("size", ["--standard-print", "--large-print"])
def test_a_welsh_speakers_workbook_is_welsh_by_default(db: str, tmp_path: Path,
                                                      size: str) -> None:
    out = tmp_path / "cy.pdf"
    assert main(["workbook", "--crn", "W300001", size, "--out", str(out), "--db", db]) == 0
    text = text_of(out)
    assert TITLE_CY in text and TITLE_EN not in text
    assert "Fy enw:" in text and "Siân Llŷr-Ŵyn" in text  # Welsh letters, whole
    assert "grŵp" in text and "Tudalen 1" in text and "Page 1" not in text
    assert lang_of(out) == "cy"


def test_the_edition_can_be_chosen_either_way(db: str, tmp_path: Path) -> None:
    en = tmp_path / "en.pdf"
    assert main(["workbook", "--crn", "W300001", "--language", "en", "--out", str(en),
                 "--db", db]) == 0
    assert TITLE_EN in text_of(en) and lang_of(en) == "en-GB"
    cy = tmp_path / "tom-cy.pdf"
    assert main(["workbook", "--crn", "W300002", "--language", "cy", "--out", str(cy),
                 "--db", db]) == 0
    assert TITLE_CY in text_of(cy)
    assert main(["workbook", "--crn", "W300002", "--out", str(tmp_path / "tom.pdf"),
                 "--db", db]) == 0
    assert TITLE_EN in text_of(tmp_path / "tom.pdf")  # an English speaker's default


def test_a_blank_copy_follows_the_users_language(db: str, tmp_path: Path) -> None:
    save_settings(Settings(user_name="Ffion Hughes", language="cy"))
    out = tmp_path / "blank.pdf"
    assert main(["workbook", "--blank", "--out", str(out)]) == 0
    assert TITLE_CY in text_of(out)


def test_the_history_says_which_edition_was_printed(db: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workbook", "--crn", "W300001", "--out", str(tmp_path / "w.pdf"),
                 "--db", db]) == 0
    capsys.readouterr()
    assert main(["history", "W300001", "--json", "--db", db]) == 0
    newest = json.loads(capsys.readouterr().out)["history"][0]
    assert {"field": "Edition", "before": "", "after": "Cymraeg (Welsh)"} in newest["changes"]


def test_the_completion_report_in_welsh(db: str, tmp_path: Path) -> None:
    import csv

    assert main(["module", "record", "--crn", "W300001", "--date", "2026-10-05",
                 "--supporter-role", "PP", "--supporter", "Ffion Hughes", "--completed",
                 "--db", db]) == 0
    assert main(["si", "refer", "--crn", "W300001", "--need-area", "ATB", "--name",
                 "Building Better Relationships", "--date", "2026-10-06", "--db", db]) == 0
    out = tmp_path / "cwblhau.pdf"
    assert main(["report", "completion", "--format", "pdf", "--out", str(out),
                 "--language", "cy", "--db", db]) == 0
    text = text_of(out)
    assert "Cwblhau'r Modiwl Cyn-Ymyrraeth" in text and "Tudalen 1 o" in text
    assert "Wedi'i gwblhau" in text and "Eu hymarferydd prawf" in text
    assert "Cyfansymiau" in text and "Page 1" not in text and lang_of(out) == "cy"
    sheet = tmp_path / "cwblhau.csv"
    assert main(["report", "completion", "--format", "csv", "--out", str(sheet),
                 "--language", "cy", "--db", db]) == 0
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        header, first = list(csv.reader(fh))[:2]
    assert header[:3] == ["CRN", "Enw", "Rhanbarth"] and "Wedi'i gwblhau" in first
    english = tmp_path / "completion.pdf"
    assert main(["report", "completion", "--format", "pdf", "--out", str(english),
                 "--language", "en", "--db", db]) == 0
    assert "Pre-Intervention Module completion" in text_of(english)
