"""The main window: the withdrawal banner, the sections, the case record, the status bar,
and the actions its menus offer.

Its parts live in ``ui/shell``: the start-up choreography (``startup``), the open
database (``database``), the sections and the room they share (``sections``), and the
menus (``menus``).

Signals:
    MainWindow.pages_ready(): the pages were built (after the first paint).
    MainWindow.desk_opened(): the database is open and every section has been told.
    MainWindow.desk_failed(str): the database could not be opened (the message).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import Clock, system_today
from probation_desk.errors import SettingsProblem
from probation_desk.ui.errors import plain_message, show_message
from probation_desk.ui.shell.database import DatabaseMixin
from probation_desk.ui.shell.menus import MenusMixin
from probation_desk.ui.shell.pages import (
    CASELOAD,
    LIST_SHARE,
    SECTIONS,
    WATCH_MS,
    WORKLIST,
    Placeholder,
    ProblemPage,
)
from probation_desk.ui.shell.pages import (
    Qt as Qt,
)
from probation_desk.ui.shell.sections import SectionsMixin
from probation_desk.ui.shell.startup import StartupMixin
from probation_desk.ui.tasks import Change, Tasks

if TYPE_CHECKING:
    from probation_desk.services.desk import Desk
    from probation_desk.settings import Settings
    from probation_desk.ui.banner import Banner
    from probation_desk.ui.case_record import CaseRecord
    from probation_desk.ui.caseload import CaseloadPage
    from probation_desk.ui.dialogs import SavedSettings, WelcomeDialog
    from probation_desk.ui.worklist import WorklistPage

log = logging.getLogger("probation_desk")


class MainWindow(StartupMixin, DatabaseMixin, SectionsMixin, MenusMixin, QMainWindow):
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
        """The saved settings (read on first use). Machine-wide defaults that cannot be
        used leave the built-in ones in place; opening the database then says why."""
        if self._settings is None:
            from probation_desk.settings import Settings, load_settings

            try:
                self._settings = load_settings()
            except SettingsProblem:
                self._settings = Settings()
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
        from probation_desk.ui.widgets import row_menu

        self.open_record_action = QAction(self.tr("&Open the record"), self)
        self.open_record_action.triggered.connect(self._focus_record)
        row_menu(self.caseload.table, lambda: [
            self.open_record_action, None, self.new_nsi_action, self.book_action,
            self.outcome_action, self.session_action, None, self.print_action,
            self.batch_print_action])
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

    def _build_status(self) -> None:
        from probation_desk.ui.widgets import ElidedLabel

        # Elided, not clipped or widening the window, when the screen is small.
        self.db_label = ElidedLabel("Database: opening…", self)
        self.db_label.setAccessibleName("Database")
        self.user_label = QLabel(self)
        self.user_label.setAccessibleName("Signed in as")
        self.role_label = QLabel(self)
        self.role_label.setAccessibleName("Role")
        self.enforced_label = ElidedLabel("", self, Qt.TextElideMode.ElideRight)
        self.enforced_label.setAccessibleName("Where roles are enforced")
        self.busy_label = QLabel(self)
        self.busy_label.setAccessibleName("Working")
        status = self.statusBar()
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.busy_label)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.role_label)
        status.addPermanentWidget(self.enforced_label, 1)
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

    # ---------------------------------------------------------------- sections
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
        desk = self.desk
        dlg = PersonDialog(desk, self.tasks, None, self, region=(
            desk.team.region if desk.team is not None else self.settings.region) or "")
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
        region = (desk.team.region if desk.team is not None else self.settings.region) or ""

        def work(p: Any) -> Any:
            from probation_desk.services.demo import load_demo

            return load_demo(desk, cases, progress=lambda line: p(line, 0), mine=True,
                             region=region)

        def done(result: Any) -> None:
            people = result.counts.get("person", 0)
            if result.stopped:
                text = result.stopped
            elif result.cancelled:
                text = f"Stopped: {people:,} demo people were added before Cancel."
            else:
                from probation_desk.services.demo import mine_count

                text = (f"Added {people:,} demo people (synthetic: no real data). "
                        + self.tr("%1 of them are on your own caseload (managed by %2).")
                        .replace("%1", str(mine_count(cases, region)))
                        .replace("%2", desk.actor))
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
        from probation_desk.i18n import chosen_language

        if chosen_language(new.language) != chosen_language(self.settings.language):
            self._offer_restart(new.language)
        if saved.database_changed or self.desk is None:
            from probation_desk.paths import default_db_path

            self.settings = new
            self._show_identity()
            self.open_database(new.database_url or f"sqlite:///{default_db_path()}")
        else:
            self._use_identity(new)
        self.tasks.announce(Change(settings=True))

    def _offer_restart(self, language: str) -> None:
        """A new language is spoken from the next start: offer to restart now (closing
        asks first about anything typed and not saved, as closing always does)."""
        from PySide6.QtWidgets import QMessageBox

        from probation_desk.i18n import LANGUAGES, chosen_language

        name = LANGUAGES[chosen_language(language)]
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Language"), self.tr(
            "Probation Desk will speak %1 from its next start. Restart it now?").replace(
            "%1", name), QMessageBox.StandardButton.NoButton, self)
        restart = box.addButton(self.tr("&Restart now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("&Later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restart)
        self.restart_box = box

        def answered() -> None:
            if box.clickedButton() is restart and self.close():
                import sys

                from PySide6.QtCore import QProcess

                QProcess.startDetached(sys.executable, sys.argv)

        box.finished.connect(lambda _r: answered())
        box.open()

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

    def show_guide(self) -> None:
        """Help > User guide (F1)."""
        from probation_desk.ui.guide import show_guide

        self.guide = show_guide(self)

    def about(self) -> None:
        """Help > About."""
        from probation_desk.ui.dialogs import show_about

        show_about(self, self.db_description)

    # ---------------------------------------------------------------- window state
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

