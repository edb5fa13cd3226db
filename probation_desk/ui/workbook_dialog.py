"""Print workbook…: options for one person's Pre-Intervention Module workbook.

Printing itself is ``probation_desk.services.workbooks.print_workbook`` (ReportLab, in
the background); this dialog only gathers the options. When the printing package is
not installed in this build, the dialog says so plainly instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QRadioButton,
    QWidget,
)

from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.people import Language, PrintNeeds
from probation_desk.ui import save_folders as files
from probation_desk.ui.errors import show_message
from probation_desk.ui.forms import OperationDialog
from probation_desk.ui.tasks import Progress, Tasks
from probation_desk.ui.widgets import confirm, path_row

if TYPE_CHECKING:
    from probation_desk.services.desk import Desk
    from probation_desk.services.records import PersonView

UNAVAILABLE = ("Printing workbooks is not available in this version of Probation Desk yet "
               "({detail}). Nothing was printed.")


OPTION_NAMES = {"large_print": "Large print", "booklet": "A5 booklet",
                "fillable": "Fillable on screen"}
"""The printing options as the dialogs name them (in the notes about what cannot mix)."""


def option_rules(dialog: OperationDialog, boxes: dict[str, QCheckBox]) -> QLabel:
    """Options the printer cannot combine (the printing layer's rule, ``unavailable``):
    while one is ticked the other is disabled up front, never refused after Print, and a
    note under the options says which and why, in the printer's words."""
    note = QLabel(dialog)
    note.setWordWrap(True)
    note.setAccessibleName("Options not available")
    note.hide()
    dialog.form.addRow("", note)
    try:
        from probation_desk.printing.workbook import WorkbookOptions, unavailable
    except ImportError:  # printing is not in this build: Print says so
        return note

    def update(_on: bool = False) -> None:
        def ticked(name: str) -> bool:
            return name in boxes and boxes[name].isChecked()

        off = unavailable(WorkbookOptions(large_print=ticked("large_print"),
                                          booklet=ticked("booklet"),
                                          fillable=ticked("fillable")))
        lines = []
        for name, box in boxes.items():
            why = off.get(name)
            text = ""
            if why is not None:
                other = OPTION_NAMES[why[0]]
                text = (f"{OPTION_NAMES[name]} is not available with {other}: {why[1]} "
                        f"Untick {other} to choose it.")
                lines.append(text)
            box.setEnabled(why is None)
            box.setToolTip(text)
            box.setAccessibleDescription(text)
        note.setText("\n".join(lines))
        note.setVisible(bool(lines))
        dialog.fit_to_contents()  # the note shows whole, never over the options

    for box in boxes.values():
        box.toggled.connect(update)
    update()
    return note


def printer() -> Callable[..., int]:
    """``services.workbooks.print_workbook``, or a refusal saying it is missing."""
    try:
        from probation_desk.services.workbooks import print_workbook
    except ImportError as exc:
        raise RuleViolation("printing-unavailable", UNAVAILABLE.format(detail=exc)) from None
    return print_workbook



class WorkbookDialog(OperationDialog):
    """Choose workbook options and where to save the PDF."""

    long_running = True

    def __init__(self, desk: Desk, tasks: Tasks, person: PersonView,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Print workbook",
                         f"The Pre-Intervention Module workbook for {person.name} "
                         f"({person.crn}), written to a PDF you can print or share.",
                         parent, "&Print")
        from probation_desk.settings import load_settings

        settings = load_settings()
        self.desk, self.person = desk, person
        self.large = QCheckBox("&Large print", self)
        self.large.setChecked(person.print_needs is PrintNeeds.LARGE
                              or settings.large_print_default)
        self.booklet = QCheckBox("A5 boo&klet (print only: two to a sheet, folded)", self)
        self.booklet.setToolTip(self.tr(
            "A folded booklet is for printing only: its pages are in folding order, so a "
            "screen reader cannot follow it. For reading on screen, choose A4 or fillable."))
        self.fillable = QCheckBox("&Fillable on screen", self)
        self.show_crn = QCheckBox("Show the &CRN", self)
        self.show_crn.setChecked(settings.show_crn_default)
        self.blank = QCheckBox("Bla&nk copy (no name or CRN)", self)
        self.blank.toggled.connect(lambda on: self.show_crn.setEnabled(not on))
        for box in (self.large, self.booklet, self.fillable, self.show_crn, self.blank):
            box.setAccessibleName(box.text().replace("&", ""))
            self.add_row("", box)
        self.options_note = option_rules(self, {"large_print": self.large,
                                                "booklet": self.booklet,
                                                "fillable": self.fillable})
        # The edition: the person's own language by default (each named in itself).
        self.language = QComboBox(self)
        self.language.addItem("English", "en")
        self.language.addItem("Cymraeg", "cy")
        self.language.setCurrentIndex(1 if person.language is Language.WELSH else 0)
        self.language.setAccessibleName(self.tr("Workbook language"))
        self.add_row(self.tr("Lan&guage"), self.language, "language")
        self.path = files.PathEdit(files.start_path("workbook", f"workbook-{person.crn}.pdf"),
                                   self)
        self.path.setAccessibleName("Save the PDF as")
        row = path_row(self, self.path, "Choose where to save the PDF", self._browse)
        self.add_row("Save &as", row, "out")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)

    def _browse(self) -> None:
        path = files.ask_save_path(self, "workbook", "Save the workbook as",
                                   f"workbook-{self.person.crn}.pdf", "PDF files (*.pdf)",
                                   ".pdf", start=self.path.text().strip())
        if path:
            self.path.setText(path)
            self._asked = path  # the save dialog asked already if it was there
            self.fit_to_contents()  # room for the whole path

    def confirm_save(self) -> bool:
        """An earlier file of the same name is replaced only when the user says so."""
        out = self.path.text().strip()
        return out == getattr(self, "_asked", None) or files.ask_replace(self, out)

    def operation(self) -> Callable[[Progress], Any]:
        out = self.path.text().strip()
        if not out:
            raise RuleViolation("required", "Choose where to save the PDF.", "out")
        print_workbook = printer()
        desk = self.desk
        crn = None if self.blank.isChecked() else self.person.crn
        opts: dict[str, Any] = {
            "large_print": self.large.isChecked(), "booklet": self.booklet.isChecked(),
            "fillable": self.fillable.isChecked(),
            "show_crn": self.show_crn.isChecked() and crn is not None,
            "language": self.language.currentData()}

        booklet = bool(opts["booklet"])

        def work(_p: Progress) -> tuple[str, int, bool]:
            try:
                pages = print_workbook(desk, crn=crn, out=out, **opts)
            except ImportError as exc:  # printing package not in this build
                raise RuleViolation("printing-unavailable",
                                    UNAVAILABLE.format(detail=exc)) from None
            except ValueError as exc:  # an option the printer refuses, in its own words
                if isinstance(exc, RuleViolation):
                    raise
                raise RuleViolation("workbook-options", str(exc)) from None
            return out, int(pages), booklet

        return work

    def on_saved(self, result: Any) -> None:
        out, pages, booklet = result
        files.remember("workbook", out)  # the next workbook is offered the same folder
        self.preview = show_preview(self.parentWidget(), out,
                                    f"Workbook for {self.person.name}", booklet=booklet)
        if self.preview is None:  # QtPdf missing: say where it went, offer to open it
            box = show_message(self.parentWidget(), "Workbook ready",
                               f"Wrote {out} ({pages} page{'s' if pages != 1 else ''}).")
            open_button = box.addButton("&Open it", QMessageBox.ButtonRole.ActionRole)
            open_button.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(out)))


