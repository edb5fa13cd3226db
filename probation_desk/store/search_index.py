"""The name search index: substring search on ``person.name_key`` without a scan.

A name search is a substring match (``name_key LIKE '%term%'``), which no ordinary
index can answer: SQLite and PostgreSQL read every name. For terms of three or more
characters a trigram index can:

- SQLite: an FTS5 table with the ``trigram`` tokenizer over ``person.name_key``
  (:data:`FTS_TABLE`, external content, so the names are not stored twice), kept up to
  date by triggers on ``person``; a phrase query (:func:`fts_phrase`) finds exactly the
  rows holding the term as a substring. Created by migration 0008 where the SQLite
  library has FTS5 (3.34 or later for trigrams); :func:`has_name_index` says whether
  this database has it, and the search falls back to ``LIKE`` where it does not.
- PostgreSQL: a ``pg_trgm`` GIN index on ``name_key`` (:data:`PG_TRGM_INDEX`), which the
  planner uses for ``LIKE '%term%'`` by itself.

Trigrams cannot help a term of one or two characters; those are answered by walking
the ordered indexes instead (``services.caseload_search``).

None of these objects is a model: :func:`modelled` tells the schema comparison (test
of the migrations against ``store.models``) to leave them out.
"""

from __future__ import annotations

import weakref

from sqlalchemy import Connection, Engine, text

FTS_TABLE = "person_name_fts"
"""The FTS5 trigram table over person.name_key (SQLite)."""
FTS_TRIGGERS = ("person_name_fts_ai", "person_name_fts_ad", "person_name_fts_au")
PG_TRGM_INDEX = "ix_person_name_key_trgm"
"""The pg_trgm GIN index over person.name_key (PostgreSQL)."""
MIN_CHARS = 3
"""Shortest term a trigram index can answer."""

_present: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def has_name_index(con: Connection) -> bool:
    """True when this SQLite database has the FTS5 name index (checked once per engine)."""
    if con.dialect.name != "sqlite":
        return False
    engine = con.engine
    found = _present.get(engine)
    if found is None:
        found = con.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                 "name = :n"), {"n": FTS_TABLE}).first() is not None
        _present[engine] = found
    return found


def forget(engine: Engine) -> None:
    """Check again next time (after a migration created or dropped the index)."""
    _present.pop(engine, None)


def fts_phrase(key: str) -> str:
    """A name key as an FTS5 phrase: matches rows holding it as a substring."""
    return '"' + key.replace('"', '""') + '"'


def modelled(name: str | None, type_: str, _parents: object = None) -> bool:
    """False for the search index's own objects, which are not in ``store.models``.

    Shaped for Alembic's ``include_name`` hook.
    """
    if name is None:
        return True
    if type_ == "table" and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_")):
        return False
    return not (type_ == "index" and name == PG_TRGM_INDEX)
