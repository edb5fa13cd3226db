"""A RAR requirement can be terminated early, with a date and a reason

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 21:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sentence_order") as batch_op:
        batch_op.add_column(sa.Column("rar_terminated_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("rar_termination_reason", sa.String(length=200),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sentence_order") as batch_op:
        batch_op.drop_column("rar_termination_reason")
        batch_op.drop_column("rar_terminated_on")