def show_preview(parent: QWidget | None, out: str, title: str, *,
                 booklet: bool = False) -> QWidget | None:
    """The written PDF in the preview dialog (not modal); None when QtPdf is missing."""
    try:
        from probation_desk.ui.pdf_preview import PdfPreviewDialog
    except ImportError:
        return None
    dlg = PdfPreviewDialog(out, title, parent, booklet=booklet)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg


def batch_label(done: int, total: int) -> str:
    """"Printing 37 of 200" while a batch runs."""
    if total <= 0:
        return "Printing workbooks…"
    return f"Printing {min(done + 1, total):,} of {total:,}"


def batch_summary(written: int, total: int, out: str, one_file: bool,
                  cancelled: bool) -> str:
    """What a batch did, in words: how many workbooks, and where."""
    people = f"{total:,} {'person' if total == 1 else 'people'}"
    if one_file:
        if not written:
            return "Stopped after Cancel: the combined PDF was not written."
        return f"Wrote one PDF with the workbooks for {people}: {out}"
    count = f"{written:,} workbook{'s' if written != 1 else ''}"
    if cancelled:
        return (f"Stopped after Cancel: {written:,} of {total:,} workbooks were written to "
                f"the folder {out}")
    return f"Wrote {count} (one per person) to the folder {out}"


