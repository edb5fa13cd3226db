"""Treatment manager review: role rule in the operation, review list, dashboard, CSV."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.interventions import NeedArea
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.review import SignOffKind
from probation_desk.domain.roles import Role
from probation_desk.services import review
from tests.services.conftest import make_person

D = dt.date


def done(desk: Any, person: Any, on: dt.date) -> None:
    desk.record_session(person.id, ModuleSession(on, SupporterRole.FACILITATOR, "Fay Cilitator",
                                                 True))


def test_only_a_treatment_manager_can_sign_off(desk: Any, person: Any) -> None:
    done(desk, person, D(2026, 9, 1))
    with pytest.raises(RuleViolation) as exc:
        review.record_sign_off(desk, person.id, SignOffKind.REVIEWED, D(2026, 9, 2))
    assert exc.value.rule == "role-not-allowed" and "treatment manager" in exc.value.message
    assert review.sign_offs(desk, person.id) == []
    desk.role = Role.TREATMENT_MANAGER
    view = review.record_sign_off(desk, person.id, SignOffKind.REVIEWED, D(2026, 9, 2),
                                  "Good reflections")
    pg = desk.engine.dialect.name == "postgresql"  # the server writes its own login
    assert view.kind is SignOffKind.REVIEWED
    assert view.by_name == ("postgres" if pg else "Test Practitioner")
    assert desk.audit(person.id)[0].action == "sign off"


def test_not_ready_needs_a_reason_and_sign_off_needs_a_completion(desk: Any,
                                                                  person: Any) -> None:
    desk.role = Role.TREATMENT_MANAGER
    with pytest.raises(RuleViolation) as exc:
        review.record_sign_off(desk, person.id, SignOffKind.REVIEWED, D(2026, 9, 2))
    assert exc.value.rule == "nothing-to-sign-off"
    with pytest.raises(RuleViolation) as exc:
        review.record_sign_off(desk, person.id, SignOffKind.NOT_READY, D(2026, 9, 2))
    assert exc.value.rule == "required" and exc.value.field == "comment"
    review.record_sign_off(desk, person.id, SignOffKind.NOT_READY, D(2026, 9, 2),
                           "Needs more work on barriers")
    assert desk.audit(person.id)[0].action == "mark not ready"


def build_caseload(desk: Any) -> list[Any]:
    a = make_person(desk, "A000001", "Siân Llŷr", "Wales")
    b = make_person(desk, "B000002", "=HYPERLINK(\"x\")", "London")
    c = make_person(desk, "C000003", "Ŵyn Price", "Wales")
    make_person(desk, "D000004", "Not Referred", "Wales")
    for p, ref in ((a, D(2026, 8, 1)), (b, D(2026, 8, 11)), (c, D(2026, 9, 1))):
        desk.refer_si(p.id, NeedArea.EMOTIONAL_MANAGEMENT, "Stepwise Emotions", ref)
    done(desk, a, D(2026, 8, 21))  # 20 days after referral
    done(desk, b, D(2026, 9, 20))  # 40 days after referral
    desk.record_session(c.id, ModuleSession(D(2026, 9, 5), SupporterRole.PP, "PP", False))
    return [a, b, c]


def test_review_list_rows_and_filters(desk: Any) -> None:
    a, b, c = build_caseload(desk)
    ids = review.review_ids(desk, review.ReviewFilter())
    assert ids == [a.id, b.id, c.id]  # the person not referred is not listed
    rows = review.review_rows(desk, ids)
    assert rows[a.id].module_state == "Completed" and rows[a.id].completed_on == D(2026, 8, 21)
    assert rows[a.id].supporter.startswith("Fay Cilitator")
    assert rows[c.id].si_state == "Blocked: module not completed" and rows[c.id].blocked
    assert rows[c.id].days_since_last_session == (desk.today - D(2026, 9, 5)).days
    assert review.review_ids(desk, review.ReviewFilter(region="Wales")) == [a.id, c.id]
    assert review.review_ids(desk, review.ReviewFilter(state="BLOCKED")) == [c.id]
    assert review.review_ids(desk, review.ReviewFilter(
        completed_from=D(2026, 9, 1))) == [b.id]
    assert review.review_ids(desk, review.ReviewFilter(search="sian")) == [a.id]


def test_dashboard_figures_match_a_hand_count(desk: Any) -> None:
    build_caseload(desk)
    board = review.dashboard(desk)
    assert board.referred == 3 and board.completed == 2 and board.blocked == 1
    assert board.average_days_to_completion == 30.0  # (20 + 40) / 2
    assert board.by_pdu == [("Cardiff", 3, 2)]
    assert board.by_month == [("2026-08", 1), ("2026-09", 1)]
    wales = review.dashboard(desk, region="Wales")
    assert (wales.referred, wales.completed, wales.blocked) == (2, 1, 1)


def test_csv_is_excel_ready_and_formula_safe(desk: Any, tmp_path: Path) -> None:
    build_caseload(desk)
    out = tmp_path / "report.csv"
    n = review.write_completion_report(desk, "csv", out)
    raw = out.read_bytes()
    assert n == 3 and raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "CRN" and len(rows) == 4
    names = [r[1] for r in rows[1:]]
    assert "Siân Llŷr" in names and "Ŵyn Price" in names
    assert "'=HYPERLINK(\"x\")" in names
    assert "21/08/2026" in rows[1]


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_formula_starts(cell: str) -> None:
    assert review.neutralise(cell) == "'" + cell
    assert review.neutralise("Plain " + cell) == "Plain " + cell


def test_pdf_report_reads_back(desk: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    build_caseload(desk)
    for i in range(60):  # enough rows for several pages
        p = make_person(desk, f"E{i:06d}", f"Gwenllïan Ŷr {i} & <Co>", "Wales")
        desk.refer_si(p.id, NeedArea.ATB, "Stepwise Problem Solving", D(2026, 9, 1))
    out = tmp_path / "report.pdf"
    n = review.write_completion_report(desk, "pdf", out, region="Wales")
    reader = PdfReader(out)
    pages = [pg.extract_text() for pg in reader.pages]
    assert n == 62 and len(pages) >= 2
    assert reader.metadata.title == "Pre-Intervention Module completion"
    for i, text in enumerate(pages, start=1):
        if "Totals" not in text:  # the key columns' header on every page of the table
            assert "CRN" in text and "Name" in text
        assert f"Page {i} of {len(pages)}" in text
        w, h = reader.pages[i - 1].mediabox.width, reader.pages[i - 1].mediabox.height
        assert w > h  # landscape
    everything = " ".join(" ".join(pages).split())
    assert "region Wales" in everything and "22/11/2026" in everything
    assert "Siân Llŷr" in everything and "Gwenllïan Ŷr 5 & <Co>" in everything
    assert "Blocked: module not completed" in everything
    assert "Sign-off" in everything and "Totals" in everything


def test_report_follows_screen_order_and_reports_progress(desk: Any, tmp_path: Path) -> None:
    build_caseload(desk)
    seen: list[tuple[int, int]] = []
    rows = review.completion_rows(desk, review.ReviewFilter(), sort="name", descending=True,
                                  progress=lambda d, t: seen.append((d, t)) or True)
    assert [r.name for r in rows] == ["Ŵyn Price", "Siân Llŷr", "=HYPERLINK(\"x\")"]
    assert seen == [(0, 3)]
    assert review.review_choices(desk, "region") == ["London", "Wales"]


def test_review_search_treats_wildcards_as_typed(desk: Any) -> None:
    a, b, _ = build_caseload(desk)
    assert review.review_ids(desk, review.ReviewFilter(search="%")) == []
    assert review.review_ids(desk, review.ReviewFilter(search="_")) == []
    assert review.review_ids(desk, review.ReviewFilter(search="a000001")) == [a.id]
    assert review.review_ids(desk, review.ReviewFilter(search="=HYPER")) == [b.id]
