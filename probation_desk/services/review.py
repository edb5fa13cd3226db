"""Treatment manager review: sign-off operations, the review list, dashboard figures and
the completion report (CSV and PDF).

The role rule is checked inside the operation (``domain.review.check_sign_off``), so a
practitioner is refused whatever way they come in.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select

from probation_desk.domain import module
from probation_desk.domain.dates import uk
from probation_desk.domain.errors import NotFoundError, RuleViolation
from probation_desk.domain.interventions import NeedArea
from probation_desk.domain.module import ModuleSession, ModuleStatus, SupporterRole
from probation_desk.domain.review import BLOCKED_TEXT, SignOffKind, blocked, check_sign_off
from probation_desk.services.desk import Desk, now_utc
from probation_desk.services.queries import person_search
from probation_desk.store.models import (
    ModuleSessionRow,
    Order,
    Person,
    SignOff,
    SiReferral,
)

# ------------------------------------------------------------------ operations


@dataclass(frozen=True)
class SignOffView:
    id: int
    person_id: int
    kind: SignOffKind
    on_date: dt.date
    by_name: str
    comment: str | None


def record_sign_off(desk: Desk, person_id: int, kind: SignOffKind, on: dt.date,
                    comment: str | None = None, by_name: str | None = None) -> SignOffView:
    """A treatment manager signs off a completion, or marks the person not ready yet.

    ``by_name`` None records the signed-in user; a name typed empty is refused (it used to
    become the signed-in user without a word).
    """
    with desk._tx() as s:
        p = s.get(Person, person_id, with_for_update=True)
        if p is None:
            raise NotFoundError("The person")
        state = desk._module_state(s, person_id)
        name, text = check_sign_off(desk.role, kind, state, on, desk.today,
                                    desk.actor if by_name is None else by_name, comment)
        row = SignOff(person_id=person_id, kind=kind.name, on_date=on, by_name=name,
                      comment=text, recorded_at=now_utc())
        s.add(row)
        s.flush()
        s.refresh(row)  # on a team database the server writes its own login as by_name
        name = row.by_name
        desk._audit(s, "sign off" if kind is SignOffKind.REVIEWED else "mark not ready",
                    "sign_off", row.id, person_id, None,
                    {"kind": kind, "on": on, "by": name, "comment": text})
        return SignOffView(row.id, person_id, kind, on, name, text)


def sign_offs(desk: Desk, person_id: int) -> list[SignOffView]:
    """A person's sign-off history, oldest first."""
    with desk._read() as s:
        return [SignOffView(r.id, r.person_id, SignOffKind[r.kind], r.on_date, r.by_name,
                            r.comment)
                for r in s.scalars(select(SignOff).where(SignOff.person_id == person_id)
                                   .order_by(SignOff.id))]


# ------------------------------------------------------------------ review list


@dataclass(frozen=True)
class ReviewFilter:
    """What the review list is narrowed to. Empty fields mean 'any'."""

    search: str = ""
    region: str = ""
    pdu: str = ""
    practitioner: str = ""
    state: str = ""  # a ModuleStatus name, or "BLOCKED"
    completed_from: dt.date | None = None
    completed_to: dt.date | None = None
    include_rar: bool = False


@dataclass(frozen=True)
class ReviewRow:
    """One person on the review list, as shown and exported."""

    person_id: int
    crn: str
    name: str
    region: str
    pdu: str
    practitioner: str
    module_state: str
    completed_on: dt.date | None
    supporter: str
    days_since_last_session: int | None
    intervention: str
    referral_date: dt.date | None
    si_state: str
    sign_off: str
    blocked: bool
    not_ready_reason: str = ""
    """The reason given with the latest sign-off when it was "not ready yet" (as typed)."""


NOT_COMPLETE = tuple(s.name for s in ModuleStatus if not s.is_complete)
"""Module states in which a referred person is blocked (from the domain's rule)."""

REVIEW_SORT = {"crn": Person.crn, "name": Person.name_key, "region": Person.region,
               "pdu": Person.pdu, "practitioner": Person.practitioner,
               "state": Person.module_status, "completed": Person.module_completed_on}


