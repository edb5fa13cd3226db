"""Correcting mistakes in the window, by keyboard: a module session edited (the RAR
count, the module's state and Structured Intervention readiness follow, in words), and
a contact's outcome and notes changed within its edit window, then only by a note of
correction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt

from probation_desk.domain.module import ModuleSession, SupporterRole
from tests.ui.conftest import TODAY, answer_box, wait_idle
from tests.ui.test_main_window import back_to, choose_person, gone, modal

pytestmark = pytest.mark.gui

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def rar_text(window: Any) -> str:
    return str(window.record.rar_label.text())


def open_first_session(qtbot: Any, window: Any) -> Any:
    """Module tab (Alt+L), the newest session, Enter: the edit dialog."""
    from probation_desk.ui.module_panel import EditSessionDialog

    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_L, ALT)
    table = window.record.module.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)
    qtbot.keyClick(table, Qt.Key.Key_Space)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    return modal(qtbot, EditSessionDialog)


def test_editing_a_session_moves_the_rar_count_and_says_what_it_unblocks(
        qtbot: Any, window: Any, other_desk: Any) -> None:
    from probation_desk.ui.errors import shown

    person = choose_person(qtbot, window, "L900001")
    other_desk.record_session(person.id, ModuleSession(dt.date(2026, 11, 10),
                                                       SupporterRole.PP, "Nia Lloyd"))
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "2 of 20 RAR days completed" in rar_text(window), timeout=10000)
    wait_idle(qtbot, window)

    # Recorded without the completion by mistake: tick it (Alt+C) and save with Enter.
    dlg = open_first_session(qtbot, window)
    assert dlg.date.text() == "10/11/2026" and dlg.supporter.text() == "Nia Lloyd"
    assert not dlg.completed.isChecked()
    qtbot.keyClick(dlg, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(dlg.completed.isChecked)  # a mnemonic clicks after a short animation
    qtbot.keyClick(dlg, Qt.Key.Key_O, ALT)
    qtbot.keyClicks(dlg.notes, "Finished the last exercise.")
    qtbot.keyClick(dlg.notes, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    qtbot.waitUntil(lambda: "3 of 20 RAR days completed" in rar_text(window), timeout=10000)
    assert any("Structured Intervention may start" in t for t in shown)
    qtbot.waitUntil(lambda: window.record.module.status.text() == "Module: Completed",
                    timeout=10000)
    wait_idle(qtbot, window)

    # The date was wrong too: moving the completion moves the counted day; unticking it
    # blocks the Structured Intervention again, in words.
    dlg = open_first_session(qtbot, window)
    assert dlg.completed.isChecked() and "Finished" in dlg.notes.toPlainText()
    qtbot.keyClick(dlg, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(lambda: not dlg.completed.isChecked())
    qtbot.keyClick(dlg, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    qtbot.waitUntil(lambda: "2 of 20 RAR days completed" in rar_text(window), timeout=10000)
    assert any("Structured Intervention cannot start" in t for t in shown)
    assert "Not ready" in window.record.module.readiness.text()
    wait_idle(qtbot, window)

    # Every change is audited, with the session as it was.
    edits = [a for a in other_desk.audit(person.id) if a.action == "edit module session"]
    assert len(edits) == 2
    assert edits[-1].before["completed"] is False or edits[0].before["completed"] is False


def test_a_session_changed_elsewhere_is_not_overwritten(qtbot: Any, window: Any,
                                                        other_desk: Any) -> None:
    person = choose_person(qtbot, window, "L900001")
    other_desk.record_session(person.id, ModuleSession(dt.date(2026, 11, 10),
                                                       SupporterRole.PP, "Nia Lloyd"))
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_idle(qtbot, window)
    dlg = open_first_session(qtbot, window)
    (sid,) = [s.id for s, _k in other_desk.module_state(person.id).sessions]
    other_desk.edit_session(sid, ModuleSession(dt.date(2026, 11, 11), SupporterRole.PP,
                                               "Nia Lloyd"))
    qtbot.keyClick(dlg, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(dlg.completed.isChecked)
    seen: list[str] = []
    answer_box("Reload", seen)
    qtbot.keyClick(dlg, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert "Someone Else" in seen[0] and "Reload the latest version now?" in seen[0]
    state = other_desk.module_state(person.id)
    assert state.completed_on is None  # nothing overwritten
    # Reloaded: the form shows the other save's date, and saving again works.
    qtbot.waitUntil(lambda: dlg.date.text() == "11/11/2026", timeout=10000)
    assert not dlg.completed.isChecked() and "Reloaded" in dlg.notice.text()
    dlg.activateWindow()  # the question box has gone: the dialog is the active one again
    qtbot.waitUntil(dlg.isActiveWindow, timeout=5000)
    qtbot.keyClick(dlg, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(dlg.completed.isChecked)
    qtbot.keyClick(dlg, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    assert other_desk.module_state(person.id).completed_on == dt.date(2026, 11, 11)


def test_contact_outcome_and_notes_editable_for_seven_days_then_a_correction(
        qtbot: Any, window: Any, other_desk: Any) -> None:
    from probation_desk.domain.contacts import ContactDetails
    from probation_desk.ui.case_dialogs import CorrectionDialog, OutcomeDialog

    person = choose_person(qtbot, window, "L900001")
    order = other_desk.orders(person.id)[0]
    c = other_desk.add_contact(person.id, ContactDetails(
        "OFFICE_VISIT", dt.datetime(2026, 11, 20, 10), order.id, None, True))
    other_desk.record_outcome(c.id, "ATTENDED_COMPLIED")
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "3 of 20 RAR days completed" in rar_text(window), timeout=10000)
    wait_idle(qtbot, window)

    # Two days on, the outcome was wrong: change it (Alt+X) and say why in the notes.
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_O, ALT)
    table = window.record.contact_table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)
    qtbot.keyClick(table, Qt.Key.Key_Space)  # the newest contact, selected
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_X, ALT)
    dlg = modal(qtbot, OutcomeDialog)
    assert "can be changed until 27/11/2026" in dlg.intro.text()
    qtbot.keyClick(dlg.outcome, Qt.Key.Key_Down)
    assert dlg.outcome.currentText() == "Attended – failed to comply"
    qtbot.keyClick(dlg, Qt.Key.Key_E, ALT)
    qtbot.keyClicks(dlg.notes, "Left early without agreement.")
    qtbot.keyClick(dlg.notes, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    qtbot.waitUntil(lambda: window.record.enforcement_label.text().startswith(
        "1 failure to comply"), timeout=10000)
    assert "3 of 20 RAR days completed" in rar_text(window)  # attended: still a RAR day
    assert other_desk.contact(c.id).notes == "Left early without agreement."
    wait_idle(qtbot, window)

    # Eight days after the appointment: no more editing; the refusal says to add a note
    # of correction (Alt+Q), which is kept beside the original.
    window.desk.clock = lambda: TODAY + dt.timedelta(days=7)
    back_to(qtbot, window)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)
    qtbot.keyClick(table, Qt.Key.Key_Space)  # the newest contact, selected
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_X, ALT)
    dlg = modal(qtbot, OutcomeDialog)
    qtbot.keyClick(dlg.outcome, Qt.Key.Key_Up)
    qtbot.keyClick(dlg.outcome, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "note of correction" in dlg.refusal_text(), timeout=10000)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)  # a choice is not typed text: no question
    qtbot.waitUntil(lambda: gone(dlg), timeout=5000)
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Q, ALT)
    dlg = modal(qtbot, CorrectionDialog)
    qtbot.keyClicks(dlg.text, "The early leave was agreed with the tutor.")
    qtbot.keyClick(dlg.text, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    wait_idle(qtbot, window)
    fixed = other_desk.contact(c.id)
    assert fixed.outcome is not None and fixed.outcome.code == "ATTENDED_FAILED_TO_COMPLY"
    assert [k.text for k in fixed.corrections] == ["The early leave was agreed with the tutor."]
    actions = [a.action for a in other_desk.audit(person.id) if a.entity == "contact"]
    assert actions.count("record contact outcome") == 2
    assert "add contact correction" in actions
