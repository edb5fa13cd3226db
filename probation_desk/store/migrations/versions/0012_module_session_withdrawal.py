"""Module sessions can be withdrawn (kept, never erased) instead of deleted

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 21:26:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("module_session") as batch_op:
        batch_op.add_column(sa.Column("withdrawn_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.String(length=200),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("module_session") as batch_op:
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_on")
