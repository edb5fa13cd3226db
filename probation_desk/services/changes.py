"""Seeing each other's work: what other people (or processes) committed since we last looked.

On PostgreSQL every statement that changes a table sends a notice after commit
(``store/server.py``: the table, the operation, and at most 200 row and person ids, never
names or notes); the watcher LISTENs on its own connection. On SQLite a second process
writing the file shows as a new ``PRAGMA data_version`` on a connection kept open for it.
``poll`` never waits, so the window can call it from a timer.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

from probation_desk.addresses import sqlite_file
from probation_desk.store.server import NOTICE_CHANNEL

log = logging.getLogger("probation_desk")


@dataclass(frozen=True)
class ElsewhereChange:
    """Something committed by another connection."""

    tables: frozenset[str] = frozenset()
    people: frozenset[int] = frozenset()
    nsis: frozenset[int] = frozenset()
    everything: bool = False  # people added or removed, too many ids, or unknown (SQLite)


class ChangeWatcher:
    """Reports changes committed by other connections; ``poll`` returns at once."""

    def __init__(self, engine: Engine) -> None:
        self._pg: Any = None
        self._sqlite: sqlite3.Connection | None = None
        self._version: int | None = None
        self._own_pids: set[int] = set()
        if engine.dialect.name == "postgresql":
            # Our own changes are announced by the operations themselves: know our own
            # server sessions, so their notices are not taken for someone else's.
            engine.dispose()
            event.listen(engine, "connect", self._remember_pid)
            raw = engine.raw_connection()
            self._pg = raw.driver_connection
            raw.detach()  # its own connection, never handed back to the pool
            self._pg.rollback()
            self._pg.autocommit = True
            self._pg.execute(f"LISTEN {NOTICE_CHANNEL}")
        else:
            path = sqlite_file(engine.url.render_as_string(hide_password=False))
            if path is not None:
                self._sqlite = sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                               check_same_thread=False)
                self._version = self._data_version()

    def _remember_pid(self, dbapi_con: Any, _record: Any) -> None:
        self._own_pids.add(int(dbapi_con.info.backend_pid))

    def seen_own_change(self) -> None:
        """Our own operation just committed (SQLite cannot tell whose change it was)."""
        if self._sqlite is not None:
            try:
                self._version = self._data_version()
            except sqlite3.Error:
                pass

    def _data_version(self) -> int | None:
        assert self._sqlite is not None
        row = self._sqlite.execute("PRAGMA data_version").fetchone()
        return int(row[0]) if row else None

    def poll(self) -> ElsewhereChange | None:
        """What changed since the last poll (None if nothing)."""
        try:
            if self._pg is not None:
                return self._poll_pg()
            if self._sqlite is not None:
                version = self._data_version()
                if version != self._version:
                    self._version = version
                    return ElsewhereChange(everything=True)
        except Exception as exc:  # a lost connection must not break the window
            log.warning("change watcher stopped: %s", exc.__class__.__name__)
            self.close()
        return None

    def _poll_pg(self) -> ElsewhereChange | None:
        tables: set[str] = set()
        people: set[int] = set()
        nsis: set[int] = set()
        everything = False
        seen = False
        for notice in self._pg.notifies(timeout=0):
            if notice.pid in self._own_pids:
                continue
            seen = True
            try:
                data = json.loads(notice.payload)
                table, op, ids = data["table"], data["op"], data.get("ids") or []
                count = int(data.get("count") or 0)
            except (ValueError, KeyError, TypeError):
                everything = True
                continue
            tables.add(table)
            if count > len(ids) or (table == "person" and op != "update"):
                everything = True
            if table == "person":
                people.update(int(i) for i in ids)
            people.update(int(p) for p in data.get("people") or [] if p is not None)
            if table == "nsi":
                nsis.update(int(i) for i in ids)
            elif table == "nsi_status_history":
                everything = everything or not people
        if not seen:
            return None
        return ElsewhereChange(frozenset(tables), frozenset(people), frozenset(nsis),
                               everything or not people)

    def close(self) -> None:
        """Stop watching (closes the watcher's own connection)."""
        if self._pg is not None:
            try:
                self._pg.close()
            finally:
                self._pg = None
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
