"""Room to read the record: the list takes only the rows it needs, keys give the record
or the list the whole area or move the line between them, the record scrolls rather
than squeezing its tables, the layout is remembered, a window saved larger than the
screen comes back on it, and the list's columns fit what they show (elided text has a
tooltip and the whole text for screen readers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from probation_desk.domain.nsi import NsiFields
from probation_desk.ui.case_record import NSI_ROWS
from probation_desk.ui.caseload import COL_MODULE, COL_RAR
from tests.ui.conftest import open_window, wait_idle
from tests.ui.test_main_window import choose_person

pytestmark = pytest.mark.gui

ALT_SHIFT = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier


def test_one_match_leaves_the_record_the_room(qtbot: Any, db_url: str, home: Path) -> None:
    w = open_window(qtbot, db_url, size=(1024, 700))
    wait_idle(qtbot, w)
    person = choose_person(qtbot, w, "L900001")
    desk = w.desk
    for code in ("MAPS", "STEPST", "NMMOT"):
        desk.open_nsi(person.id, NsiFields(code, referral_date=desk.today))
    w.refresh()
    wait_idle(qtbot, w)
    record, page = w.record, w.caseload
    list_h, record_h = w.case_split.sizes()
    # One match: the list is no taller than its filters and a few rows need.
    assert list_h <= page.height_for_rows(3) + 1
    assert record_h > list_h
    record.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: record.nsi_table.rowCount() == 3, timeout=10000)
    rows_seen = record.nsi_table.viewport().height() // record.nsi_table.rowHeight(0)
    assert rows_seen >= NSI_ROWS
    # Every column of the NSIs, Attention included, is on screen.
    table = record.nsi_table
    attention = table.horizontalHeader().sectionViewportPosition(7)
    assert 0 <= attention < table.viewport().width()

    # Alt+Shift+Up gives the record more room, Alt+Shift+Down the list.
    page.set_everyone(True)
    page.clear_filters()
    qtbot.waitUntil(lambda: page.model.total > 20, timeout=10000)
    wait_idle(qtbot, w)
    many = w.case_split.sizes()
    qtbot.keyClick(w, Qt.Key.Key_Up, ALT_SHIFT)
    assert w.case_split.sizes()[1] > many[1]
    qtbot.keyClick(w, Qt.Key.Key_Down, ALT_SHIFT)
    qtbot.keyClick(w, Qt.Key.Key_Down, ALT_SHIFT)
    assert w.case_split.sizes()[0] > many[0]

    # F7: the record takes the whole area; F7 again: both; F8: the list only.
    page.table.setFocus()
    qtbot.keyClick(w, Qt.Key.Key_F7)
    assert not page.isVisible() and record.isVisible()
    assert record.isAncestorOf(QApplication.focusWidget())
    qtbot.waitUntil(lambda: record.height() >= w.case_split.height() - 2, timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_F7)
    assert page.isVisible() and record.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F8)
    assert page.isVisible() and not record.isVisible()
    assert w.list_only_action.isChecked() and not w.record_only_action.isChecked()
    qtbot.keyClick(w, Qt.Key.Key_F7)
    assert record.isVisible() and not page.isVisible()

    # Remembered: the record alone, and the list's share.
    share = w.list_share
    w.close()
    again = open_window(qtbot, db_url, size=None)
    wait_idle(qtbot, again)
    assert again.area == "record"
    assert not again.caseload.isVisible() and again.record.isVisible()
    assert again.list_share == pytest.approx(share)
    qtbot.keyClick(again, Qt.Key.Key_F7)
    assert again.caseload.isVisible()


def test_the_record_scrolls_rather_than_squeezing(qtbot: Any, window: Any) -> None:
    choose_person(qtbot, window, "L900001")
    record = window.record
    record.tabs.setCurrentIndex(2)
    window.resize(1024, 420)  # a very short window: the record's pane is small
    qtbot.waitUntil(lambda: record.height() < 320, timeout=5000)
    table = record.nsi_table
    assert table.height() >= table.minimumHeight()
    bar = record.scroller.verticalScrollBar()
    qtbot.waitUntil(bar.isVisible, timeout=5000)
    assert bar.maximum() > 0
    qtbot.keyClick(window, Qt.Key.Key_F7)  # the whole area: no need to scroll as far
    qtbot.waitUntil(lambda: record.height() >= window.case_split.height() - 2)


def test_a_window_saved_larger_than_the_screen_comes_back_on_it(
        qtbot: Any, db_url: str, home: Path) -> None:
    screen = QApplication.primaryScreen().availableGeometry()
    w = open_window(qtbot, db_url, size=(screen.width() + 900, screen.height() + 700))
    wait_idle(qtbot, w)
    w.move(screen.x() + 400, screen.y() + 300)
    w.close()
    qs = QSettings(str(home / "config" / "window.ini"), QSettings.Format.IniFormat)
    assert qs.value("window/geometry") is not None
    again = open_window(qtbot, db_url, size=None)
    wait_idle(qtbot, again)
    frame = again.frameGeometry()
    assert screen.contains(frame), (frame, screen)


def test_columns_fit_their_text_and_elided_text_is_in_reach(qtbot: Any, db_url: str,
                                                            home: Path) -> None:
    w = open_window(qtbot, db_url, size=(1024, 700))
    wait_idle(qtbot, w)
    page = w.caseload
    table, model = page.table, page.model
    qtbot.waitUntil(lambda: page._columns_fitted, timeout=10000)
    header = table.horizontalHeader()
    # However wide the window (1024 asked; the test screen may be narrower), every
    # column, RAR days included, starts on screen.
    assert 0 <= header.sectionViewportPosition(COL_RAR) < table.viewport().width()
    # A column whose texts in view need no more than an even share of the width shows
    # them whole; only longer ones are narrowed (and elided).
    fm = table.fontMetrics()
    rows = range(min(model.rowCount(), table.viewport().height() // table.rowHeight(0)))
    share = table.viewport().width() // (COL_RAR + 1)
    whole = 0
    for c in range(COL_RAR):
        widest = max(fm.horizontalAdvance(str(model.index(r, c).data())) for r in rows)
        if widest <= share - 12:
            assert header.sectionSize(c) >= widest, (c, header.sectionSize(c), widest)
            whole += 1
    assert whole >= 3  # CRN, Region, Open NSIs at least
    # Squeezed by hand: the whole text is the tooltip and the accessible description.
    header.resizeSection(COL_MODULE, 30)
    index = model.index(0, COL_MODULE)
    text = index.data()
    assert text and index.data(Qt.ItemDataRole.ToolTipRole) == text
    assert index.data(Qt.ItemDataRole.AccessibleDescriptionRole) == text


def test_review_columns_fit_and_the_supporter_is_in_reach(qtbot: Any, window: Any) -> None:
    from probation_desk.ui.review.model import COLUMNS

    window.show_section(2)
    wait_idle(qtbot, window)
    page = window.extra_pages[2]
    wait_idle(qtbot, window)
    table, model = page.table, page.model
    supporter = [t for t, _k in COLUMNS].index("Supporter")
    header = table.horizontalHeader()
    # Every column starts on screen or is reached by scrolling; a cell too narrow for its
    # text has it whole as its tooltip and accessible description.
    for r in range(model.rowCount()):
        index = model.index(r, supporter)
        text = index.data()
        if text:
            assert index.data(Qt.ItemDataRole.ToolTipRole) == text
            assert index.data(Qt.ItemDataRole.AccessibleDescriptionRole) == text
            break
    else:
        pytest.fail("no supporter shown in the review list")
    # The Supporter column is wide enough for a name and the longest supporter role.
    assert header.sectionSize(supporter) >= table.sizeHintForColumn(supporter) - 1
