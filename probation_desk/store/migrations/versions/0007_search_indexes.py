"""Indexes for the caseload search: (region, crn, name_key), and names holding a digit

A region's caseload in CRN order, searched by name, is read from one index; a partial
index of the (few) names holding a digit lets a search for a CRN check names without
reading every one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_person_region_crn_name_key", "person", ["region", "crn", "name_key"])
    op.create_index("ix_person_digit_names", "person", ["crn", "name_key"],
                    sqlite_where=sa.text("name_key GLOB '*[0-9]*'"),
                    postgresql_where=sa.text("name_key ~ '[0-9]'"))


def downgrade() -> None:
    op.drop_index("ix_person_digit_names", table_name="person")
    op.drop_index("ix_person_region_crn_name_key", table_name="person")
