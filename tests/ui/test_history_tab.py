"""The record's History tab: every change in words, newest first, read when the tab is
shown, and read again after a change."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from probation_desk.domain.people import PersonDetails, PrintNeeds
from tests.ui.conftest import wait_idle


def test_history_shows_who_changed_what_from_what(qtbot: Any, window: Any) -> None:
    desk = window.desk
    p = desk.add_person(PersonDetails("L800001", "Alys Bowen", None, "London", "Hackney",
                                      desk.actor))
    window.open_case(p.id)
    qtbot.waitUntil(lambda: window.record.data is not None
                    and window.record.data.person.id == p.id, timeout=10000)
    record = window.record
    panel = record.changes_panel
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        record.tabs.setCurrentWidget(panel)
    cells = [[panel.table.item(r, c).text() for c in range(4)]
             for r in range(panel.table.rowCount())]
    assert [row[2] for row in cells] == ["Added the person"]
    assert cells[0][1] == desk.actor
    # A change made now shows at the top, with its before and after.
    d = desk.person(p.id)
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        desk.update_person(p.id, PersonDetails(d.crn, d.name, None, d.region, d.pdu,
                                               d.practitioner, d.language, PrintNeeds.LARGE),
                           d.version)
        window.refresh()
    wait_idle(qtbot, window)
    top = [panel.table.item(0, c).text() for c in range(4)]
    assert top[2] == "Changed the person's details"
    assert "Print needs: Standard → Large" in top[3]
    # Keyboard: Alt+Z reaches the tab from elsewhere in the record.
    record.tabs.setCurrentIndex(0)
    qtbot.keyClick(record, Qt.Key.Key_Z, Qt.KeyboardModifier.AltModifier)
    assert record.tabs.currentWidget() is panel


def test_history_reads_in_words_not_stored_forms(qtbot: Any, window: Any) -> None:
    """Dates in UK form (no time for a date-only contact), an order by its reference, and
    no figures the record works out for itself (open NSIs, module status)."""
    desk = window.desk
    sian = desk.person_by_crn("L900001")  # RAR days recorded with a date only
    d = desk.person(sian.id)
    desk.update_person(sian.id, PersonDetails(d.crn, d.name, d.date_of_birth, d.region,
                                              "Hackney and City", d.practitioner, d.language,
                                              d.print_needs), d.version)
    window.open_case(sian.id)
    qtbot.waitUntil(lambda: window.record.data is not None
                    and window.record.data.person.id == sian.id, timeout=10000)
    panel = window.record.changes_panel
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        window.record.tabs.setCurrentWidget(panel)
    after = "\n".join(panel.table.item(r, 3).text() for r in range(panel.table.rowCount()))
    assert "PDU: Hackney → Hackney and City" in after
    assert "When: 06/04/2026" in after and "T00:00" not in after and "00:00" not in after
    assert "Order: O" in after and "Order id" not in after
    assert "Open nsis" not in after and "Module status" not in after
