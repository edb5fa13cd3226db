"""Caseload search that stays instant at 100,000 people: a window of ids plus a count.

It keeps the meaning of ``queries.caseload_ids`` (CRN prefix or accent-folded name
substring, the same filters; tests check both give the same ids) and changes only how
SQLite is asked:

- a list is fetched a window at a time (``LIMIT``/``OFFSET``) and counted by a second
  call, instead of every id on each keystroke ("limit + count"): the first rows show
  without waiting for the count;
- a CRN-like term (a letter then digits) is a range on the CRN index; a term that is
  not CRN-like is not compared with CRNs at all (valid CRNs are a letter and six
  digits); a term with a digit is compared only with the few names holding a digit
  (the partial index ``ix_person_digit_names``), so typing a CRN never scans names;
- a name term of three or more characters first collects candidate ids from the name
  search index (``store.search_index``: FTS5 trigrams on SQLite, stopping at ``NARROW``
  + 1; pg_trgm on PostgreSQL). When few match, they are sorted by id lookup and the
  whole list is known at once. When many match, they are dense, so walking the sort
  column's index finds a window after a few thousand rows; with other filters, the
  filter's index is used and the few rows left are sorted. A term of one or two
  characters goes straight to the walk: it matches too many people for candidates to
  help (trigrams cannot answer it either), and collecting them only cost a scan;
- the counts use the search index too (on SQLite ``id IN (trigram match)``), so a name
  count reads only the matches, not every name;
- a single letter is both a CRN prefix and a name term: the two lists are read
  separately (no ``OR``, which would make SQLite scan) and merged in order;
- with a region as well (a practitioner's usual view), the ``(region, crn, name_key)``
  index is walked the same way, and my caseload (or the practitioner filter) walks
  ``(practitioner, crn, name_key, region)``; with other filters, that filter's index
  narrows first and the matches are sorted after filtering;
- on PostgreSQL, whose indexes hold no ids (SQLite's hold the rowid), a walk reads CRNs
  alone (an index-only scan) and the window's ids are looked up by CRN; few matches are
  counted by CRN and then found by their own condition, not by a list of ids;
- typing on narrows the last complete result in memory (:class:`CaseloadSearcher`);
  a result too big to be complete at once is read whole while it is being counted,
  after the first rows are on screen, when it is no bigger than ``PREFETCH``;
- the toolkit and NSI-status filters use ``person.id IN (SELECT person_id ...)``:
  a correlated ``EXISTS`` (as ``queries.caseload_ids`` has) would be run by SQLite once
  per person through the toolkit index.
"""

from __future__ import annotations

import heapq
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    TextClause,
    and_,
    any_,
    bindparam,
    false,
    func,
    or_,
    select,
    text,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased

from probation_desk.services.caseload_sql import (
    CaseloadFilter,
    SearchResult,
    filter_sql,
    order_sql,
    sort_column,
)
from probation_desk.services.desk import Desk, name_key
from probation_desk.services.queries import escape_like
from probation_desk.store import search_index
from probation_desk.store.engine import read_retried
from probation_desk.store.models import Nsi, Person

_CRN_PREFIX = re.compile(r"^[A-Z][0-9]{0,6}$")
NARROW = 2000
"""Up to this many matches for a term, its ids are fetched and sorted by id lookup."""
PREFETCH = 20000
"""Up to this many matches, a counted result is also read whole, for the next key."""


@dataclass(frozen=True)
class _Term:
    crn: ColumnElement[bool] | None
    name: ColumnElement[bool] | None
    """The name part as LIKE: for walking an index in order."""
    key: str = ""
    """The name key searched for ('' when names are not searched)."""
    indexed: ColumnElement[bool] | None = None
    """The name part through the search index (SQLite), for counting and fetching all."""
    pg: bool = False
    digits: bool = False
    """True when the name part holds a digit: only the few names with a digit (their
    partial index) can match it."""

    @property
    def parts(self) -> list[ColumnElement[bool]]:
        return [c for c in (self.crn, self.name) if c is not None]

    @property
    def found_parts(self) -> list[ColumnElement[bool]]:
        """The parts as best used to find every match (the index, not a walk)."""
        name = self.indexed if self.indexed is not None else self.name
        return [c for c in (self.crn, name) if c is not None]

    @property
    def trigrams(self) -> bool:
        """True when a trigram index can answer the name part."""
        return len(self.key) >= search_index.MIN_CHARS and (self.indexed is not None
                                                            or self.pg)


