"""Team databases know who you are: a staff table, and the server's own login on records

On PostgreSQL, the database itself writes its ``session_user`` into the audit trail's
``actor``, the sign-off's ``by_name`` and the NSI history's new ``recorded_login``
(triggers, so a client cannot claim another name). ``desk_staff`` holds each login's
region and whether an admin allows them to read other regions; the roles, grants and
row-level security built on it are created by ``probation-desk admin init``.
SQLite gets the same columns and table, unused: a SQLite file is personal.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STAMPED = (("audit", "actor"), ("sign_off", "by_name"), ("nsi_status_history", "recorded_login"))


def upgrade() -> None:
    op.create_table(
        "desk_staff",
        sa.Column("login", sa.String(63), primary_key=True),
        sa.Column("region", sa.String(40), nullable=True),
        sa.Column("read_all_regions", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("login", name="pk_desk_staff"),
    )
    with op.batch_alter_table("nsi_status_history") as batch:
        batch.add_column(sa.Column("recorded_login", sa.String(63), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION probation_desk_stamp_login() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], "
        "session_user::text)); RETURN NEW; END $$"
    )
    for table, column in STAMPED:
        op.execute(
            f"CREATE TRIGGER {table}_stamp_login BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION probation_desk_stamp_login('{column}')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, _column in STAMPED:
            op.execute(f"DROP TRIGGER {table}_stamp_login ON {table}")
        op.execute("DROP FUNCTION probation_desk_stamp_login()")
    with op.batch_alter_table("nsi_status_history") as batch:
        batch.drop_column("recorded_login")
    op.drop_table("desk_staff")
