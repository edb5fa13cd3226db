"""Every window and dialog has unique mnemonics (Alt+letter goes to one place only).

The test walks the main window (each section, each tab of the case record, the menu bar
and each menu) and every dialog under probation_desk/ui (found by walking the package,
see ``tests/ui/every_dialog.py``), opened on the demo database, and collects the
mnemonics of labels with buddies, buttons, check boxes, radio buttons, group boxes, tabs
and menus. Two controls on screen together with the same letter fail, as does a label
whose mnemonic would tick a check box (Alt on a date row's label toggled its "Set" box).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMenu,
    QMenuBar,
    QTabBar,
    QWidget,
)

from tests.ui.conftest import wait_idle
from tests.ui.every_dialog import check_all_known, dismiss
from tests.ui.test_main_window import choose_person

pytestmark = pytest.mark.gui


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ('&&' is a literal ampersand), lower-cased."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].lower()
        i += 1
    return None


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def on_screen(root: QWidget) -> list[tuple[str, str, QWidget]]:
    """(letter, what, widget) for every mnemonic shown in ``root`` now."""
    out: list[tuple[str, str, QWidget]] = []
    for w in [root, *root.findChildren(QWidget)]:
        if w.window() is not root or not w.isVisible():
            continue
        texts: list[tuple[str, str]] = []
        if isinstance(w, QLabel) and w.buddy() is not None:
            texts.append((w.text(), f"label '{_plain(w.text())}'"))
        elif isinstance(w, QAbstractButton) and not isinstance(w.parentWidget(), QTabBar):
            texts.append((w.text(), f"{type(w).__name__} '{_plain(w.text())}'"))
        elif isinstance(w, QGroupBox):
            texts.append((w.title(), f"group '{_plain(w.title())}'"))
        elif isinstance(w, QTabBar):
            texts += [(w.tabText(i), f"tab '{_plain(w.tabText(i))}'")
                      for i in range(w.count()) if w.isTabVisible(i)]
        elif isinstance(w, QMenuBar):
            texts += [(a.text(), f"menu '{_plain(a.text())}'") for a in w.actions()
                      if a.isVisible()]
        for text, what in texts:
            letter = mnemonic(text)
            if letter:
                out.append((letter, what, w))
    return out


def clashes(root: QWidget, where: str) -> list[str]:
    """Mnemonics used twice in ``root`` as it is now, and labels that would tick a box."""
    by_letter: dict[str, list[str]] = defaultdict(list)
    problems: list[str] = []
    for letter, what, w in on_screen(root):
        by_letter[letter].append(what)
        if isinstance(w, QLabel):
            buddy = w.buddy()
            if isinstance(buddy, QAbstractButton) and buddy.isCheckable():
                problems.append(f"{where}: Alt+{letter.upper()} on {what} toggles "
                                f"'{_plain(buddy.text())}' instead of moving to it")
    problems += [f"{where}: Alt+{k.upper()} is on {' and '.join(v)}"
                 for k, v in sorted(by_letter.items()) if len(v) > 1]
    return problems


def menu_clashes(menu: QMenu, where: str) -> list[str]:
    by_letter: dict[str, list[str]] = defaultdict(list)
    for a in menu.actions():
        letter = mnemonic(a.text())
        if letter and a.isVisible() and not a.isSeparator():
            by_letter[letter].append(f"'{_plain(a.text())}'")
    return [f"{where}: '{k}' is on {' and '.join(v)}"
            for k, v in sorted(by_letter.items()) if len(v) > 1]


def test_mnemonics_are_unique_in_every_window_and_dialog(qtbot: Any, window: Any,
                                                         tmp_path: Path) -> None:
    problems: list[str] = []
    visited: list[str] = []
    choose_person(qtbot, window, "L900001")
    record = window.record

    # The main window: each section; in the Caseload, each tab of the record.
    for section in range(4):
        window.show_section(section)
        wait_idle(qtbot, window)
        name = window.nav.item(section).text()
        if section == 0:
            for tab in range(record.tabs.count()):
                record.tabs.setCurrentIndex(tab)
                tab_name = _plain(record.tabs.tabText(tab))
                problems += clashes(window, f"main window, {name}, record tab {tab_name}")
                visited.append(f"main window: {name} / {tab_name}")
        else:
            problems += clashes(window, f"main window, {name}")
            visited.append(f"main window: {name}")
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            problems += menu_clashes(menu, f"menu {_plain(action.text())}")
            visited.append(f"menu: {_plain(action.text())}")
    window.show_section(0)
    wait_idle(qtbot, window)

    # Every dialog under probation_desk/ui (a dialog found but not opened fails).
    for name, opener in sorted(check_all_known().items()):
        dlg = opener(window, tmp_path)
        dlg.show()
        qtbot.waitExposed(dlg)
        wait_idle(qtbot, window)
        found = on_screen(dlg)
        problems += clashes(dlg, f"dialog {dlg.windowTitle()} ({name})")
        visited.append(f"dialog: {dlg.windowTitle()} ({name.rsplit('.', 1)[-1]}), "
                       f"{len(found)} mnemonics")
        dismiss(qtbot, window, dlg)
    print("Visited:\n  " + "\n  ".join(visited))
    assert sum(v.startswith("dialog:") for v in visited) == len(check_all_known())
    assert not problems, "\n".join(problems)


def test_a_date_rows_label_moves_to_it_without_ticking_set(qtbot: Any, window: Any) -> None:
    """Alt+S in Update NSI goes to "Started on" (once "Save changes" has another letter),
    and the "Set" box is not ticked by it."""
    from probation_desk.ui.nsi_dialogs import UpdateNsiDialog
    from tests.ui.every_dialog import _sian_nsi

    choose_person(qtbot, window, "L900001")
    dlg = UpdateNsiDialog(window.desk, window.tasks, _sian_nsi(window),
                          window.record.data.person.name, window)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=5000)
    started = dlg.actual_start
    assert not started.check.isChecked()
    label = dlg.form.labelForField(started.parentWidget()) \
        or dlg.form.labelForField(started)
    letter = mnemonic(label.text())
    assert letter is not None
    qtbot.keyClick(dlg, getattr(Qt.Key, f"Key_{letter.upper()}"),
                   Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: started.isAncestorOf(QApplication.focusWidget()), timeout=5000)
    assert not started.check.isChecked()
    assert dlg.isVisible()  # not saved
    dlg.close_unsaved()
