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
import threading
import time
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
    """Reports changes committed by other connections; ``poll`` returns at once.

    On a team database the watcher listens on a connection of its own (the pool's
    connection is left to the window's reads). When that connection is lost it is
    made again in the background, waiting 1, 2, 4 … up to 30 seconds between tries;
    meanwhile :attr:`listening` is False, and once it listens again the first poll
    reports that anything may have changed (the notices sent meanwhile are lost).
    """

    RETRY_FIRST = 1.0
    RETRY_MOST = 30.0

    def __init__(self, engine: Engine) -> None:
        self._pg: Any = None
        self._sqlite: sqlite3.Connection | None = None
        self._version: int | None = None
        self._own_pids: set[int] = set()
        self._engine = engine
        self._lock = threading.Lock()
        self._closed = False
        self._missed = False
        self._retrying: threading.Thread | None = None
        if engine.dialect.name == "postgresql":
            # Our own changes are announced by the operations themselves: know our own
            # server sessions, so their notices are not taken for someone else's. The
            # session id is known to the driver, so this costs no round trip.
            event.listen(engine, "checkout", self._remember_checkout)
            self._pg = self._listen()
        else:
            path = sqlite_file(engine.url.render_as_string(hide_password=False))
            if path is not None:
                self._sqlite = sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                               check_same_thread=False)
                self._version = self._data_version()

    @property
    def listening(self) -> bool:
        """False while a team database's watcher has lost its connection."""
        return self._engine.dialect.name != "postgresql" or self._pg is not None \
            or self._closed

    def _listen(self) -> Any:
        """A connection of the watcher's own, listening (not taken from the pool)."""
        from probation_desk.store.engine import network_settings

        engine = self._engine
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        cparams.update(network_settings(engine.url.render_as_string(hide_password=False)))
        con = engine.dialect.loaded_dbapi.connect(*cargs, **cparams)
        try:
            con.autocommit = True
            con.execute(f"LISTEN {NOTICE_CHANNEL}")
        except Exception:
            con.close()
            raise
        return con

    def _remember_checkout(self, dbapi_con: Any, _record: Any, _proxy: Any) -> None:
        self._remember_pid(dbapi_con, _record)

    def _lost(self) -> None:
        """The watcher's connection went: close it and listen again in the background."""
        with self._lock:
            con, self._pg = self._pg, None
            if con is not None:
                try:
                    con.close()
                except Exception:  # already broken
                    pass
            if self._closed or (self._retrying is not None and self._retrying.is_alive()):
                return
            self._retrying = threading.Thread(target=self._retry, daemon=True,
                                              name="change-watcher-retry")
            self._retrying.start()

    def _retry(self) -> None:
        wait = self.RETRY_FIRST
        while not self._closed:
            time.sleep(wait)
            if self._closed:
                return
            try:
                con = self._listen()
            except Exception as exc:
                log.info("change watcher cannot listen yet: %s", exc.__class__.__name__)
                wait = min(wait * 2, self.RETRY_MOST)
                continue
            with self._lock:
                if self._closed:
                    con.close()
                    return
                self._pg, self._missed = con, True
            log.info("change watcher listening again")
            return

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
        if self._engine.dialect.name == "postgresql":
            if self._pg is None:
                return None
            try:
                change = self._poll_pg()
            except Exception as exc:  # a lost connection must not break the window
                log.warning("change watcher lost its connection (%s); listening again "
                            "in the background", exc.__class__.__name__)
                self._lost()
                return None
            if self._missed:
                self._missed = False
                return ElsewhereChange(everything=True)
            return change
        try:
            if self._sqlite is not None:
                version = self._data_version()
                if version != self._version:
                    self._version = version
                    return ElsewhereChange(everything=True)
        except sqlite3.Error as exc:
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
            parsed = parse_notice(notice.payload)
            if parsed is None:
                # Anyone who may connect can send on the channel: a notice that is not
                # one of ours is logged (never its text: it could hold anything) and
                # ignored, and the watcher carries on.
                log.warning("change watcher ignored a notice that is not well-formed "
                            "(%d characters)", len(str(notice.payload)))
                continue
            seen = True
            table, op, ids, count, named = parsed
            tables.add(table)
            if count > len(ids) or (table == "person" and op != "update"):
                everything = True
            if table == "person":
                people.update(ids)
            people.update(named)
            if table == "nsi":
                nsis.update(ids)
            elif table == "nsi_status_history":
                everything = everything or not people
        if not seen:
            return None
        return ElsewhereChange(frozenset(tables), frozenset(people), frozenset(nsis),
                               everything or not people)

    def close(self) -> None:
        """Stop watching (closes the watcher's own connection)."""
        self._closed = True
        with self._lock:
            con, self._pg = self._pg, None
        if con is not None:
            try:
                con.close()
            except Exception:  # already broken
                pass
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None


def parse_notice(payload: object) -> tuple[str, str, list[int], int, list[int]] | None:
    """A change notice's table, operation, row ids, row count and people (None when the
    payload is not one of ours: not JSON, wrong shapes, ids that are not numbers)."""
    try:
        data = json.loads(str(payload))
        if not isinstance(data, dict):
            return None
        table, op = data["table"], data["op"]
        if not isinstance(table, str) or not isinstance(op, str):
            return None
        raw_ids = data.get("ids") or []
        raw_people = data.get("people") or []
        if not isinstance(raw_ids, list) or not isinstance(raw_people, list):
            return None
        ids = [_whole(i) for i in raw_ids]
        people = [_whole(p) for p in raw_people if p is not None]
        count = _whole(data.get("count") or 0)
    except (ValueError, KeyError, TypeError):
        return None
    return table, op, ids, count, people


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError("not a whole number")
    return int(value)
