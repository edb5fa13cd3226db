"""People get a row version (stale saves refused); one open NSI per person and toolkit

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:20:00

The unique index is partial (open NSIs only), on both databases, so two writers racing
cannot both open the same toolkit for one person. A database that already holds such
twins (made by that race before this version) keeps the older one open; each newer twin
is ended with the outcome DUPLICATE, with a status-history row and an audit row saying
so, and the person's open count is recounted.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEX = "uq_nsi_one_open_per_toolkit"


def _close_twins() -> None:
    bind = op.get_bind()
    nsi = sa.table("nsi", sa.column("id", sa.Integer), sa.column("person_id", sa.Integer),
                   sa.column("toolkit", sa.String), sa.column("active", sa.Boolean),
                   sa.column("status", sa.String), sa.column("outcome", sa.String),
                   sa.column("referral_date", sa.Date), sa.column("actual_start", sa.Date),
                   sa.column("actual_end", sa.Date), sa.column("status_date", sa.Date),
                   sa.column("version", sa.Integer))
    rows = bind.execute(sa.select(nsi.c.id, nsi.c.person_id, nsi.c.toolkit, nsi.c.status,
                                  nsi.c.referral_date, nsi.c.actual_start)
                        .where(nsi.c.active.is_(True)).order_by(nsi.c.id)).all()
    seen: set[tuple[int, str]] = set()
    twins = []
    for r in rows:
        key = (r.person_id, r.toolkit)
        if key in seen:
            twins.append(r)
        seen.add(key)
    if not twins:
        return
    now = dt.datetime.now(dt.UTC)
    history = sa.table("nsi_status_history", sa.column("nsi_id", sa.Integer),
                       sa.column("status", sa.String), sa.column("status_date", sa.Date),
                       sa.column("recorded_by", sa.String),
                       sa.column("recorded_at", sa.DateTime(timezone=True)),
                       sa.column("note", sa.String))
    audit = sa.table("audit", sa.column("at", sa.DateTime(timezone=True)),
                     sa.column("actor", sa.String), sa.column("action", sa.String),
                     sa.column("entity", sa.String), sa.column("entity_id", sa.Integer),
                     sa.column("person_id", sa.Integer), sa.column("before", sa.JSON),
                     sa.column("after", sa.JSON))
    person = sa.table("person", sa.column("id", sa.Integer), sa.column("open_nsis", sa.Integer))
    for r in twins:
        start = r.actual_start or r.referral_date
        bind.execute(sa.update(nsi).where(nsi.c.id == r.id).values(
            active=False, status="ENDED", outcome="DUPLICATE", actual_start=start,
            actual_end=start, status_date=start, version=nsi.c.version + 1))
        bind.execute(sa.insert(history).values(
            nsi_id=r.id, status="ENDED", status_date=start, recorded_by="Probation Desk",
            recorded_at=now, note="closed by the upgrade: a second open NSI of this toolkit"))
        bind.execute(sa.insert(audit).values(
            at=now, actor="Probation Desk", action="close duplicate nsi", entity="nsi",
            entity_id=r.id, person_id=r.person_id,
            before={"status": r.status, "active": True},
            after={"status": "ENDED", "outcome": "DUPLICATE",
                   "actual_end": start.isoformat()}))
    for pid in sorted({r.person_id for r in twins}):
        count = sa.select(sa.func.count()).select_from(nsi).where(
            nsi.c.person_id == pid, nsi.c.active.is_(True)).scalar_subquery()
        bind.execute(sa.update(person).where(person.c.id == pid).values(open_nsis=count))


def upgrade() -> None:
    op.add_column("person", sa.Column("version", sa.Integer(), nullable=False,
                                      server_default="1"))
    _close_twins()
    op.create_index(INDEX, "nsi", ["person_id", "toolkit"], unique=True,
                    sqlite_where=sa.text("active"), postgresql_where=sa.text("active"))


def downgrade() -> None:
    op.drop_index(INDEX, table_name="nsi")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("version")
