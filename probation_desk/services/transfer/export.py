"""Export: every record as a JSON Lines file, written whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from probation_desk.errors import DatabaseProblem
from probation_desk.services import import_format as fmt
from probation_desk.services.desk import Desk
from probation_desk.services.transfer.common import (
    FORMAT_VERSION,
    _aware,
    _utc,
)
from probation_desk.store.models import (
    Contact,
    ContactCorrection,
    ModuleSessionRow,
    Nsi,
    NsiStatusHistory,
    Order,
    Person,
    SignOff,
    SiReferral,
    table_of,
)


def export_records(desk: Desk) -> Iterator[fmt.Header | fmt.Record]:
    """Every record in import order, each with its stable reference."""
    yield fmt.Header(format="probation-desk", version=FORMAT_VERSION)
    # One snapshot for the whole export: one read transaction on SQLite (the engine
    # begins it itself), REPEATABLE READ on PostgreSQL.
    options: dict[str, Any] = {"yield_per": 5000}
    if desk.engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    with desk.engine.connect().execution_options(**options) as con:
        crn_of: dict[int, str] = {}
        for p in con.execute(select(table_of(Person)).order_by(Person.id)):
            crn_of[p.id] = p.crn
            yield fmt.Person(crn=p.crn, name=p.name, date_of_birth=p.date_of_birth,
                             region=p.region, pdu=p.pdu, practitioner=p.practitioner,
                             language=p.language, print_needs=p.print_needs)
        order_ref: dict[int, str] = {}
        for o in con.execute(select(table_of(Order)).order_by(Order.id)):
            order_ref[o.id] = o.ref
            yield fmt.Order(ref=o.ref, crn=crn_of[o.person_id], kind=o.kind,
                            start_date=o.start_date, end_date=o.end_date,
                            rar_max_days=o.rar_max_days,
                            rar_terminated_on=o.rar_terminated_on,
                            rar_termination_reason=o.rar_termination_reason)
        nsi_ref: dict[int, str] = {}
        hist_rows = iter(con.execute(select(table_of(NsiStatusHistory))
                                     .order_by(NsiStatusHistory.nsi_id, NsiStatusHistory.id)))
        pending_h = next(hist_rows, None)
        for n in con.execute(select(table_of(Nsi)).order_by(Nsi.id)):
            nsi_ref[n.id] = n.ref
            history = []
            while pending_h is not None and pending_h.nsi_id <= n.id:
                if pending_h.nsi_id == n.id:
                    history.append(fmt.HistoryEntry(
                        status=pending_h.status, date=pending_h.status_date,
                        by=pending_h.recorded_by, at=_aware(pending_h.recorded_at),
                        note=pending_h.note))
                pending_h = next(hist_rows, None)
            yield fmt.Nsi(ref=n.ref, crn=crn_of[n.person_id],
                          order=order_ref.get(n.order_id) if n.order_id else None,
                          toolkit=n.toolkit, status=n.status, referral_date=n.referral_date,
                          expected_start=n.expected_start, expected_end=n.expected_end,
                          actual_start=n.actual_start, actual_end=n.actual_end,
                          outcome=n.outcome, notes=n.notes, practitioner=n.practitioner,
                          previous=nsi_ref.get(n.previous_nsi_id) if n.previous_nsi_id
                          else None, history=history)
        for s in con.execute(select(table_of(ModuleSessionRow)).order_by(ModuleSessionRow.id)):
            yield fmt.ModuleSession(ref=s.ref, crn=crn_of[s.person_id], date=s.session_date,
                                    supporter_role=s.supporter_role,
                                    supporter_name=s.supporter_name, completed=s.completed,
                                    notes=s.notes, withdrawn_on=s.withdrawn_on,
                                    withdrawn_reason=s.withdrawn_reason)
        corr_rows = iter(con.execute(select(table_of(ContactCorrection)).order_by(
            ContactCorrection.contact_id, ContactCorrection.id)))
        pending_k = next(corr_rows, None)
        for c in con.execute(select(table_of(Contact)).order_by(Contact.id)):
            corrections = []
            while pending_k is not None and pending_k.contact_id <= c.id:
                if pending_k.contact_id == c.id:
                    corrections.append(fmt.Correction(at=_utc(pending_k.at),
                                                      by=pending_k.by_name,
                                                      text=pending_k.text))
                pending_k = next(corr_rows, None)
            yield fmt.Contact(ref=c.ref, crn=crn_of[c.person_id],
                              order=order_ref.get(c.order_id) if c.order_id else None,
                              nsi=nsi_ref.get(c.nsi_id) if c.nsi_id else None,
                              contact_type=c.contact_type, at=c.at,
                              rar_activity=c.rar_activity, notes=c.notes, outcome=c.outcome,
                              absence_reason=c.absence_reason, cancelled_on=c.cancelled_on,
                              cancel_reason=c.cancel_reason, corrections=corrections)
        for r in con.execute(select(table_of(SiReferral)).order_by(SiReferral.id)):
            yield fmt.SiReferral(ref=r.ref, crn=crn_of[r.person_id], need_area=r.need_area,
                                 name=r.name, referral_date=r.referral_date,
                                 start_date=r.start_date)
        for f in con.execute(select(table_of(SignOff)).order_by(SignOff.id)):
            yield fmt.SignOff(ref=f.ref, crn=crn_of[f.person_id], kind=f.kind, date=f.on_date,
                              by_name=f.by_name, comment=f.comment,
                              recorded_at=_aware(f.recorded_at))


def export_file(desk: Desk, path: str | Path) -> int:
    """Write every record to ``path`` (JSON Lines, UTF-8, owner-only); the record count.

    The whole export is read in one snapshot, so writers working meanwhile neither break
    it nor leave it half of one state and half of another. If the database file turns
    out damaged part-way, what could be read is kept at ``path`` and
    :class:`ExportDamaged` says how far it got.
    """
    from sqlalchemy.exc import DatabaseError

    from probation_desk.private_files import private_file

    n = 0
    damage: str | None = None
    encode = fmt.encoder.encode_into
    buf = bytearray()
    with private_file(path) as fh:
        try:
            for rec in export_records(desk):
                encode(rec, buf)
                buf.extend(b"\n")
                fh.write(buf)
                n += 1
        except DatabaseError as exc:
            damage = str(exc.orig or exc)
    if damage is not None:
        raise ExportDamaged(max(n - 1, 0), damage, str(path))
    return n - 1


class ExportDamaged(DatabaseProblem):
    """The database was damaged part-way through an export; what was read is saved."""

    def __init__(self, records: int, problem: str, path: str) -> None:
        super().__init__(
            f"The database file is damaged ({problem}). The export kept the {records} "
            f"record(s) that could be read before the damage, in {path}; the rest could "
            "not be read. Restore the database from a backup (probation-desk restore).")
        self.records = records
