"""Queries for big lists: ids and totals first, rows built only for what is shown.

The caseload and worklist can hold 100,000 people and a million NSIs: filtering and
sorting happen in SQL; the window asks for the rows of the ids it paints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, text

from probation_desk.domain.catalogue import Toolkit
from probation_desk.domain.nsi import Status
from probation_desk.services.caseload_sql import SORT_KEYS, read_rows
from probation_desk.services.caseload_sql import CaseloadFilter as CaseloadFilter
from probation_desk.services.caseload_sql import CaseRow as CaseRow
from probation_desk.services.desk import Desk, name_key
from probation_desk.store.engine import read_retried
from probation_desk.store.models import Nsi, Person

SORT_COLUMNS = {key: getattr(Person, column) for key, column in SORT_KEYS.items()}
"""The caseload's sort keys as columns (``services.caseload_sql.SORT_KEYS``)."""


def my_identity(desk: Desk) -> str:
    """Who 'my caseload' belongs to: the signed-in user as the Desk records them.

    On a personal SQLite file that is the name in the settings; on a team PostgreSQL
    database it is the server's login (``services.team``), the same name the server
    stamps on every record. A new person's managing practitioner defaults to it.
    """
    return desk.actor


def managed_by(identity: str) -> ColumnElement[bool]:
    """People whose managing practitioner is ``identity`` (exactly as recorded: the
    practitioner index answers it; ``caseload_sql.MANAGED_BY`` names the column)."""
    return Person.practitioner == identity


