"""My week through the window: the section on Alt+5, the outcomes to record first and
recordable in place with the record's own dialog, days in order, weeks back and on, Return
opening the record, and Everyone's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from probation_desk.domain.contacts import ContactDetails
from tests.ui.conftest import TODAY, wait_idle


def rows(page: Any) -> list[tuple[str, list[str]]]:
    """(group heading, [the rows under it as 'CRN: outcome'])."""
    out = []
    for i in range(page.tree.topLevelItemCount()):
        head = page.tree.topLevelItem(i)
        out.append((head.text(0), [f"{head.child(j).text(1)}: {head.child(j).text(4)}"
                                   for j in range(head.childCount())]))
    return out


def open_week(qtbot: Any, w: Any) -> Any:
    """Alt+5: the My week section, its week read."""
    qtbot.keyClick(w, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: w.stack.currentWidget().__class__.__name__ == "WeekPage",
                    timeout=10000)
    page = w.stack.currentWidget()
    qtbot.waitUntil(lambda: page.diary is not None, timeout=10000)
    wait_idle(qtbot, w)
    return page


def test_my_week_lists_outcomes_to_record_first_and_records_one_in_place(
        qtbot: Any, window: Any) -> None:
    desk = window.desk
    me = desk.actor
    mine = next(p for p in (desk.person(pid) for pid in range(1, 400))
                if p.practitioner == me)
    past = dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time(10, 30))
    soon = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(14, 0))
    due = desk.add_contact(mine.id, ContactDetails("OFFICE_VISIT", past, None, None, False,
                                                   None))
    desk.add_contact(mine.id, ContactDetails("HOME_VISIT", soon, None, None, False, None))
    page = open_week(qtbot, window)
    groups = rows(page)
    assert groups[0][0].startswith("Outcomes to record")
    assert f"{mine.crn}: Needs an outcome" in groups[0][1]
    days = [g for g, _ in groups[1:]]
    assert len(days) == 7 and days[0].startswith("Monday")
    if soon.date() >= page.start + dt.timedelta(days=7):  # today is a Sunday: next week
        following = page.start + dt.timedelta(days=7)
        qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: page.diary.start == following, timeout=10000)
    tomorrow = next(g for g, r in rows(page)[1:] if f"{mine.crn}: Booked" in r)
    assert tomorrow.startswith(f"{soon:%A}")
    # Return on the outcome to record opens the record's own dialog.
    from probation_desk.ui.case_dialogs import OutcomeDialog

    head = page.tree.topLevelItem(0)
    target = next(head.child(j) for j in range(head.childCount())
                  if head.child(j).data(0, Qt.ItemDataRole.UserRole).id == due.id)
    page.tree.setCurrentItem(target)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), OutcomeDialog),
                    timeout=10000)
    dlg = QApplication.activeModalWidget()
    dlg.outcome.setCurrentIndex(dlg.outcome.findData("ATTENDED_COMPLIED"))
    with qtbot.waitSignal(page.loaded, timeout=10000):
        dlg.save_button.click()
    # A read started just before the save (the window's watch for others' changes) may
    # land first: the list is right once the read after the save has landed.
    qtbot.waitUntil(lambda: all(f"{mine.crn}: Needs an outcome" not in r
                                for g, r in rows(page) if g.startswith("Outcomes")),
                    timeout=10000)
    assert desk.contact(due.id).outcome is not None


def test_weeks_back_and_on_and_return_opens_the_record(qtbot: Any, window: Any) -> None:
    desk = window.desk
    someone = desk.person(1)
    desk.add_contact(someone.id, ContactDetails(
        "OFFICE_VISIT", dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(9, 0)),
        None, None, False, None))
    page = open_week(qtbot, window)
    first = page.start
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.diary is not None and page.diary.start == first
                    + dt.timedelta(days=7), timeout=10000)
    if someone.practitioner != desk.actor:  # not mine: Everyone's shows it
        page.everyone.setChecked(True)
        qtbot.waitUntil(lambda: page.diary is not None and page.diary.everyone, timeout=10000)
    found = [(g, r) for g, r in rows(page) if any(x.startswith(someone.crn) for x in r)]
    assert found
    day = next(i for i in range(page.tree.topLevelItemCount())
               if page.tree.topLevelItem(i).text(0) == found[0][0])
    head = page.tree.topLevelItem(day)
    item = next(head.child(j) for j in range(head.childCount())
                if head.child(j).text(1) == someone.crn)
    page.tree.setCurrentItem(item)
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current.id == someone.id, timeout=10000)
    assert window.stack.currentWidget() is window.case_split  # the record, in the Caseload
    window.show_section(4)
    qtbot.keyClick(page, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # back to this week
    qtbot.waitUntil(lambda: page.diary is not None and page.diary.start == first,
                    timeout=10000)
