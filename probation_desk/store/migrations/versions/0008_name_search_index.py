"""Name search index: FTS5 trigram table on SQLite, pg_trgm GIN index on PostgreSQL

Substring search on person.name_key for terms of three or more characters, instead of
reading every name (see ``store.search_index``). Where the database cannot have it (a
SQLite library without FTS5 trigrams, a PostgreSQL server without pg_trgm or the right
to install it) the migration leaves the schema as it was and the search keeps using
LIKE: slower, same results.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:20:00
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection, exc, text

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SQLITE_DDL = (
    # The table (external content: the names stay only in person), then the triggers.
    "CREATE VIRTUAL TABLE person_name_fts USING fts5(name_key, content='person', "
    "content_rowid='id', tokenize='trigram')",
    "INSERT INTO person_name_fts(person_name_fts) VALUES ('rebuild')",
    "CREATE TRIGGER person_name_fts_ai AFTER INSERT ON person BEGIN "
    "INSERT INTO person_name_fts(rowid, name_key) VALUES (new.id, new.name_key); END",
    "CREATE TRIGGER person_name_fts_ad AFTER DELETE ON person BEGIN "
    "INSERT INTO person_name_fts(person_name_fts, rowid, name_key) "
    "VALUES ('delete', old.id, old.name_key); END",
    "CREATE TRIGGER person_name_fts_au AFTER UPDATE OF name_key ON person BEGIN "
    "INSERT INTO person_name_fts(person_name_fts, rowid, name_key) "
    "VALUES ('delete', old.id, old.name_key); "
    "INSERT INTO person_name_fts(rowid, name_key) VALUES (new.id, new.name_key); END",
)


def _sqlite_has_trigrams(bind: Connection) -> bool:
    """FTS5 with the trigram tokenizer (SQLite 3.34+ built with FTS5)."""
    try:
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.pd_fts_probe USING fts5(x, "
                             "tokenize='trigram')")
        bind.exec_driver_sql("DROP TABLE temp.pd_fts_probe")
    except exc.OperationalError:
        return False
    return True


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        if _sqlite_has_trigrams(bind):
            for statement in SQLITE_DDL:
                op.execute(statement)
    elif bind.dialect.name == "postgresql":
        available = bind.execute(text(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first()
        if available is None:
            return
        try:
            with bind.begin_nested():  # a savepoint: without the right, nothing changes
                bind.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except exc.DBAPIError:
            return
        op.execute("CREATE INDEX ix_person_name_key_trgm ON person "
                   "USING gin (name_key gin_trgm_ops)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS person_name_fts_au")
        op.execute("DROP TRIGGER IF EXISTS person_name_fts_ad")
        op.execute("DROP TRIGGER IF EXISTS person_name_fts_ai")
        op.execute("DROP TABLE IF EXISTS person_name_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_person_name_key_trgm")
