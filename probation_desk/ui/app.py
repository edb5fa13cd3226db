"""Start the window (placeholder until the desktop window is built)."""

from __future__ import annotations


def run_app(db: str | None = None) -> int:
    """Open the main window and run the Qt event loop."""
    import sys

    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(sys.argv)
    label = QLabel("Probation Desk")
    label.show()
    return app.exec()
