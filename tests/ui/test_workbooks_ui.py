"""Workbooks in the window: the in-app preview, printing from it, the option rules and
printing for several selected people at once (real widgets, offscreen, real PDFs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

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


def labels_whole(dlg: Any) -> None:
    """Every visible label in the dialog has the room its text needs, none overlapping."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    QApplication.processEvents()
    shown = [w for w in dlg.findChildren(QWidget) if w.isVisible()
             and isinstance(w, QLabel | QAbstractButton) and w.parentWidget() is dlg]
    for w in shown:
        if isinstance(w, QLabel) and w.wordWrap():
            assert w.height() >= w.heightForWidth(w.width()), w.text()
        else:
            assert w.width() >= w.minimumSizeHint().width(), w.text()
    for a in shown:
        for b in shown:
            if a is not b:
                assert not a.geometry().intersects(b.geometry()), (a.text(), b.text())


def test_booklet_and_fillable_cannot_both_be_ticked(qtbot: Any, window: Any) -> None:
    from probation_desk.printing.workbook import BOOKLET_FILLABLE_REASON
    from probation_desk.ui.workbook_dialog import WorkbookDialog

    person = window.desk.person_by_crn("L900001")
    dlg = WorkbookDialog(window.desk, window.tasks, person, window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.large.setChecked(False)
    dlg.fillable.setChecked(True)
    assert not dlg.booklet.isEnabled()  # the other way round is prevented too
    assert "Untick Fillable on screen" in dlg.booklet.toolTip()
    dlg.fillable.setChecked(False)
    assert dlg.booklet.isEnabled() and not dlg.options_note.isVisible()
    dlg.booklet.setChecked(True)
    assert dlg.booklet.isChecked() and not dlg.fillable.isChecked()
    assert not dlg.fillable.isEnabled()
    assert dlg.options_note.isVisible()
    assert (f"Fillable on screen is not available with A5 booklet: {BOOKLET_FILLABLE_REASON} "
            "Untick A5 booklet to choose it.") in dlg.options_note.text()
    labels_whole(dlg)  # the note is whole and over nothing (it overlapped Blank copy)
    dlg.booklet.setChecked(False)
    assert dlg.fillable.isEnabled() and not dlg.options_note.isVisible()
    wait_idle(qtbot, window)


def test_large_print_and_the_booklet_are_prevented_up_front(qtbot: Any, window: Any) -> None:
    """Large print cannot be an A5 booklet: the booklet is disabled with the printer's
    reason while large print is ticked (it was refused only after pressing Print)."""
    from probation_desk.printing.workbook import LARGE_PRINT_BOOKLET_REASON
    from probation_desk.ui.workbook_dialog import WorkbookDialog

    person = window.desk.person_by_crn("L900001")
    dlg = WorkbookDialog(window.desk, window.tasks, person, window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.large.setChecked(True)
    assert not dlg.booklet.isEnabled() and not dlg.booklet.isChecked()
    reason = (f"A5 booklet is not available with Large print: {LARGE_PRINT_BOOKLET_REASON} "
              "Untick Large print to choose it.")
    assert dlg.options_note.isVisible() and dlg.options_note.text() == reason
    assert dlg.booklet.accessibleDescription() == reason
    labels_whole(dlg)
    qtbot.keyClick(dlg, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # the booklet's key
    assert not dlg.booklet.isChecked()
    dlg.large.setChecked(False)
    dlg.booklet.setChecked(True)
    assert not dlg.large.isEnabled()
    assert "Large print is not available with A5 booklet" in dlg.options_note.text()
    labels_whole(dlg)
    dlg.done(0)


def test_the_save_path_shows_whole(qtbot: Any, window: Any, tmp_path: Path) -> None:
    """The path box is wide enough for the whole path (it showed "…cuments/workbook-…");
    one too long for the screen is elided in the middle, the file name kept; the full path
    is its tooltip and accessible description."""
    from probation_desk.ui import save_folders as files
    from probation_desk.ui.workbook_dialog import WorkbookDialog

    person = window.desk.person_by_crn("L900001")
    for folder, whole in ((Path("/tmp"), True),
                          (tmp_path / "Probation workbooks for the Cardiff and Vale PDU",
                           False)):
        folder.mkdir(exist_ok=True)
        files.remember("workbook", folder / "x.pdf")
        dlg = WorkbookDialog(window.desk, window.tasks, person, window)
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        QApplication.processEvents()
        box = dlg.path
        path = str(folder / "workbook-L900001.pdf")
        assert box.text() == path
        dlg.save_button.setFocus()  # not being edited
        if whole:
            assert box.width() >= box.fontMetrics().horizontalAdvance(path) + 8
            assert box.shown_text() == path
        else:  # longer than the 800-pixel test screen allows
            shown = box.shown_text()
            assert "…" in shown and shown.startswith("/tmp/")
            assert shown.endswith("workbook-L900001.pdf")
        assert box.toolTip() == path and path in box.accessibleDescription()
        box.setFocus()
        assert box.shown_text() == path  # edited: the real text
        labels_whole(dlg)
        dlg.done(0)


# ------------------------------------------------------------------ batch
KNOWN = {"L900001": "Siân Llŷr-Ŵyn", "L900002": "Bola Okafor", "L900003": "Gwen Price"}


def select_known_three(qtbot: Any, window: Any) -> None:
    """Search for the three known people and select all three rows."""
    from tests.ui.conftest import show_everyone, table_column

    page = window.caseload
    show_everyone(qtbot, window)  # Gwen Price is Sam Reid's, not on Nia Lloyd's caseload
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(page.search_done, timeout=10000):
        qtbot.keyClicks(page.search, "L9000")
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: table_column(page.table, 0) == list(KNOWN))
    page.table.setFocus()
    page.table.selectAll()
    assert len(page.selected_people()) == 3


def open_batch(qtbot: Any, window: Any) -> Any:
    from probation_desk.ui.workbook_dialog import BatchWorkbookDialog

    assert window.batch_print_action.isEnabled()
    window.batch_print_action.trigger()
    qtbot.waitUntil(lambda: isinstance(getattr(window, "batch_dialog", None),
                                       BatchWorkbookDialog)
                    and window.batch_dialog.isVisible(), timeout=5000)
    return window.batch_dialog


def test_batch_one_file_per_person(qtbot: Any, window: Any, tmp_path: Path) -> None:
    from probation_desk.ui import errors

    select_known_three(qtbot, window)
    dlg = open_batch(qtbot, window)
    assert "these 3 people" in dlg.intro.text()
    dlg.per_person.setChecked(True)
    folder = tmp_path / "books"
    dlg.path.setText(str(folder))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=5000)
    wait_idle(qtbot, window, 60000)
    files = sorted(p.name for p in folder.glob("*.pdf"))
    assert files == [f"workbook-{crn}.pdf" for crn in KNOWN]
    assert errors.shown[-1] == f"Wrote 3 workbooks (one per person) to the folder {folder}"
    # Again into the same folder: asked first; Keep leaves the earlier copies.
    from PySide6.QtWidgets import QMessageBox

    from tests.ui.conftest import answer_box

    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox):
            box.close()  # the "Wrote 3 workbooks" message
    earlier = folder / "workbook-L900001.pdf"
    earlier.write_bytes(b"an earlier copy")
    window.activateWindow()
    window.caseload.table.selectAll()  # the three are still listed
    assert len(window.caseload.selected_people()) == 3
    dlg = open_batch(qtbot, window)
    dlg.per_person.setChecked(True)
    dlg.path.setText(str(folder))
    seen: list[str] = []
    answer_box("Keep them", seen)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0].startswith("3 of these workbooks are already in")
    assert earlier.read_bytes() == b"an earlier copy" and dlg.isVisible()
    dlg.close_unsaved()


