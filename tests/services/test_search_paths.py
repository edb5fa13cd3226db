"""Every way the caseload search finds people gives exactly the plain query's ids.

``services.caseload_search`` answers a term by several paths (the FTS5 trigram index or
pg_trgm for three or more characters, a walk of the CRN or ``(region, crn, name_key)``
index for one or two, candidates sorted by id lookup when few match, a merge for a
single letter, narrowing in memory as a term is typed). Each is checked here against
``queries.caseload_ids`` / ``caseload_count``, the one plain statement of what a search
means, on SQLite (with and without the FTS5 table) and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select, text

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.people import PersonDetails
from probation_desk.services import caseload_search as cq
from probation_desk.services.demo import load_demo
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from probation_desk.services.queries import CaseloadFilter, caseload_count, caseload_ids
from probation_desk.store import search_index
from tests.conftest import TODAY

ODD_NAMES = ("Jo \"JJ\" Strauß", "Li", "Ánia 50%_\\ Price", "Zoë O'Brien-Ŵyn", "İlkay Öztürk",
             "Ryan  Clarke", "Mary-Jane ap Gwilym")
TERMS = ("s", "x", "an", "zo", "jon", "JONES", "sian", "ap g", "ryan  c", "o'b", "50%_",
         "\\ p", '"jj"', "strauss", "stra", "li", "ilk", "wyn", "A0", "L9", "C00000", "q",
         "zzqq", "e")


@pytest.fixture(scope="module")
def search_db(tmp_path_factory: pytest.TempPathFactory,
              request: pytest.FixtureRequest) -> Iterator[Desk]:
    """A few hundred demo people plus some awkward names, on each database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('search') / 'search.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server").create_db()
    engine = open_database(url)
    desk = Desk(engine, actor="Test Practitioner", clock=fixed_clock(TODAY))
    load_demo(desk, 400, seed=5)
    for i, name in enumerate(ODD_NAMES):
        desk.add_person(PersonDetails(f"Q{i:06d}", name, dt.date(1990, 1, 1),
                                      "Wales" if i % 2 else "London", "Cardiff", "PP"))
    yield desk
    engine.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "search_db" in metafunc.fixturenames:
        metafunc.parametrize("search_db", ["sqlite", pytest.param(
            "postgres", marks=pytest.mark.postgres)], indirect=True, scope="module")


def _all_ids(desk: Desk, f: CaseloadFilter, sort: str, desc: bool) -> list[int]:
    """The whole list as the window pages it: the first result, then windows of 7."""
    first = cq.caseload_search(desk, f, sort, desc, limit=7)
    got = list(first.ids)
    while first.total is None or len(got) < first.total:
        more = cq.caseload_window(desk, f, sort, desc, len(got), 7)
        if not more:
            break
        got += more
    return got


def _check_every_term(desk: Desk) -> None:
    for narrow in (cq.NARROW, 5):  # the few-matches and the many-matches paths
        old = cq.NARROW
        cq.NARROW = narrow
        try:
            for region in ("", "Wales"):
                for term in TERMS:
                    f = CaseloadFilter(search=term, region=region)
                    for sort, desc in (("crn", False), ("crn", True), ("name", True)):
                        expected = caseload_ids(desk, f, sort, desc)
                        assert _all_ids(desk, f, sort, desc) == expected, (f, sort, narrow)
                    assert cq.caseload_total(desk, f) == caseload_count(desk, f), f
        finally:
            cq.NARROW = old


def test_every_search_path_gives_the_plain_querys_people(search_db: Desk) -> None:
    _check_every_term(search_db)


def test_typing_a_key_at_a_time_gives_the_plain_querys_people(search_db: Desk) -> None:
    desk = search_db
    for typed, region in (("sian ll", ""), ("jones", "Wales"), ("ryan  cl", ""),
                          ("x0001", ""), ("ap gw", "London")):
        searcher = cq.CaseloadSearcher()
        for i in range(1, len(typed) + 1):
            f = CaseloadFilter(search=typed[:i], region=region)
            expected = caseload_ids(desk, f)
            got = searcher.search(desk, f, limit=7)
            if got.total is None:  # a window: the count reads the rest
                assert got.ids == expected[:7], f
                assert searcher.total(desk, f) == len(expected), f
            else:
                assert got.ids == expected, f


