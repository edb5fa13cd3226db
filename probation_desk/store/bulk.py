"""Fast bulk writes for imports and the sweep.

On SQLite, rows go straight to the driver's ``executemany`` with values already in the
storage format SQLAlchemy itself uses (ISO dates, 0/1 booleans, JSON text): several
times faster than the generic path at a million rows. Other databases use SQLAlchemy's
own executemany.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Table, bindparam, update


class JsonText(str):
    """JSON already serialised (stored as it is, not serialised again)."""

    __slots__ = ()


@lru_cache(maxsize=64)
def sqlite_datetime(v: dt.datetime) -> str:
    """A timestamp as SQLAlchemy stores it in SQLite (naive UTC text)."""
    if v.tzinfo is not None:
        v = v.astimezone(dt.UTC).replace(tzinfo=None)
    return v.strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_converter(type_: Any) -> Callable[[Any], Any] | None:
    """How SQLAlchemy would store a value of this column type in SQLite."""
    if isinstance(type_, JSON):
        return lambda v: v if isinstance(v, JsonText) else json.dumps(v, ensure_ascii=False)
    if isinstance(type_, DateTime):
        return sqlite_datetime
    if isinstance(type_, Date):
        return dt.date.isoformat
    if isinstance(type_, Boolean):
        return int
    return None


def bulk_insert(con: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows (dicts with the same keys) in one executemany."""
    if con.dialect.name != "sqlite":
        json_cols = [c for c in rows[0] if isinstance(table.c[c].type, JSON)]
        if json_cols:
            rows = [{**r, **{c: json.loads(r[c]) for c in json_cols
                             if isinstance(r[c], JsonText)}} for r in rows]
        con.execute(table.insert(), rows)
        return
    cols = list(rows[0])
    params = _sqlite_params(table, cols, rows)
    names = ", ".join(f'"{c}"' for c in cols)
    marks = ", ".join("?" for _ in cols)
    con.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',  # noqa: S608
        params)


def insert_sql(table: str, cols: tuple[str, ...]) -> str:
    """The SQLite driver's INSERT of one row of ``cols`` into ``table`` (qmark style)."""
    names = ", ".join(f'"{c}"' for c in cols)
    marks = ", ".join("?" for _ in cols)
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608


def insert_tuples(con: Connection, table: Table, cols: tuple[str, ...],
                  rows: list[tuple[Any, ...]]) -> None:
    """Insert rows given as tuples of ``cols`` in one executemany.

    On SQLite the values must already be in the storage format (ISO text dates, naive
    UTC timestamps as :func:`sqlite_datetime` writes them, JSON as :class:`JsonText`);
    Python booleans are stored as 0/1 by the driver. Elsewhere they are Python values.
    """
    if con.dialect.name == "sqlite":
        con.exec_driver_sql(insert_sql(table.name, cols), rows)
        return
    json_at = [i for i, c in enumerate(cols) if isinstance(table.c[c].type, JSON)]
    dicts = []
    for row in rows:
        values = dict(zip(cols, row, strict=True))
        for i in json_at:
            if isinstance(row[i], JsonText):
                values[cols[i]] = json.loads(row[i])
        dicts.append(values)
    con.execute(table.insert(), dicts)


def _sqlite_params(table: Table, cols: list[str],
                   rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    convs = [(i, conv) for i, c in enumerate(cols)
             if (conv := _sqlite_converter(table.c[c].type)) is not None]
    getter = itemgetter(*cols)
    params = []
    for row in rows:
        values = list(getter(row)) if len(cols) > 1 else [getter(row)]
        for i, conv in convs:
            if values[i] is not None:
                values[i] = conv(values[i])
        params.append(tuple(values))
    return params


def bulk_update(con: Connection, table: Table, key: str, rows: list[dict[str, Any]],
                where_equal: tuple[str, ...] = (), fixed: dict[str, Any] | None = None,
                increment: str | None = None) -> int:
    """``UPDATE table SET <row's other columns>, <fixed> WHERE key = row[key] AND ...``.

    ``where_equal`` names row values that must also match (an optimistic-lock version),
    ``increment`` a column to add one to. Returns the number of rows changed.
    """
    if not rows:
        return 0
    fixed = fixed or {}
    set_cols = [c for c in rows[0] if c != key and c not in where_equal]
    if con.dialect.name != "sqlite":
        values: dict[str, Any] = {c: bindparam(f"b_{c}") for c in set_cols}
        values.update(fixed)
        if increment:
            values[increment] = table.c[increment] + 1
        stmt = update(table).where(table.c[key] == bindparam(f"b_{key}"))
        for c in where_equal:
            stmt = stmt.where(table.c[c] == bindparam(f"b_{c}"))
        result = con.execute(stmt.values(**values),
                             [{f"b_{k}": v for k, v in r.items()} for r in rows])
        return int(result.rowcount)
    fixed_params = _sqlite_params(table, list(fixed), [fixed])[0] if fixed else ()
    assignments = [f'"{c}" = ?' for c in list(fixed) + set_cols]
    if increment:
        assignments.append(f'"{increment}" = "{increment}" + 1')
    conditions = " AND ".join(f'"{c}" = ?' for c in (key, *where_equal))
    order = [*set_cols, key, *where_equal]
    params = [fixed_params + p for p in _sqlite_params(table, order, rows)]
    cur = con.exec_driver_sql(
        f'UPDATE "{table.name}" SET {", ".join(assignments)} WHERE {conditions}',  # noqa: S608
        params)
    return int(cur.rowcount)
