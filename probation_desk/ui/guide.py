"""The user guide (F1): what each section is for, the keys, and who to ask, read from
``resources/guide/guide.html`` shipped with the app and shown in a window of its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget


def guide_path() -> Path:
    """Where the guide is shipped."""
    from probation_desk.domain.catalogue import resources_dir

    return resources_dir() / "guide" / "guide.html"


class GuideDialog(QDialog):
    """The guide, not modal: it can stay open beside the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Probation Desk user guide"))
        self.setAccessibleName(self.windowTitle())
        self.setSizeGripEnabled(True)
        self.text = QTextBrowser(self)
        self.text.setAccessibleName(self.tr("The guide"))
        self.text.setOpenExternalLinks(False)
        path = guide_path()
        try:
            self.text.setHtml(path.read_text(encoding="utf-8"))
        except OSError:
            self.text.setPlainText(self.tr(
                "The guide could not be read from %1. Ask your IT service desk to "
                "reinstall Probation Desk.").replace("%1", str(path)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Close"))
        lay = QVBoxLayout(self)
        lay.addWidget(self.text, 1)
        lay.addWidget(buttons)
        screen = self.screen()
        room = screen.availableGeometry() if screen is not None else None
        self.resize(min(720, room.width() - 40) if room else 720,
                    min(640, room.height() - 80) if room else 640)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)


def show_guide(parent: QWidget) -> GuideDialog:
    """Open the guide (beside the window; closing it frees it)."""
    dlg = GuideDialog(parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg
