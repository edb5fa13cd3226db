"""Workbooks in the window: the in-app preview, printing from it, the option rules and
printing for several selected people at once (real widgets, offscreen, real PDFs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import wait_idle

pytestmark = pytest.mark.gui

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("reportlab")


def blank_workbook(out: Path, **opts: Any) -> int:
    from probation_desk.services.workbooks import print_workbook

    return print_workbook(None, crn=None, out=out, show_crn=False, **opts)


def test_preview_shows_page_count_and_title(qtbot: Any, tmp_path: Path) -> None:
    from probation_desk.ui.pdf_preview import PdfPreviewDialog

    out = tmp_path / "wb.pdf"
    pages = blank_workbook(out)
    assert pages == len(pypdf.PdfReader(out).pages) > 1
    dlg = PdfPreviewDialog(out, "Workbook for Siân Llŷr-Ŵyn")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.windowTitle() == "Workbook for Siân Llŷr-Ŵyn"
    assert dlg.page_count() == pages
    assert dlg.page_label.text() == f"Page 1 of {pages}"
    assert not dlg.advice.isVisible()
    names = [b.accessibleName() for b in dlg.buttons.buttons()]
    assert {"Print", "Save as PDF", "Open in PDF viewer", "Close"} <= set(names)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_booklet_preview_advises_short_edge(qtbot: Any, tmp_path: Path) -> None:
    from probation_desk.ui.pdf_preview import PdfPreviewDialog

    out = tmp_path / "booklet.pdf"
    blank_workbook(out, booklet=True, large_print=False)
    dlg = PdfPreviewDialog(out, "Booklet", booklet=True)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.advice.isVisible()
    assert "double-sided" in dlg.advice.text() and "short edge" in dlg.advice.text()


def test_print_pdf_renders_every_page_to_a_printer(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter

    from probation_desk.ui.pdf_preview import print_pdf

    src = tmp_path / "wb.pdf"
    pages = blank_workbook(src)
    doc = QPdfDocument()
    doc.load(str(src))
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert print_pdf(doc, printer) == pages
    assert len(pypdf.PdfReader(printed).pages) == pages
    doc.close()


def test_booklet_and_fillable_cannot_both_be_ticked(qtbot: Any, window: Any) -> None:
    from probation_desk.ui.workbook_dialog import BOOKLET_NOTE, WorkbookDialog

    person = window.desk.person_by_crn("L900001")
    dlg = WorkbookDialog(window.desk, window.tasks, person, window)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.fillable.setChecked(True)
    assert not dlg.booklet_note.isVisible()
    dlg.booklet.setChecked(True)
    assert dlg.booklet.isChecked() and not dlg.fillable.isChecked()
    assert not dlg.fillable.isEnabled()
    assert dlg.booklet_note.isVisible() and dlg.booklet_note.text() == BOOKLET_NOTE
    assert "print-only" in BOOKLET_NOTE
    dlg.booklet.setChecked(False)
    assert dlg.fillable.isEnabled() and not dlg.booklet_note.isVisible()
    wait_idle(qtbot, window)