def _term(con: Connection, typed: str) -> _Term | None:
    """How a search term is matched: CRN prefix (by index) and/or name substring."""
    term = typed.strip()
    if not term:
        return None
    upper = term.upper()
    crn = None
    if _CRN_PREFIX.match(upper):
        after = upper[:-1] + chr(ord(upper[-1]) + 1)
        crn = and_(Person.crn >= upper, Person.crn < after)
    key = name_key(term)
    name: ColumnElement[bool] = Person.name_key.like("%" + escape_like(key) + "%", escape="\\")
    digits = _DIGIT_NAMES.get(con.dialect.name)
    if digits is not None and any(ch.isdigit() for ch in key):
        # Only a name with a digit can hold this term: the partial index's own condition,
        # written as the index has it, so the database reads that small index alone.
        name = and_(text(digits), name)
    indexed = None
    if len(key) >= search_index.MIN_CHARS and search_index.has_name_index(con):
        indexed = Person.id.in_(_fts_ids(key))
    return _Term(crn, name, key, indexed, con.dialect.name == "postgresql",
                 digits is not None and any(ch.isdigit() for ch in key))


_DIGIT_NAMES = {"sqlite": "person.name_key GLOB '*[0-9]*'",
                "postgresql": "person.name_key ~ '[0-9]'"}
"""The condition of the partial index of names holding a digit, per database."""


def _fts_ids(key: str) -> Any:
    """``SELECT rowid FROM person_name_fts WHERE person_name_fts MATCH <phrase>``."""
    from sqlalchemy import column, literal_column, table

    fts = table(search_index.FTS_TABLE, column("rowid"))
    return select(fts.c.rowid).where(
        literal_column(search_index.FTS_TABLE).op("MATCH")(search_index.fts_phrase(key)))


def _has_filters(f: CaseloadFilter) -> bool:
    return bool(f.region or f.pdu or f.practitioner or f.module_status or f.toolkit
                or f.nsi_status or f.mine)


def _walkable(f: CaseloadFilter, sort: str) -> bool:
    """True when an index gives the filtered list in display order: no filter, or a
    single filter leading an index with the CRN next, with the list in CRN order: the
    region (``ix_person_region_crn_name_key``) or the managing practitioner, as my
    caseload or the practitioner filter (``ix_person_practitioner_crn_name_key``)."""
    if not _has_filters(f):
        return True
    return sort == "crn" and any(
        getattr(f, field) and not _has_filters(replace(f, **{field: ""}))
        for field in ("region", "mine", "practitioner"))


def _filter_conds(f: CaseloadFilter) -> list[TextClause]:
    """Every filter except the search term, as conditions (``caseload_sql.filter_sql``)."""
    return [text(sql).bindparams(**params) for sql, params in filter_sql(f)]


def _filters(q: Select[Any], f: CaseloadFilter) -> Select[Any]:
    """Every filter except the search term."""
    conds = _filter_conds(f)
    return q.where(*conds) if conds else q


def _sort_col(sort: str) -> Any:
    return getattr(Person, sort_column(sort))


def _order(q: Any, sort: str, descending: bool, *, use_index: bool = True) -> Any:
    """The list's order (``caseload_sql.order_sql``): ties in id order, as queries does."""
    return q.order_by(text(order_sql(sort, descending, use_index=use_index)))


Few = list[int] | ColumnElement[bool]
"""The few people matching one part of a term: their ids, or (PostgreSQL) the part's
own condition, counted and found few."""


def _few_cond(con: Connection, few: Few) -> ColumnElement[bool]:
    return _one_of(con, few) if isinstance(few, list) else few