def test_batch_one_file_holds_all_three(qtbot: Any, window: Any, tmp_path: Path) -> None:
    from probation_desk.ui import errors

    select_known_three(qtbot, window)
    dlg = open_batch(qtbot, window)
    assert dlg.one_file.isChecked()
    out = tmp_path / "all.pdf"
    dlg.path.setText(str(out))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, 60000)
    assert list(tmp_path.glob("*.pdf")) == [out]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    for name in KNOWN.values():
        assert name in text
    assert errors.shown[-1].startswith("Wrote one PDF with the workbooks for 3 people")
    from PySide6.QtWidgets import QApplication, QMessageBox

    from probation_desk.ui.pdf_preview import PdfPreviewDialog

    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox),
                    timeout=5000)
    box = QApplication.activeModalWidget()
    preview = next(b for b in box.buttons() if b.text() == "&Preview")
    preview.click()
    shown = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, PdfPreviewDialog) and w.isVisible()]
    assert len(shown) == 1 and shown[0].windowTitle() == "Workbooks for 3 people"
    assert shown[0].page_count() == len(pypdf.PdfReader(out).pages)
    shown[0].close()


def test_batch_cancel_stops_early(qtbot: Any, window: Any, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from probation_desk.ui import errors

    select_known_three(qtbot, window)
    dlg = open_batch(qtbot, window)
    dlg.per_person.setChecked(True)
    folder = tmp_path / "books"
    dlg.path.setText(str(folder))
    # Cancel is pressed as soon as the first workbook is reported done.
    import probation_desk.services.workbooks as workbooks

    real = workbooks.print_many

    def cancelling(*args: Any, progress: Any, **kw: Any) -> Any:
        def report(done: int, total: int) -> bool:
            if done >= 1:
                progress.cancel()
            return bool(progress(done, total))
        return real(*args, progress=report, **kw)

    monkeypatch.setattr(workbooks, "print_many", cancelling)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, 60000)
    assert len(list(folder.glob("*.pdf"))) == 1
    assert errors.shown[-1] == (f"Stopped after Cancel: 1 of 3 workbooks were written to "
                                f"the folder {folder}")


