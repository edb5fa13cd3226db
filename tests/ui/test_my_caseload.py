"""My caseload: the list opens on the signed-in practitioner's own people; Ctrl+E shows
everyone; an exact CRN is found past every filter, saying which it stepped past."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import open_window, table_column, wait_idle
from tests.ui.test_main_window import type_search

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


def toggle_everyone(qtbot: Any, window: Any) -> None:
    """Ctrl+E, and wait for the list it asks for."""
    with qtbot.waitSignal(window.caseload.search_done, timeout=10000):
        qtbot.keyClick(window, Qt.Key.Key_E, CTRL)
    wait_idle(qtbot, window)


def test_the_caseload_opens_on_my_people_and_ctrl_e_shows_everyone(
        qtbot: Any, window: Any) -> None:
    page = window.caseload
    assert not page.everyone_button.isChecked()  # a fresh install: my caseload
    mine = page.model.total
    assert mine >= 2  # Siân Llŷr-Ŵyn and Bola Okafor are Nia Lloyd's, in London
    assert set(table_column(page.table, 4)) == {"Nia Lloyd"}
    assert page.count_label.text() == f"{mine} people on my caseload (managed by Nia Lloyd)"
    assert not page.practitioner.isEnabled()  # my caseload is one practitioner's

    toggle_everyone(qtbot, window)
    assert page.everyone_button.isChecked()
    assert page.model.total > mine
    assert "Sam Reid" in table_column(page.table, 4)
    assert page.count_label.text() == f"{page.model.total} people"
    assert page.practitioner.isEnabled()

    toggle_everyone(qtbot, window)
    assert page.model.total == mine and not page.everyone_button.isChecked()


def test_an_exact_crn_steps_past_the_filters_and_says_so(qtbot: Any, window: Any) -> None:
    page = window.caseload
    # Gwen Price (L900003) is Sam Reid's, in London: not on Nia Lloyd's caseload.
    type_search(qtbot, window, "l900003")
    assert table_column(page.table, 0) == ["L900003"]
    assert page.note_label.isVisible()
    assert page.note_label.text() == ("L900003 is managed by Sam Reid, not on your caseload: "
                                      "shown anyway.")
    # A CRN prefix is an ordinary search within the filters: nobody of Sam Reid's.
    qtbot.keyClick(page.search, Qt.Key.Key_Backspace)
    with qtbot.waitSignal(page.search_done, timeout=10000):
        page._search_now()
    assert "L900003" not in table_column(page.table, 0)
    assert not page.note_label.isVisible()

    # Everyone, but the Wales region: the London CRN is still found, and the note says so.
    toggle_everyone(qtbot, window)
    page.region.setCurrentIndex(page.region.findData("Wales"))
    wait_idle(qtbot, window)
    qtbot.keyClick(page.search, Qt.Key.Key_3)
    with qtbot.waitSignal(page.search_done, timeout=10000):
        page._search_now()
    assert table_column(page.table, 0) == ["L900003"]
    assert page.note_label.text() == ("L900003 is in London, outside the Wales filter: "
                                      "shown anyway.")


def test_my_caseload_empty_says_how_to_see_everyone(qtbot: Any, db_url: str) -> None:
    from tests.ui.conftest import user_settings

    settings = user_settings()
    settings.user_name, settings.region = "New Starter", ""
    window = open_window(qtbot, db_url, settings=settings)
    wait_idle(qtbot, window)
    page = window.caseload
    assert page.model.total == 0
    assert page.empty.text() == ("Nobody on the database is managed by New Starter, so my "
                                 "caseload is empty. Press Ctrl+E to see everyone.")
    toggle_everyone(qtbot, window)
    assert page.model.total > 100


def test_everyone_is_remembered_for_the_next_start(qtbot: Any, db_url: str) -> None:
    window = open_window(qtbot, db_url)
    wait_idle(qtbot, window)
    toggle_everyone(qtbot, window)
    window.close()
    again = open_window(qtbot, db_url)
    wait_idle(qtbot, again)
    assert again.caseload.everyone_button.isChecked()
    assert "Sam Reid" in table_column(again.caseload.table, 4)
