"""The audit trail cannot be rewritten by INSERT OR REPLACE (SQLite) or TRUNCATE (PostgreSQL)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:00:00

0003 refused UPDATE and DELETE. SQLite's REPLACE deletes the old row without firing
DELETE triggers, so a BEFORE INSERT trigger now refuses any insert that would land on an
existing audit row's id. PostgreSQL's TRUNCATE fires no row triggers, so a statement
trigger refuses it (the table's ownership by a role no login uses is set up by
``probation-desk admin init``).
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit "
            "WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, "
            "'audit rows are append-only: they cannot be changed or deleted'); END"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_no_replace")
    else:
        op.execute("DROP TRIGGER audit_no_truncate ON audit")
