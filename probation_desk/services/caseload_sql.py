"""The caseload's one SQL definition, and its first page read with sqlite3 alone.

For a SQLite file the window asks :func:`read_first_page`, once its frame is painted, for
the first page of the caseload it is about to show (the first window of ids and the rows
to paint), read with ``sqlite3`` alone, read-only (a ``mode=ro`` URI), so the first rows
need neither SQLAlchemy's import nor its open. It paints those rows and only then opens
the database (``services.lifecycle.open_desk``); the normal search then reads the list
again, replaces the page with its own result (the same rows) and counts it.

This is not a second copy of the caseload's logic. This module is the one definition of

- the list's filters (:func:`filter_sql`) and its order (:data:`SORT_KEYS`,
  :func:`order_sql`), from which ``services.caseload_search`` builds its statements;
- the reads behind a caseload row and how the row is built from them with the domain's
  RAR counting (:func:`read_rows`), which ``services.queries.caseload_rows`` runs
  through SQLAlchemy;

and the shapes they produce (:class:`CaseloadFilter`, :class:`CaseRow`,
:class:`SearchResult`), so the window can hold them without importing SQLAlchemy.

The fast read only reads a file the normal open would accept as it is: the same
ownership and header checks (``store.engine.check_sqlite_file``) and this version's
schema (``SCHEMA_HEAD``). Anything else (an older schema that needs migrating, a newer
one, damage, another user's file, a locked or missing file, an address that is not a
plain ``sqlite:///PATH``, a filter this module does not know) gives None, and the window
waits for the normal open, which explains any problem in words. Nothing here writes
(the ownership check makes a file of ours that others may read owner-only, as the
open itself does).
Tests check its result equals the normal query's (same ids in the same order, same
rows) for several filters and sorts on a database with hostile names.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from probation_desk.addresses import sqlite_file
from probation_desk.domain import rar
from probation_desk.domain.contacts import OutcomeType, Requirement


@dataclass(frozen=True)
class CaseloadFilter:
    """What the caseload is narrowed to. Empty fields mean 'any'."""

    search: str = ""
    region: str = ""
    pdu: str = ""
    practitioner: str = ""
    toolkit: str = ""
    nsi_status: str = ""  # a Status name: people with at least one NSI of this status
    module_status: str = ""
    mine: str = ""
    """My caseload: only the people this identity manages ('' = everyone); see
    ``queries.my_identity`` for who 'me' is."""


@dataclass(frozen=True)
class CaseRow:
    """One caseload row as shown."""

    id: int
    crn: str
    name: str
    region: str
    pdu: str
    practitioner: str
    open_nsis: int
    module_status: str
    rar_text: str
    rar_over: bool


@dataclass(frozen=True)
class SearchResult:
    """The start of a caseload list (or all of it), and the total when it is known.

    ``total`` is None when more than the first window match and they have not been
    counted yet: show the window at once and count next.
    """

    total: int | None
    ids: list[int]
    note: str = ""
    """Set when an exact CRN was shown past the filters: which ones, in words."""


# ---------------------------------------------------------------- filters and order
SORT_KEYS = {
    "crn": "crn",
    "name": "name_key",
    "region": "region",
    "pdu": "pdu",
    "practitioner": "practitioner",
    "open_nsis": "open_nsis",
    "module": "module_status",
}
"""The caseload's sort keys and the person column each sorts by (anything else: CRN)."""

MANAGED_BY = "practitioner"
"""The person column naming who manages them: My caseload (``queries.managed_by``)."""
_PERSON_FILTERS = (("region", "region"), ("pdu", "pdu"), ("practitioner", "practitioner"),
                   ("mine", MANAGED_BY), ("module_status", "module_status"))
"""Filters on the person row: (CaseloadFilter field, person column equal to it)."""
_NSI_FILTERS = (("toolkit", "toolkit"), ("nsi_status", "status"))
"""Filters on the person's NSIs: (CaseloadFilter field, nsi column)."""
_KNOWN = frozenset({"search"} | {f for f, _c in _PERSON_FILTERS + _NSI_FILTERS})


def sort_column(sort: str) -> str:
    """The person column a sort key sorts by."""
    return SORT_KEYS.get(sort, "crn")