def _candidates(con: Connection, term: _Term, part: int) -> Few | None:
    """The people matching part ``part`` of the term when there are no more than NARROW
    of them, else None (also None, without looking, for a name part too short for
    trigrams and without a digit: it matches too many people for candidates to help).

    On SQLite they are ids, read from the FTS5 table or the CRN or digit-name index,
    which hold the rowid. On PostgreSQL, whose indexes hold no ids, the part's matches
    are counted by CRN (an index-only scan for the CRN and digit-name parts) and the
    part's own condition is returned, so no ids go to the client and back.
    """
    cond = term.parts[part]
    if cond is term.name and not (term.trigrams or term.digits):
        return None
    if con.dialect.name == "postgresql":
        probe = select(Person.crn).where(cond).limit(NARROW + 1).subquery()
        n = con.execute(select(func.count()).select_from(probe)).scalar() or 0
        return cond if n <= NARROW else None
    if cond is term.name and term.indexed is not None:
        q = _fts_ids(term.key)  # the FTS5 index alone, no person rows read
    else:
        q = select(Person.id).where(cond)
    ids = list(con.execute(q.limit(NARROW + 1)).scalars())
    return ids if len(ids) <= NARROW else None


def _one_of(con: Connection, ids: list[int]) -> ColumnElement[bool]:
    """``person.id IN (ids)``; on PostgreSQL one array parameter (``= ANY``), not one
    parameter per id (2,000 of them took 6 ms to bind and send)."""
    if con.dialect.name == "postgresql":
        return Person.id == any_(bindparam("ids", ids, type_=ARRAY(Integer), unique=True))
    return Person.id.in_(ids)


def _walks_crns(con: Connection, f: CaseloadFilter, sort: str) -> bool:
    """True when PostgreSQL should walk a CRN-ordered index for the CRNs alone.

    PostgreSQL's indexes hold no ids (SQLite's hold the rowid), so a walk of the
    ``(crn, name_key)`` or ``(region, crn, name_key)`` index that has to return ids
    reads a table row for every person it passes (11,000 rows for a rare two-letter
    term at 100,000 people); returning CRNs, it is an index-only scan, and the window's
    ids are then looked up by CRN, which is unique, so the rows and their order are
    the same.
    """
    return (con.dialect.name == "postgresql" and sort_column(sort) == "crn"
            and _walkable(f, sort))


def _part_query(con: Connection, f: CaseloadFilter, cond: ColumnElement[bool],
                few: Few | None, sort: str, descending: bool, offset: int,
                limit: int | None) -> Any:
    """Rows (id, sort key) ``offset`` to ``offset + limit`` of one part of the term (CRN
    or name), in display order."""
    cols = (Person.id, _sort_col(sort))
    if few is not None:
        # Few: found through ``few``, then sorted by an expression, so that the database
        # filters first instead of walking the sort index (or the region's) in order.
        q = _order(_filters(select(*cols).where(_few_cond(con, few)), f), sort, descending,
                   use_index=False)
    elif _walks_crns(con, f, sort):
        walk = (_order(_filters(select(Person.crn).where(cond), f), sort, descending)
                .offset(offset).limit(limit).subquery("walk"))
        hit = aliased(Person, name="hit")
        return (select(hit.id, hit.crn).join(walk, hit.crn == walk.c.crn)
                .order_by(hit.crn.desc() if descending else hit.crn.asc()))
    else:
        q = _order(_filters(select(*cols).where(cond), f), sort, descending,
                   use_index=_walkable(f, sort))
    return q.offset(offset).limit(limit)


