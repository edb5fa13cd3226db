"""Alembic environment: uses the engine handed over in ``config.attributes``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from probation_desk.store.engine import writer
from probation_desk.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on the engine the app opened (or the URL in the config)."""
    engine = config.attributes.get("engine")
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    # One transaction for the whole upgrade, write lock taken first: on SQLite too (the
    # engine emits BEGIN itself, so DDL is not committed statement by statement), a kill
    # at any moment leaves the schema exactly as it was before.
    with writer(engine).begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            transaction_per_migration=False,
        )
        context.run_migrations()


run_migrations_online()
