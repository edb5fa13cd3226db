"""The main window: withdrawal banner, sections (Caseload, Worklist, Review, Dashboard),
the case record, menus, shortcuts and the status bar.

The window is shown first, as a light shell (menus, sections, status bar); once it
has been painted the pages are built and the database is opened in the background
(``services.lifecycle.open_desk``), so nothing heavy (SQLAlchemy, Alembic when a
migration is due, the pages' widgets) sits between starting the app and seeing it. For
a personal SQLite file the caseload's first page is read before that, with sqlite3
alone (``services.first_page``), and painted; SQLAlchemy is imported after those rows
are on screen. A database that cannot be used shows its message in the window with a
way to choose another in Settings.

The Review and Dashboard sections are built by other modules (``ui/review.py`` with
``ReviewPage``, ``ui/dashboard.py`` with ``DashboardPage``); they are imported the first
time their section is shown, and a placeholder stands in while a module is missing
(see :data:`EXTRA_SECTIONS` and :meth:`MainWindow._build_extra`).

Signals:
    MainWindow.pages_ready(): the pages were built (after the first paint).
    MainWindow.desk_opened(): the database is open and every section has been told.
    MainWindow.desk_failed(str): the database could not be opened (the message).
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import inspect
import logging
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import Clock, system_today
from probation_desk.ui.errors import plain_message, show_error, show_message
from probation_desk.ui.tasks import Change, Tasks
from probation_desk.ui.window_state import window_settings

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from probation_desk.services.desk import Desk
    from probation_desk.settings import Settings
    from probation_desk.ui.banner import Banner
    from probation_desk.ui.case_record import CaseRecord
    from probation_desk.ui.caseload import CaseloadPage
    from probation_desk.ui.dialogs import SavedSettings, WelcomeDialog
    from probation_desk.ui.worklist import WorklistPage

log = logging.getLogger("probation_desk")


class _LazyQt:
    """``Qt`` (the namespace of Qt's enums), fetched when first used.

    PySide6 makes every one of the namespace's hundred enums the first time it is
    touched (about 13 ms): the shell the window shows first does not need it, so it is
    not touched before the window is on screen (the rest is done in ``start``).
    """

    def __getattr__(self, name: str) -> Any:
        from PySide6.QtCore import Qt as namespace

        value = getattr(namespace, name)
        setattr(self, name, value)
        return value


if not TYPE_CHECKING:
    Qt = _LazyQt()

SECTIONS = ("Caseload", "Worklist", "Review", "Dashboard")
CASELOAD, WORKLIST, REVIEW, DASHBOARD = range(4)
WATCH_MS = 500
"""How often the window looks for changes other people committed (milliseconds)."""
LIST_SHARE = 0.4
"""The list's share of the Caseload's height on first run (the record gets the rest)."""
FEW_ROWS = 3
"""A list is never squeezed to fewer rows than this to make room for the record."""
AREAS = ("both", "record", "list")
"""What the Caseload section shows: the list and the record, the record only, the list only."""
EXTRA_SECTIONS = {
    REVIEW: ("probation_desk.ui.review", "ReviewPage",
             "The Review list arrives with the treatment manager view: people referred to "
             "a Structured Intervention, their module completion and sign-off."),
    DASHBOARD: ("probation_desk.ui.dashboard", "DashboardPage",
                "The Dashboard arrives with the treatment manager view: module completion "
                "by PDU and by month."),
}
"""Sections built by other modules: (module, class taking (desk, ...), placeholder text)."""


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


class Placeholder(QWidget):
    """A section that is not built yet, or waits for the database (``centred=False``:
    its text is centred by :meth:`centre`, for the shell shown before Qt's enums)."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None, *,
                 centred: bool = True) -> None:
        super().__init__(parent)
        self.setAccessibleName(title)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        if centred:
            self.centre()
        self.label.setAccessibleName(title)
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)

    def centre(self) -> None:
        """Centre the text."""
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)


class ProblemPage(QWidget):
    """Shown when the database cannot be opened: the reason, and what to do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("The database could not be opened")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Why the database could not be opened")
        self.settings_button = QPushButton("Choose another database in &Settings…", self)
        self.retry_button = QPushButton("&Try again", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.settings_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.message)
        lay.addLayout(buttons)
        lay.addStretch(2)

    def finish(self) -> None:
        """The message can be selected and copied (set once Qt's enums are loaded)."""
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)


