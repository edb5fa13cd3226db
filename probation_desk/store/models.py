"""SQLAlchemy 2.0 typed models. Enum values are stored as their names (plain strings)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    cast,
    event,
    exists,
    false,
    func,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """The Core table behind a model (typed, for bulk statements)."""
    return model.__table__  # type: ignore[return-value]


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crn: Mapped[str] = mapped_column(String(7), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(40), index=True)
    pdu: Mapped[str] = mapped_column(String(100), index=True)
    practitioner: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(10), default="ENGLISH")
    print_needs: Mapped[str] = mapped_column(String(10), default="STANDARD")
    # Denormalised counters kept by the operations so big lists sort and filter in SQL.
    open_nsis: Mapped[int] = mapped_column(Integer, default=0)
    module_status: Mapped[str] = mapped_column(String(20), default="NOT_STARTED", index=True)
    module_completed_on: Mapped[dt.date | None] = mapped_column(Date)
    # Row version for optimistic locking of the person's details (not of the counters).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    # Covering index: the caseload in CRN order with name search reads only the index.
    # And a region's caseload the same way (a practitioner's usual view); and the few
    # names holding a digit, so a search for a CRN does not read every name.
    __table_args__ = (Index("ix_person_crn_name_key", "crn", "name_key"),
                      Index("ix_person_region_crn_name_key", "region", "crn", "name_key"),
                      # My caseload (the first view): a practitioner's people in CRN order,
                      # searched by name and checked by region, from the index alone.
                      Index("ix_person_practitioner_crn_name_key", "practitioner", "crn",
                            "name_key", "region"),
                      Index("ix_person_digit_names", "crn", "name_key",
                            sqlite_where=text("name_key GLOB '*[0-9]*'"),
                            postgresql_where=text("name_key ~ '[0-9]'")))


class Order(Base):
    __tablename__ = "sentence_order"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(40))
    """Stable reference (see ``services/import_format.py``), filled for every new row."""
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(40))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    rar_max_days: Mapped[int | None] = mapped_column(Integer)
    rar_terminated_on: Mapped[dt.date | None] = mapped_column(Date)
    rar_termination_reason: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_sentence_order_ref", "ref", unique=True),)


class Nsi(Base):
    __tablename__ = "nsi"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(40))
    """Stable reference (see ``services/import_format.py``), filled for every new row."""
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("sentence_order.id", ondelete="SET NULL"), index=True)
    toolkit: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    status_date: Mapped[dt.date] = mapped_column(Date)
    referral_date: Mapped[dt.date] = mapped_column(Date)
    expected_start: Mapped[dt.date | None] = mapped_column(Date)
    expected_end: Mapped[dt.date | None] = mapped_column(Date)
    actual_start: Mapped[dt.date | None] = mapped_column(Date)
    actual_end: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    practitioner: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    previous_nsi_id: Mapped[int | None] = mapped_column(
        ForeignKey("nsi.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_nsi_person_active", "person_id", "active"),
        Index("ix_nsi_toolkit_active", "toolkit", "active"),
        Index("ix_nsi_status_person", "status", "person_id"),
        Index("ix_nsi_ref", "ref", unique=True),
        # One open NSI per person and toolkit, enforced by the database itself.
        Index("uq_nsi_one_open_per_toolkit", "person_id", "toolkit", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
    )


class NsiStatusHistory(Base):
    __tablename__ = "nsi_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nsi_id: Mapped[int] = mapped_column(ForeignKey("nsi.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    status_date: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(String(200))
    # On PostgreSQL the server writes its session_user here (a trigger); recorded_by
    # keeps the name given (an import carries the history's own names).
    recorded_login: Mapped[str | None] = mapped_column(String(63))


class Contact(Base):
    """A contact or appointment (nDelius's contact): may count towards RAR days."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(40))
    """Stable reference (see ``services/import_format.py``), filled for every new row."""
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("sentence_order.id", ondelete="SET NULL"), index=True)
    nsi_id: Mapped[int | None] = mapped_column(ForeignKey("nsi.id", ondelete="SET NULL"),
                                               index=True)
    contact_type: Mapped[str] = mapped_column(String(30))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    rar_activity: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(30))
    absence_reason: Mapped[str | None] = mapped_column(String(20))
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_contact_person_at", "person_id", "at"),
                      Index("ix_contact_ref", "ref", unique=True))


class ContactCorrection(Base):
    """A note of correction on a contact past its edit window; the original stays."""

    __tablename__ = "contact_correction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)


class ModuleSessionRow(Base):
    __tablename__ = "module_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(40))
    """Stable reference (see ``services/import_format.py``), filled for every new row."""
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    session_date: Mapped[dt.date] = mapped_column(Date)
    supporter_role: Mapped[str] = mapped_column(String(20))
    supporter_name: Mapped[str] = mapped_column(String(200))
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    # Withdrawn (soft-deleted) sessions are kept for the record but count for nothing.
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_reason: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_module_session_ref", "ref", unique=True),)


class SiReferral(Base):
    """A referral to a Structured Intervention."""

    __tablename__ = "si_referral"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(40))
    """Stable reference (see ``services/import_format.py``), filled for every new row."""
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    need_area: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    referral_date: Mapped[dt.date] = mapped_column(Date)
    start_date: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (Index("ix_si_referral_ref", "ref", unique=True),)


class AuditEntry(Base):
    """Who changed what, when, with the values before and after. Never edited."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SignOff(Base):
    """A treatment manager's review of a person's module completion, or 'not ready yet'."""

    __tablename__ = "sign_off"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(40))
    """Stable reference (see ``services/import_format.py``), filled for every new row."""
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(20))
    on_date: Mapped[dt.date] = mapped_column(Date)
    by_name: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_sign_off_ref", "ref", unique=True),)


class DeskStaff(Base):
    """A team database's login: its region and whether an admin lets it read all regions.

    Used by PostgreSQL's row-level security (``store/server.py``); unused on SQLite.
    """

    __tablename__ = "desk_staff"

    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    region: Mapped[str | None] = mapped_column(String(40))
    read_all_regions: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default=false())


REF_LETTERS: dict[type[Base], str] = {Order: "O", Nsi: "N", ModuleSessionRow: "S",
                                      Contact: "C", SiReferral: "R", SignOff: "SO"}
"""The letter after ``CRN/`` in each record type's stable reference."""


def _fill_ref(mapper: Any, connection: Connection, target: Any) -> None:
    """Give a new row the next free ``CRN/<letter><n>`` reference of its person.

    The person's CRN, their count of such rows and whether the next reference is free
    come in one statement (one round trip to a team database's server); only when that
    reference is taken are the next ones tried one by one.
    """
    if target.ref is not None:
        return
    model = mapper.class_
    table = table_of(model)
    people = table_of(Person)
    letter = REF_LETTERS[model]
    after = (select(func.count()).select_from(table)
             .where(table.c.person_id == people.c.id).scalar_subquery() + 1)
    first = people.c.crn + f"/{letter}" + cast(after, String)
    row = connection.execute(
        select(people.c.crn, after.label("n"),
               exists().where(table.c.ref == first).label("taken"))
        .where(people.c.id == target.person_id)).one()
    crn, n = row.crn, int(row.n)
    if not row.taken:
        target.ref = f"{crn}/{letter}{n}"
        return
    while True:
        n += 1
        ref = f"{crn}/{letter}{n}"
        taken = connection.execute(select(table.c.id).where(table.c.ref == ref)).first()
        if taken is None:
            target.ref = ref
            return


for _model in REF_LETTERS:
    event.listen(_model, "before_insert", _fill_ref)