def _read(con: Connection, f: CaseloadFilter, sort: str, descending: bool, offset: int,
          limit: int | None, few: dict[int, Few | None]) -> list[int]:
    """Ids ``offset`` to ``offset + limit`` (all from ``offset`` when limit is None)."""
    term = _term(con, f.search)
    if term is None:
        q = _order(_filters(select(Person.id), f), sort, descending)
        return list(con.execute(q.offset(offset).limit(limit)).scalars())
    parts = term.parts
    if len(parts) == 1:
        q = _part_query(con, f, parts[0], few.get(0), sort, descending, offset, limit)
        return [r[0] for r in con.execute(q).all()]
    # A single letter: the CRN range and the name matches, merged in order without an OR.
    end = None if limit is None else offset + limit
    if _walks_crns(con, f, sort) and all(v is None for v in few.values()):
        # PostgreSQL: both walks in one statement (one round trip), merged by CRN.
        walks = [_order(_filters(select(Person.crn).where(c), f), sort, descending).limit(end)
                 for c in parts]
        both = union(*walks).subquery("walk")  # a CRN found twice is one person
        hit = aliased(Person, name="hit")
        q = (select(hit.id).join(both, hit.crn == both.c.crn)
             .order_by(hit.crn.desc() if descending else hit.crn.asc())
             .offset(offset).limit(limit))
        return list(con.execute(q).scalars())
    lists = [con.execute(_part_query(con, f, c, few.get(i), sort, descending, 0, end)).all()
             for i, c in enumerate(parts)]
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


def _few(con: Connection, f: CaseloadFilter, sort: str) -> dict[int, Few | None]:
    term = _term(con, f.search)
    if term is None or _walks_crns(con, f, sort):
        return {}  # PostgreSQL walking CRNs: the walk reads few matches as fast
    return {i: _candidates(con, term, i) for i in range(len(term.parts))}


def caseload_window(desk: Desk, f: CaseloadFilter, sort: str = "crn",
                    descending: bool = False, offset: int = 0, limit: int = 200) -> list[int]:
    """Ids at positions ``offset`` to ``offset + limit`` of the sorted, filtered list."""
    with desk.reader.connect() as con:
        return _read(con, f, sort, descending, offset, limit, _few(con, f, sort))


@read_retried
def caseload_total(desk: Desk, f: CaseloadFilter) -> int:
    """How many people match ``f``."""
    with desk.reader.connect() as con:
        return _total(con, f)


def _total(con: Connection, f: CaseloadFilter) -> int:
    term = _term(con, f.search)
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
        parts = term.found_parts
        q = q.where(parts[0] if parts else false())
    return int(con.execute(_filters(q, f)).scalar() or 0)


Match = tuple[int, str, str]
"""(id, CRN, name key) of one person in a complete result, in display order."""


def _complete(con: Connection, f: CaseloadFilter, term: _Term, sort: str,
              descending: bool) -> list[Match] | None:
    """Every match in display order when the term matches no more than NARROW people
    (before the other filters); otherwise None.

    First the index alone says how many match, stopping at NARROW + 1 (the FTS5 table,
    the CRN index or the trigram index: no person rows read); then one statement reads
    the matches by id and sorts them (by an expression, so SQLite is never left to walk
    the sort index probing every person against the candidates).
    """
    part = term.parts[0]
    if part is term.name and not term.trigrams:
        return None  # one or two letters: too many for this to help
    found = term.found_parts[0]
    probe = (_fts_ids(term.key) if part is term.name and term.indexed is not None
             else select(Person.id).where(found))
    n = con.execute(select(func.count()).select_from(probe.limit(NARROW + 1).subquery())
                    ).scalar() or 0
    if n > NARROW:
        return None
    if not n:
        return []
    q = _order(select(Person.id, Person.crn, Person.name_key).where(found, *_filter_conds(f)),
               sort, descending, use_index=False)
    return [(r[0], r[1], r[2]) for r in con.execute(q).all()]


def _matcher(term: str) -> Callable[[str, str], bool]:
    """The search term's meaning (:func:`_term`) as a test of (CRN, name key), for rows
    already in memory."""
    t = term.strip()
    upper = t.upper()
    crn_prefix = upper if _CRN_PREFIX.match(upper) else None
    key = name_key(t)

    def matches(crn: str, name: str) -> bool:
        return (crn_prefix is not None and crn.startswith(crn_prefix)) or key in name

    return matches


