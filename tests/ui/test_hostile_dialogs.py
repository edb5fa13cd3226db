"""Issue 8: the hostile corpus pasted into the window's dialogs (pytest-qt, real widgets).

Each value is pasted into an NSI's notes or practitioner box (Update NSI) and Enter
saves. Each is either refused in the dialog, in words, with the dialog still open, or
saved exactly as the box holds it (Qt's text box itself turns CR LF and the Unicode line
and paragraph separators into plain line breaks and drops a leading BOM, so the box's own
text, what the person sees, is the measure). Over a hundred dialogs are saved in a row on
background threads, which is also the regression test for garbage collection finalising
Qt objects off the GUI thread (it crashed the process after about a dozen).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.nsi import NsiFields
from probation_desk.domain.people import PersonDetails
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from tests.corpus import hostile

TODAY = dt.date(2026, 11, 22)
# Values a QLineEdit or QPlainTextEdit cannot hold as given (Qt turns line ends into
# spaces in a one-line box, and a lone surrogate cannot be a QString) are left out of the
# box they cannot reach; the operations test covers them.
TEXTS = [e for e in hostile("text") if "\ud800" not in e["value"]]


def expected(value: str) -> str | None:
    text = value.strip()
    return unicodedata.normalize("NFC", text) if text else None


@pytest.fixture
def setup(qtbot: Any, sqlite_url: str) -> Iterator[tuple[Desk, Any, Any]]:
    from probation_desk.ui.tasks import Tasks

    engine = open_database(sqlite_url)
    desk = Desk(engine, actor="Nia Lloyd", clock=fixed_clock(TODAY))
    person = desk.add_person(PersonDetails("W123456", "Gwen Price", dt.date(1990, 3, 4),
                                           "Wales", "Cardiff", "Nia Lloyd"))
    parent = QWidget()
    qtbot.addWidget(parent)
    yield desk, Tasks(parent), person
    engine.dispose()


def gone(dlg: Any) -> bool:
    return not shiboken6.isValid(dlg) or not dlg.isVisible()


@pytest.mark.parametrize("box", ["notes", "practitioner"])
def test_update_nsi_dialog_refuses_or_saves_exactly(qtbot: Any, setup: Any, box: str) -> None:
    from probation_desk.ui.nsi_dialogs import UpdateNsiDialog

    desk, tasks, person = setup
    n = desk.open_nsi(person.id, NsiFields("MAPS", referral_date=dt.date(2026, 9, 1)))
    wrong: list[str] = []
    for entry in TEXTS:
        value = entry["value"]
        if box == "practitioner" and any(c in value for c in "\n\r\u2028\u2029"):
            continue  # a one-line box cannot hold a line end
        dlg = UpdateNsiDialog(desk, tasks, desk.nsi(n.id), "Gwen Price")
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        if box == "notes":
            dlg.notes.setPlainText(value)  # as pasted
        else:
            dlg.practitioner.setText(value)
        held = dlg.notes.toPlainText() if box == "notes" else dlg.practitioner.text()
        qtbot.keyClick(dlg.outcome, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda d=dlg: gone(d) or bool(d.refusal_text()), timeout=10000)
        qtbot.waitUntil(lambda: not tasks.busy, timeout=10000)
        saved = getattr(desk.nsi(n.id).fields, box)
        if gone(dlg):
            if saved != expected(held):
                wrong.append(f"{entry['id']}: saved {saved!r:.60}")
        else:
            if not dlg.refusal_text().strip():
                wrong.append(f"{entry['id']}: refused without words")
            dlg.close_unsaved()  # typed text: reject() would ask first
    assert not wrong, wrong
