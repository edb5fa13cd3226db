"""The withdrawal banner and worklist queries: warned before, counted after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from probation_desk.domain.catalogue import Catalogue
from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.nsi import NsiFields
from probation_desk.services import queries
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from tests.services.conftest import make_person

D = dt.date


def test_banner_counts_open_chemsex_nsis_by_caseload_and_region(desk: Any) -> None:
    a = make_person(desk, "A000001", "Siân Llŷr", "Wales", practitioner="Test Practitioner")
    b = make_person(desk, "B000002", "Sam Other", "London", practitioner="Other PP")
    for p in (a, b):
        desk.open_nsi(p.id, NsiFields("CHEMSEX", referral_date=D(2022, 5, 2)), historical=True)
    (item,) = queries.banner(desk, region="Wales", practitioner="Test Practitioner")
    assert (item.open_total, item.open_in_region, item.open_in_caseload) == (2, 1, 1)
    text = item.summary(desk.today, "Wales")
    assert text.startswith("Overdue: Chemsex toolkit withdrawn 1 Jun 2022")
    assert "29 Jul 2022" in text and "1 open in your caseload, 1 in Wales, 2 in all" in text
    rows = queries.worklist(desk, region="London")
    assert [r.crn for r in rows] == ["B000002"] and rows[0].overdue
    desk.sweep()
    assert queries.banner(desk) == []  # past close-by, nothing open: no longer shown
    assert queries.worklist(desk) == []


def test_banner_warns_before_a_future_withdrawal(sqlite_url: str) -> None:
    catalogue = Catalogue.from_dict({"toolkits": [
        {"code": "NMMOT", "name": "New Me MOT", "available_from": "2019-01-01",
         "withdrawn_from": "2027-03-01", "close_by": "2027-04-30"},
        {"code": "MAPS", "name": "Maps for Change", "available_from": "2019-01-01"}]})
    desk = Desk(open_database(sqlite_url), actor="PP", clock=fixed_clock(D(2026, 11, 22)),
                catalogue=catalogue)
    p = make_person(desk)
    desk.open_nsi(p.id, NsiFields("NMMOT", referral_date=D(2026, 11, 1)))  # still approved
    (item,) = queries.banner(desk, practitioner="Test Practitioner")
    text = item.summary(desk.today)
    assert "New Me MOT toolkit will be withdrawn on 1 Mar 2027" in text
    assert "must be closed by 30 Apr 2027" in text and not text.startswith("Overdue")
    assert item.open_in_caseload == 1
    desk.engine.dispose()


def test_caseload_query_filters_and_sorts_in_the_database(desk: Any) -> None:
    make_person(desk, "A000001", "Siân Llŷr", "Wales")
    b = make_person(desk, "B000002", "Zoë Ó Súilleabháin", "London")
    make_person(desk, "C000003", "Aled Jones", "Wales")
    desk.open_nsi(b.id, NsiFields("MAPS", referral_date=D(2026, 9, 1)))
    f = queries.CaseloadFilter
    assert queries.caseload_count(desk, f()) == 3
    ids = queries.caseload_ids(desk, f(search="sian"))
    assert [queries.caseload_rows(desk, ids)[i].name for i in ids] == ["Siân Llŷr"]
    assert queries.caseload_ids(desk, f(search="c000")) == [
        queries.caseload_ids(desk, f(search="C000003"))[0]]
    assert queries.caseload_ids(desk, f(toolkit="MAPS")) == [b.id]
    by_name = queries.caseload_ids(desk, f(region="Wales"), sort="name")
    assert [queries.caseload_rows(desk, by_name)[i].crn for i in by_name] == [
        "C000003", "A000001"]
    assert queries.caseload_ids(desk, f(search="100%_")) == []


def test_the_sweep_records_probation_desk_as_the_one_who_closed_and_when(desk: Any) -> None:
    import datetime as dt

    a = make_person(desk, "A000011", "Siân Llŷr", "Wales")
    nsi = desk.open_nsi(a.id, NsiFields("CHEMSEX", referral_date=D(2022, 5, 2)),
                        historical=True)
    before = dt.datetime.now(dt.UTC)
    desk.sweep()
    last = desk.nsi(nsi.id).history[-1]
    assert last.status_date == D(2022, 7, 29)  # when it takes effect: the close-by date
    assert last.recorded_by == f"Probation Desk, automatically (run by {desk.actor})"
    at = last.recorded_at if last.recorded_at.tzinfo else last.recorded_at.replace(
        tzinfo=dt.UTC)
    assert at >= before - dt.timedelta(seconds=5)  # when it was actually done