class MainWindow(QMainWindow):
    """Probation Desk's window."""

    desk_opened = Signal()
    desk_failed = Signal(str)
    pages_ready = Signal()

    def __init__(self, db: str | None = None, *, clock: Clock = system_today,
                 settings: Settings | None = None, welcome: bool = True,
                 sweep_at_start: bool = True) -> None:
        super().__init__()
        self.db_arg = db
        self.clock = clock
        # Settings are read from the data folder after the first paint (platformdirs and
        # a JSON file are not needed to draw the shell); ``settings`` reads them on use.
        self._settings = settings
        self.welcome_enabled = welcome
        self.sweep_at_start = sweep_at_start
        self.integrity_warning = ""
        self.tasks = Tasks(self)
        self.desk: Desk | None = None
        self.db_url = ""
        self.counter_report: Any = None
        """The last background counter check (services.check.CheckReport), for tests."""
        self.db_description = ""
        self.dialog: QWidget | None = None
        self.extra_pages: dict[int, QWidget] = {}
        self._open_gen = 0
        self._first_page_url: str | None = None
        """The database whose first page is on screen, read before it was opened."""
        self.pages_built = False
        self.watcher: Any = None  # services.changes.ChangeWatcher for the open database
        self.watch_timer = QTimer(self)
        self.watch_timer.setInterval(WATCH_MS)
        self.watch_timer.timeout.connect(self._poll_elsewhere)
        self.tasks.changed.connect(self._own_change)
        self.setWindowTitle("Probation Desk")
        self.setAccessibleName("Probation Desk")

        self._fitted_shown = False
        self._shortcuts: list[tuple[QAction, Any]] | None = []
        """Shortcuts for the shell's actions, set by _finish_shell (None once set)."""
        self._build_shell()
        self._build_menus()
        self._build_status()
        self._restore_geometry()

    @property
    def settings(self) -> Settings:
        """The saved settings (read on first use)."""
        if self._settings is None:
            from probation_desk.settings import load_settings

            self._settings = load_settings()
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._settings = value

    # ---------------------------------------------------------------- building
    def _build_shell(self) -> None:
        """What the first paint shows: sections, placeholders, the problem page.

        Nothing here touches ``Qt`` (its enums take 13 ms to make): :meth:`_finish_shell`
        sets what needs them once the window is on screen, before its first paint.
        """
        self.nav = QListWidget(self)
        self.nav.setAccessibleName("Sections")
        self.nav.setStyleSheet("QListWidget::item { padding: 0.4em 0.6em; }")
        for i, name in enumerate(SECTIONS):
            item = QListWidgetItem(name)
            item.setToolTip(f"{name} (Alt+{i + 1})")
            self.nav.addItem(item)
        fm = self.nav.fontMetrics()
        self.nav.setMaximumWidth(fm.horizontalAdvance("Dashboard") * 2 + 24)
        self.nav.setMinimumWidth(fm.horizontalAdvance("Dashboard") + 24)

        self.stack = QStackedWidget(self)
        for index in range(len(SECTIONS)):
            self.stack.addWidget(Placeholder(SECTIONS[index], "Opening the database…", self,
                                             centred=False))
        self.problem = ProblemPage(self)
        self.problem.settings_button.clicked.connect(self.open_settings)
        self.problem.retry_button.clicked.connect(lambda: self.open_database(self.db_url))
        self.stack.addWidget(self.problem)
        self.nav.currentRowChanged.connect(self._section_changed)

        body = QWidget(self)
        row = QHBoxLayout(body)
        row.setContentsMargins(6, 6, 6, 6)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        central = QWidget(self)
        self._column = QVBoxLayout(central)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(0)
        self._column.addWidget(body, 1)
        self.setCentralWidget(central)

    def build_pages(self) -> None:
        """Build the banner, Caseload (with the case record) and Worklist pages."""
        if self.pages_built:
            return
        from probation_desk.ui.banner import Banner
        from probation_desk.ui.case_record import CaseRecord
        from probation_desk.ui.caseload import CaseloadPage
        from probation_desk.ui.current import CurrentPerson
        from probation_desk.ui.worklist import WorklistPage

        self.banner: Banner = Banner(self.tasks, self)
        self.banner.open_worklist.connect(self.open_worklist_for)
        self._column.insertWidget(0, self.banner)

        # One place says whose record is open; the record and the list's selection follow.
        self.current = CurrentPerson(self)
        self.caseload: CaseloadPage = CaseloadPage(self.tasks, self, current=self.current)
        self.record: CaseRecord = CaseRecord(self.tasks, self)
        self.current.changed.connect(self.record.show_person)
        self.caseload.open_record.connect(self._focus_record)
        self.case_split = QSplitter(Qt.Orientation.Vertical, self)
        self.case_split.setObjectName("caseSplitter")
        self.case_split.setAccessibleName("Caseload and case record")
        self.case_split.addWidget(self.caseload)
        self.case_split.addWidget(self.record)
        self.case_split.setChildrenCollapsible(False)
        self.area = "both"
        self.list_share = LIST_SHARE
        """The list's share of the height, as the person last set it."""
        self.case_split.splitterMoved.connect(self._split_moved)
        self._share_pending = False
        self.case_split.installEventFilter(self)  # the share is applied once it is shown
        self.caseload.search_done.connect(self._fit_split)
        self.worklist: WorklistPage = WorklistPage(self.tasks, self)
        self.worklist.open_case.connect(self.open_case)
        for index, page in ((CASELOAD, self.case_split), (WORKLIST, self.worklist)):
            self._drop_page(index)
            self.stack.insertWidget(index, page)
        self.record.loaded.connect(lambda _pid: self._enable_case_actions())
        self.record.nsi_table.itemSelectionChanged.connect(self._enable_case_actions)
        self.setTabOrder(self.nav, self.caseload.search)
        self.pages_built = True
        self._restore_state()
        self._enable_case_actions()
        self.pages_ready.emit()

    def _action(self, menu: Any, text: str, slot: Any, shortcut: Any = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            # For the whole window (the default context). Setting a shortcut makes all of
            # Qt's enums, so the shell's are set just after it is shown (_finish_shell).
            if self._shortcuts is None:
                action.setShortcut(QKeySequence(shortcut))
            else:
                self._shortcuts.append((action, shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.settings_action = self._action(file, "&Settings…", self.open_settings,
                                            QKeySequence.StandardKey.Preferences)
        self.demo_action = self._action(file, "Load &demo data…", self.ask_demo,
                                        tip="Add synthetic people (no real data)")
        file.addSeparator()
        self.backup_action = self._action(file, "&Back up now…", self.back_up_now,
                                          tip="Copy the whole database, audit trail "
                                          "included, to the backup folder")
        self.restore_action = self._action(file, "&Restore from backup…",
                                           self.restore_from_backup,
                                           tip="Replace the database with one of its backups")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        case = bar.addMenu("&Case")

        def on_record(name: str) -> Any:
            return lambda: getattr(self.record, name)() if self.pages_built else None

        self.new_person_action = self._action(case, "&Add a person…", self.new_person,
                                              "Ctrl+Shift+N",
                                              tip="Add a person on probation")
        self.edit_person_action = self._action(case, "Edit person &details…",
                                               on_record("edit_person"))
        self.add_order_action = self._action(case, "Add &order…", on_record("add_order"))
        self.book_action = self._action(case, "&Book appointment…", on_record("book_contact"))
        self.outcome_action = self._action(case, "Record ou&tcome…",
                                           on_record("record_outcome"), "Ctrl+Shift+O")
        case.addSeparator()
        self.new_nsi_action = self._action(case, "&New NSI…", on_record("new_nsi"), "Ctrl+N")
        self.update_nsi_action = self._action(case, "&Update NSI…", on_record("update_nsi"))
        self.close_nsi_action = self._action(case, "&Close NSI…", on_record("close_nsi"))
        self.switch_action = self._action(case, "&Switch toolkit…", on_record("switch_nsi"))
        self.session_action = self._action(case, "Record &module session…",
                                           on_record("record_session"), "Ctrl+M")
        self.print_action = self._action(case, "&Print workbook…", on_record("print_workbook"),
                                         "Ctrl+P")
        self.batch_print_action = self._action(
            case, "Print &workbooks for selected people…", self.print_selected_workbooks,
            tip="Workbooks for the people selected in the caseload (Shift or Ctrl+click)")
        case.addSeparator()
        self.refresh_action = self._action(case, "&Refresh", self.refresh,
                                           QKeySequence.StandardKey.Refresh)
        case.aboutToShow.connect(self._enable_case_actions)

        view = bar.addMenu("&View")
        self.section_actions = []
        for i, name in enumerate(SECTIONS):
            act = self._action(view, f"&{name}", lambda i=i: self.show_section(i), f"Alt+{i + 1}")
            self.section_actions.append(act)
        view.addSeparator()
        self._action(view, "&Find a person", self.find_person, QKeySequence.StandardKey.Find)
        self.beside_action = self._action(view, "Case record &beside the list",
                                          self._toggle_beside)
        self.beside_action.setCheckable(True)
        view.addSeparator()
        self.record_only_action = self._action(
            view, "Record &only", lambda: self.set_area("record"), "F7",
            tip="The case record takes the whole area (F7 again: the list and the record)")
        self.list_only_action = self._action(
            view, "List o&nly", lambda: self.set_area("list"), "F8",
            tip="The list takes the whole area (F8 again: the list and the record)")
        for act in (self.record_only_action, self.list_only_action):
            act.setCheckable(True)
        self.more_record_action = self._action(
            view, "Mor&e room for the record", lambda: self.move_split(-1), "Alt+Shift+Up",
            tip="Move the line between the list and the record up")
        self.more_list_action = self._action(
            view, "More room for the lis&t", lambda: self.move_split(1), "Alt+Shift+Down",
            tip="Move the line between the list and the record down")

        help_menu = bar.addMenu("&Help")
        self.whats_this_action = self._action(
            help_menu, "&What's This?", self.whats_this, "Shift+F1",
            tip="Explain what has the keyboard focus (what its tooltip says)")
        self.signed_in_action = self._action(
            help_menu, "&Signed in as…", self.show_sign_in,
            tip="Who you are signed in as, your role and who enforces it")
        self._action(help_menu, "&About Probation Desk", self.about)
        self._enable_case_actions()

    def _build_status(self) -> None:
        self.db_label = QLabel("Database: opening…", self)
        self.db_label.setAccessibleName("Database")
        self.user_label = QLabel(self)
        self.user_label.setAccessibleName("Signed in as")
        self.role_label = QLabel(self)
        self.role_label.setAccessibleName("Role")
        self.enforced_label = QLabel(self)
        self.enforced_label.setAccessibleName("Where roles are enforced")
        self.busy_label = QLabel(self)
        self.busy_label.setAccessibleName("Working")
        status = self.statusBar()
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.busy_label)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.role_label)
        status.addPermanentWidget(self.enforced_label)
        self.tasks.busy_changed.connect(
            lambda busy: self.busy_label.setText("Working…" if busy else ""))
        if self._settings is not None:
            self._show_identity()  # else after the first paint, once they are read

    def _show_identity(self) -> None:
        team = self.desk.team if self.desk is not None else None
        if team is not None:
            # A team database: who and what, as the server says (not from Settings).
            self.user_label.setText(team.signed_in_text())
            self.role_label.setText("Roles enforced by the server" if team.enforced else
                                    "Roles not enforced for this login")
            self.role_label.setToolTip(
                "Your login's role and region are set by IT on the database server, which "
                "refuses anything the role does not allow." if team.enforced else
                "This login is in no Probation Desk role (or owns the database): ask IT to "
                "give you your own login.")
            self.enforced_label.setText("")
            return
        s = self.settings
        self.user_label.setText(f"Signed in as {s.actor}")
        self.role_label.setText(f"Role: {s.role_enum.value}")
        self.role_label.setToolTip(
            "This is a personal database file: the role is your own setting. On a team "
            "database (PostgreSQL) the server decides who you are and what you may do.")
        self.enforced_label.setText("(a setting: roles are enforced only on a team database)")

    # ---------------------------------------------------------------- the database
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
        (``services.first_page``: importing SQLAlchemy no longer comes before the first
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
        from probation_desk.services import first_page
        from probation_desk.ui.caseload import ID_PAGE

        # A personal file's Desk is the Settings' name (services.lifecycle.open_desk).
        query = self.caseload.first_page_query(self.settings.region, self.settings.actor)
        visible, now, gen = self.caseload.visible_rows(), now_by(self.clock), self._open_gen

        def work(_p: object) -> first_page.FirstPage | None:
            return first_page.read_first_page(url, query.filter, query.sort, query.descending,
                                              limit=ID_PAGE, visible=visible, now=now)

        def done(page: first_page.FirstPage | None) -> None:
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

    def open_database(self, url: str | None) -> None:
        """Open ``url`` (None: the --db argument, environment or settings) in the background."""
        self._open_gen += 1
        gen = self._open_gen
        db_arg, settings, clock = self.db_arg, self.settings, self.clock
        self.db_label.setText("Database: opening…")
        self.build_pages()
        if self._first_page_url is None:  # else the first page's count line stays
            self.caseload.count_label.setText("Opening the database…")

        def work(_p: object) -> tuple[Desk, str, bool, Any]:
            from probation_desk.services.changes import ChangeWatcher
            from probation_desk.services.lifecycle import open_desk
            from probation_desk.services.queries import has_people
            from probation_desk.settings import database_url

            target = url or database_url(db_arg)
            desk = open_desk(target, settings=settings, clock=clock, backup=False)
            try:
                empty = not has_people(desk)
                watcher = ChangeWatcher(desk.engine)
            except Exception:
                desk.engine.dispose()
                raise
            return desk, target, empty, watcher

        def done(result: tuple[Desk, str, bool, Any]) -> None:
            if gen != self._open_gen:
                result[3].close()
                result[0].engine.dispose()
                return
            self._watch(result[3])
            self._opened(*result[:3])

        def failed(exc: BaseException) -> None:
            if gen == self._open_gen:
                self._open_failed(exc, url)

        self.tasks.op(self, work).success(done).failure(failed).run_in_background()

    def _opened(self, desk: Desk, url: str, empty: bool) -> None:
        from probation_desk.addresses import describe_url

        old = self.desk
        self.desk, self.db_url = desk, url
        self.db_description = describe_url(url)
        self.db_label.setText(f"Database: {self.db_description}")
        self.db_label.setToolTip(self.db_description)
        s = self.settings
        # On a team database the server's region and login, not Settings'.
        region = desk.team.region or s.region if desk.team is not None else s.region
        self.caseload.db_empty = empty
        self.current.set(None)  # ids mean other people in another database
        first_page, self._first_page_url = self._first_page_url, None
        self.caseload.set_desk(desk, region, keep_rows=first_page == url)
        self.record.set_desk(desk)
        self.worklist.set_desk(desk, region)
        self.banner.set_desk(desk, region, desk.actor)
        self._reset_extra_pages()
        if self.stack.currentWidget() is self.problem:
            self.show_section(CASELOAD)
        self._section_changed(self.nav.currentRow())
        if old is not None and old.engine is not desk.engine:
            old.engine.dispose()
        self._enable_case_actions()
        if old is None:
            # Everything made at start-up lives as long as the window: keep it out of the
            # garbage collector's full passes, which would otherwise pause the GUI. (No
            # collection first: a full pass here held the GUI and the pool for 30 ms.)
            gc.freeze()
        self._show_identity()
        self.desk_opened.emit()
        self._after_first_list(lambda: self._background_checks(desk, url, empty))
        if empty and self.welcome_enabled:
            self.welcome()

    def _after_first_list(self, then: Any) -> None:
        """Run ``then`` once the caseload's first list is on screen (or after 2 s): the
        start-up sweep and file check are long-pool work, but they still share the
        interpreter with the first search, so they start after it."""
        self._once_after(self.caseload.search_done, 2000, then)

    def _background_checks(self, desk: Desk, url: str, empty: bool) -> None:
        """The after-open steps (``services.lifecycle``: the day's backup, the page check,
        the recount, the sweep), one after another on the long pool, once the caseload
        is on screen: each can take seconds on a big file."""
        if desk is not self.desk:
            return  # another database was opened meanwhile
        from probation_desk.services import lifecycle

        steps = lifecycle.after_open_steps(desk, sweep=self.sweep_at_start and not empty)
        keep = self.settings.backup_keep

        def run(index: int) -> None:
            if index >= len(steps) or desk is not self.desk:
                return
            step = steps[index]

            def done(outcome: lifecycle.StepOutcome) -> None:
                self._after_open_step(desk, url, outcome)
                if not outcome.stops_the_rest:
                    run(index + 1)

            self.tasks.op(self, lambda _p: lifecycle.run_step(step, desk, url, keep=keep)) \
                .success(done).failure(lambda _exc: run(index + 1)).long().run_in_background()

        run(0)

    def _after_open_step(self, desk: Desk, url: str, outcome: Any) -> None:
        """Say what an after-open step found or did (a ``lifecycle.StepOutcome``)."""
        if outcome.note:  # the backup: none was taken today, and why
            self.statusBar().showMessage(outcome.note, 30000)
        if outcome.damage and url == self.db_url:
            self.integrity_warning = (
                "Probation Desk found damage in the database file "
                f"({outcome.damage}). Nothing has been changed by this check. Make a copy "
                "of the file, then restore it from a backup or ask your administrator.")
            QMessageBox.warning(self, "The database file may be damaged",
                                self.integrity_warning)
        if outcome.report is not None:
            self.counter_report = outcome.report
            if outcome.report.repaired and desk is self.desk:
                self.statusBar().showMessage(
                    f"Repaired {len(outcome.report.drift):,} stored count(s) that did not "
                    "match the records (the audit trail lists them).", 15000)
                self.refresh()
        if outcome.closed and desk is self.desk:
            self.statusBar().showMessage(
                f"Closed {outcome.closed:,} NSI(s) automatically: their toolkit was "
                "withdrawn and its close-by date has passed.", 15000)
            self.refresh()

    def back_up_now(self) -> None:
        """File > Back up now…: a manual backup, in the background; says where it went."""
        if not self.db_url:
            return
        url, keep = self.db_url, self.settings.backup_keep

        def work(_p: object) -> object:
            from probation_desk.services.lifecycle import back_up_now

            return back_up_now(url, keep=keep)

        def done(path: object) -> None:
            show_message(self, "Backed up", f"The database was backed up to {path} "
                         "(readable by you only).")

        self.tasks.op(self, work).success(done).failure(
            lambda exc: show_error(self, exc, "Not backed up")).run_in_background()

    def restore_from_backup(self) -> None:
        """File > Restore from backup…: choose one of the listed backups (with dates)."""
        from probation_desk.services.lifecycle import backups_of

        if not self.db_url:
            return
        found = backups_of(self.db_url)
        if not found:
            show_message(self, "Restore from backup",
                         "There are no backups of this database in the backup folder yet. "
                         "File > Back up now… makes one.")
            return
        from probation_desk.ui.dialogs import choose_backup

        chosen = choose_backup(self, [(f"{b.taken:%d %B %Y, %H:%M} UTC  ({b.reason}, "
                                       f"{b.size / 1024:,.0f} KB)", b.path) for b in found])
        if chosen is None:
            return
        url, keep = self.db_url, self.settings.backup_keep
        if self.desk is not None:
            self.desk.engine.dispose()

        def work(_p: object) -> object:
            from probation_desk.services.lifecycle import restore_backup

            return restore_backup(url, chosen, keep=keep)

        def done(safety: object) -> None:
            show_message(self, "Restored", f"The backup was restored. The database as it "
                         f"was just before is kept in {safety}.")
            self.open_database(url)

        self.tasks.op(self, work).success(done).failure(
            lambda exc: show_error(self, exc, "Not restored")).run_in_background()

    def _watch(self, watcher: Any) -> None:
        """Watch the open database for changes committed by other people or processes."""
        if self.watcher is not None:
            self.watcher.close()
        self.watcher = watcher
        self.watch_timer.start()

    def _own_change(self, _change: Change) -> None:
        """This window's own change (or F5) is shown already: not news from elsewhere."""
        if self.watcher is not None:
            self.watcher.seen_own_change()

    def _poll_elsewhere(self) -> None:
        """Someone else committed a change: refresh what the open views show."""
        if self.watcher is None or self.desk is None or not self.isVisible():
            return
        change = self.watcher.poll()
        if change is None:
            return
        if change.everything:
            self.tasks.announce(Change(everything=True, nsis=True, module=True))
        else:
            self.tasks.announce(Change(people=change.people, nsis=True, module=True))
        page = self.extra_pages.get(self.stack.currentIndex())
        if page is not None and hasattr(page, "refresh"):
            page.refresh()

    def _open_failed(self, exc: BaseException, url: str | None) -> None:
        self._first_page_url = None
        text = plain_message(exc)
        if url:
            self.db_url = url
        self.problem.message.setText(text)
        self.db_label.setText("Database: not open")
        self.stack.setCurrentWidget(self.problem)
        self.problem.settings_button.setFocus()
        self.desk_failed.emit(text)

    def _use_identity(self, settings: Settings) -> None:
        """Record changes under a new name or role (same database)."""
        self.settings = settings
        self._show_identity()
        if self.desk is not None:
            from probation_desk.services.desk import Desk

            d = self.desk
            if d.team is None:  # on a team database the server says who and what
                self.desk = Desk(d.engine, actor=settings.actor, role=settings.role_enum,
                                 clock=d.clock, catalogue=d.catalogue)
            self.caseload.set_desk(self.desk, settings.region)
            self.record.desk = self.desk
            self.record.reload()
            self.worklist.set_desk(self.desk, settings.region)
            self.banner.set_desk(self.desk, settings.region, settings.actor)
            self._reset_extra_pages()
            self._section_changed(self.nav.currentRow())

    # ---------------------------------------------------------------- sections
    def show_section(self, index: int) -> None:
        """Switch to a section (Alt+1..4)."""
        self.nav.setCurrentRow(index)
        self._section_changed(index)

    def _section_changed(self, index: int) -> None:
        if index < 0:
            return
        if self.desk is None and self.stack.currentWidget() is self.problem:
            return
        if index in EXTRA_SECTIONS and self.desk is not None \
                and index not in self.extra_pages:
            self._build_extra(index)
        self.stack.setCurrentIndex(index)
        self._enable_case_actions()

    def _build_extra(self, index: int) -> None:
        """Build the Review or Dashboard page if its module exists (else a placeholder)."""
        module_name, class_name, placeholder = EXTRA_SECTIONS[index]
        page: QWidget
        try:
            found = importlib.util.find_spec(module_name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            page = Placeholder(SECTIONS[index], placeholder, self)
        else:
            try:
                cls = getattr(importlib.import_module(module_name), class_name)
                params = inspect.signature(cls).parameters
                kwargs: dict[str, Any] = {}
                if "tasks" in params:
                    kwargs["tasks"] = self.tasks
                if "parent" in params:
                    kwargs["parent"] = self
                page = cls(self.desk, **kwargs)
            except Exception as exc:
                page = Placeholder(SECTIONS[index], f"The {SECTIONS[index]} could not be "
                                   f"shown: {plain_message(exc)}", self)
            open_case = getattr(page, "open_case", None)
            if open_case is not None and hasattr(open_case, "connect"):
                open_case.connect(lambda pid, *_rest: self.open_case(pid, None))
        self._drop_page(index)
        self.stack.insertWidget(index, page)
        self.extra_pages[index] = page

    def _drop_page(self, index: int) -> None:
        old = self.stack.widget(index)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()

    def _reset_extra_pages(self) -> None:
        for index in list(self.extra_pages):
            self._drop_page(index)
            self.stack.insertWidget(index, Placeholder(SECTIONS[index], "Loading…", self))
        self.extra_pages.clear()

    def open_case(self, person_id: int, nsi_id: int | None = None) -> None:
        """Show a person's record in the Caseload section (from the Worklist or Review)."""
        self.build_pages()
        self.show_section(CASELOAD)
        if nsi_id is not None:
            def pick(pid: int) -> None:
                if pid == person_id:
                    self.record.loaded.disconnect(pick)
                    self.record.tabs.setCurrentIndex(2)
                    self.record.select_nsi(nsi_id)
                    self.record.nsi_table.setFocus()
            self.record.loaded.connect(pick)
        if self.current.id != person_id:
            # The record shows them, and the list selects them (changing its search and
            # filters if they leave this person out): the two never disagree.
            self.current.set(person_id)
        elif nsi_id is not None:
            self.record.reload()
        self._focus_record()

    def open_worklist_for(self, toolkit: str) -> None:
        """From a banner line: the Worklist on what the line counted (that toolkit's open
        NSIs in every region), not only the signed-in region."""
        self.build_pages()
        self.show_section(WORKLIST)
        self.worklist.show_scope("", toolkit)

    def new_person(self) -> None:
        """Case > Add a person… (Ctrl+Shift+N): the new person's record opens."""
        if self.desk is None:
            return
        from probation_desk.ui.case_dialogs import PersonDialog

        self.build_pages()
        dlg = PersonDialog(self.desk, self.tasks, None, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.saved.connect(lambda person: self.open_case(person.id))
        dlg.open_requested.connect(self.open_case)
        self.person_dialog = dlg
        dlg.open()

    def _focus_record(self) -> None:
        self.record.tabs.setFocus()

    def find_person(self) -> None:
        """Ctrl+F: the Caseload search box."""
        if not self.pages_built:
            return
        self.show_section(CASELOAD)
        self.caseload.focus_search()

    def refresh(self) -> None:
        """F5: read everything again."""
        if self.desk is None:
            self.open_database(self.db_url or None)
            return
        self.tasks.announce(Change(everything=True, nsis=True, module=True))
        page = self.extra_pages.get(self.stack.currentIndex())
        if page is not None and hasattr(page, "refresh"):
            page.refresh()

    def _enable_case_actions(self) -> None:
        has_person = self.pages_built and self.desk is not None \
            and self.record.data is not None
        nsi = self.record.selected_nsi() if has_person else None
        open_nsi = nsi is not None and nsi.is_open
        for act in (self.new_nsi_action, self.session_action, self.print_action,
                    self.edit_person_action, self.add_order_action, self.book_action):
            act.setEnabled(has_person)
        self.outcome_action.setEnabled(has_person)
        self.new_person_action.setEnabled(self.desk is not None)
        for act in (self.update_nsi_action, self.close_nsi_action, self.switch_action):
            act.setEnabled(open_nsi)
        self.demo_action.setEnabled(self.desk is not None)
        self.batch_print_action.setEnabled(self.pages_built and self.desk is not None)

    def _toggle_beside(self) -> None:
        if not self.pages_built:
            return
        beside = self.beside_action.isChecked()
        self.case_split.setOrientation(Qt.Orientation.Horizontal if beside
                                       else Qt.Orientation.Vertical)
        self._apply_share()

    # ---------------------------------------------------------------- room
    def set_area(self, area: str, *, show: bool = True) -> None:
        """Give the record (F7) or the list (F8) the whole Caseload area; the same key
        again goes back to both."""
        if not self.pages_built or area not in AREAS:
            return
        if area == self.area and area != "both":
            area = "both"
        self.area = area
        if show:
            self.show_section(CASELOAD)
        focus = QApplication.focusWidget()
        self.caseload.setVisible(area != "record")
        self.record.setVisible(area != "list")
        self.record_only_action.setChecked(area == "record")
        self.list_only_action.setChecked(area == "list")
        if area == "record" and (focus is None or self.caseload.isAncestorOf(focus)):
            self._focus_record()
        elif area == "list" and (focus is None or self.record.isAncestorOf(focus)):
            self.caseload.table.setFocus()
        if area == "both":
            self._apply_share()

    def move_split(self, steps: int) -> None:
        """Move the line between list and record by a sixth of the area (Alt+Shift+Up
        gives the record more room, Alt+Shift+Down the list)."""
        if not self.pages_built:
            return
        if self.area != "both":
            self.set_area("both")
        self.show_section(CASELOAD)
        self.list_share = min(0.85, max(0.15, self.list_share + steps / 6))
        self._apply_share()

    def _split_moved(self, _pos: int, _index: int) -> None:
        sizes = self.case_split.sizes()
        if sum(sizes) > 0 and all(sizes):
            self.list_share = sizes[0] / sum(sizes)

    def _apply_share(self) -> None:
        if not self.case_split.isVisible():
            self._share_pending = True  # its height is known once it is shown
            return
        self._share_pending = False
        sizes = self.case_split.sizes()
        total = sum(sizes) or (self.case_split.height()
                               if self.case_split.orientation() == Qt.Orientation.Vertical
                               else self.case_split.width())
        if total <= 0:
            return
        first = int(total * self.list_share)
        self.case_split.setSizes([first, total - first])
        self._fit_split()

    def _fit_split(self) -> None:
        """A list of a few matches takes only the room its rows need: the rest goes to
        the record (never more than the share the person chose for the list)."""
        if not self.pages_built or self.area != "both" \
                or self.case_split.orientation() != Qt.Orientation.Vertical:
            return
        sizes = self.case_split.sizes()
        total = sum(sizes)
        if total <= 0 or not self.caseload.isVisible():
            return
        rows = max(self.caseload.model.total, FEW_ROWS)
        wanted = int(total * self.list_share)
        need = self.caseload.height_for_rows(rows)
        first = max(min(wanted, need), self.caseload.minimumSizeHint().height())
        if first != sizes[0]:
            self.case_split.setSizes([first, total - first])

    # ---------------------------------------------------------------- dialogs
    def welcome(self) -> WelcomeDialog:
        """First run: who is using it, and empty or demo data."""
        from probation_desk.ui.dialogs import WelcomeDialog

        dlg = WelcomeDialog(self.settings, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self._welcomed(dlg))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _welcomed(self, dlg: WelcomeDialog) -> None:
        choice = dlg.choice
        if choice is None:
            return
        from probation_desk.settings import save_settings

        try:
            save_settings(choice.settings)
        except OSError as exc:
            show_message(self, "Settings not saved", plain_message(exc))
        self._use_identity(choice.settings)
        if choice.demo_cases:
            self.load_demo(choice.demo_cases)

    def ask_demo(self) -> None:
        """File > Load demo data: how many synthetic people to add."""
        if self.desk is None:
            return
        n, ok = QInputDialog.getInt(self, "Load demo data",
                                    "How many synthetic people (no real data) to add?",
                                    500, 10, 100_000, 100)
        if ok:
            self.load_demo(n)

    def load_demo(self, cases: int) -> None:
        """Add a synthetic caseload in the background, with progress and Cancel."""
        desk = self.desk
        if desk is None:
            return

        def work(p: Any) -> Any:
            from probation_desk.services.demo import load_demo

            return load_demo(desk, cases, progress=lambda line: p(line, 0))

        def done(result: Any) -> None:
            people = result.counts.get("person", 0)
            if result.stopped:
                text = result.stopped
            elif result.cancelled:
                text = f"Stopped: {people:,} demo people were added before Cancel."
            else:
                text = f"Added {people:,} demo people (synthetic: no real data)."
            if result.refused:
                from probation_desk.services.demo import log_path

                where = log_path()
                text += (f" {len(result.refused):,} demo records were refused by the rules; "
                         + (f"each one's line and rule is in the log ({where})."
                            if where else "the first was: " + result.refused[0].reason))
            show_message(self, "Demo data", text)
            if people:
                self.caseload.db_empty = False
            self.tasks.announce(Change(everything=True, nsis=True, module=True))

        self.tasks.op(self, work).with_progress(
            lambda done_, _t: f"Loading demo data: {done_:,} records so far…",
            title="Loading demo data", cancellable=True, delay_ms=0) \
            .success(done).run_in_background()

    def print_selected_workbooks(self) -> None:
        """Case > Print workbooks for selected people…: one PDF, or one per person."""
        if not self.pages_built or self.desk is None:
            return
        from probation_desk.ui.workbook_dialog import BatchWorkbookDialog

        ids = self.caseload.selected_people()
        if not ids:
            show_message(self, "Print workbooks", "Select people in the caseload first "
                         "(Shift or Ctrl+click to select several).")
            return
        desk = self.desk

        def work(_p: object) -> list[tuple[int, str, str]]:
            from probation_desk.services.queries import caseload_rows

            rows = caseload_rows(desk, ids)
            return [(pid, rows[pid].name, rows[pid].crn) for pid in ids if pid in rows]

        def named(people: list[tuple[int, str, str]]) -> None:
            # Every selected person is named before anything prints (some may be
            # selected out of sight, above or below the rows on screen).
            dlg = BatchWorkbookDialog(desk, self.tasks, people, self)
            self.batch_dialog = dlg  # kept: it starts the printing after it closes
            dlg.open()

        self.tasks.op(self, work).success(named).run_in_background()

    def open_settings(self) -> None:
        """File > Settings."""
        from probation_desk.ui.dialogs import SettingsDialog

        problem = self.problem.message.text() if self.desk is None else ""
        dlg = SettingsDialog(self.tasks, self.settings, self.db_url, self, problem=problem)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.saved.connect(self._settings_saved)
        self.dialog = dlg
        dlg.open()

    def _settings_saved(self, saved: SavedSettings) -> None:
        new = saved.settings
        if saved.database_changed or self.desk is None:
            from probation_desk.paths import default_db_path

            self.settings = new
            self._show_identity()
            self.open_database(new.database_url or f"sqlite:///{default_db_path()}")
        else:
            self._use_identity(new)
        self.tasks.announce(Change(settings=True))

    def whats_this(self) -> None:
        """Help > What's This? (Shift+F1): explain what has the keyboard focus."""
        from probation_desk.ui.whats_this import install

        app = QApplication.instance()
        if isinstance(app, QApplication):
            install(app).explain_focus()

    def sign_in_text(self) -> str:
        """What the status bar says about the sign-in and role, with its explanation
        (the role label's tooltip), in words a keyboard user can reach."""
        parts = [w.text() for w in (self.user_label, self.role_label, self.enforced_label)
                 if w.text()]
        return ". ".join(p.rstrip(".") for p in parts) + ".\n\n" + self.role_label.toolTip()

    def show_sign_in(self) -> None:
        """Help > Signed in as…: the status bar's identity and role, explained."""
        from probation_desk.ui.errors import show_message

        self._sign_in_box = show_message(self, "Signed in as", self.sign_in_text())

    def about(self) -> None:
        """Help > About."""
        from probation_desk.ui.dialogs import show_about

        show_about(self, self.db_description)

    # ---------------------------------------------------------------- window state
    def _restore_geometry(self) -> None:
        qs = window_settings()
        geometry = qs.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 760)
        self.fit_to_screen()
        state = qs.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(state)
        self.beside_action.setChecked(bool(qs.value("window/recordBeside", False, type=bool)))
        section = qs.value("window/section", 0, type=int)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(section if section in (CASELOAD, WORKLIST) else CASELOAD)
        self.nav.blockSignals(False)
        self.stack.setCurrentIndex(self.nav.currentRow())

    def fit_to_screen(self) -> None:
        """Keep the window on the screen it is on (a size saved on a larger screen, or
        at another scale, would otherwise open partly off it)."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        if self.isMaximized() or self.isFullScreen():
            return
        frame = self.frameGeometry()
        extra_w = max(frame.width() - self.width(), 0)
        extra_h = max(frame.height() - self.height(), 0)
        width = min(self.width(), room.width() - extra_w)
        height = min(self.height(), room.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        frame = self.frameGeometry()
        x = min(max(frame.x(), room.x()), room.right() + 1 - frame.width())
        y = min(max(frame.y(), room.y()), room.bottom() + 1 - frame.height())
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def _restore_state(self) -> None:
        """Splitters, headers, the record's room and the section, once the pages exist."""
        qs = window_settings()
        share = qs.value("window/listShare", LIST_SHARE, type=float)
        self.list_share = min(0.85, max(0.15, float(share)))  # type: ignore[arg-type]
        self._toggle_beside()
        value = qs.value("window/nsiSplitter")
        if isinstance(value, QByteArray | bytes):
            self.record.nsi_split.restoreState(value)
        else:  # first run: the NSIs get the larger share, the status history the rest
            self.record.nsi_split.setSizes([600, 400])
        self._apply_share()
        area = qs.value("window/caseArea", "both", type=str)
        if area in AREAS and area != "both":
            self.set_area(area, show=False)
        self.caseload.restore_state(qs)
        self.stack.setCurrentIndex(self.nav.currentRow())

    def save_state(self) -> None:
        """Remember geometry, splitters, headers and the section."""
        qs = window_settings()
        qs.setValue("window/geometry", self.saveGeometry())
        qs.setValue("window/state", self.saveState())
        qs.setValue("window/recordBeside", self.beside_action.isChecked())
        qs.setValue("window/section", max(self.nav.currentRow(), 0))
        if self.pages_built:
            qs.setValue("window/listShare", self.list_share)
            qs.setValue("window/caseArea", self.area)
            qs.setValue("window/nsiSplitter", self.record.nsi_split.saveState())
            self.caseload.save_state(qs)
        qs.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted_shown:  # the frame's size is known once it is shown
            self._fitted_shown = True
            QTimer.singleShot(0, self.fit_to_screen)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.watch_timer.stop()
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None
        # Deliver what is pending (it may start work), then let all work finish and
        # deliver its results while the window's objects still exist.
        QApplication.processEvents()
        self.tasks.cancel_all()
        self.tasks.wait(10000)
        QApplication.processEvents()
        if self.desk is not None:
            self.desk.engine.dispose()
        super().closeEvent(event)

