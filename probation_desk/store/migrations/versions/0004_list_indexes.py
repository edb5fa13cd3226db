"""Indexes for big lists: NSI status filter, and the caseload in CRN order with search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 00:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_nsi_status_person", "nsi", ["status", "person_id"])
    op.create_index("ix_person_crn_name_key", "person", ["crn", "name_key"])


def downgrade() -> None:
    op.drop_index("ix_person_crn_name_key", table_name="person")
    op.drop_index("ix_nsi_status_person", table_name="nsi")