class BatchWorkbookDialog(OperationDialog):
    """Print workbooks for selected people…: who (named), options, one PDF or one per person.

    ``people`` are (person id, name, CRN) in list order: every one is named in the dialog,
    so nobody selected out of sight is printed without being seen first.
    """

    long_running = True

    def __init__(self, desk: Desk, tasks: Tasks, people: Sequence[tuple[int, str, str]],
                 parent: QWidget | None = None) -> None:
        n = len(people)
        who = "this person" if n == 1 else f"these {n:,} people"
        super().__init__(tasks, "Print workbooks",
                         f"Pre-Intervention Module workbooks for {who}, written as PDFs:",
                         parent, f"&Print {n:,} workbook{'s' if n != 1 else ''}")
        from probation_desk.settings import load_settings

        settings = load_settings()
        self.desk, self.person_ids = desk, [pid for pid, _name, _crn in people]
        self.crns = [crn for _pid, _name, crn in people]
        self.people_list = QListWidget(self)
        self.people_list.setAccessibleName(f"The {n:,} people whose workbooks will be printed")
        self.people_list.addItems([f"{name} ({crn})" for _pid, name, crn in people])
        self.people_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # As tall as the names (up to eight, then it scrolls), no empty space under them.
        row_h = max(self.people_list.sizeHintForRow(0), self.people_list.fontMetrics().height())
        self.people_list.setFixedHeight(row_h * min(max(n, 1), 8)
                                        + 2 * self.people_list.frameWidth() + 2)
        self.add_row("&Who", self.people_list)
        self.op: Any = None
        self.large = QCheckBox("&Large print", self)
        self.large.setChecked(settings.large_print_default)
        self.booklet = QCheckBox("A5 boo&klet (print only: two to a sheet, folded)", self)
        self.booklet.setToolTip(self.tr(
            "A folded booklet is for printing only: its pages are in folding order, so a "
            "screen reader cannot follow it. For reading on screen, choose A4 or fillable."))
        self.fillable = QCheckBox("&Fillable on screen", self)
        self.show_crn = QCheckBox("Show the &CRN", self)
        self.show_crn.setChecked(settings.show_crn_default)
        self.one_file = QRadioButton("&One PDF with everyone's workbook", self)
        self.per_person = QRadioButton("One file per person, in a fol&der", self)
        self.one_file.setChecked(True)
        for box in (self.large, self.booklet, self.fillable, self.show_crn, self.one_file,
                    self.per_person):
            box.setAccessibleName(box.text().replace("&", ""))
            self.add_row("", box)
        self.options_note = option_rules(self, {"large_print": self.large,
                                                "booklet": self.booklet,
                                                "fillable": self.fillable})
        self.docs = files.start_folder("workbook")
        self.path = files.PathEdit(str(self.docs / "workbooks.pdf"), self)
        self.path.setAccessibleName("Save to")
        row = path_row(self, self.path, "Choose where to save", self._browse)
        self.add_row("Save &to", row, "out")
        self.one_file.toggled.connect(self._mode_changed)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)

    def _mode_changed(self, one: bool) -> None:
        text = self.path.text().strip()
        if one and not text.lower().endswith(".pdf"):
            self.path.setText(str(Path(text or self.docs) / "workbooks.pdf"))
        elif not one and text.lower().endswith(".pdf"):
            self.path.setText(str(Path(text).parent / "workbooks"))

    def _browse(self) -> None:
        if self.one_file.isChecked():
            path = files.ask_save_path(self, "workbook", "Save the workbooks as",
                                       "workbooks.pdf", "PDF files (*.pdf)", ".pdf",
                                       start=self.path.text().strip())
        else:
            path = files.ask_folder(self, "workbook", "Folder for the workbooks",
                                    self.path.text().strip())
        if path:
            self.path.setText(path)
            self._asked = path
            self.fit_to_contents()

    def confirm_save(self) -> bool:
        """Earlier workbooks of the same names are replaced only when the user says so."""
        out = self.path.text().strip()
        if out == getattr(self, "_asked", None) and self.one_file.isChecked():
            return True
        if self.one_file.isChecked():
            return files.ask_replace(self, out if out.lower().endswith(".pdf")
                                     else out + ".pdf")
        there = [name for name in (f"workbook-{crn}.pdf" for crn in self.crns)
                 if (Path(out) / name).exists()]
        if not there:
            return True
        return confirm(self, self.tr("Replace the workbooks?"), self.tr(
            "%1 of these workbooks are already in %2 (for example %3). Replace them? The "
            "earlier copies will be lost.").replace("%1", f"{len(there):,}")
            .replace("%2", out).replace("%3", there[0]),
            self.tr("&Replace them"), self.tr("&Keep them"))

    def operation(self) -> Callable[[Progress], Any]:
        out = self.path.text().strip()
        if not out:
            raise RuleViolation("required", "Choose where to save the workbooks.", "out")
        if not self.person_ids:
            raise RuleViolation("required", "Select at least one person in the caseload.")
        one_file = self.one_file.isChecked()
        if one_file and not out.lower().endswith(".pdf"):
            out += ".pdf"
        try:
            from probation_desk.services.workbooks import print_many
        except ImportError as exc:
            raise RuleViolation("printing-unavailable",
                                UNAVAILABLE.format(detail=exc)) from None
        desk, ids = self.desk, list(self.person_ids)
        opts: dict[str, Any] = {
            "large_print": self.large.isChecked(), "booklet": self.booklet.isChecked(),
            "fillable": self.fillable.isChecked(), "show_crn": self.show_crn.isChecked()}

        def work(p: Progress) -> tuple[list[Path], int, str, bool, bool]:
            try:
                paths = print_many(desk, ids, out, one_file=one_file, progress=p, **opts)
            except ImportError as exc:
                raise RuleViolation("printing-unavailable",
                                    UNAVAILABLE.format(detail=exc)) from None
            except ValueError as exc:
                if isinstance(exc, RuleViolation):
                    raise
                raise RuleViolation("workbook-options", str(exc)) from None
            return paths, len(ids), out, one_file, p.cancelled

        return work

    def accept(self) -> None:
        """Check the options here, then print with a progress dialog and Cancel."""
        self.errors.clear()
        try:
            work = self.operation()
        except RuleViolation as exc:
            self.show_refusal(exc)
            return
        if not self.confirm_save():  # earlier workbooks of the same names: asked first
            return
        parent = self.parentWidget()
        booklet = self.booklet.isChecked()
        files.remember("workbook", self.path.text().strip(),
                       folder=not self.one_file.isChecked())
        QDialog.accept(self)

        def done(result: Any) -> None:
            paths, total, out, one_file, cancelled = result
            box = show_message(parent, "Workbooks printed",
                               batch_summary(len(paths), total, out, one_file, cancelled))
            if paths and one_file:
                view = box.addButton("&Preview", QMessageBox.ButtonRole.ActionRole)
                view.clicked.connect(lambda: show_preview(
                    parent, out, f"Workbooks for {total:,} people", booklet=booklet))
            elif paths:
                folder = box.addButton("&Open the folder", QMessageBox.ButtonRole.ActionRole)
                folder.clicked.connect(
                    lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(out)))

        self.op = self.tasks.op(parent, work).with_progress(
            batch_label, title="Printing workbooks", cancellable=True, delay_ms=0) \
            .success(done).run_in_background()