def order_sql(sort: str, descending: bool, *, use_index: bool = True) -> str:
    """The ORDER BY terms of the list: the sort column, ties in id order.

    CRNs are unique, so the CRN order has no tie to break (and "crn, id" would stop
    SQLite reading the CRN index in order). ``use_index=False`` sorts by an expression,
    which no index gives, so SQLite filters first and sorts what is left.
    """
    col = sort_column(sort)
    expr = f"person.{col}"
    if not use_index:
        expr = f"(person.{col} + 0)" if col == "open_nsis" else f"(person.{col} || '')"
    first = f"{expr} {'DESC' if descending else 'ASC'}"
    return first if col == "crn" else f"{first}, person.id ASC"


def filter_sql(f: CaseloadFilter) -> list[tuple[str, dict[str, str]]]:
    """Every filter except the search term, as (SQL condition, its named parameters).

    The toolkit and NSI-status filters are ``person.id IN (SELECT ...)``, not a
    correlated EXISTS, which SQLite runs once per person (about 110 s at 100,000 people
    for the Chemsex toolkit). A filter this module does not know is refused
    (ValueError): every list builds its filters here, so a new one is added here once.
    """
    unknown = [fl.name for fl in fields(f) if fl.name not in _KNOWN
               and getattr(f, fl.name) != fl.default]
    if unknown:
        raise ValueError(f"services.caseload_sql does not know the filter {unknown[0]!r}")
    out: list[tuple[str, dict[str, str]]] = []
    for field, column in _PERSON_FILTERS:
        value = getattr(f, field)
        if value:
            out.append((f"person.{column} = :f_{field}", {f"f_{field}": value}))
    nsi = [(field, column) for field, column in _NSI_FILTERS if getattr(f, field)]
    if nsi:
        conds = " AND ".join(f"nsi.{column} = :f_{field}" for field, column in nsi)
        out.append((f"person.id IN (SELECT nsi.person_id FROM nsi WHERE {conds})",  # noqa: S608
                    {f"f_{field}": getattr(f, field) for field, _c in nsi}))
    return out


def list_sql(f: CaseloadFilter, sort: str, descending: bool,
             limit: int) -> tuple[str, dict[str, Any]]:
    """The first ``limit`` ids of the list with no search term, in display order."""
    if f.search.strip():
        raise ValueError("the first page is read without a search term")
    conds = filter_sql(f)
    where = (" WHERE " + " AND ".join(c for c, _p in conds)) if conds else ""
    params: dict[str, Any] = {k: v for _c, p in conds for k, v in p.items()}
    params["limit"] = limit
    order = order_sql(sort, descending)
    return f"SELECT person.id FROM person{where} ORDER BY {order} LIMIT :limit", params  # noqa: S608


# ---------------------------------------------------------------- rows
Execute = Callable[[str, dict[str, Any]], Sequence[Sequence[Any]]]
"""Runs one statement with named parameters and returns its rows as tuples."""


def _in(prefix: str, values: Sequence[int]) -> tuple[str, dict[str, Any]]:
    names = [f"{prefix}{i}" for i in range(len(values))]
    return ", ".join(f":{n}" for n in names), dict(zip(names, values, strict=True))


