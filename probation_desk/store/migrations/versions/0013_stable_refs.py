"""Stable refs for orders, NSIs, module sessions, contacts, SI referrals and sign-offs

Each row gets the reference the export writes for it (``CRN/O1``, ``CRN/N1``, ``CRN/S1``,
``CRN/C1``, ``CRN/R1``, ``CRN/SO1``: numbered per person in id order, as the export
numbered them before refs were stored), so a re-import finds what it already holds.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLES = (("sentence_order", "O"), ("nsi", "N"), ("module_session", "S"),
          ("contact", "C"), ("si_referral", "R"), ("sign_off", "SO"))


def upgrade() -> None:
    for table, letter in TABLES:
        op.add_column(table, sa.Column("ref", sa.String(length=40), nullable=True))
        op.execute(
            f"UPDATE {table} SET ref = numbered.ref FROM ("  # noqa: S608
            f"SELECT t.id AS id, p.crn || '/{letter}' || CAST(ROW_NUMBER() OVER "
            f"(PARTITION BY t.person_id ORDER BY t.id) AS VARCHAR(20)) AS ref "
            f"FROM {table} t JOIN person p ON p.id = t.person_id) AS numbered "
            f"WHERE numbered.id = {table}.id")
        op.create_index(f"ix_{table}_ref", table, ["ref"], unique=True)


def downgrade() -> None:
    for table, _letter in reversed(TABLES):
        op.drop_index(f"ix_{table}_ref", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("ref")