def _narrows(before: str, after: str) -> bool:
    """True when every match for ``after`` is also a match for ``before``."""
    b, a = before.strip(), after.strip()
    if not b or not a:
        return False
    b_crn, a_crn = _CRN_PREFIX.match(b.upper()), _CRN_PREFIX.match(a.upper())
    if a_crn and not (b_crn and a.upper().startswith(b.upper())):
        return False
    return name_key(b) in name_key(a)


def past_filters(desk: Desk, f: CaseloadFilter) -> SearchResult | None:
    """An exact CRN typed in the search finds that person whatever the filters: the
    person alone, with the filters they are outside of in words ("C000123 is in Wales,
    outside the London filter: shown anyway"). None when the search is not an exact CRN,
    nobody has it, or the person is inside every filter (the list shows them anyway).
    """
    from probation_desk.domain.module import ModuleStatus
    from probation_desk.domain.nsi import Status
    from probation_desk.domain.people import CRN_RE

    crn = f.search.strip().upper()
    if not CRN_RE.match(crn) or not _has_filters(f):
        return None
    with desk.reader.connect() as con:
        p = con.execute(select(Person.id, Person.region, Person.pdu, Person.practitioner,
                               Person.module_status).where(Person.crn == crn)).first()
        if p is None:
            return None
        past: list[str] = []
        if f.region and p.region != f.region:
            past.append(f"is in {p.region}, outside the {f.region} filter")
        if f.pdu and p.pdu != f.pdu:
            past.append(f"is in the {p.pdu} PDU, outside the {f.pdu} filter")
        if f.mine and p.practitioner != f.mine:
            past.append(f"is managed by {p.practitioner}, not on your caseload")
        if f.practitioner and p.practitioner != f.practitioner:
            past.append(f"is managed by {p.practitioner}, outside the {f.practitioner} "
                        "filter")
        if f.module_status and p.module_status != f.module_status:
            shown = ModuleStatus[p.module_status].value.lower()
            want = ModuleStatus[f.module_status].value.lower()
            past.append(f"has the module {shown}, outside the '{want}' filter")
        if f.toolkit or f.nsi_status:
            q = select(Nsi.id).where(Nsi.person_id == p.id)
            words = []
            if f.toolkit:
                q = q.where(Nsi.toolkit == f.toolkit)
                kit = next((k.name for k in desk.catalogue.toolkits if k.code == f.toolkit),
                           f.toolkit)
                words.append(kit)
            if f.nsi_status:
                q = q.where(Nsi.status == f.nsi_status)
                words.append(Status[f.nsi_status].value.lower())
            if con.execute(q.limit(1)).first() is None:
                past.append(f"has no {' '.join(reversed(words))} NSI, outside that filter")
    if not past:
        return None
    return SearchResult(1, [p.id], f"{crn} {', and '.join(past)}: shown anyway.")


@read_retried
def caseload_search(desk: Desk, f: CaseloadFilter, sort: str = "crn",
                    descending: bool = False, limit: int = 200) -> SearchResult:
    """The list's first ``limit`` ids, or all of it when a search term matches few (an
    exact CRN outside the filters: that person, see :func:`past_filters`)."""
    found = past_filters(desk, f)
    if found is not None:
        return found
    return _search(desk, f, sort, descending, limit)[0]