def _review_where(q: Select[Any], f: ReviewFilter) -> Select[Any]:
    referred = exists().where(SiReferral.person_id == Person.id)
    if f.include_rar:
        on_rar = exists().where(and_(Order.person_id == Person.id,
                                     Order.rar_max_days.is_not(None)))
        q = q.where(or_(referred, on_rar))
    else:
        q = q.where(referred)
    term = f.search.strip()
    if term:
        q = q.where(person_search(term))
    if f.region:
        q = q.where(Person.region == f.region)
    if f.pdu:
        q = q.where(Person.pdu == f.pdu)
    if f.practitioner:
        q = q.where(Person.practitioner == f.practitioner)
    if f.state == "BLOCKED":
        q = q.where(Person.module_status.in_(NOT_COMPLETE),
                    exists().where(and_(SiReferral.person_id == Person.id,
                                        SiReferral.start_date.is_(None))))
    elif f.state:
        q = q.where(Person.module_status == f.state)
    if f.completed_from:
        q = q.where(Person.module_completed_on >= f.completed_from)
    if f.completed_to:
        q = q.where(Person.module_completed_on <= f.completed_to)
    return q


def review_choices(desk: Desk, column: str, region: str = "",
                   include_rar: bool = False) -> list[str]:
    """Filter choices (PDUs, practitioners) among the people the review list can show."""
    col = {"pdu": Person.pdu, "practitioner": Person.practitioner,
           "region": Person.region}[column]
    q = _review_where(select(col).distinct(), ReviewFilter(region=region,
                                                          include_rar=include_rar))
    with desk.reader.connect() as con:
        return sorted(v for v in con.execute(q).scalars() if v)


def review_ids(desk: Desk, f: ReviewFilter, sort: str = "crn",
               descending: bool = False) -> list[int]:
    """Ids of the people on the review list, sorted in the database."""
    col = REVIEW_SORT.get(sort, Person.crn)
    q = _review_where(select(Person.id), f).order_by(
        col.desc() if descending else col.asc(), Person.id)
    with desk.reader.connect() as con:
        return list(con.execute(q).scalars())


def review_rows(desk: Desk, ids: list[int],
                progress: Callable[[int, int], bool] | None = None) -> dict[int, ReviewRow]:
    """Rows for the given ids (the ones being shown or exported).

    ``progress(done, total)`` is called after each chunk; returning False stops early
    (the rows built so far are returned).
    """
    out: dict[int, ReviewRow] = {}
    today = desk.today
    for start in range(0, len(ids), 900):
        if progress is not None and not progress(start, len(ids)):
            break
        chunk = ids[start:start + 900]
        with desk.reader.connect() as con:
            people = con.execute(select(Person).where(Person.id.in_(chunk))).all()
            sessions: dict[int, list[ModuleSession]] = defaultdict(list)
            for r in con.execute(select(ModuleSessionRow)
                                 .where(ModuleSessionRow.person_id.in_(chunk),
                                        ModuleSessionRow.withdrawn_on.is_(None))):
                sessions[r.person_id].append(ModuleSession(
                    r.session_date, SupporterRole[r.supporter_role], r.supporter_name,
                    r.completed, None, r.id))
            referrals: dict[int, Any] = {}
            for ref_row in con.execute(select(SiReferral).where(SiReferral.person_id.in_(chunk))
                                 .order_by(SiReferral.referral_date, SiReferral.id)):
                referrals[ref_row.person_id] = ref_row  # the latest referral wins
            latest_sign: dict[int, Any] = {}
            for sign_row in con.execute(select(SignOff).where(SignOff.person_id.in_(chunk))
                                 .order_by(SignOff.id)):
                latest_sign[sign_row.person_id] = sign_row
        for p in people:
            state = module.module_state(sessions.get(p.id, []))
            ref = referrals.get(p.id)
            started = ref is not None and ref.start_date is not None
            is_blocked = ref is not None and blocked(started, state)
            if ref is None:
                si_state = ""
            elif started:
                si_state = f"Started {uk(ref.start_date)}"
            elif is_blocked:
                si_state = BLOCKED_TEXT
            else:
                si_state = "Awaiting start"
            sign = latest_sign.get(p.id)
            sign_text = "" if sign is None else (
                f"{SignOffKind[sign.kind].value} {uk(sign.on_date)} by {sign.by_name}")
            reason = (sign.comment or "") if sign is not None \
                and sign.kind == SignOffKind.NOT_READY.name else ""
            comp = state.completion_session
            out[p.id] = ReviewRow(
                person_id=p.id, crn=p.crn, name=p.name, region=p.region, pdu=p.pdu,
                practitioner=p.practitioner, module_state=state.status.value,
                completed_on=state.completed_on,
                supporter=f"{comp.supporter_name} ({comp.supporter_role.value})" if comp else "",
                days_since_last_session=(today - state.last_session).days
                if state.last_session else None,
                intervention=(f"{ref.name} ({NeedArea[ref.need_area].value})" if ref else ""),
                referral_date=ref.referral_date if ref else None,
                si_state=si_state, sign_off=sign_text, blocked=is_blocked,
                not_ready_reason=reason)
    return out