def test_sqlite_search_uses_the_trigram_index_and_keeps_it_up_to_date(
        search_db: Desk) -> None:
    desk = search_db
    with desk.engine.connect() as con:
        if con.dialect.name != "sqlite":
            assert con.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = :n"),
                               {"n": search_index.PG_TRGM_INDEX}).first() is not None
            return
        assert search_index.has_name_index(con)
    # A new person, a renamed one: found by the index at once (its triggers).
    new = desk.add_person(PersonDetails("Q100001", "Perpetua Quennell", dt.date(1980, 2, 3),
                                        "Wales", "Cardiff", "PP"))
    f = CaseloadFilter(search="quennell")
    assert cq.caseload_search(desk, f).ids == [new.id] == caseload_ids(desk, f)
    desk.update_person(new.id, PersonDetails("Q100001", "Perpetua Thwaite",
                                             dt.date(1980, 2, 3), "Wales", "Cardiff", "PP"),
                      new.version)
    assert cq.caseload_search(desk, f).ids == [] == caseload_ids(desk, f)
    assert cq.caseload_search(desk, CaseloadFilter(search="thwai")).ids == [new.id]


def test_sqlite_without_the_trigram_index_gives_the_same_people(tmp_path: Any) -> None:
    """A SQLite library without FTS5 trigrams: the migration leaves the table out and
    the search falls back to LIKE, with the same results."""
    url = f"sqlite:///{tmp_path / 'plain.sqlite3'}"
    engine = open_database(url)
    desk = Desk(engine, actor="Test Practitioner", clock=fixed_clock(TODAY))
    load_demo(desk, 120, seed=6)
    for i, name in enumerate(ODD_NAMES):
        desk.add_person(PersonDetails(f"Q{i:06d}", name, dt.date(1990, 1, 1), "Wales",
                                      "Cardiff", "PP"))
    with engine.begin() as con:
        for trigger in search_index.FTS_TRIGGERS:
            con.execute(text(f"DROP TRIGGER {trigger}"))
        con.execute(text(f"DROP TABLE {search_index.FTS_TABLE}"))
    search_index.forget(engine)
    with engine.connect() as con:
        assert not search_index.has_name_index(con)
    _check_every_term(desk)
    engine.dispose()


def _someone(desk: Desk, region: str) -> tuple[int, str, str]:
    """(id, CRN, practitioner) of a demo person in ``region``."""
    from probation_desk.store.models import Person

    with desk.engine.connect() as con:
        row = con.execute(select(Person.id, Person.crn, Person.practitioner)
                          .where(Person.region == region).order_by(Person.crn)).first()
    assert row is not None
    return row[0], row[1], row[2]


def test_my_caseload_is_the_people_i_manage_by_every_search_path(search_db: Desk) -> None:
    desk = search_db
    _pid, _crn, pp = _someone(desk, "Wales")
    mine = caseload_ids(desk, CaseloadFilter(mine=pp))
    everyone = caseload_ids(desk, CaseloadFilter())
    assert 0 < len(mine) < len(everyone)
    from probation_desk.store.models import Person

    with desk.engine.connect() as con:
        managers = set(con.execute(select(Person.practitioner)
                                   .where(Person.id.in_(mine))).scalars())
    assert managers == {pp}
    for term in ("", "s", "an", "jon", "sian", "A0", "C00000", "zzqq"):
        for region in ("", "Wales"):
            f = CaseloadFilter(search=term, region=region, mine=pp)
            for sort, desc in (("crn", False), ("name", True)):
                assert _all_ids(desk, f, sort, desc) == caseload_ids(desk, f, sort, desc), f
            assert cq.caseload_total(desk, f) == caseload_count(desk, f), f
    # My caseload is the signed-in user's: a personal file's name, a team login.
    from probation_desk.services.queries import my_identity

    assert my_identity(desk) == "Test Practitioner"


def test_an_exact_crn_is_found_past_the_filters_and_says_which(search_db: Desk) -> None:
    desk = search_db
    pid, crn, pp = _someone(desk, "Wales")
    f = CaseloadFilter(search=crn.lower(), region="London", mine="Someone Else")
    for found in (cq.caseload_search(desk, f), cq.CaseloadSearcher().search(desk, f)):
        assert found.ids == [pid] and found.total == 1
        assert found.note == (f"{crn} is in Wales, outside the London filter, and is "
                              f"managed by {pp}, not on your caseload: shown anyway.")
    # Typed a key at a time: the seventh digit finds them, though the sixth found nobody.
    searcher = cq.CaseloadSearcher()
    for i in range(1, len(crn) + 1):
        got = searcher.search(desk, replace(f, search=crn[:i]))
    assert got.ids == [pid] and "shown anyway" in got.note
    # Inside every filter: the ordinary list, no note.
    inside = cq.caseload_search(desk, CaseloadFilter(search=crn, region="Wales", mine=pp))
    assert inside.ids == [pid] and inside.note == ""
    # A toolkit filter the person has no NSI under, and a CRN nobody has.
    kit = CaseloadFilter(search=crn, toolkit="NO_SUCH_KIT")
    assert "has no NO_SUCH_KIT NSI, outside that filter" in cq.caseload_search(desk, kit).note
    assert cq.caseload_search(desk, CaseloadFilter(search="Z999999", region="Wales")).ids == []
