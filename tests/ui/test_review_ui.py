"""The Review page driven as a user would: real widgets, a real SQLite file, data made
through the Desk operations, background loading waited for."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.interventions import NeedArea
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.people import PersonDetails
from probation_desk.domain.review import BLOCKED_TEXT, SignOffKind
from probation_desk.domain.roles import Role
from probation_desk.services import review as svc
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from probation_desk.ui.review import ReviewPage
from tests.ui.conftest import discard_typed

pytestmark = pytest.mark.gui

D = dt.date
TODAY = D(2026, 11, 22)


def add(desk: Desk, crn: str, name: str, region: str, pdu: str,
        practitioner: str = "Nia Lloyd") -> Any:
    return desk.add_person(PersonDetails(crn, name, D(1990, 3, 4), region, pdu, practitioner))


def session(desk: Desk, person: Any, on: dt.date, completed: bool) -> None:
    desk.record_session(person.id, ModuleSession(on, SupporterRole.FACILITATOR,
                                                 "Fay Cilitator", completed))


def build(desk: Desk) -> dict[str, Any]:
    """Three people referred (two completed, one blocked) and one not referred.

    Referral to completion: 20 and 40 days, so the average is 30.0.
    """
    a = add(desk, "A000001", "Siân Llŷr", "Wales", "Cardiff and Vale")
    b = add(desk, "B000002", "Bola Okafor", "London", "Hackney", "Sam Reid")
    c = add(desk, "C000003", "Ŵyn Price", "Wales", "Cardiff and Vale")
    add(desk, "D000004", "Not Referred", "Wales", "Swansea")
    for p, ref in ((a, D(2026, 8, 1)), (b, D(2026, 8, 11)), (c, D(2026, 9, 1))):
        desk.refer_si(p.id, NeedArea.EMOTIONAL_MANAGEMENT, "Stepwise Emotions", ref)
    session(desk, a, D(2026, 8, 21), True)
    session(desk, b, D(2026, 9, 20), True)
    session(desk, c, D(2026, 9, 5), False)
    return {"a": a, "b": b, "c": c}


def make_desk(tmp_path: Path, role: Role, actor: str) -> Desk:
    return Desk(open_database(f"sqlite:///{tmp_path / 'd.sqlite3'}"), actor=actor, role=role,
                clock=fixed_clock(TODAY))


@pytest.fixture
def tm_desk(tmp_path: Path) -> Iterator[Desk]:
    desk = make_desk(tmp_path, Role.TREATMENT_MANAGER, "Rhian Tomos")
    yield desk
    desk.engine.dispose()


@pytest.fixture
def people(tm_desk: Desk) -> dict[str, Any]:
    return build(tm_desk)


def open_page(qtbot: Any, desk: Desk, height: int = 700) -> ReviewPage:
    page = ReviewPage(desk)
    qtbot.addWidget(page)
    page.resize(1200, height)
    page.show()
    qtbot.waitExposed(page)
    settle(qtbot, page)
    return page


def settle(qtbot: Any, page: ReviewPage) -> None:
    """Wait for the debounce timer and every background load to finish."""
    qtbot.waitUntil(lambda: not page._debounce.isActive() and not page.busy, timeout=10000)


def shown(page: ReviewPage, column: int) -> list[str]:
    """A column as the user sees it."""
    m = page.model
    return [m.data(m.index(r, column)) for r in range(m.rowCount())]


def test_list_shows_referred_people_and_blocked_in_words(qtbot: Any, tm_desk: Desk,
                                                         people: dict[str, Any]) -> None:
    page = open_page(qtbot, tm_desk)
    assert page.count_label.text() == "3 people"
    assert shown(page, 0) == ["A000001", "B000002", "C000003"]  # not-referred person left out
    assert shown(page, 1) == ["Siân Llŷr", "Bola Okafor", "Ŵyn Price"]
    assert shown(page, 5) == ["Completed", "Completed", "In progress"]
    assert shown(page, 6) == ["21/08/2026", "20/09/2026", ""]
    assert shown(page, 7)[0].startswith("Fay Cilitator")
    assert shown(page, 8)[2] == str((TODAY - D(2026, 9, 5)).days)
    assert shown(page, 9)[0] == "Stepwise Emotions (Emotional management)"
    assert shown(page, 10) == ["Awaiting start", "Awaiting start", BLOCKED_TEXT]
    m = page.model
    blocked_cell = m.index(2, 10)
    assert not m.data(blocked_cell, Qt.ItemDataRole.DecorationRole).isNull()  # icon too
    assert m.data(m.index(0, 10), Qt.ItemDataRole.DecorationRole) is None
    assert "cannot start" in m.data(blocked_cell, Qt.ItemDataRole.ToolTipRole)


def test_filters_narrow_the_list(qtbot: Any, tm_desk: Desk, people: dict[str, Any]) -> None:
    page = open_page(qtbot, tm_desk)
    page.region_box.setCurrentIndex(page.region_box.findText("Wales"))
    settle(qtbot, page)
    assert shown(page, 0) == ["A000001", "C000003"]
    assert set(shown(page, 2)) == {"Wales"}
    assert page.pdu_box.findText("Hackney") == -1  # PDU choices follow the region
    assert page.pdu_box.findText("Cardiff and Vale") > 0

    page.state_box.setCurrentIndex(page.state_box.findData("BLOCKED"))
    settle(qtbot, page)
    assert shown(page, 1) == ["Ŵyn Price"]

    page.state_box.setCurrentIndex(0)
    qtbot.keyClicks(page.search_edit, "sian")  # accents folded
    settle(qtbot, page)
    assert shown(page, 1) == ["Siân Llŷr"]

    page.region_box.setCurrentIndex(page.region_box.findText("London"))
    settle(qtbot, page)
    assert page.stack.currentWidget() is page.empty_label
    assert page.empty_label.text().startswith("No one matches these filters in London.")
    assert page.count_label.text() == "0 people"

    page.clear_filters()
    settle(qtbot, page)
    assert page.count_label.text() == "3 people" and page.search_edit.text() == ""


def test_completion_date_range_and_rar_checkbox(qtbot: Any, tm_desk: Desk,
                                                people: dict[str, Any]) -> None:
    from probation_desk.domain.people import OrderDetails, OrderKind

    page = open_page(qtbot, tm_desk)
    assert page.from_edit.is_any() and page.from_edit.placeholderText() == "any"
    page.from_edit.setFocus()
    qtbot.keyClicks(page.from_edit, "1/9/2026")  # typed the way people type dates
    settle(qtbot, page)
    assert page.from_edit.value() == D(2026, 9, 1)
    assert shown(page, 0) == ["B000002"]
    qtbot.keyClicks(page.from_edit, "x")  # not a date: said in words, the list stays
    qtbot.keyClick(page.from_edit, Qt.Key.Key_Return)
    settle(qtbot, page)
    assert "the last filter that could be read" in page.message_label.text()
    assert shown(page, 0) == ["B000002"]
    qtbot.keyClick(page.from_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.from_edit, Qt.Key.Key_Delete)  # back to "any"
    settle(qtbot, page)
    assert page.from_edit.is_any() and page.count_label.text() == "3 people"
    assert page.message_label.text() == ""
    other = tm_desk.person_by_crn("D000004")
    tm_desk.add_order(other.id, OrderDetails(OrderKind.COMMUNITY_ORDER, D(2026, 1, 5),
                                             D(2027, 1, 4), 20))
    page.rar_check.setChecked(True)
    settle(qtbot, page)
    assert "D000004" in shown(page, 0)


def test_sort_by_clicking_a_heading(qtbot: Any, tm_desk: Desk, people: dict[str, Any]) -> None:
    page = open_page(qtbot, tm_desk)
    page.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    settle(qtbot, page)
    assert shown(page, 1) == ["Ŵyn Price", "Siân Llŷr", "Bola Okafor"]
    page.table.horizontalHeader().setSortIndicator(8, Qt.SortOrder.AscendingOrder)
    settle(qtbot, page)
    assert "cannot be sorted" in page.message_label.text()
    assert page.table.horizontalHeader().sortIndicatorSection() == 1


def test_sign_off_by_keyboard_alone(qtbot: Any, tm_desk: Desk, people: dict[str, Any]) -> None:
    a = people["a"]
    page = open_page(qtbot, tm_desk)
    page.activateWindow()
    qtbot.waitActive(page)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Up)  # first person: Siân Llŷr, completed
    assert page.selected_row().name == "Siân Llŷr"
    assert page.sign_button.isVisible() and page.sign_button.isEnabled()

    qtbot.keyClick(page.table, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page._dialog is not None and page._dialog.isVisible())
    dialog = page._dialog
    assert dialog.date_edit.text() == "22/11/2026"  # today, UK format
    assert dialog.name_edit.text() == "Rhian Tomos"  # the signed-in user
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.comment_edit)
    qtbot.keyClicks(dialog.comment_edit, "Good reflections on barriers")
    qtbot.keyClick(dialog.comment_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: len(svc.sign_offs(tm_desk, a.id)) == 1, timeout=10000)
    view = svc.sign_offs(tm_desk, a.id)[0]
    assert view.kind is SignOffKind.REVIEWED and view.on_date == TODAY
    assert view.by_name == "Rhian Tomos" and view.comment == "Good reflections on barriers"
    settle(qtbot, page)
    assert shown(page, 11)[0] == "Signed off 22/11/2026 by Rhian Tomos"
    assert page.message_label.text() == (
        "Signed off the module completion for Siân Llŷr on 22/11/2026.")
    assert page._dialog is None


def test_refusal_is_shown_in_the_rules_words_and_nothing_is_lost(
        qtbot: Any, tm_desk: Desk, people: dict[str, Any]) -> None:
    c = people["c"]
    page = open_page(qtbot, tm_desk)
    page.table.selectRow(2)  # Ŵyn Price: module in progress
    assert not page.sign_button.isEnabled()  # nothing to sign off
    assert "Nothing to sign off yet" in page.selection_label.text()
    dialog = page.start_sign_off(SignOffKind.NOT_READY)
    assert dialog is not None
    dialog.name_edit.setText("Rhian Tomos (cover)")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # no reason typed
    qtbot.waitUntil(lambda: dialog.refusal_text() != "", timeout=10000)
    assert dialog.refusal_text() == "The reason is needed."
    shown_errors = [lab for lab in dialog.findChildren(QLabel)
                    if lab.isVisible() and lab.text() == "The reason is needed."]
    assert len(shown_errors) == 1  # by the Reason box, not at the bottom of the dialog
    assert shown_errors[0].parentWidget() is dialog.comment_edit.parentWidget()
    assert dialog.isVisible() and dialog.name_edit.text() == "Rhian Tomos (cover)"
    assert QApplication.focusWidget() is dialog.comment_edit
    assert svc.sign_offs(tm_desk, c.id) == []
    qtbot.keyClicks(dialog.comment_edit, "x")  # corrected: the message goes at once
    assert dialog.refusal_text() == "" and not shown_errors[0].isVisible()

    # The signing-off rule's own words, from the operation, for a date before completion.
    page.table.selectRow(0)
    discard_typed(dialog)  # a name was typed: closing asks first
    qtbot.waitUntil(lambda: page._dialog is None)
    early = page.start_sign_off(SignOffKind.REVIEWED)
    early.date_edit.setDate(early.date_edit.date().fromString("01/08/2026", "dd/MM/yyyy"))
    early.accept()
    qtbot.waitUntil(lambda: early.refusal_text() != "", timeout=10000)
    assert "is before the module was completed (21/08/2026)" in early.refusal_text()
    assert QApplication.focusWidget() is early.date_edit
    early.reject()

    page.table.selectRow(2)
    dialog = page.start_sign_off(SignOffKind.NOT_READY)
    qtbot.keyClicks(dialog.comment_edit, "Needs one more session")
    qtbot.keyClick(dialog.comment_edit, Qt.Key.Key_Return)  # Enter: a new line in notes
    qtbot.keyClicks(dialog.comment_edit, "on barriers")
    qtbot.keyClick(dialog.comment_edit, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(svc.sign_offs(tm_desk, c.id)) == 1, timeout=10000)
    assert svc.sign_offs(tm_desk, c.id)[0].comment == "Needs one more session\non barriers"
    settle(qtbot, page)
    assert shown(page, 11)[2] == "Not ready yet 22/11/2026 by Rhian Tomos"
    # The reason is in the list too (one line there, in full as its tooltip).
    reason = page.model.index(2, page.model.columnCount() - 1)
    assert page.model.headerData(reason.column(), Qt.Orientation.Horizontal) \
        == "Reason not ready"
    assert reason.data() == "Needs one more session on barriers"
    assert reason.data(Qt.ItemDataRole.ToolTipRole) == "Needs one more session\non barriers"
    assert shown(page, reason.column())[:2] == ["", ""]


def test_practitioner_gets_no_sign_off_and_the_operation_refuses(
        qtbot: Any, tmp_path: Path) -> None:
    desk = make_desk(tmp_path, Role.PRACTITIONER, "Nia Lloyd")
    try:
        found = build(desk)
        page = open_page(qtbot, desk)
        page.table.selectRow(0)
        assert page.count_label.text() == "3 people"  # the list itself is open to all
        for button in (page.sign_button, page.not_ready_button):
            assert not button.isVisible() and not button.isEnabled()
        assert page.role_label.isVisible()
        assert page.role_label.text().startswith("Only treatment managers can sign off")
        assert page.start_sign_off(SignOffKind.REVIEWED) is None
        qtbot.keyClick(page.table, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
        assert page._dialog is None

        with pytest.raises(RuleViolation) as refused:
            svc.record_sign_off(desk, found["a"].id, SignOffKind.REVIEWED, TODAY, "ok")
        assert refused.value.rule == "role-not-allowed"
        assert "treatment manager" in refused.value.message
        assert svc.sign_offs(desk, found["a"].id) == []
    finally:
        desk.engine.dispose()


def test_enter_opens_the_case(qtbot: Any, tm_desk: Desk, people: dict[str, Any]) -> None:
    page = open_page(qtbot, tm_desk)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)  # second person: Bola Okafor
    with qtbot.waitSignal(page.open_case, timeout=2000) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [people["b"].id]


def test_every_control_is_named_and_reachable_by_tab(qtbot: Any, tm_desk: Desk,
                                                     people: dict[str, Any]) -> None:
    page = open_page(qtbot, tm_desk)
    controls = [page.search_edit, page.region_box, page.pdu_box, page.practitioner_box,
                page.state_box, page.from_edit, page.to_edit, page.rar_check,
                page.clear_button, page.table, page.open_button, page.sign_button,
                page.not_ready_button, page.csv_button, page.pdf_button]
    for w in controls:
        assert w.accessibleName(), w
        assert w.focusPolicy() & Qt.FocusPolicy.TabFocus, w
    # labels carry mnemonics to their fields
    buddies = {lab.buddy() for lab in page.findChildren(QLabel) if lab.buddy() is not None}
    assert {page.search_edit, page.region_box, page.pdu_box, page.practitioner_box,
            page.state_box, page.from_edit, page.to_edit, page.table} <= buddies
    # Tab walks them in reading order
    page.search_edit.setFocus()
    seen = [QApplication.focusWidget()]
    for _ in range(len(controls) + 4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    for w in (page.region_box, page.table, page.sign_button, page.pdf_button):
        assert w in seen or any(s is not None and w.isAncestorOf(s) for s in seen), w


def test_csv_export_writes_an_excel_ready_file(qtbot: Any, tm_desk: Desk,
                                               people: dict[str, Any], tmp_path: Path) -> None:
    page = open_page(qtbot, tm_desk)
    page.region_box.setCurrentIndex(page.region_box.findText("Wales"))
    settle(qtbot, page)
    out = tmp_path / "out" / "review.csv"
    out.parent.mkdir()
    page.export_csv(out)
    assert page.progress.isVisible() or out.exists()
    qtbot.waitUntil(lambda: page.message_label.text().startswith("Saved"), timeout=10000)
    assert page.message_label.text() == f"Saved the CSV file of 2 people to {out}."
    assert not page.progress.isVisible() and page.csv_button.isEnabled()
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == list(svc.REPORT_COLUMNS)
    assert [r[1] for r in rows[1:]] == ["Siân Llŷr", "Ŵyn Price"]
    assert rows[2][svc.REPORT_COLUMNS.index("SI state")] == BLOCKED_TEXT
    assert list(out.parent.iterdir()) == [out]  # no half-written file left behind


def test_csv_and_pdf_carry_the_not_ready_reason(qtbot: Any, tm_desk: Desk,
                                                people: dict[str, Any], tmp_path: Path) -> None:
    from tests.printing.test_report import words_drawn

    svc.record_sign_off(tm_desk, people["c"].id, SignOffKind.NOT_READY, TODAY,
                        "Needs one more session\non barriers")
    page = open_page(qtbot, tm_desk)
    out = tmp_path / "review.csv"
    page.export_csv(out)
    qtbot.waitUntil(lambda: page.message_label.text().startswith("Saved"), timeout=10000)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Reason not ready"] for r in rows] == [
        "", "", "Needs one more session\non barriers"]  # exactly as typed
    assert rows[2]["Sign-off"] == "Not ready yet 22/11/2026 by Rhian Tomos"
    pdf = tmp_path / "review.pdf"
    page.export_pdf(pdf)
    qtbot.waitUntil(lambda: page.message_label.text().startswith("Saved the PDF"),
                    timeout=20000)
    drawn = words_drawn(pdf)
    for word in ("Reason", "barriers", "Needs", "session"):
        assert word in drawn  # no half-written file left behind


def test_export_to_a_folder_that_does_not_exist_says_so(qtbot: Any, tm_desk: Desk,
                                                        people: dict[str, Any],
                                                        tmp_path: Path) -> None:
    page = open_page(qtbot, tm_desk)
    out = tmp_path / "missing" / "review.csv"
    page.export_csv(out)
    qtbot.waitUntil(lambda: "was not saved" in page.message_label.text(), timeout=10000)
    assert str(out) in page.message_label.text()
    assert "Choose another folder" in page.message_label.text()
    assert page.csv_button.isEnabled()


def test_pdf_export_keeps_welsh_names_exact(qtbot: Any, tm_desk: Desk,
                                            people: dict[str, Any], tmp_path: Path) -> None:
    from pypdf import PdfReader

    page = open_page(qtbot, tm_desk)
    out = tmp_path / "report.pdf"
    page.export_pdf(out)
    qtbot.waitUntil(lambda: page.message_label.text().startswith("Saved"), timeout=20000)
    assert page.message_label.text() == f"Saved the PDF report of 3 people to {out}."
    text = " ".join(" ".join(pg.extract_text() for pg in PdfReader(out).pages).split())
    assert "Siân Llŷr" in text and "Ŵyn Price" in text
    assert BLOCKED_TEXT in text and "all regions" in text


def test_large_list_builds_rows_page_by_page(qtbot: Any, tm_desk: Desk,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from probation_desk.services.demo import load_demo
    from probation_desk.ui.review import model as ui_review

    monkeypatch.setattr(ui_review, "PAGE_SIZE", 5)  # many pages from a small caseload
    load_demo(tm_desk, 300)
    ids = svc.review_ids(tm_desk, svc.ReviewFilter())
    assert len(ids) > 45
    page = open_page(qtbot, tm_desk, height=420)  # about a dozen rows on screen
    m = page.model
    assert m.rowCount() == len(ids) and m.ids == ids
    visible = page.table.rowAt(page.table.viewport().height() - 1) + 1
    assert 0 < visible < 20
    assert len(m._rows) <= visible + 5  # only the pages on screen were built
    assert m.row_at(len(ids) - 1) is None
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: m.row_at(len(ids) - 1) is not None, timeout=10000)
    assert m.data(m.index(len(ids) - 1, 0)) == svc.review_rows(tm_desk, [ids[-1]])[ids[-1]].crn
    assert len(m._rows) <= 2 * (visible + 5) < len(ids)  # pages in between never built
    middle = len(ids) // 2 - 5
    if m.row_at(middle) is None:
        assert m.data(m.index(middle, 0)) == "Loading…"  # asks for its page
        qtbot.waitUntil(lambda: m.row_at(middle) is not None, timeout=10000)
    assert m.data(m.index(middle, 1)) == svc.review_rows(tm_desk, [ids[middle]])[
        ids[middle]].name