def escape_like(text: str) -> str:
    """Typed text as a literal inside a LIKE pattern (``%`` and ``_`` match themselves)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def person_search(term: str) -> ColumnElement[bool]:
    """People whose CRN starts with ``term`` or whose name contains it (accents folded).

    The one meaning of "search" for every list (caseload, review).
    """
    crn_like = escape_like(term.upper()) + "%"
    name_like = "%" + escape_like(name_key(term)) + "%"
    return or_(Person.crn.like(crn_like, escape="\\"),
               Person.name_key.like(name_like, escape="\\"))


def _caseload_where(q: Select[Any], f: CaseloadFilter) -> Select[Any]:
    term = f.search.strip()
    if term:
        q = q.where(person_search(term))
    if f.region:
        q = q.where(Person.region == f.region)
    if f.pdu:
        q = q.where(Person.pdu == f.pdu)
    if f.practitioner:
        q = q.where(Person.practitioner == f.practitioner)
    if f.mine:
        q = q.where(managed_by(f.mine))
    if f.module_status:
        q = q.where(Person.module_status == f.module_status)
    if f.toolkit or f.nsi_status:
        # IN (subquery), not a correlated EXISTS: SQLite runs EXISTS once per person
        # (about 110 s for the Chemsex filter at 100,000 people); IN takes milliseconds.
        cond = []
        if f.toolkit:
            cond.append(Nsi.toolkit == f.toolkit)
        if f.nsi_status:
            cond.append(Nsi.status == f.nsi_status)
        q = q.where(Person.id.in_(select(Nsi.person_id).where(and_(*cond))))
    return q


def caseload_ids(desk: Desk, f: CaseloadFilter, sort: str = "crn",
                 descending: bool = False) -> list[int]:
    """The ids of everyone matching ``f``, in display order (sorted in the database)."""
    col = SORT_COLUMNS.get(sort, Person.crn)
    order = [col.desc() if descending else col.asc(), Person.id]
    q = _caseload_where(select(Person.id), f).order_by(*order)
    with desk.reader.connect() as con:
        return list(con.execute(q).scalars())


def caseload_count(desk: Desk, f: CaseloadFilter) -> int:
    """How many people match ``f``."""
    q = _caseload_where(select(func.count(Person.id)), f)
    with desk.reader.connect() as con:
        return int(con.execute(q).scalar() or 0)


@read_retried
def has_people(desk: Desk) -> bool:
    """True when anyone is on the caseload (EXISTS: as quick at a million as at one)."""
    with desk.reader.connect() as con:
        return bool(con.execute(select(exists().where(Person.id.is_not(None)))).scalar())


@read_retried
def caseload_rows(desk: Desk, ids: list[int]) -> dict[int, CaseRow]:
    """Rows for the given ids (the ones being painted), RAR figures included.

    The reads and the row building are ``services.caseload_sql.read_rows``, which the
    window's first page also runs through sqlite3 before SQLAlchemy is loaded.
    """
    if not ids:
        return {}
    outcomes = {o.code: o for o in desk.contact_catalogue.outcomes}
    with desk.reader.connect() as con:
        return read_rows(lambda sql, params: con.execute(text(sql), params).all(), ids,
                         outcomes, desk.now)


def distinct_values(desk: Desk, column: str, region: str = "") -> list[str]:
    """Values for a filter drop-down (PDUs, practitioners), optionally within a region."""
    col = {"pdu": Person.pdu, "practitioner": Person.practitioner, "region": Person.region}[column]
    q = select(col).distinct().order_by(col)
    if region:
        q = q.where(Person.region == region)
    with desk.reader.connect() as con:
        return [v for v in con.execute(q).scalars() if v]


# ---------------------------------------------------------------- withdrawal worklist
@dataclass(frozen=True)
class WorklistRow:
    """An open NSI on a withdrawn toolkit."""

    nsi_id: int
    person_id: int
    crn: str
    name: str
    region: str
    pdu: str
    practitioner: str
    toolkit: str
    toolkit_name: str
    status: Status
    referral_date: dt.date
    close_by: dt.date | None
    overdue: bool
    version: int


def worklist(desk: Desk, region: str = "", limit: int | None = None,
             toolkit: str = "") -> list[WorklistRow]:
    """Every open NSI on a withdrawn toolkit, optionally in one region.

    ``toolkit`` narrows to one toolkit with a withdrawal, past or coming: the NSIs a
    banner line counts (:func:`banner`), so the Worklist opened from it lists them.
    """
    if toolkit:
        kits = {k.code: k for k in desk.catalogue.with_withdrawal() if k.code == toolkit}
    else:
        kits = {k.code: k for k in desk.catalogue.withdrawn(desk.today)}
    if not kits:
        return []
    q = (select(Nsi.id, Nsi.person_id, Person.crn, Person.name, Person.region, Person.pdu,
                Person.practitioner, Nsi.toolkit, Nsi.status, Nsi.referral_date, Nsi.version)
         .join(Person, Person.id == Nsi.person_id)
         .where(Nsi.active.is_(True), Nsi.toolkit.in_(list(kits)))
         .order_by(Person.region, Person.crn, Nsi.id))
    if region:
        q = q.where(Person.region == region)
    if limit is not None:
        q = q.limit(limit)
    with desk.reader.connect() as con:
        rows = con.execute(q).all()
    today = desk.today
    return [WorklistRow(r.id, r.person_id, r.crn, r.name, r.region, r.pdu, r.practitioner,
                        r.toolkit, kits[r.toolkit].name, Status[r.status], r.referral_date,
                        kits[r.toolkit].close_by, kits[r.toolkit].past_close_by(today),
                        r.version) for r in rows]


@dataclass(frozen=True)
class BannerItem:
    """One line of the withdrawal banner."""

    toolkit: Toolkit
    open_total: int
    open_in_region: int
    open_in_caseload: int
    overdue: bool

    def text(self, region: str = "") -> str:
        """The banner line in the past tense (see :meth:`summary` for the dated wording)."""
        return self.summary(None, region)

    def summary(self, today: dt.date | None, region: str = "") -> str:
        """The banner line with tense fitting ``today`` (warned ahead of a withdrawal)."""
        kit = self.toolkit
        parts = [f"{self.open_in_caseload} open in your caseload"]
        if region:
            parts.append(f"{self.open_in_region} in {region}")
        parts.append(f"{self.open_total} in all")
        state = "Overdue: " if self.overdue and self.open_total else ""
        return f"{state}{kit.withdrawal_summary(today)}. {', '.join(parts)}."


def banner(desk: Desk, region: str = "", practitioner: str = "") -> list[BannerItem]:
    """Banner lines for every toolkit withdrawal that still matters.

    A withdrawal matters from the day it is in the catalogue (so practitioners are
    warned before it), while its close-by date has not passed, or while any NSI on the
    toolkit is still open.
    """
    kits = desk.catalogue.with_withdrawal()
    if not kits:
        return []
    with desk.reader.connect() as con:
        counts = con.execute(
            select(Nsi.toolkit, Person.region, Person.practitioner, func.count())
            .join(Person, Person.id == Nsi.person_id)
            .where(Nsi.active.is_(True), Nsi.toolkit.in_([k.code for k in kits]))
            .group_by(Nsi.toolkit, Person.region, Person.practitioner)).all()
    items = []
    for kit in kits:
        mine = [c for c in counts if c[0] == kit.code]
        total = sum(c[3] for c in mine)
        in_region = sum(c[3] for c in mine if region and c[1] == region)
        in_caseload = sum(c[3] for c in mine if practitioner and c[2] == practitioner)
        past = kit.past_close_by(desk.today)
        if total or not past:
            items.append(BannerItem(kit, total, in_region, in_caseload, past))
    return items
