"""Start the window: the QApplication, the error hook, the main window, the event loop.

``run_app`` shows the window first and opens the database afterwards (in the
background), so start-up stays close to a bare Qt window's.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from probation_desk import __version__


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, named so QSettings finds the right place."""
    QCoreApplication.setOrganizationName("Probation Desk")
    QCoreApplication.setApplicationName("Probation Desk")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv)
    app.setApplicationDisplayName("Probation Desk")
    from probation_desk.ui import gc_guard

    gc_guard.install(app)  # Qt objects must never be finalised on a background thread
    return app  # the window icon (an SVG, so a Qt plugin) is set after the first paint


def install_language(app: QCoreApplication, language: str) -> QTranslator | None:
    """Speak ``language`` ("cy": the Welsh catalogue, Qt's own buttons included); English
    needs nothing. A catalogue that is missing or cannot be read leaves English."""
    from probation_desk.i18n import catalogue

    found = catalogue(language)
    if found is None:
        return None
    translator = QTranslator(app)
    if not translator.load(str(found)):
        return None
    app.installTranslator(translator)
    return translator


def run_app(db: str | None = None) -> int:
    """Open the main window and run the Qt event loop; returns the exit code.

    The window is shown first (Qt sends it to the screen at ``show()``); the log file
    (which needs the data folder) is set up as the event loop starts, before the first
    paint starts any work that could log.
    """
    from probation_desk.ui.errors import install_excepthook

    app = make_application()
    install_excepthook()
    from probation_desk.i18n import language_at_start
    from probation_desk.paths import config_dir

    install_language(app, language_at_start(config_dir() / "settings.json"))
    from probation_desk.ui.main_window import MainWindow

    window = MainWindow(db)
    window.show()
    window.start()

    def logging_on() -> None:
        from probation_desk.logs import setup_logging

        setup_logging()

    QTimer.singleShot(0, logging_on)
    return app.exec()