def test_batch_labels() -> None:
    from probation_desk.ui.workbook_dialog import batch_label

    assert batch_label(36, 200) == "Printing 37 of 200"
    assert batch_label(0, 0) == "Printing workbooks…"


def test_printing_one_workbook_opens_the_preview(qtbot: Any, window: Any,
                                                 tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from probation_desk.ui.pdf_preview import PdfPreviewDialog
    from probation_desk.ui.workbook_dialog import WorkbookDialog

    person = window.desk.person_by_crn("L900002")
    dlg = WorkbookDialog(window.desk, window.tasks, person, window)
    qtbot.addWidget(dlg)
    dlg.open()
    out = tmp_path / "wb.pdf"
    dlg.path.setText(str(out))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    def preview() -> Any:
        found = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, PdfPreviewDialog) and w.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: preview() is not None, timeout=30000)
    shown = preview()
    assert shown.windowTitle() == "Workbook for Bola Okafor"
    pages = len(pypdf.PdfReader(out).pages)
    assert shown.page_label.text() == f"Page 1 of {pages}"
    shown.close()


def test_cancel_button_in_progress_stops_a_long_batch(qtbot: Any, window: Any,
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

    import probation_desk.services.workbooks as workbooks
    from probation_desk.ui import errors

    made: list[int] = []

    def slow(_desk: Any, _ids: Any, out: Any, *, progress: Any, **_kw: Any) -> list[Path]:
        # 200 slow steps (the summary still counts the 3 people asked for)
        total = 200
        for i in range(total):
            time.sleep(0.02)
            made.append(i)
            if progress(i + 1, total) is False:
                break
        return [Path(out) / f"{i}.pdf" for i in made]

    monkeypatch.setattr(workbooks, "print_many", slow)
    select_known_three(qtbot, window)
    dlg = open_batch(qtbot, window)
    dlg.per_person.setChecked(True)
    dlg.path.setText(str(tmp_path / "books"))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    def progress_dialog() -> Any:
        found = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QProgressDialog) and w.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: progress_dialog() is not None
                    and " of 200" in progress_dialog().labelText(), timeout=10000)
    box = progress_dialog()
    assert box.labelText().startswith("Printing ")
    cancel = next(b for b in box.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, 30000)
    assert 0 < len(made) < 200
    assert errors.shown[-1].startswith(f"Stopped after Cancel: {len(made)} of 3 workbooks")


def test_printing_over_an_earlier_file_asks_first(qtbot: Any, window: Any,
                                                  tmp_path: Path) -> None:
    """A workbook of the same name already there: Keep leaves it as it was and the form
    open; Replace prints over it."""
    from probation_desk.ui.pdf_preview import PdfPreviewDialog
    from probation_desk.ui.workbook_dialog import WorkbookDialog
    from tests.ui.conftest import answer_box

    person = window.desk.person_by_crn("L900002")
    out = tmp_path / "wb.pdf"
    out.write_bytes(b"an earlier workbook")
    dlg = WorkbookDialog(window.desk, window.tasks, person, window)
    qtbot.addWidget(dlg)
    dlg.open()
    dlg.path.setText(str(out))
    seen: list[str] = []
    answer_box("Keep it", seen)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert seen and "already exists" in seen[0]
    assert out.read_bytes() == b"an earlier workbook" and dlg.isVisible()
    answer_box("Replace it")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(isinstance(w, PdfPreviewDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=30000)
    assert len(pypdf.PdfReader(out).pages) > 1
    for w in QApplication.topLevelWidgets():
        if isinstance(w, PdfPreviewDialog):
            w.close()
