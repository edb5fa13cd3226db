"""Caseload search that stays instant at 100,000 people: a window of ids plus a count.

PARKED HERE, NOT OWNED HERE. This is a services-layer query (the only module under
``ui/`` that imports SQLAlchemy), written here because ``services/`` belongs to another
engineer; it should move to ``services/queries.py`` as ``caseload_window`` and
``caseload_search``. It keeps the meaning of ``queries.caseload_ids`` (CRN prefix or
accent-folded name substring, the same filters; tests check both give the same ids) and
changes only how SQLite is asked:

- a list is fetched a window at a time (``LIMIT``/``OFFSET``) and counted by a second
  call, instead of every id on each keystroke ("limit + count"): the first rows show
  without waiting for the count;
- a CRN-like term (a letter then digits) is a range on the CRN index; a term that is
  not CRN-like is not compared with CRNs at all (valid CRNs are a letter and six
  digits), and a term with a digit is not compared with names (names hold none);
- a name term first collects candidate ids from the name index alone (a covering-index
  scan that reads no table rows and stops at ``NARROW`` + 1). When few match, they are
  sorted by id lookup and the whole list is known at once. When many match, they are
  dense, so walking the sort column's index finds a window after a few thousand rows;
  with other filters, the filter's index is used and the few rows left are sorted;
- a single letter is both a CRN prefix and a name term: the two lists are read
  separately (no ``OR``, which would make SQLite scan) and merged in order;
- the toolkit and NSI-status filters use ``person.id IN (SELECT person_id ...)``:
  ``queries.caseload_ids`` uses a correlated ``EXISTS`` that SQLite runs once per
  person through the toolkit index (about 110 s at 100,000 people for "Chemsex").
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, false, func, select

from probation_desk.services.desk import Desk, name_key
from probation_desk.services.queries import SORT_COLUMNS, CaseloadFilter
from probation_desk.store.models import Nsi, Person

_CRN_PREFIX = re.compile(r"^[A-Z][0-9]{0,6}$")
NARROW = 2000
"""Up to this many matches for a term, its ids are fetched and sorted by id lookup."""


@dataclass(frozen=True)
class SearchResult:
    """The start of a caseload list (or all of it), and the total when it is known.

    ``total`` is None when more than the first window match and they have not been
    counted yet: show the window at once and ask :func:`caseload_total` next.
    """

    total: int | None
    ids: list[int]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class _Term:
    crn: ColumnElement[bool] | None
    name: ColumnElement[bool] | None

    @property
    def parts(self) -> list[ColumnElement[bool]]:
        return [c for c in (self.crn, self.name) if c is not None]


def _term(text: str) -> _Term | None:
    """How a search term is matched: CRN prefix (by index) and/or name substring."""
    term = text.strip()
    if not term:
        return None
    upper = term.upper()
    crn = None
    if _CRN_PREFIX.match(upper):
        after = upper[:-1] + chr(ord(upper[-1]) + 1)
        crn = and_(Person.crn >= upper, Person.crn < after)
    name = None
    if not any(ch.isdigit() for ch in term):  # names hold no digits
        name = Person.name_key.like("%" + _escape_like(name_key(term)) + "%", escape="\\")
    return _Term(crn, name)


def _has_filters(f: CaseloadFilter) -> bool:
    return bool(f.region or f.pdu or f.practitioner or f.module_status or f.toolkit
                or f.nsi_status)


def _filters(q: Select[Any], f: CaseloadFilter) -> Select[Any]:
    """Every filter except the search term."""
    if f.region:
        q = q.where(Person.region == f.region)
    if f.pdu:
        q = q.where(Person.pdu == f.pdu)
    if f.practitioner:
        q = q.where(Person.practitioner == f.practitioner)
    if f.module_status:
        q = q.where(Person.module_status == f.module_status)
    if f.toolkit or f.nsi_status:
        sub = select(Nsi.person_id)
        if f.toolkit:
            sub = sub.where(Nsi.toolkit == f.toolkit)
        if f.nsi_status:
            sub = sub.where(Nsi.status == f.nsi_status)
        q = q.where(Person.id.in_(sub))
    return q


def _sort_col(sort: str) -> Any:
    return SORT_COLUMNS.get(sort, Person.crn)


def _order(q: Select[Any], sort: str, descending: bool, *, use_index: bool = True
           ) -> Select[Any]:
    col = _sort_col(sort)
    if not use_index:
        # An expression is not an index: SQLite filters first, then sorts what is left.
        col = col + 0 if sort == "open_nsis" else col.concat("")
    # Ties in id order either way, as queries.caseload_ids does.
    return q.order_by(col.desc() if descending else col.asc(), Person.id.asc())


def _candidates(con: Connection, cond: ColumnElement[bool]) -> list[int] | None:
    """Ids matching ``cond`` when there are no more than NARROW, else None."""
    ids = list(con.execute(select(Person.id).where(cond).limit(NARROW + 1)).scalars())
    return ids if len(ids) <= NARROW else None


def _part_query(f: CaseloadFilter, cond: ColumnElement[bool], few: list[int] | None,
                sort: str, descending: bool) -> Select[Any]:
    """A sorted id query for one part of the term (CRN or name)."""
    cols = (Person.id, _sort_col(sort))
    if few is not None:
        return _order(_filters(select(*cols).where(Person.id.in_(few)), f), sort, descending)
    return _order(_filters(select(*cols).where(cond), f), sort, descending,
                  use_index=not _has_filters(f))


def _read(con: Connection, f: CaseloadFilter, sort: str, descending: bool, offset: int,
          limit: int | None, few: dict[int, list[int] | None]) -> list[int]:
    """Ids ``offset`` to ``offset + limit`` (all from ``offset`` when limit is None)."""
    term = _term(f.search)
    if term is None:
        q = _order(_filters(select(Person.id), f), sort, descending)
        return list(con.execute(q.offset(offset).limit(limit)).scalars())
    parts = term.parts
    queries = [_part_query(f, c, few.get(i), sort, descending) for i, c in enumerate(parts)]
    if len(queries) == 1:
        return list(con.execute(queries[0].offset(offset).limit(limit)).scalars())
    # A single letter: the CRN range and the name matches, merged in order without an OR.
    end = None if limit is None else offset + limit
    lists = [con.execute(q.limit(end)).all() for q in queries]
    seen: set[int] = set()
    out: list[int] = []
    merged = heapq.merge(*lists, key=lambda r: (r[1], -r[0] if descending else r[0]),
                         reverse=descending)
    for pid, _key in merged:
        if pid not in seen:
            seen.add(pid)
            out.append(pid)
            if end is not None and len(out) >= end:
                break
    return out[offset:]


def _few(con: Connection, f: CaseloadFilter) -> dict[int, list[int] | None]:
    term = _term(f.search)
    if term is None:
        return {}
    return {i: _candidates(con, c) for i, c in enumerate(term.parts)}


def caseload_window(desk: Desk, f: CaseloadFilter, sort: str = "crn",
                    descending: bool = False, offset: int = 0, limit: int = 200) -> list[int]:
    """Ids at positions ``offset`` to ``offset + limit`` of the sorted, filtered list."""
    with desk.engine.connect() as con:
        return _read(con, f, sort, descending, offset, limit, _few(con, f))


def caseload_total(desk: Desk, f: CaseloadFilter) -> int:
    """How many people match ``f``."""
    term = _term(f.search)
    with desk.engine.connect() as con:
        if term is not None and term.name is not None and term.crn is not None:
            # Name matches (read from the name index alone) plus CRN matches that are
            # not name matches (from the CRN index): no OR, so no full table scan.
            total = con.execute(_filters(select(func.count(Person.id)).where(term.name), f)
                                ).scalar() or 0
            total += con.execute(_filters(select(func.count(Person.id))
                                          .where(term.crn, ~term.name), f)).scalar() or 0
            return int(total)
        q = select(func.count(Person.id))
        if term is not None:
            parts = term.parts
            q = q.where(parts[0] if parts else false())
        return int(con.execute(_filters(q, f)).scalar() or 0)


def caseload_search(desk: Desk, f: CaseloadFilter, sort: str = "crn",
                    descending: bool = False, limit: int = 200) -> SearchResult:
    """The list's first ``limit`` ids, or all of it when a search term matches few."""
    with desk.engine.connect() as con:
        few = _few(con, f)
        if few and all(v is not None for v in few.values()):
            ids = _read(con, f, sort, descending, 0, None, few)
            return SearchResult(len(ids), ids)
        ids = _read(con, f, sort, descending, 0, limit, few)
        return SearchResult(len(ids) if len(ids) < limit else None, ids)
