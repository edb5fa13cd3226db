"""The window's open database: opening it, the after-open steps, backups, and others' changes.

Opening and the steps after it are ``services.lifecycle``'s; this part runs them off the
window's thread and says in the window what they found. A database that cannot be used
shows its message in the window with a way to choose another in Settings.
"""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QMessageBox,
)

from probation_desk.ui.errors import plain_message, show_error, show_message
from probation_desk.ui.tasks import Change

if TYPE_CHECKING:
    from probation_desk.services.desk import Desk
    from probation_desk.settings import Settings

from probation_desk.ui.shell.pages import (
    CASELOAD,
)
from probation_desk.ui.shell.part import WindowPart

log = logging.getLogger("probation_desk")


class DatabaseMixin(WindowPart):
    """Part of :class:`probation_desk.ui.main_window.MainWindow` (see the module's notes)."""

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
        self._say_if_listening(self.watcher.listening)
        if change is None:
            return
        if change.everything:
            self.tasks.announce(Change(everything=True, nsis=True, module=True))
        else:
            self.tasks.announce(Change(people=change.people, nsis=True, module=True))
        page = self.extra_pages.get(self.stack.currentIndex())
        if page is not None and hasattr(page, "refresh"):
            page.refresh()

    def _say_if_listening(self, listening: bool) -> None:
        """Say in the status bar while others' changes cannot be seen, and when they can
        be again."""
        was = getattr(self, "_watcher_listening", True)
        if listening == was:
            return
        self._watcher_listening = listening
        if not listening:
            # The window's words (a mixin's own tr() would look them up under its class).
            self.statusBar().showMessage(QCoreApplication.translate(
                "MainWindow", "Not seeing other people's changes: the team database cannot "
                "be reached. Trying again…"))
        else:
            self.statusBar().showMessage(QCoreApplication.translate(
                "MainWindow", "Seeing other people's changes again; the lists were read "
                "afresh."), 10000)

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

    def refresh(self) -> None:
        """F5: read everything again."""
        if self.desk is None:
            self.open_database(self.db_url or None)
            return
        self.tasks.announce(Change(everything=True, nsis=True, module=True))
        page = self.extra_pages.get(self.stack.currentIndex())
        if page is not None and hasattr(page, "refresh"):
            page.refresh()