# ------------------------------------------------------------------ dashboard


@dataclass(frozen=True)
class Dashboard:
    """Figures for the treatment manager's dashboard."""

    by_pdu: list[tuple[str, int, int]] = field(default_factory=list)  # pdu, referred, done
    by_month: list[tuple[str, int]] = field(default_factory=list)  # "2026-09", completions
    referred: int = 0
    completed: int = 0
    blocked: int = 0
    average_days_to_completion: float | None = None


def dashboard(desk: Desk, region: str = "") -> Dashboard:
    """Completion by PDU and by month, people blocked, and average days to completion.

    Counted over people referred to a Structured Intervention (in ``region`` if given).
    Average days run from a person's first referral to their module completion, for
    people who completed on or after being referred.
    """
    with desk.reader.connect() as con:
        first_ref = (select(SiReferral.person_id,
                            func.min(SiReferral.referral_date).label("referred_on"))
                     .group_by(SiReferral.person_id).subquery())
        unstarted = (select(SiReferral.person_id).where(SiReferral.start_date.is_(None))
                     .distinct().subquery())
        q = (select(Person.pdu, Person.module_status, Person.module_completed_on,
                    first_ref.c.referred_on, unstarted.c.person_id)
             .join(first_ref, first_ref.c.person_id == Person.id)
             .join(unstarted, unstarted.c.person_id == Person.id, isouter=True))
        if region:
            q = q.where(Person.region == region)
        rows = con.execute(q).all()
    pdu: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    month: dict[str, int] = defaultdict(int)
    gaps: list[int] = []
    n_blocked = 0
    for r in rows:
        pdu[r.pdu][0] += 1
        done = ModuleStatus[r.module_status].is_complete
        if done:
            pdu[r.pdu][1] += 1
            if r.module_completed_on is not None:
                month[r.module_completed_on.strftime("%Y-%m")] += 1
                referred_on = r.referred_on
                if isinstance(referred_on, str):  # SQLite returns min() of dates as text
                    referred_on = dt.date.fromisoformat(referred_on)
                if r.module_completed_on >= referred_on:
                    gaps.append((r.module_completed_on - referred_on).days)
        elif r[4] is not None:
            n_blocked += 1
    return Dashboard(
        by_pdu=sorted((k, v[0], v[1]) for k, v in pdu.items()),
        by_month=sorted(month.items()),
        referred=len(rows),
        completed=sum(v[1] for v in pdu.values()),
        blocked=n_blocked,
        average_days_to_completion=round(sum(gaps) / len(gaps), 1) if gaps else None,
    )


# ------------------------------------------------------------------ reports

