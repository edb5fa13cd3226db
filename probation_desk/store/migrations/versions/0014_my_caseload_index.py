"""My caseload's index: (practitioner, crn, name_key, region) instead of (practitioner)

The caseload opens on the signed-in practitioner's own people in CRN order. With the
practitioner index alone, SQLite read every one of their rows from the table and sorted
them for the first window (thousands of scattered pages a practitioner at a million
people); this index gives the window in order from the index alone, searched by name
and checked against a region filter without reading the table. It also answers what the
old one-column index did (a practitioner's people, the practitioners listed), so that
one goes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 02:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_person_practitioner_crn_name_key", "person",
                    ["practitioner", "crn", "name_key", "region"])
    op.drop_index("ix_person_practitioner", table_name="person")


def downgrade() -> None:
    op.create_index("ix_person_practitioner", "person", ["practitioner"])
    op.drop_index("ix_person_practitioner_crn_name_key", table_name="person")
