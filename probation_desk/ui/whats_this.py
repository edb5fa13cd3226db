"""Shift+F1 explains what has the keyboard focus: what a tooltip says is never out of
reach by keyboard.

:func:`install` puts one event filter on the application. Shift+F1 then shows, beside
the focused widget, its What's This text, else its tooltip; in a list or table, the
current cell's What's This or tooltip (the RAR days cell: "2 of 20 RAR days completed",
an elided name: the whole name), else the list's own. Help > What's This? (the same
key) does the same, and with nothing to explain says so instead of doing nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWhatsThis, QWidget

NOTHING = "There is no more to say about this than what it shows."


def explanation(widget: QWidget | None) -> tuple[str, QPoint]:
    """What Shift+F1 says about ``widget`` and where (global position); '' for nothing."""
    if widget is None:
        return "", QPoint()
    if isinstance(widget, QAbstractItemView):
        index = widget.currentIndex()
        if index.isValid():
            text = index.data(Qt.ItemDataRole.WhatsThisRole) \
                or index.data(Qt.ItemDataRole.ToolTipRole)
            if text:
                rect = widget.visualRect(index)
                return str(text), widget.viewport().mapToGlobal(rect.bottomLeft())
    probe: QWidget | None = widget
    while probe is not None and not probe.isWindow():  # a box inside a row: the row's
        text = probe.whatsThis() or probe.toolTip()
        if text:
            return text, widget.mapToGlobal(widget.rect().bottomLeft())
        probe = probe.parentWidget()
    return "", widget.mapToGlobal(widget.rect().bottomLeft())


class WhatsThisKey(QObject):
    """The application's Shift+F1 (see the module)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last_text = ""
        """What was shown last (for tests and screen-reader checks)."""

    def explain_focus(self) -> str:
        """Show the explanation of the focused widget; returns the text shown."""
        widget = QApplication.focusWidget()
        text, pos = explanation(widget)
        self.last_text = text or NOTHING
        QWhatsThis.showText(pos, self.last_text, widget)
        return self.last_text

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride or event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_F1 \
                    and event.modifiers() == Qt.KeyboardModifier.ShiftModifier \
                    and obj is QApplication.focusWidget():
                if event.type() == QEvent.Type.KeyPress:
                    self.explain_focus()
                event.accept()
                return True
        return False


_installed: WhatsThisKey | None = None


def install(app: QApplication) -> WhatsThisKey:
    """Give ``app`` the Shift+F1 key (once)."""
    global _installed
    if _installed is None or _installed.parent() is not app:
        _installed = WhatsThisKey(app)
        app.installEventFilter(_installed)
    return _installed
