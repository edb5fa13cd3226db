"""A second process that writes a big import's batches to SQLite while the next is checked.

An import spends about as long checking records (decoding, the domain rules, building
rows) as SQLite spends writing them. Two threads cannot overlap the two: the ``sqlite3``
driver retakes the GIL for every row it binds, so they convoy. A second *process* can:
the import checks batch N+1 while this process writes batch N, on the other core.

The process is a plain executor of statements; every rule stays in the importer. It
opens its own connection with the same pragmas as every other (``engine._sqlite_pragmas``)
and, for each batch, under the write lock (``BEGIN IMMEDIATE``):

- if the database was restored from a backup since the import read it (its restore
  count, ``store.engine.restore_count``, changed), it writes nothing, answers
  ``restored`` and stops: the batch was checked against a database that is gone;
- if anyone else committed since it last looked (``PRAGMA data_version``, or the importer
  says its own snapshot is already older), it answers ``changed`` and keeps the lock,
  waiting for the importer to check the batch again against the database as it now is
  and to send the rows that result; so nothing can change again before they are written;
- it runs the statements, reads the audit table's last id and commits: one transaction,
  all or nothing, exactly as the importer would itself;
- it answers ``done`` (with that id), or ``failed`` with the database's own error after
  rolling the batch back.

Only the standard library, msgspec (the messages are MessagePack) and
:mod:`probation_desk.store.engine` (itself stdlib at import) are loaded here, so the
process starts in a few tens of milliseconds. If the importer
dies, this process sees the pipe close and exits: a batch it was writing is committed
whole or not at all.
"""

from __future__ import annotations

import contextlib
import gc
import os
import socket
import sqlite3
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import msgspec

Statements = list[tuple[str, list[tuple[Any, ...]]]]
"""A batch: (SQL, rows) pairs, run with ``executemany`` in this order."""


_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder().decode
# Messages are MessagePack arrays (msgspec): ten times quicker to build than a pickle
# of the same rows, and the rows' values (text, integers, None, booleans) are all it has.


def _send(pipe: Connection, *message: Any) -> None:
    pipe.send_bytes(_encode(message))


def _failure(exc: sqlite3.Error) -> tuple[str, str, str]:
    return ("failed", type(exc).__name__, str(exc))


def _data_version(con: sqlite3.Connection) -> int:
    return int(con.execute("PRAGMA data_version").fetchone()[0])


def _write(con: sqlite3.Connection, statements: Statements) -> int:
    for sql, rows in statements:
        con.executemany(sql, rows)
    return int(con.execute("SELECT max(id) FROM audit").fetchone()[0] or 0)


def serve(pipe: Connection, path: str, restores: int) -> None:
    """Write the batches that come down ``pipe`` to the SQLite file at ``path``
    (``restores``: its restore count when the import read it)."""
    from probation_desk.store.engine import _sqlite_pragmas, restore_count

    gc.disable()  # each batch is millions of fresh objects and no cycles: no collections
    try:
        con = sqlite3.connect(path, timeout=15, isolation_level=None)
        _sqlite_pragmas(con, None)
        con.execute("PRAGMA cache_size=-65536")  # 64 MB while loading
        version = _data_version(con)
    except sqlite3.Error as exc:
        with contextlib.suppress(OSError):
            _send(pipe, *_failure(exc))
        return
    try:
        _send(pipe, "ready")
        while True:
            message = _decode(pipe.recv_bytes())
            if message[0] == "stop":
                break
            _kind, statements, stale = message
            try:
                con.execute("BEGIN IMMEDIATE")
                if restore_count(con) != restores:
                    con.execute("ROLLBACK")
                    _send(pipe, "restored", restore_count(con))
                    break
                now = _data_version(con)
                if stale or now != version:
                    version = now
                    _send(pipe, "changed")
                    reply = _decode(pipe.recv_bytes())
                    if reply[0] != "rows":  # the importer gave up: nothing is written
                        con.execute("ROLLBACK")
                        break
                    statements = reply[1]
                last_audit = _write(con, statements)
                con.execute("COMMIT")
            except sqlite3.Error as exc:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                _send(pipe, *_failure(exc))
                continue
            _send(pipe, "done", last_audit)
    except (EOFError, OSError):  # the importer has gone: leave nothing half-written
        if con.in_transaction:
            con.execute("ROLLBACK")
    finally:
        con.close()


class WriteProcess:
    """The importer's end: start the process, send batches, hear how each ended.

    The process is ``python -m probation_desk.store.write_process FD PATH``, talking over
    a socket pair with :mod:`multiprocessing.connection`'s framing. (multiprocessing's
    own "spawn" would run the parent's main script again in the child.) A frozen build
    has no interpreter to start, so there the importer writes in its own process.
    """

    def __init__(self, path: str, restores: int) -> None:
        if getattr(sys, "frozen", False):
            raise RuntimeError("no interpreter to start in a frozen build")
        ours, theirs = socket.socketpair()
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "probation_desk.store.write_process",
                 str(theirs.fileno()), path, str(restores)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env,
                close_fds=True)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.pipe = Connection(ours.detach())
        self.in_flight = False
        self.restores = restores

    def ready(self) -> None:
        """Wait for the process's connection; raise the database's error if it failed."""
        self._expect("ready")

    def send(self, statements: Statements, *, stale: bool = False) -> None:
        """Hand over one batch (``stale``: the importer knows it must be checked again)."""
        self._send("batch", statements, stale)
        self.in_flight = True

    def outcome(self) -> tuple[str, Any]:
        """How the batch in flight ended: ``("done", last audit id)`` or ``("changed",
        None)`` (the lock is held: answer with :meth:`rows`); a failure is raised, and a
        restore found under the lock as :class:`~probation_desk.errors.DatabaseReplaced`."""
        kind, value = self._receive()
        if kind == "done":
            self.in_flight = False
        return kind, value

    def rows(self, statements: Statements) -> None:
        """The batch checked again, to be written under the lock still held."""
        self._send("rows", statements)

    def _send(self, *message: Any) -> None:
        try:
            _send(self.pipe, *message)
        except OSError:
            raise sqlite3.OperationalError(
                "the import's writing process stopped unexpectedly") from None

    def _receive(self) -> tuple[str, Any]:
        """The next answer; a ``failed`` one raised as the database's own error."""
        try:
            message = _decode(self.pipe.recv_bytes())
        except (EOFError, OSError, msgspec.DecodeError):
            self.in_flight = False
            raise sqlite3.OperationalError(
                "the import's writing process stopped unexpectedly") from None
        if message[0] == "restored":
            from probation_desk.store.engine import replaced

            self.in_flight = False
            raise replaced(self.restores, int(message[1]))
        if message[0] == "failed":
            self.in_flight = False
            error = getattr(sqlite3, message[1], None)
            if not (isinstance(error, type) and issubclass(error, sqlite3.Error)):
                error = sqlite3.Error
            raise error(message[2])
        return str(message[0]), message[1] if len(message) > 1 else None

    def _expect(self, kind: str) -> None:
        got, _value = self._receive()
        if got != kind:
            raise sqlite3.OperationalError(f"the import's writing process said {got!r}")

    def close(self) -> None:
        """Stop the process (after the batch in flight has been heard)."""
        try:
            _send(self.pipe, "stop")
        except (OSError, ValueError):
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.pipe.close()


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
