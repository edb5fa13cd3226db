"""The window's menus, their shortcuts, and which actions apply to what is selected."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    pass

from probation_desk.ui.shell.pages import (
    SECTIONS,
)
from probation_desk.ui.shell.part import WindowPart

log = logging.getLogger("probation_desk")


class MenusMixin(WindowPart):
    """Part of :class:`probation_desk.ui.main_window.MainWindow` (see the module's notes)."""

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
        self.guide_action = self._action(
            help_menu, QCoreApplication.translate("Menus", "&User guide"), self.show_guide,
            "F1",
            tip=QCoreApplication.translate("Menus", "What each section is for, the keys, and "
                                           "who to ask (F1)"))
        self.whats_this_action = self._action(
            help_menu, "&What's This?", self.whats_this, "Shift+F1",
            tip="Explain what has the keyboard focus (what its tooltip says)")
        self.signed_in_action = self._action(
            help_menu, "&Signed in as…", self.show_sign_in,
            tip="Who you are signed in as, your role and who enforces it")
        self._action(help_menu, "&About Probation Desk", self.about)
        self._enable_case_actions()

    def _enable_case_actions(self) -> None:
        has_person = self.pages_built and self.desk is not None \
            and self.record.data is not None
        nsi = self.record.selected_nsi() if has_person else None
        open_nsi = nsi is not None and nsi.is_open
        for act in (self.new_nsi_action, self.session_action, self.print_action,
                    self.edit_person_action, self.add_order_action, self.book_action):
            act.setEnabled(has_person)
        self.outcome_action.setEnabled(self.pages_built and self.desk is not None)
        self.new_person_action.setEnabled(self.desk is not None)
        for act in (self.update_nsi_action, self.close_nsi_action, self.switch_action):
            act.setEnabled(open_nsi)
        if open_nsi and self.record.only_close(nsi):  # a withdrawn toolkit's NSI
            self.update_nsi_action.setEnabled(False)
        self.demo_action.setEnabled(self.desk is not None)
        self.batch_print_action.setEnabled(self.pages_built and self.desk is not None)
