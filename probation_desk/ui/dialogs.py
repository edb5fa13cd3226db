"""First-run welcome, Settings, and About.

Settings are kept by ``probation_desk.settings`` (a small JSON file shared with the
command line). A new database is tested by opening it, in the background, before the
settings are saved; a refusal appears next to the database field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from probation_desk import __version__
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.people import REGIONS
from probation_desk.domain.roles import PERSONAL_ROLES
from probation_desk.errors import SettingsProblem
from probation_desk.settings import Settings
from probation_desk.ui.forms import OperationDialog
from probation_desk.ui.tasks import Progress, Tasks
from probation_desk.ui.widgets import path_row


def role_combo(parent: QWidget, current: str) -> QComboBox:
    """A picker of roles, set to ``current`` (a Role name)."""
    box = QComboBox(parent)
    for r in PERSONAL_ROLES:
        box.addItem(r.value, r.name)
    box.setCurrentIndex(max(box.findData(current), 0))
    return box


def region_combo(parent: QWidget, current: str) -> QComboBox:
    """A picker of the 12 regions (or none), set to ``current``."""
    box = QComboBox(parent)
    box.addItem("(No region chosen)", "")
    for r in REGIONS:
        box.addItem(r, r)
    box.setCurrentIndex(max(box.findData(current), 0))
    return box


def as_url(text: str) -> str:
    """A database address from what was typed: a URL as it is, a file path as SQLite."""
    text = text.strip()
    if not text or "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


@dataclass(frozen=True)
class WelcomeChoice:
    """What the person chose on first run."""

    settings: Settings
    demo_cases: int  # 0: start empty


class WelcomeDialog(QDialog):
    """First run with an empty database: who is using it, and empty or demo data."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Probation Desk")
        self.setAccessibleName("Welcome to Probation Desk")
        self.settings = settings
        self.choice: WelcomeChoice | None = None
        intro = QLabel(
            "This database has nobody in it yet. Say who you are (changes are recorded "
            "in your name), then start with an empty caseload or load demo data to try "
            "things out. Demo data is synthetic: no real people.", self)
        intro.setWordWrap(True)
        intro.setAccessibleName("Welcome")
        self.name = QLineEdit(settings.actor, self)
        self.name.setAccessibleName("Your name")
        self.role = role_combo(self, settings.role)
        self.role.setAccessibleName("Your role")
        self.region = region_combo(self, settings.region)
        self.region.setAccessibleName("Your region")
        form = QFormLayout()
        for text, w in (("Your &name", self.name), ("Your &role", self.role),
                        ("Your re&gion", self.region)):
            label = QLabel(text, self)
            label.setBuddy(w)
            form.addRow(label, w)
        self.empty = QRadioButton("Start with an &empty caseload", self)
        self.demo = QRadioButton("Load &demo data:", self)
        self.empty.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.empty)
        group.addButton(self.demo)
        self.cases = QSpinBox(self)
        self.cases.setRange(10, 100_000)
        self.cases.setSingleStep(100)
        self.cases.setValue(500)
        self.cases.setSuffix(" people")
        self.cases.setAccessibleName("How many demo people")
        self.cases.setEnabled(False)
        self.demo.toggled.connect(self.cases.setEnabled)
        demo_row = QHBoxLayout()
        demo_row.addWidget(self.demo)
        demo_row.addWidget(self.cases)
        demo_row.addStretch(1)
        buttons = QDialogButtonBox(self)
        start = buttons.addButton("&Start", QDialogButtonBox.ButtonRole.AcceptRole)
        start.setDefault(True)
        start.setAccessibleName("Start")
        later = buttons.addButton("&Later", QDialogButtonBox.ButtonRole.RejectRole)
        later.setAccessibleName("Decide later")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.empty)
        lay.addLayout(demo_row)
        lay.addWidget(buttons)

    def accept(self) -> None:
        new = replace(self.settings, user_name=self.name.text().strip(),
                      role=self.role.currentData(), region=self.region.currentData() or "")
        self.choice = WelcomeChoice(new, self.cases.value() if self.demo.isChecked() else 0)
        super().accept()


@dataclass(frozen=True)
class SavedSettings:
    """Settings after Save, and whether the database changed."""

    settings: Settings
    database_changed: bool


