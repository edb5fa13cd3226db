"""Save dialogs start in the user's Documents folder, never the program's folder, and
each kind of file (workbook PDFs, report PDFs, CSV files) comes back to the folder it was
last saved in, also after the window is opened again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog

from probation_desk.domain.roles import Role
from probation_desk.ui import save_folders as files
from tests.ui.conftest import wait_idle
from tests.ui.test_main_window import choose_person, gone, modal

pytestmark = pytest.mark.gui


class FakeDialogs:
    """Stands in for the system file dialog: records where it started, answers a path."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started: list[str] = []
        self.answer = ""
        monkeypatch.setattr(QFileDialog, "getSaveFileName", self._save)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", self._folder)

    def _save(self, _parent: Any, _caption: str, start: str, _filters: str = "",
              *_a: Any, **_k: Any) -> tuple[str, str]:
        self.started.append(start)
        return self.answer, ""

    def _folder(self, _parent: Any, _caption: str, start: str, *_a: Any) -> str:
        self.started.append(start)
        return self.answer

    def folder(self) -> Path:
        """Where the last dialog started (its folder, when it suggested a file)."""
        last = Path(self.started[-1])
        return last if last.is_dir() else last.parent


@pytest.fixture
def documents(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A home folder of the test's own, with a Documents folder in it."""
    home = tmp_path / "user"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    found = Path(QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation))
    assert found == home / "Documents"
    found.mkdir(parents=True)
    assert files.documents() == found
    return found


def test_each_kind_starts_in_documents_then_where_it_was_last_saved(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        documents: Path) -> None:
    from probation_desk.ui.review import ReviewPage
    from probation_desk.ui.workbook_dialog import WorkbookDialog

    fake = FakeDialogs(monkeypatch)
    assert documents != Path(os.getcwd())
    assert files.start_folder("workbook") == documents
    # The workbook: its path box and Browse… start in Documents.
    person = choose_person(qtbot, window, "L900001")
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dlg = modal(qtbot, WorkbookDialog)
    assert Path(dlg.path.text()) == documents / f"workbook-{person.crn}.pdf"
    books = tmp_path / "books"
    books.mkdir()
    fake.answer = str(books / "siân")  # no .pdf typed: it is added
    dlg._browse()
    assert fake.folder() == documents
    assert dlg.path.text() == str(books / "siân.pdf")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gone(dlg), timeout=30000)
    wait_idle(qtbot, window)
    assert (books / "siân.pdf").exists()

    # The Review's CSV and PDF: Documents first, each kind on its own afterwards.
    window.desk.role = Role.TREATMENT_MANAGER
    page = ReviewPage(window.desk, window.tasks, window)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: not page.busy, timeout=10000)
    reports = tmp_path / "reports"
    reports.mkdir()
    fake.answer = str(reports / "completion.pdf")
    page._choose_and_export("pdf")
    assert fake.folder() == documents
    qtbot.waitUntil(lambda: page.message_label.text().startswith("Saved"), timeout=20000)
    fake.answer = ""
    page._choose_and_export("csv")
    assert fake.folder() == documents  # saving a report PDF did not move the CSV folder
    page._choose_and_export("pdf")
    assert fake.folder() == reports

    # The next workbook starts where the last one went, also in a new window.
    window.close()
    assert files.start_folder("workbook") == books
    assert files.start_folder("report") == reports
    assert files.start_folder("csv") == documents
    books.rename(tmp_path / "gone")  # a remembered folder that has gone: Documents again
    assert files.start_folder("workbook") == documents


def test_without_a_documents_folder_dialogs_start_at_home(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(QStandardPaths, "writableLocation",
                        lambda _where: str(tmp_path / "no such Documents"))
    assert files.documents() == Path.home()
    assert files.start_folder("csv") == Path.home()


def test_choosing_a_database_file_starts_by_the_default_file_not_the_program_folder(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from probation_desk.paths import default_db_path
    from probation_desk.ui.dialogs import SettingsDialog

    fake = FakeDialogs(monkeypatch)
    window.settings_action.trigger()
    dlg = modal(qtbot, SettingsDialog)
    dlg.database.clear()
    dlg._browse()
    assert fake.started == [str(default_db_path())]
    dlg.reject()