def _day(value: Any) -> dt.date | None:
    """A stored date (SQLite keeps ISO text; PostgreSQL gives a date)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _moment(value: Any) -> dt.datetime:
    """A stored date and time (SQLite keeps ISO text; PostgreSQL gives a datetime)."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def read_rows(execute: Execute, ids: Sequence[int], outcomes: Mapping[str, OutcomeType],
              now: dt.datetime) -> dict[int, CaseRow]:
    """Rows for the given ids (the ones being painted), RAR figures included.

    One statement (one round trip to a server): each person with their orders that
    carry a RAR requirement and, against each order, the RAR contacts with an outcome
    that hang off it (directly, or through an NSI on that order when the contact names
    no order); then the domain's RAR counting for each person's current requirement.
    """
    if not ids:
        return {}
    id_list, params = _in("p", ids)
    rows = execute(
        # Constants and numbered parameter names only (S608).
        "SELECT p.id, p.crn, p.name, p.region, p.pdu, p.practitioner, p.open_nsis, "  # noqa: S608
        "p.module_status, p.module_completed_on, o.id, o.start_date, o.end_date, "
        "o.rar_max_days, o.rar_terminated_on, c.at, c.outcome "
        "FROM person p "
        "LEFT OUTER JOIN sentence_order o "
        "ON o.person_id = p.id AND o.rar_max_days IS NOT NULL "
        # The NSI's order as a correlated look-up, not a join in brackets: SQLite builds
        # such a join for every contact first (5 s at 100,000 people).
        "LEFT OUTER JOIN contact c "
        "ON c.person_id = p.id AND c.rar_activity = :rar AND c.cancelled_on IS NULL "
        "AND c.outcome IS NOT NULL AND (c.order_id = o.id OR (c.order_id IS NULL AND "
        "(SELECT n.order_id FROM nsi n WHERE n.id = c.nsi_id) = o.id)) "
        f"WHERE p.id IN ({id_list})", params | {"rar": True})
    people: dict[int, Sequence[Any]] = {}
    orders: dict[int, dict[int, Requirement]] = {}
    by_order: dict[int, list[rar.RarContact]] = {}
    for r in rows:
        people.setdefault(r[0], r)
        if r[9] is None:
            continue
        if r[9] not in orders.setdefault(r[0], {}):
            start, end = _day(r[10]), _day(r[11])
            assert start is not None and end is not None
            orders[r[0]][r[9]] = Requirement(r[9], start, end, r[12], _day(r[13]))
        if r[14] is not None and r[15] in outcomes:
            by_order.setdefault(r[9], []).append(
                rar.RarContact(_moment(r[14]), True, True, outcomes[r[15]]))
    out: dict[int, CaseRow] = {}
    for pid, p in people.items():
        reqs = sorted(orders.get(pid, {}).values(), key=lambda q: (q.start, q.id))
        text, over = "", False
        if reqs:
            completed_on = _day(p[8])
            req = rar.requirement_for_module(
                completed_on, [rar.RequirementSpan(q.id, q.start, q.last_day) for q in reqs])
            current = reqs[-1]
            summary = rar.count_requirement(
                current, by_order.get(current.id, []),
                completed_on if req == current.id else None, now)
            text, over = f"{summary.days_completed}/{summary.max_days}", summary.over_maximum
        out[pid] = CaseRow(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], text, over)
    return out


# ---------------------------------------------------------------- the fast read
@dataclass(frozen=True)
class FirstPage:
    """The list's first window of ids, and the rows of the first ``visible`` of them."""

    result: SearchResult
    rows: dict[int, CaseRow]


def read_first_page(url: str, f: CaseloadFilter, sort: str, descending: bool, *,
                    limit: int, visible: int, now: dt.datetime,
                    outcomes: Mapping[str, OutcomeType] | None = None) -> FirstPage | None:
    """The caseload's first page for ``f``, read-only with sqlite3; None when the file
    is not one the normal open would read as it is (see the module's notes)."""
    path = sqlite_file(url, plain_only=True)
    if path is None or f.search.strip() or not path.is_file():
        return None
    from probation_desk.errors import DatabaseProblem
    from probation_desk.store import engine as store  # its file checks need no SQLAlchemy
    from probation_desk.store.read_only import read_only_uri
    from probation_desk.store.schema_version import SCHEMA_HEAD

    try:
        sql, params = list_sql(f, sort, descending, limit)
        store.check_sqlite_file(path)
        con = sqlite3.connect(read_only_uri(path), uri=True, timeout=0.5)
    except (ValueError, OSError, sqlite3.Error, DatabaseProblem):
        return None
    try:
        head = con.execute("SELECT version_num FROM alembic_version").fetchall()
        if head != [(SCHEMA_HEAD,)]:
            return None  # a migration is due, or a newer version wrote it: the open says
        con.execute("BEGIN")  # one snapshot for the list and its rows
        ids = [r[0] for r in con.execute(sql, params)]
        if outcomes is None:
            from probation_desk.domain.contacts import load_contact_catalogue

            outcomes = {o.code: o for o in load_contact_catalogue().outcomes}
        rows = read_rows(lambda s, p: con.execute(s, p).fetchall(), ids[:visible],
                         outcomes, now)
    except (sqlite3.Error, ValueError, TypeError, OSError):
        return None
    finally:
        con.close()
    return FirstPage(SearchResult(len(ids) if len(ids) < limit else None, ids), rows)
