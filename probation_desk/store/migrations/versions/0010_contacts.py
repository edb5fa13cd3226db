"""Contacts and appointments replace RAR activities, keeping their meaning

Every ``rar_activity`` row becomes a ``contact`` with the same id, person, order, NSI
and date (at midnight, as the old rows had no time): an activity marked attended gets
the outcome ATTENDED_COMPLIED (so it still counts as a RAR day when flagged RAR), one
marked not attended gets ACCEPTABLE_ABSENCE with the reason OTHER (it still does not
count, and it is not turned into a failure to comply it never was). The description
becomes the notes; the type is TOOLKIT_SESSION when the activity was under an NSI,
else OTHER.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:20:00
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("nsi_id", sa.Integer(), nullable=True),
        sa.Column("contact_type", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("rar_activity", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("absence_reason", sa.String(length=20), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("cancel_reason", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["nsi_id"], ["nsi.id"], name=op.f("fk_contact_nsi_id_nsi"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["order_id"], ["sentence_order.id"],
                                name=op.f("fk_contact_order_id_sentence_order"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_contact_person_id_person"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    op.create_table(
        "contact_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_name", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"],
                                name=op.f("fk_contact_correction_contact_id_contact"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_correction")),
    )
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    at = "activity_date || ' 00:00:00.000000'" if sqlite else "CAST(activity_date AS timestamp)"
    true = "1" if sqlite else "true"
    bind.execute(sa.text(
        "INSERT INTO contact (id, person_id, order_id, nsi_id, contact_type, at, "  # noqa: S608
        "rar_activity, "
        "notes, outcome, absence_reason, created_by, created_at, version) "
        "SELECT id, person_id, order_id, nsi_id, "
        "CASE WHEN nsi_id IS NULL THEN 'OTHER' ELSE 'TOOLKIT_SESSION' END, "
        f"{at}, rar_activity, description, "
        f"CASE WHEN attended = {true} THEN 'ATTENDED_COMPLIED' ELSE 'ACCEPTABLE_ABSENCE' END, "
        f"CASE WHEN attended = {true} THEN NULL ELSE 'OTHER' END, "
        "'Probation Desk (moved from RAR activities)', :now, 1 FROM rar_activity"),
        {"now": dt.datetime.now(dt.UTC)})
    if not sqlite:
        bind.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('contact', 'id'), "
            "COALESCE((SELECT max(id) FROM contact), 0) + 1, false)"))
    op.create_index("ix_contact_person_at", "contact", ["person_id", "at"])
    op.create_index(op.f("ix_contact_order_id"), "contact", ["order_id"])
    op.create_index(op.f("ix_contact_nsi_id"), "contact", ["nsi_id"])
    op.create_index(op.f("ix_contact_correction_contact_id"), "contact_correction",
                    ["contact_id"])
    op.drop_table("rar_activity")


def downgrade() -> None:
    op.create_table(
        "rar_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("nsi_id", sa.Integer(), nullable=True),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("rar_activity", sa.Boolean(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["nsi_id"], ["nsi.id"], name=op.f("fk_rar_activity_nsi_id_nsi"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["order_id"], ["sentence_order.id"],
                                name=op.f("fk_rar_activity_order_id_sentence_order"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_rar_activity_person_id_person"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rar_activity")),
    )
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    day = "substr(at, 1, 10)" if sqlite else "CAST(at AS date)"
    bind.execute(sa.text(
        "INSERT INTO rar_activity (id, person_id, order_id, nsi_id, activity_date, "  # noqa: S608
        "rar_activity, attended, description) "
        f"SELECT id, person_id, order_id, nsi_id, {day}, rar_activity, "
        "outcome IN ('ATTENDED_COMPLIED', 'ATTENDED_FAILED_TO_COMPLY'), substr(notes, 1, 200) "
        "FROM contact WHERE cancelled_on IS NULL AND outcome IS NOT NULL"))
    op.create_index(op.f("ix_rar_activity_nsi_id"), "rar_activity", ["nsi_id"])
    op.create_index(op.f("ix_rar_activity_order_id"), "rar_activity", ["order_id"])
    op.create_index(op.f("ix_rar_activity_person_id"), "rar_activity", ["person_id"])
    op.drop_table("contact_correction")
    op.drop_table("contact")
