"""The window's start-up choreography: shown first, then pages, then the database.

The window is shown first, as a light shell (menus, sections, status bar); once it has
been painted the pages are built and the database is opened in the background, so
nothing heavy (SQLAlchemy, Alembic when a migration is due, the pages' widgets) sits
between starting the app and seeing it. For a personal SQLite file the caseload's first
page is read before that, with sqlite3 alone (``services.caseload_sql``), and painted;
SQLAlchemy is imported after those rows are on screen.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QWidget,
)

if TYPE_CHECKING:
    pass

from probation_desk.ui.shell.pages import (
    CASELOAD,
    SECTIONS,
    Placeholder,
)
from probation_desk.ui.shell.pages import (
    Qt as Qt,
)
from probation_desk.ui.shell.part import WindowPart

log = logging.getLogger("probation_desk")


def _preload_services() -> None:
    """Import SQLAlchemy and the services on a thread while Qt paints the first frame.

    For a database other than a plain SQLite file (whose first page is read with sqlite3
    instead, and SQLAlchemy imported after it is painted): it cannot be read before they
    are imported (about a quarter of a second); the event loop spends the first paint in
    Qt's own code, so the import overlaps it instead of starting after it. Opening the
    database then finds them imported.
    """
    def work() -> None:
        try:
            import probation_desk.services.caseload_search
            import probation_desk.services.lifecycle  # noqa: F401
        except Exception:  # the open reports any real problem in words
            log.debug("preloading the services failed", exc_info=True)

    threading.Thread(target=work, name="preload-services", daemon=True).start()


class StartupMixin(WindowPart):
    """Part of :class:`probation_desk.ui.main_window.MainWindow` (see the module's notes)."""

    def _finish_shell(self) -> None:
        """What the shell needs of ``Qt``'s enums, set once the window is on screen: the
        menus' shortcuts, the sections' accessible texts, the placeholders' alignment."""
        if self._shortcuts is None:
            return
        app = QApplication.instance()
        if isinstance(app, QApplication):
            from probation_desk.ui.whats_this import install

            install(app)  # Shift+F1 explains what has the focus, in every window
        for action, shortcut in self._shortcuts:
            action.setShortcut(QKeySequence(shortcut))
        self._shortcuts = None
        if self.refresh_action.shortcut() != QKeySequence("F5"):
            self.refresh_action.setShortcuts([QKeySequence("F5"), self.refresh_action.shortcut()])
        for i in range(self.nav.count()):
            self.nav.item(i).setData(Qt.ItemDataRole.AccessibleTextRole,
                                     f"{SECTIONS[i]} (Alt+{i + 1})")
        for index in range(self.stack.count()):
            page = self.stack.widget(index)
            if isinstance(page, Placeholder):
                page.centre()
        self.problem.finish()

    def start(self) -> None:
        """Just after the window is shown: finish the shell; once it has been painted,
        build the pages and open the database."""
        self._finish_shell()
        if self.pages_built:
            QTimer.singleShot(0, lambda: self.open_database(None))
            return
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        QTimer.singleShot(500, self._after_first_paint)  # in case nothing is painted
        if not self._first_page_likely():
            _preload_services()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self.pages_built and obj is self.case_split:
            if event.type() == QEvent.Type.Show and self._share_pending:
                QTimer.singleShot(0, self._apply_share)
            return False
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) \
                and obj.window() is self:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            QTimer.singleShot(0, self._after_first_paint)
        return super().eventFilter(obj, event)

    def _after_first_paint(self) -> None:
        if self.pages_built:
            return
        self._show_identity()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.removeEventFilter(self)
            if app.windowIcon().isNull():
                from probation_desk.ui.widgets import icon

                app.setWindowIcon(icon("app"))
        self.build_pages()
        if not self._read_first_page():
            self.open_database(None)

    def _first_page_likely(self) -> bool:
        """Before the first paint: will the first page be read with sqlite3? True unless
        --db or PROBATION_DESK_DB names a database that is not a plain SQLite file (the
        settings are read after the paint; their default is the SQLite file)."""
        import os

        from probation_desk.addresses import as_url, sqlite_file

        known = self.db_arg or os.environ.get("PROBATION_DESK_DB")
        return not known or sqlite_file(as_url(known), plain_only=True) is not None

    def _read_first_page(self) -> bool:
        """A personal SQLite file: read the caseload's first page with sqlite3, read-only,
        show it, and open the database through SQLAlchemy once those rows are painted
        (``services.caseload_sql``: importing SQLAlchemy no longer comes before the first
        rows). False when this does not apply (another kind of database, the Caseload
        not on screen); a file it cannot read as it is is left to the normal open."""
        if self.nav.currentRow() != CASELOAD or not self.isVisible():
            return False
        from probation_desk.addresses import sqlite_file
        from probation_desk.settings import database_url

        try:
            url = database_url(self.db_arg)
        except Exception:  # unreadable settings: the normal open says so in words
            return False
        if sqlite_file(url, plain_only=True) is None:
            return False
        from probation_desk.domain.contacts import now_by
        from probation_desk.services import caseload_sql
        from probation_desk.ui.caseload import ID_PAGE

        # A personal file's Desk is the Settings' name (services.lifecycle.open_desk).
        query = self.caseload.first_page_query(self.settings.region, self.settings.actor)
        visible, now, gen = self.caseload.visible_rows(), now_by(self.clock), self._open_gen

        def work(_p: object) -> caseload_sql.FirstPage | None:
            return caseload_sql.read_first_page(url, query.filter, query.sort, query.descending,
                                              limit=ID_PAGE, visible=visible, now=now)

        def done(page: caseload_sql.FirstPage | None) -> None:
            if gen != self._open_gen:
                return  # a database was opened meanwhile
            if page is None:
                self.open_database(None)
                return
            self._first_page_url = url
            self.caseload.show_first_page(query, page.result, page.rows)
            if page.rows:
                self._open_after_rows_painted(gen)
            else:
                self.open_database(None)

        def failed(_exc: BaseException) -> None:
            if gen == self._open_gen:
                self.open_database(None)

        self.tasks.op(self, work).success(done).failure(failed).run_in_background()
        return True

    def _open_after_rows_painted(self, gen: int) -> None:
        """Open the database once the first page's rows are painted (or after half a
        second): SQLAlchemy's import would otherwise hold the interpreter while Qt asks
        the model for the cells it paints."""
        def open_now() -> None:
            if gen == self._open_gen:
                self.open_database(None)

        self._once_after(self.caseload.first_rows_shown, 500, open_now)

    def _once_after(self, signal: Any, fallback_ms: int, then: Any) -> None:
        """Run ``then`` once: when ``signal`` is next emitted, or after ``fallback_ms``,
        whichever comes first."""
        fired = False

        def once() -> None:
            nonlocal fired
            if fired:
                return
            fired = True
            try:
                signal.disconnect(once)
            except (RuntimeError, TypeError):
                pass
            then()

        signal.connect(once)
        QTimer.singleShot(fallback_ms, self, once)
