"""Issue 8: what is typed in the window is saved exactly, or refused in words by the field.

Date boxes are driven by real key presses and clicks in every usual way (Tab in,
Shift+Tab in, the label's mnemonic, a click, Ctrl+A and overtype, one-digit days,
a two-digit year, the calendar). The NSI dialogs run on a real SQLite file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFormLayout, QLabel, QLineEdit

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.nsi import NsiFields, Outcome, Status
from probation_desk.domain.people import PersonDetails
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from probation_desk.ui.widgets import UkDateEdit

TODAY = dt.date(2026, 11, 22)
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def form(qtbot: Any) -> tuple[QDialog, QLineEdit, UkDateEdit, QLineEdit]:
    """A small form: a box, a date box showing 05/12/2026 labelled '&Date', a box."""
    dlg = QDialog()
    lay = QFormLayout(dlg)
    first = QLineEdit(dlg)
    lay.addRow("&First", first)
    box = UkDateEdit(dt.date(2026, 12, 5), dlg)
    label = QLabel("&Date", dlg)
    label.setBuddy(box)
    lay.addRow(label, box)
    last = QLineEdit(dlg)
    lay.addRow("&Last", last)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow)
    return dlg, first, box, last


def tab_in(qtbot: Any, dlg: QDialog, first: QLineEdit, box: UkDateEdit, last: QLineEdit) -> None:
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Tab)


def backtab_in(qtbot: Any, dlg: QDialog, first: QLineEdit, box: UkDateEdit,
               last: QLineEdit) -> None:
    last.setFocus()
    qtbot.keyClick(last, Qt.Key.Key_Backtab, SHIFT)


def mnemonic_in(qtbot: Any, dlg: QDialog, first: QLineEdit, box: UkDateEdit,
                last: QLineEdit) -> None:
    first.setFocus()
    qtbot.keyClick(dlg, Qt.Key.Key_D, ALT)


def click_in(qtbot: Any, dlg: QDialog, first: QLineEdit, box: UkDateEdit,
             last: QLineEdit) -> None:
    first.setFocus()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())


def select_all_in(qtbot: Any, dlg: QDialog, first: QLineEdit, box: UkDateEdit,
                  last: QLineEdit) -> None:
    click_in(qtbot, dlg, first, box, last)
    qtbot.keyClick(box, Qt.Key.Key_End)  # the cursor somewhere, then Ctrl+A
    qtbot.keyClick(box, Qt.Key.Key_A, CTRL)


WAYS = {"tab": tab_in, "shift-tab": backtab_in, "mnemonic": mnemonic_in, "click": click_in,
        "ctrl-a": select_all_in}


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize(("typed", "day"), [
    ("17/10/2025", dt.date(2025, 10, 17)),  # was saved as 05/10/2025 after Ctrl+A
    ("5/6/2025", dt.date(2025, 6, 5)),      # one-digit day and month
    ("1.9.2026", dt.date(2026, 9, 1)),
])
def test_a_date_typed_any_usual_way_is_exactly_that_date(qtbot: Any, way: str, typed: str,
                                                         day: dt.date) -> None:
    dlg, first, box, last = form(qtbot)
    WAYS[way](qtbot, dlg, first, box, last)
    assert QApplication.focusWidget() is box
    qtbot.keyClicks(box, typed)
    qtbot.keyClick(box, Qt.Key.Key_Tab)  # leave the box
    assert box.value() == day
    assert box.text() == day.strftime("%d/%m/%Y")


@pytest.mark.parametrize(("typed", "words"), [
    ("1/6/22", "two-digit year"),     # was saved as 01/06/2026
    ("31/02/2026", "is not a date"),
    ("17/10/20255", "is not a date"),
])
def test_a_date_that_is_not_one_date_is_refused_in_words(qtbot: Any, typed: str,
                                                         words: str) -> None:
    dlg, first, box, last = form(qtbot)
    tab_in(qtbot, dlg, first, box, last)
    qtbot.keyClicks(box, typed)
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert box.text() == typed  # kept as typed, to be corrected
    with pytest.raises(RuleViolation) as exc:
        box.value()
    assert words in exc.value.message and exc.value.rule == "not-a-date"


def test_the_calendar_picks_exactly_the_day_clicked(qtbot: Any) -> None:
    dlg, first, box, last = form(qtbot)
    tab_in(qtbot, dlg, first, box, last)
    qtbot.keyClick(box, Qt.Key.Key_Down, ALT)
    qtbot.waitUntil(lambda: box.calendar.isVisible())
    assert box.calendar.selectedDate().toString("dd/MM/yyyy") == "05/12/2026"
    box.calendar.clicked.emit(box.calendar.selectedDate().addDays(3))
    assert box.value() == dt.date(2026, 12, 8)


# ------------------------------------------------------------------ the NSI dialogs
@pytest.fixture
def desk(sqlite_url: str) -> Iterator[Desk]:
    engine = open_database(sqlite_url)
    yield Desk(engine, actor="Nia Lloyd", clock=fixed_clock(TODAY))
    engine.dispose()


@pytest.fixture
def person(desk: Desk) -> Any:
    return desk.add_person(PersonDetails("X765432", "Gwen Price", dt.date(1990, 3, 4),
                                         "Wales", "Cardiff", "Nia Lloyd"))


@pytest.fixture
def tasks(qtbot: Any) -> Iterator[Any]:
    from PySide6.QtWidgets import QWidget

    from probation_desk.ui.tasks import Tasks

    parent = QWidget()
    qtbot.addWidget(parent)
    yield Tasks(parent)
    qtbot.waitUntil(lambda: not parent.isVisible())  # (keeps the parent alive till here)


def shown(qtbot: Any, dlg: Any) -> Any:
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow)
    return dlg


def gone(dlg: Any) -> bool:
    return not shiboken6.isValid(dlg) or not dlg.isVisible()


def test_close_before_the_start_is_refused_by_the_field_before_any_question(
        qtbot: Any, desk: Desk, person: Any, tasks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from probation_desk.ui import nsi_dialogs

    asked: list[str] = []
    monkeypatch.setattr(nsi_dialogs, "confirm", lambda _p, _t, text, *a, **k:
                        asked.append(text) or True)
    n = desk.open_nsi(person.id, NsiFields("MAPS", Status.IN_PROGRESS, dt.date(2026, 9, 1),
                                           actual_start=dt.date(2026, 9, 10)))
    dlg = shown(qtbot, nsi_dialogs.CloseNsiDialog(desk, tasks, desk.nsi(n.id), "Gwen Price"))
    offered = [dlg.outcome.itemText(i) for i in range(dlg.outcome.count())]
    assert "Closed: toolkit withdrawn" not in offered  # an approved toolkit
    assert "Toolkit completed" in offered
    dlg.notes.setPlainText("pasted\x07bell")
    qtbot.keyClick(dlg, Qt.Key.Key_E, ALT)  # "&Ended on"
    assert QApplication.focusWidget() is dlg.end
    qtbot.keyClicks(dlg.end, "05/09/2026")
    qtbot.keyClick(dlg.end, Qt.Key.Key_Return)
    text = dlg.refusal_text()
    assert "05/09/2026" in text and "10/09/2026" in text  # by the end date, both dates
    assert "control character" in text                    # and the notes, at the same time
    assert asked == []                                     # no question about a bad date
    assert dlg.isVisible() and desk.nsi(n.id).is_open
    assert QApplication.focusWidget() is dlg.end
    # Corrected, it asks (showing the date typed) and saves exactly that date.
    dlg.notes.setPlainText("All sessions done")
    assert dlg.end.selectedText() == "05/09/2026"  # the refused date, ready to type over
    qtbot.keyClicks(dlg.end, "12/09/2026")
    qtbot.keyClick(dlg.end, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    assert "12/09/2026" in asked[0]
    closed = desk.nsi(n.id)
    assert closed.fields.actual_end == dt.date(2026, 9, 12)
    assert closed.fields.notes == "All sessions done"


def test_close_dialog_offers_the_withdrawn_outcome_only_on_a_withdrawn_toolkit(
        qtbot: Any, desk: Desk, person: Any, tasks: Any) -> None:
    from probation_desk.ui.nsi_dialogs import CloseNsiDialog, UpdateNsiDialog

    n = desk.open_nsi(person.id, NsiFields("CHEMSEX", referral_date=dt.date(2022, 5, 2)),
                      historical=True)
    dlg = shown(qtbot, CloseNsiDialog(desk, tasks, desk.nsi(n.id), "Gwen Price"))
    assert dlg.outcome.currentText() == "Closed: toolkit withdrawn"
    m = desk.open_nsi(person.id, NsiFields("MAPS", referral_date=dt.date(2026, 9, 1)))
    upd = shown(qtbot, UpdateNsiDialog(desk, tasks, desk.nsi(m.id), "Gwen Price"))
    assert upd.outcome.findText("Closed: toolkit withdrawn") == -1


def test_switch_before_the_nsi_began_is_refused_in_the_dialog(
        qtbot: Any, desk: Desk, person: Any, tasks: Any) -> None:
    from probation_desk.ui.nsi_dialogs import SwitchToolkitDialog

    n = desk.open_nsi(person.id, NsiFields("SKREL", Status.IN_PROGRESS, dt.date(2026, 9, 1),
                                           actual_start=dt.date(2026, 9, 10)))
    dlg = shown(qtbot, SwitchToolkitDialog(desk, tasks, n.id, person.id, "SKREL",
                                           "Skills for Relationships Toolkit", n.version,
                                           "Gwen Price"))
    qtbot.keyClick(dlg, Qt.Key.Key_S, ALT)  # "&Switch on"
    qtbot.keyClicks(dlg.on, "02/09/2026")
    qtbot.keyClick(dlg.on, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "10/09/2026" in dlg.refusal_text(), timeout=10000)
    assert "02/09/2026" in dlg.refusal_text()
    assert dlg.isVisible() and desk.nsi(n.id).is_open and len(desk.nsis(person.id)) == 1


def test_an_empty_practitioner_says_who_will_be_recorded(
        qtbot: Any, desk: Desk, person: Any, tasks: Any) -> None:
    from probation_desk.ui.nsi_dialogs import OpenNsiDialog

    dlg = shown(qtbot, OpenNsiDialog(desk, tasks, person))
    assert dlg.practitioner_note.isHidden()
    dlg.practitioner.setFocus()
    qtbot.keyClick(dlg.practitioner, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(dlg.practitioner, Qt.Key.Key_Delete)
    assert dlg.practitioner_note.isVisible()
    assert "you (Nia Lloyd) will be recorded as the managing practitioner" in \
        dlg.practitioner_note.text()
    qtbot.keyClick(dlg.practitioner, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    [saved] = desk.nsis(person.id)
    assert saved.fields.practitioner == "Nia Lloyd"


def test_a_date_box_that_is_not_a_date_is_refused_by_its_field(
        qtbot: Any, desk: Desk, person: Any, tasks: Any) -> None:
    from probation_desk.ui.nsi_dialogs import OpenNsiDialog

    dlg = shown(qtbot, OpenNsiDialog(desk, tasks, person))
    qtbot.keyClick(dlg, Qt.Key.Key_R, ALT)  # "&Referral date"
    qtbot.keyClicks(dlg.referral, "1/6/22")
    qtbot.keyClick(dlg.referral, Qt.Key.Key_Return)
    assert "two-digit year" in dlg.refusal_text()
    assert QApplication.focusWidget() is dlg.referral
    assert desk.nsis(person.id) == []
    assert Outcome.COMPLETED  # (the enum is imported for the dialogs' outcome data)


def test_demo_data_into_a_database_with_people_is_refused_in_words(qtbot: Any,
                                                                   window: Any) -> None:
    from probation_desk.ui.errors import shown

    from .conftest import wait_idle

    before = len(shown)
    people = window.desk.person_by_crn("L900001")  # the demo database has people
    window.load_demo(10)
    qtbot.waitUntil(lambda: len(shown) > before, timeout=20000)
    wait_idle(qtbot, window)
    assert "Demo data goes only into an empty database" in shown[-1]
    assert "nothing was added" in shown[-1]
    assert window.desk.person(people.id).crn == "L900001"


def test_a_future_review_date_is_refused_in_words_not_dropped(qtbot: Any,
                                                             tmp_path: Any) -> None:
    """The sign-off date box used to stop at today, so a future date became today."""
    from probation_desk.domain.review import SignOffKind
    from probation_desk.domain.roles import Role
    from probation_desk.services import review as svc

    from .test_review_ui import build, make_desk, open_page

    tm = make_desk(tmp_path, Role.TREATMENT_MANAGER, "Rhian Tomos")
    try:
        people = build(tm)
        page = open_page(qtbot, tm)
        page.table.selectRow(0)  # module completed on 21/08/2026
        dialog = page.start_sign_off(SignOffKind.REVIEWED)
        assert dialog is not None
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        dialog.date_edit.setFocus()  # the shared date box: reaching it selects the date
        qtbot.keyClicks(dialog.date_edit, "05/12/2026")
        assert dialog.date_edit.text() == "05/12/2026"  # as typed, not today
        qtbot.keyClick(dialog.date_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.refusal_text() != "", timeout=10000)
        assert "The review date (05/12/2026) is in the future" in dialog.refusal_text()
        assert QApplication.focusWidget() is dialog.date_edit
        assert all(svc.sign_offs(tm, p.id) == [] for p in people.values()
                   if hasattr(p, "id"))
        dialog.reject()
    finally:
        tm.engine.dispose()