def _search(desk: Desk, f: CaseloadFilter, sort: str, descending: bool,
            limit: int) -> tuple[SearchResult, list[Match] | None]:
    with desk.reader.connect() as con:
        term = _term(con, f.search)
        if term is not None and not _walkable(f, sort):
            # A filter other than the region (or a region with another sort) narrows by
            # its own index to a few thousand people: every match in one statement,
            # sorted after filtering.
            parts = term.found_parts
            cond = parts[0] if len(parts) == 1 else or_(*parts)
            q = _order(select(Person.id, Person.crn, Person.name_key)
                       .where(cond, *_filter_conds(f)), sort, descending, use_index=False)
            found = [(r[0], r[1], r[2]) for r in con.execute(q.limit(limit + 1)).all()]
            if len(found) <= limit:
                return SearchResult(len(found), [r[0] for r in found]), found
            # More than a window: show it now; the count reads the rest (``total``).
            return SearchResult(None, [r[0] for r in found[:limit]]), None
        if term is not None and len(term.parts) == 1:
            rows = _complete(con, f, term, sort, descending)
            if rows is not None:
                return SearchResult(len(rows), [r[0] for r in rows]), rows
            few: dict[int, Few | None] = {0: None}  # many: read in index order
        else:
            few = _few(con, f, sort)
            if few and all(v is not None for v in few.values()):
                # Few by CRN and few by name: every match, sorted, in one statement.
                found_by = [v for v in few.values() if v is not None]
                lists = [v for v in found_by if isinstance(v, list)]
                if len(lists) == len(found_by):
                    # Their ids, as one list: an OR of two id lists makes SQLite scan.
                    cond = _one_of(con, sorted({i for v in lists for i in v}))
                else:
                    cond = or_(*(_few_cond(con, v) for v in found_by))
                q = _order(select(Person.id, Person.crn, Person.name_key)
                           .where(cond, *_filter_conds(f)), sort, descending,
                           use_index=False)
                found = [(r[0], r[1], r[2]) for r in con.execute(q).all()]
                return SearchResult(len(found), [r[0] for r in found]), found
        ids = _read(con, f, sort, descending, 0, limit, few)
        return SearchResult(len(ids) if len(ids) < limit else None, ids), None


@dataclass(frozen=True)
class _Complete:
    key: tuple[Any, ...]
    term: str
    rows: list[Match]


class CaseloadSearcher:
    """Searches that narrow as a term is typed.

    When the new term only narrows the last one ("sia" after "si") under the same
    filters and sort, and the last result was complete, the new result is picked out
    of it in memory with the same meaning as the SQL (CRN prefix, name substring on
    the accent-folded key): no database round trip for that keystroke. ``forget()``
    drops what is held, after any change to the data.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: _Complete | None = None
        self._latest: tuple[Any, ...] | None = None

    def forget(self) -> None:
        """Drop the last result (the data changed)."""
        with self._lock:
            self._last = None

    @read_retried
    def search(self, desk: Desk, f: CaseloadFilter, sort: str = "crn",
               descending: bool = False, limit: int = 200) -> SearchResult:
        """As :func:`caseload_search`."""
        key = (id(desk.engine), replace(f, search=""), sort, descending)
        with self._lock:
            last = self._last
            self._latest = (key, f.search)
        past = past_filters(desk, f)
        if past is not None:
            with self._lock:
                self._last = None  # one person past the filters: nothing to narrow
            return past
        if last is None or last.key != key or not _narrows(last.term, f.search):
            result, found = _search(desk, f, sort, descending, limit)
            with self._lock:
                self._last = None if found is None else _Complete(key, f.search, found)
            return result
        matches = _matcher(f.search)
        rows = [r for r in last.rows if matches(r[1], r[2])]
        with self._lock:
            self._last = _Complete(key, f.search, rows)
        return SearchResult(len(rows), [r[0] for r in rows])

    @read_retried
    def total(self, desk: Desk, f: CaseloadFilter, sort: str = "crn",
              descending: bool = False) -> int:
        """As :func:`caseload_total`; then, when a term matches no more than PREFETCH
        people, read them all (off the critical path) so the next key narrows in memory.
        """
        key = (id(desk.engine), replace(f, search=""), sort, descending)
        with desk.reader.connect() as con:
            n = _total(con, f)
            term = _term(con, f.search)
            if term is None or n > PREFETCH:
                return n
            if term.name is not None and not term.trigrams and n > NARROW:
                # Without trigrams, reading them would be one more scan of every name:
                # typing on narrows by the database instead.
                return n
            parts = term.found_parts
            cond = parts[0] if len(parts) == 1 else or_(*parts)
            q = _order(select(Person.id, Person.crn, Person.name_key).where(
                cond, *_filter_conds(f)), sort,
                       descending, use_index=False)
            rows = [(r[0], r[1], r[2]) for r in con.execute(q).all()]
        with self._lock:
            if self._latest == (key, f.search):  # still what is on screen
                self._last = _Complete(key, f.search, rows)
        return n

