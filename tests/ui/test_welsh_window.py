"""The window in Welsh: the language chosen (or the system's), the catalogue compiled by
pyside6-lrelease and installed, Qt's own buttons in Welsh, and the catalogue kept whole:
every text the code marks for translation has its Welsh, with the same placeholders and
mnemonics, and lupdate run over the code finds nothing new."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from probation_desk.i18n import catalogue, chosen_language, language_at_start, system_language

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "probation_desk_cy.ts"
QT_CONTEXTS = {"QPlatformTheme", "QGnomeTheme"}


def messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(path).getroot()
    return {(c.findtext("name") or "", m.findtext("source") or ""): m
            for c in root.iter("context") for m in c.iter("message")}


def test_the_system_language_is_followed_when_none_is_chosen(tmp_path: Path) -> None:
    assert system_language({"LANG": "cy_GB.UTF-8"}) == "cy"
    assert system_language({"LANGUAGE": "cy:en_GB", "LANG": "en_GB.UTF-8"}) == "cy"
    assert system_language({"LANG": "en_GB.UTF-8"}) == "en"
    assert chosen_language("en") == "en" and chosen_language("cy") == "cy"
    settings = tmp_path / "settings.json"
    settings.write_text('{"language": "cy"}', encoding="utf-8")
    assert language_at_start(settings) == "cy"


def test_the_catalogue_is_complete_and_keeps_placeholders_and_mnemonics() -> None:
    found = messages(TS)
    assert found
    for (context, source), m in found.items():
        t = m.find("translation")
        assert t is not None and t.get("type") is None, (context, source)  # none unfinished
        text = t.text or ""
        # The same as the English only for codes and names (CRN, RAR), never for words.
        assert text and (text != source or not re.search(r"[a-z]{2,}", source)), (
            context, source)
        for pattern in (r"%\d|%n", r"\{\w*\}"):
            assert sorted(re.findall(pattern, text)) == sorted(re.findall(pattern, source))
        mnemonics = len(re.findall(r"&(?!&)", source.replace("&&", "")))
        assert len(re.findall(r"&(?!&)", text.replace("&&", ""))) == mnemonics, source


def test_lupdate_over_the_code_finds_nothing_new(tmp_path: Path) -> None:
    lupdate = shutil.which("pyside6-lupdate", path=str(ROOT / ".venv" / "bin"))
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not installed here")
    copy = tmp_path / "check.ts"
    shutil.copy(TS, copy)
    sources = [str(p) for p in sorted((ROOT / "probation_desk").rglob("*.py"))]
    subprocess.run([lupdate, *sources, "-ts", str(copy)], check=True, capture_output=True)
    after = {k for k, m in messages(copy).items()
             if (m.find("translation") is None or m.find("translation").get("type")  # type: ignore[union-attr]
                 not in ("vanished", "obsolete"))}
    before = {k for k in messages(TS) if k[0] not in QT_CONTEXTS}
    assert after - before == set()  # every text marked for translation is in the catalogue
    assert {k for k in before if k not in after} == set()  # and none is left behind


def test_the_window_speaks_welsh_qt_buttons_included(qtbot: Any) -> None:
    from probation_desk.ui.app import install_language

    qm = catalogue("cy")
    assert qm is not None and qm.suffix == ".qm"  # compiled by pyside6-lrelease
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translator = install_language(app, "cy")
    assert translator is not None
    try:
        assert QCoreApplication.translate("CaseRecord", "Record outcome") == \
            "Cofnodi canlyniad"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        texts = {b.text().replace("&", "") for b in box.buttons()}
        assert texts == {"Iawn", "Diddymu"}
    finally:
        app.removeTranslator(translator)