class SettingsDialog(OperationDialog):
    """Database, identity and role, region, default print options."""

    long_running = True

    def __init__(self, tasks: Tasks, settings: Settings, current_url: str,
                 parent: QWidget | None = None, problem: str = "") -> None:
        super().__init__(tasks, "Settings",
                         "Changes are recorded in your name. A new database is opened and "
                         "checked before it is saved here.", parent, "&Save")
        self.settings = settings
        self.current_url = current_url
        self.database = QLineEdit(settings.database_url, self)
        self.database.setPlaceholderText("Default: a file in your data folder")
        self.database.setToolTip("A SQLite file, or a PostgreSQL address such as "
                                 "postgresql+psycopg://user@server/probation")
        self.database.setAccessibleName("Database: file or PostgreSQL address")
        row = path_row(self, self.database, "Choose a database file", self._browse)
        self.browse_button = row.findChild(QPushButton)
        self.add_row("&Database", row, "database_url")
        self.name = QLineEdit(settings.user_name, self)
        self.name.setPlaceholderText(settings.actor)
        self.add_row("Your &name", self.name, "user_name")
        self.role = role_combo(self, settings.role)
        self.add_row("Your &role", self.role, "role")
        self.region = region_combo(self, settings.region)
        self.add_row("Your re&gion", self.region, "region")
        self.large = QCheckBox("&Large print workbooks by default", self)
        self.large.setChecked(settings.large_print_default)
        self.large.setAccessibleName("Large print workbooks by default")
        self.add_row("", self.large)
        self.crn = QCheckBox("Show the &CRN on workbooks by default", self)
        self.crn.setChecked(settings.show_crn_default)
        self.crn.setAccessibleName("Show the CRN on workbooks by default")
        self.add_row("", self.crn)
        self.language = language_combo(self, settings.language)
        self.add_row(self.tr("Lang&uage"), self.language, "language")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)
        self._lock_machine_settings()
        if problem:
            self.errors.show("database_url", problem)

    def _language_chosen(self) -> str:
        """The language as chosen: left as it was (none chosen: the system's, followed
        from then on) unless the person picked another in the box."""
        from probation_desk.i18n import chosen_language

        picked = str(self.language.currentData())
        return self.settings.language if picked == chosen_language(
            self.settings.language) else picked

    def _lock_machine_settings(self) -> None:
        """What IT set for everyone on this computer, and locked, is shown but cannot be
        changed; a line at the top says who set it."""
        from probation_desk.paths import machine_defaults_path
        from probation_desk.settings import machine_defaults

        try:
            machine = machine_defaults()
        except SettingsProblem:
            return  # said when the database is opened
        widgets = {"database_url": (self.database, self.tr("Database")),
                   "role": (self.role, self.tr("Your role")),
                   "region": (self.region, self.tr("Your region")),
                   "large_print_default": (self.large, self.tr("Large print")),
                   "show_crn_default": (self.crn, self.tr("Show the CRN"))}
        locked = [(w, name) for key, (w, name) in widgets.items() if key in machine.locked]
        if not locked:
            return
        why = self.tr("Set by %1 for everyone using this computer (%2): it cannot be changed "
                      "here.").replace("%1", machine.set_by).replace(
                          "%2", str(machine_defaults_path()))
        for widget, _name in locked:
            widget.setEnabled(False)
            widget.setToolTip(why)
            widget.setAccessibleDescription(why)
        if "database_url" in machine.locked and self.browse_button is not None:
            self.browse_button.setEnabled(False)
        self.locked_note = QLabel(self.tr(
            "%1: set by %2 for everyone using this computer, so not changed here.").replace(
            "%1", ", ".join(name for _w, name in locked)).replace("%2", machine.set_by), self)
        self.locked_note.setWordWrap(True)
        self.locked_note.setAccessibleName(self.tr("Settings set by IT"))
        self.form.insertRow(0, self.locked_note)

    def _browse(self) -> None:
        from probation_desk.paths import default_db_path

        # The file in the box, else the default file's folder: never the program's folder.
        typed = self.database.text().strip()
        start = typed if typed and "://" not in typed else str(default_db_path())
        path, _ = QFileDialog.getSaveFileName(
            self, "Choose or create a database file", start,
            "Probation Desk databases (*.sqlite3 *.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.database.setText(path)

    def new_settings(self) -> Settings:
        """The settings as typed."""
        return replace(self.settings, database_url=as_url(self.database.text()),
                       user_name=self.name.text().strip(), role=self.role.currentData(),
                       region=self.region.currentData() or "",
                       large_print_default=self.large.isChecked(),
                       show_crn_default=self.crn.isChecked(),
                       language=self._language_chosen())

    def operation(self) -> Callable[[Progress], Any]:
        new = self.new_settings()
        changed = new.database_url != self.settings.database_url
        url = new.database_url

        def work(_p: Progress) -> SavedSettings:
            from probation_desk.paths import default_db_path
            from probation_desk.settings import save_settings

            if changed:
                test_open(url or f"sqlite:///{default_db_path()}")
            save_settings(new)
            return SavedSettings(new, changed)

        return work


def language_combo(parent: QWidget, current: str) -> QComboBox:
    """The language choice, each named in itself; with none chosen, the system's."""
    from probation_desk.i18n import LANGUAGES, chosen_language

    box = QComboBox(parent)
    for code, name in LANGUAGES.items():
        box.addItem(name, code)
    box.setCurrentIndex(max(0, box.findData(chosen_language(current))))
    box.setAccessibleName(QCoreApplication.translate("Settings", "Language"))
    return box


def test_open(url: str) -> None:
    """Open (and migrate) a database to prove it can be used; refuse it plainly if not."""
    from probation_desk.errors import DatabaseProblem
    from probation_desk.services.lifecycle import open_desk

    try:
        desk = open_desk(url)
    except RuleViolation:
        raise
    except Exception as exc:
        if isinstance(exc, DatabaseProblem):
            raise RuleViolation("database-problem", str(exc), "database_url") from None
        raise RuleViolation(
            "database-problem",
            f"The database could not be opened ({type(exc).__name__}: {exc}). Check the "
            "file or address and try again.", "database_url") from None
    desk.engine.dispose()


def about_text(db_description: str) -> str:
    """The About box's words."""
    from probation_desk.paths import config_dir, data_dir

    return (f"Probation Desk {__version__}\n\n"
            "Toolkit NSIs, toolkit withdrawal, the Pre-Intervention Module and workbooks "
            "for the Probation Service (England and Wales).\n\n"
            f"Database: {db_description or 'not open'}\n"
            f"Settings folder: {config_dir()}\n"
            f"Data and log folder: {data_dir()}")


def show_about(parent: QWidget | None, db_description: str) -> QMessageBox:
    """The About box (opened without blocking)."""
    from probation_desk.ui.errors import show_message

    return show_message(parent, "About Probation Desk", about_text(db_description))


def choose_backup(parent: QWidget | None, items: list[tuple[str, Path]]) -> Path | None:
    """Ask which backup to restore (newest first, with dates); None if cancelled.

    Restoring replaces everything saved since: the question says so, and that the
    current database is backed up first.
    """
    dlg = QDialog(parent)
    dlg.setWindowTitle("Restore from backup")
    layout = QVBoxLayout(dlg)
    note = QLabel("Choose the backup to restore. Everything saved since it was taken will "
                  "be replaced; the database as it is now is backed up first, so this can "
                  "be undone.")
    note.setWordWrap(True)
    layout.addWidget(note)
    listing = QListWidget(dlg)
    listing.setAccessibleName("Backups")
    for text, path in items:
        row = QListWidgetItem(text)
        row.setToolTip(str(path))
        listing.addItem(row)
    listing.setCurrentRow(0)
    layout.addWidget(listing)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, dlg)
    restore = buttons.addButton("&Restore", QDialogButtonBox.ButtonRole.AcceptRole)
    restore.setDefault(True)
    buttons.accepted.connect(dlg.accept)
    buttons.rejected.connect(dlg.reject)
    listing.itemDoubleClicked.connect(lambda _i: dlg.accept())
    layout.addWidget(buttons)
    if dlg.exec() != QDialog.DialogCode.Accepted or listing.currentRow() < 0:
        return None
    return items[listing.currentRow()][1]
