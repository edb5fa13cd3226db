"""The window's first page, read with sqlite3 before SQLAlchemy, is the normal query's.

``services.caseload_sql.read_first_page`` reads the caseload's first window of ids and the
rows to paint with the standard library's sqlite3 (read-only), before SQLAlchemy is
imported. Here its result is checked against the normal path (``caseload_search`` and
``caseload_rows``, through SQLAlchemy) and against ``queries.caseload_ids``, the plain
statement of the list, for many filters and sorts on a database holding hostile names
and RAR requirements; and it is checked to read nothing it should not: a file that
needs migrating, a newer or damaged one, an address that is not a plain SQLite file.
The row reads it shares with ``caseload_rows`` are checked on PostgreSQL as well,
against the Desk's own RAR count.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.people import PersonDetails
from probation_desk.services import caseload_search as cq
from probation_desk.services import caseload_sql as first_page
from probation_desk.services.caseload_sql import CaseloadFilter
from probation_desk.services.demo import load_demo
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from probation_desk.services.queries import caseload_ids, caseload_rows
from probation_desk.store.schema_version import SCHEMA_HEAD
from tests.conftest import TODAY
from tests.corpus import hostile_values

ODD_NAMES = ("Jo \"JJ\" Strauß", "Li", "Ánia 50%_\\ Price", "Zoë O'Brien-Ŵyn", "İlkay Öztürk",
             "Ryan  Clarke", "Mary-Jane ap Gwilym", "'; DROP TABLE person; --", "a",
             "A", "Ａ fullwidth", "Ωmega", "ﬁona")
LIMIT, VISIBLE = 25, 12
"""A small window, so the lists here are several windows long."""

FILTERS = (
    CaseloadFilter(),
    CaseloadFilter(region="Wales"),
    CaseloadFilter(region="London", practitioner="PP"),
    CaseloadFilter(pdu="Cardiff"),
    CaseloadFilter(toolkit="CHEMSEX"),
    CaseloadFilter(nsi_status="REFERRED"),
    CaseloadFilter(toolkit="CHEMSEX", nsi_status="IN_PROGRESS", region="Wales"),
    CaseloadFilter(module_status="COMPLETED"),
    CaseloadFilter(region="Wales", pdu="Cardiff", practitioner="PP"),  # fewer than a window
    CaseloadFilter(region="Nowhere"),  # nobody
    CaseloadFilter(mine="PP"),  # my caseload
    CaseloadFilter(mine="PP", region="Wales", nsi_status="REFERRED"),
)
SORTS = (("crn", False), ("crn", True), ("name", False), ("name", True), ("open_nsis", True),
         ("module", False), ("practitioner", False), ("region", True), ("pdu", False),
         ("no-such-column", False))


def _add_people(desk: Desk) -> None:
    """The odd names and every hostile text the person rules accept, in two regions."""
    names = list(ODD_NAMES) + [v for v in hostile_values("text") if isinstance(v, str)]
    n = 0
    for name in names:
        try:
            desk.add_person(PersonDetails(f"Q{n:06d}", name, dt.date(1990, 1, 1),
                                          "Wales" if n % 2 else "London", "Cardiff", "PP"))
        except RuleViolation:
            continue
        n += 1
    assert n >= 30  # enough hostile names stored to matter


@pytest.fixture(scope="module")
def sqlite_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    url = f"sqlite:///{tmp_path_factory.mktemp('first') / 'first.sqlite3'}"
    engine = open_database(url)
    desk = Desk(engine, actor="Test Practitioner", clock=fixed_clock(TODAY))
    load_demo(desk, 300, seed=11)
    _add_people(desk)
    yield desk
    engine.dispose()


def _url(desk: Desk) -> str:
    return desk.engine.url.render_as_string(hide_password=False)


def _path(desk: Desk) -> Path:
    path = first_page.sqlite_file(_url(desk))
    assert path is not None
    return path


def _fast(desk: Desk, f: CaseloadFilter, sort: str = "crn", desc: bool = False,
          url: str | None = None) -> first_page.FirstPage | None:
    return first_page.read_first_page(url or _url(desk), f, sort, desc, limit=LIMIT,
                                      visible=VISIBLE, now=desk.now)


def test_the_first_page_is_the_normal_querys_for_every_filter_and_sort(
        sqlite_desk: Desk) -> None:
    desk = sqlite_desk
    with_rar = 0
    for f in FILTERS:
        for sort, desc in SORTS:
            page = _fast(desk, f, sort, desc)
            assert page is not None, (f, sort, desc)
            normal = cq.caseload_search(desk, f, sort, desc, limit=LIMIT)
            assert page.result == normal, (f, sort, desc)
            plain = caseload_ids(desk, f, sort, desc)
            assert page.result.ids == plain[:LIMIT], (f, sort, desc)
            assert page.result.total == (len(plain) if len(plain) < LIMIT else None)
            shown = page.result.ids[:VISIBLE]
            assert page.rows == caseload_rows(desk, shown), (f, sort, desc)
            assert set(page.rows) == set(shown)
            with_rar += sum(1 for r in page.rows.values() if r.rar_text)
    assert with_rar > 50  # RAR figures were compared, not only empty ones


def test_hostile_names_come_back_exactly(sqlite_desk: Desk) -> None:
    page = _fast(sqlite_desk, CaseloadFilter(region="Wales", pdu="Cardiff", practitioner="PP"),
                 "name", False)
    assert page is not None
    with sqlite_desk.engine.connect() as con:
        from sqlalchemy import text

        stored = dict(con.execute(text("SELECT id, name FROM person WHERE crn LIKE 'Q%'")).all())
    assert page.rows and all(stored[pid] == row.name for pid, row in page.rows.items())
    assert any("'" in row.name or "%" in row.name or '"' in row.name
               for row in page.rows.values())


def test_the_first_page_reads_without_writing(sqlite_desk: Desk, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(_path(sqlite_desk)) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    dst.close()
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    page = _fast(sqlite_desk, CaseloadFilter(), url=f"sqlite:///{copy}")
    assert page is not None and page.result.ids
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    # A WAL file read-only still gets SQLite's shared-memory index and an empty log.
    wal = tmp_path / "copy.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0


@pytest.mark.parametrize("stamp", ["0012", "9999"])
def test_a_file_that_needs_migrating_or_is_newer_is_left_to_the_normal_open(
        sqlite_desk: Desk, tmp_path: Path, stamp: str) -> None:
    assert stamp != SCHEMA_HEAD
    copy = tmp_path / "old.sqlite3"
    with sqlite3.connect(_path(sqlite_desk)) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
        dst.execute("UPDATE alembic_version SET version_num = ?", (stamp,))
    dst.close()
    assert _fast(sqlite_desk, CaseloadFilter(), url=f"sqlite:///{copy}") is None


def test_damaged_missing_and_other_addresses_are_left_to_the_normal_open(
        sqlite_desk: Desk, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite3"
    shutil.copyfile(_path(sqlite_desk), damaged)
    with damaged.open("r+b") as fh:
        fh.write(b"this is not a database header at all")
    f = CaseloadFilter()
    assert _fast(sqlite_desk, f, url=f"sqlite:///{damaged}") is None
    assert _fast(sqlite_desk, f, url=f"sqlite:///{tmp_path / 'missing.sqlite3'}") is None
    assert _fast(sqlite_desk, f, url=f"sqlite:///{tmp_path}") is None  # a folder
    for url in ("postgresql+psycopg://someone@127.0.0.1/desk", "sqlite://",
                "sqlite:///:memory:", f"sqlite:///file:{_path(sqlite_desk)}?mode=ro&uri=true",
                f"sqlite:///{str(_path(sqlite_desk)).replace('/', '%2F')}"):
        assert _fast(sqlite_desk, f, url=url) is None, url
    # A search term is never the first page (the box is empty at start).
    assert _fast(sqlite_desk, CaseloadFilter(search="a")) is None


def test_a_file_others_can_change_is_left_to_the_normal_open(
        sqlite_desk: Desk, tmp_path: Path) -> None:
    copy = tmp_path / "shared.sqlite3"
    shutil.copyfile(_path(sqlite_desk), copy)
    copy.chmod(0o666)
    assert _fast(sqlite_desk, CaseloadFilter(), url=f"sqlite:///{copy}") is None


def test_a_filter_the_shared_sql_does_not_know_is_refused_not_ignored() -> None:
    wider = dataclasses.make_dataclass("WiderFilter", [("flagged", bool, False)],
                                       bases=(CaseloadFilter,), frozen=True)
    with pytest.raises(ValueError, match="flagged"):
        first_page.filter_sql(wider(flagged=True))
    assert first_page.filter_sql(wider()) == []  # left at its default: nothing to know


def test_sort_keys_are_the_caseloads_columns() -> None:
    from probation_desk.ui.caseload import COLUMNS

    assert {key for _title, key in COLUMNS if key} == set(first_page.SORT_KEYS)


# ---------------------------------------------------------------- rows on each database
def test_caseload_rows_count_rar_days_as_the_desk_does(desk: Desk) -> None:
    """The shared row reads, through SQLAlchemy on SQLite and PostgreSQL, give each
    person's current RAR requirement as the Desk's own count does."""
    load_demo(desk, 120, seed=3)
    ids = caseload_ids(desk, CaseloadFilter())
    rows = caseload_rows(desk, ids)
    assert sorted(rows) == sorted(ids)
    counted = 0
    for pid in ids:
        reqs = desk.rar_requirements(pid)
        row = rows[pid]
        if not reqs:
            assert (row.rar_text, row.rar_over) == ("", False), pid
            continue
        summary = reqs[-1][1]
        assert row.rar_text == f"{summary.days_completed}/{summary.max_days}", pid
        assert row.rar_over == summary.over_maximum, pid
        counted += summary.days_completed > 0
    assert counted > 5  # days were counted, not only zeros