REPORT_COLUMNS = ("CRN", "Name", "Region", "PDU", "Practitioner", "Module",
                  "Completed on", "Supporter", "Days since last session",
                  "Structured Intervention", "Referred on", "SI state", "Sign-off",
                  "Reason not ready")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Stop a spreadsheet reading a cell as a formula (CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def report_cells(row: ReviewRow) -> list[str]:
    """One report line as text (UK dates)."""
    return [row.crn, row.name, row.region, row.pdu, row.practitioner, row.module_state,
            uk(row.completed_on), row.supporter,
            "" if row.days_since_last_session is None else str(row.days_since_last_session),
            row.intervention, uk(row.referral_date), row.si_state, row.sign_off,
            row.not_ready_reason]


def filter_description(f: ReviewFilter) -> str:
    """The filters in words, printed on reports."""
    parts = [f"region {f.region}" if f.region else "all regions"]
    if f.pdu:
        parts.append(f"PDU {f.pdu}")
    if f.practitioner:
        parts.append(f"practitioner {f.practitioner}")
    if f.state:
        parts.append("blocked only" if f.state == "BLOCKED"
                     else f"module {ModuleStatus[f.state].value.lower()}")
    if f.completed_from or f.completed_to:
        parts.append(f"completed {uk(f.completed_from) or 'any time'} to "
                     f"{uk(f.completed_to) or 'today'}")
    if f.search:
        parts.append(f"matching '{f.search}'")
    parts.append("people referred to a Structured Intervention"
                 + (" or on a RAR" if f.include_rar else ""))
    return "; ".join(parts)


def write_csv(rows: list[ReviewRow], out: str | Path, language: str = "en") -> None:
    """UTF-8 with a byte order mark (so Excel reads it), formula cells neutralised; in
    English or Welsh (``language`` "cy")."""
    from probation_desk.private_files import private_file
    from probation_desk.services.report_words import COLUMNS_CY, cell_in

    with private_file(out, text=True, encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS_CY if language == "cy" else REPORT_COLUMNS)
        for row in rows:
            w.writerow([neutralise(cell_in(language, c)) for c in report_cells(row)])


def completion_rows(desk: Desk, f: ReviewFilter, *, sort: str = "crn",
                    descending: bool = False,
                    progress: Callable[[int, int], bool] | None = None) -> list[ReviewRow]:
    """Every row of the review list for ``f``, in the order shown on screen."""
    ids = review_ids(desk, f, sort, descending)
    rows = review_rows(desk, ids, progress)
    return [rows[i] for i in ids if i in rows]


def write_completion_report(desk: Desk, fmt: str, out: str | Path, *, region: str = "",
                            pdu: str = "", f: ReviewFilter | None = None, sort: str = "crn",
                            descending: bool = False,
                            progress: Callable[[int, int], bool] | None = None,
                            language: str | None = None) -> int:
    """Write the completion report as CSV or PDF, in English or Welsh (``language`` "cy";
    None: the user's language); returns the number of people in it."""
    if language is None:
        from probation_desk.i18n import chosen_language
        from probation_desk.settings import load_settings

        language = chosen_language(load_settings().language)
    from probation_desk.services.report_words import (
        COLUMNS_CY,
        TITLE,
        cell_in,
        filters_in,
        words_for,
    )

    if language not in TITLE:
        raise RuleViolation("bad-language", f"'{language}' is not a report language (en or "
                            "cy).", "language")
    f = f or ReviewFilter(region=region, pdu=pdu)
    rows = completion_rows(desk, f, sort=sort, descending=descending, progress=progress)
    if fmt == "csv":
        write_csv(rows, out, language)
    elif fmt == "pdf":
        from probation_desk.printing.fonts import printable_refusal
        from probation_desk.printing.report import render_table_report

        cannot = [(r.crn, why) for r in rows
                  if (why := printable_refusal(" ".join(report_cells(r)), "x"))]
        if cannot:
            crns = ", ".join(c for c, _w in cannot[:5]) + (" and others"
                                                           if len(cannot) > 5 else "")
            raise RuleViolation(
                "cannot-print", f"{len(cannot):,} people in this report ({crns}) have "
                + cannot[0][1].split(" has ", 1)[1].replace("nothing was printed",
                                                            "no PDF was written")
                + " Save the report as CSV, or narrow the filters.", "format")

        columns = list(COLUMNS_CY if language == "cy" else REPORT_COLUMNS)
        render_table_report(
            out, title=TITLE[language],
            subtitle=filters_in(language, filter_description(f), uk(desk.today)),
            columns=columns, rows=[[cell_in(language, c) for c in report_cells(r)]
                                   for r in rows],
            count_by=(columns[5],), words=words_for(language))
    else:
        raise ValueError(f"'{fmt}' is not a report format: choose csv or pdf.")
    return len(rows)
