"""A preview of a written PDF (a workbook) inside the app, with Print…, Save as and Open.

The PDF is shown with QtPdf (``QPdfView`` over a ``QPdfDocument``), fitted to the width.
Printing renders each page to an image and paints it on the printer's page, scaled to
fit; ``print_pdf`` is separate from the dialog so it can be used (and tested) with any
``QPrinter``, including one writing to a PDF file.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

DUPLEX_ADVICE = ("This is a folded booklet: print it double-sided, flipping on the "
                 "short edge, then fold the sheets in half.")


def page_label(current: int, count: int) -> str:
    """"Page 1 of 12" (pages counted from 1)."""
    return f"Page {current + 1} of {count}" if count else "No pages"


def print_pdf(document: QPdfDocument, printer: QPrinter, *,
              first: int = 0, last: int | None = None) -> int:
    """Paint pages ``first``..``last`` of ``document`` on ``printer``; returns pages printed.

    Each page is rendered at the printer's resolution and scaled to fit its page,
    keeping the aspect ratio, centred.
    """
    count = document.pageCount()
    last = count - 1 if last is None else min(last, count - 1)
    if count == 0 or first > last:
        return 0
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be started.")
    printed = 0
    try:
        dpi = printer.resolution()
        for page in range(first, last + 1):
            if printed:
                printer.newPage()
            area = QRectF(printer.pageLayout().paintRectPixels(dpi))
            area.moveTo(0, 0)
            points = document.pagePointSize(page)  # 1/72 inch
            scale = min(area.width() / max(points.width(), 1),
                        area.height() / max(points.height(), 1))
            size = QSize(max(1, int(points.width() * scale)),
                         max(1, int(points.height() * scale)))
            image = document.render(page, size)
            target = QRectF(QPointF(area.x() + (area.width() - size.width()) / 2,
                                    area.y() + (area.height() - size.height()) / 2),
                            size.toSizeF())
            painter.drawImage(target, image)
            printed += 1
    finally:
        painter.end()
    return printed


class PdfPreviewDialog(QDialog):
    """Shows a PDF with its page count; Print…, Save as PDF…, Open in PDF viewer, Close."""

    def __init__(self, path: str | Path, title: str = "Preview",
                 parent: QWidget | None = None, *, booklet: bool = False) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.booklet = booklet
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.document = QPdfDocument(self)
        self.document.load(str(self.path))

        self.view = QPdfView(self)
        self.view.setAccessibleName("Pages of the PDF")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.page_label = QLabel(self)
        self.page_label.setAccessibleName("Page")
        self.advice = QLabel(DUPLEX_ADVICE if booklet else "", self)
        self.advice.setWordWrap(True)
        self.advice.setAccessibleName("Printing advice")
        self.advice.setVisible(booklet)
        navigator = self.view.pageNavigator()
        navigator.currentPageChanged.connect(self._show_page)
        self._show_page(navigator.currentPage())

        self.buttons = QDialogButtonBox(self)
        self.print_button = self._button("&Print…", self.print_it)
        self.save_button = self._button("&Save as PDF…", self.save_as)
        self.open_button = self._button("&Open in PDF viewer", self.open_external)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close")
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_it)

        lay = QVBoxLayout(self)
        lay.addWidget(self.advice)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.page_label)
        lay.addWidget(self.buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 60, em * 50)
        self.view.setFocus()

    def _button(self, text: str, slot: Any) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def page_count(self) -> int:
        return int(self.document.pageCount())

    def _show_page(self, page: int) -> None:
        self.page_label.setText(page_label(page, self.page_count()))

    # ---------------------------------------------------------------- actions
    def print_it(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        if self.booklet:
            printer.setDuplex(QPrinter.DuplexMode.DuplexShortSide)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print " + self.windowTitle())
        dialog.setMinMax(1, max(1, self.page_count()))
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        if self.booklet:
            dialog.setToolTip(DUPLEX_ADVICE)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        first, last = 0, None
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = printer.fromPage() - 1, printer.toPage() - 1
        try:
            print_pdf(self.document, printer, first=first, last=last)
        except OSError as exc:
            QMessageBox.warning(self, "Not printed", str(exc))

    def save_as(self) -> None:
        from probation_desk.ui import save_folders as files

        target = files.ask_save_path(self, "workbook", "Save the PDF as", self.path.name,
                                     "PDF files (*.pdf)", ".pdf")
        if not target:
            return
        if Path(target).resolve() == self.path.resolve():
            return
        try:
            shutil.copyfile(self.path, target)
        except OSError as exc:
            QMessageBox.warning(self, "Not saved", f"Could not save {target}: {exc.strerror}")

    def open_external(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))

    def closeEvent(self, event: Any) -> None:
        self.document.close()
        super().closeEvent(event)

    def done(self, r: int) -> None:
        self.document.close()
        super().done(r)
