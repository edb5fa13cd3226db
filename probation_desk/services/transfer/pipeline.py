"""Writing the importer's accepted batches: each batch one transaction with its audit rows,
in this process or, for a big import into a SQLite file, through a second process.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, func, select, update

from probation_desk.domain import module
from probation_desk.services.transfer.common import (
    _COLUMNS,
    _INSERT_SQL,
    _MODELS,
    _MODULE_SQL,
    _OPENED_SQL,
    BatchFailed,
    _Flight,
    logger,
)
from probation_desk.store.bulk import insert_tuples
from probation_desk.store.models import (
    AuditEntry,
    Person,
    table_of,
)
from probation_desk.store.write_process import Statements, WriteProcess


class WriterPipeline:
    """Writing accepted batches: in this process, or through the second writing
    process on a big SQLite import (part of the importer)."""

    if TYPE_CHECKING:
        path: str | None
        data_version: int | None
        restores: int
        pending: dict[str, list[tuple[Any, ...]]]
        pending_lines: list[int]
        batch_counts: dict[str, int]
        session_undo: list[int]
        window: list[tuple[int, Any]]
        marks: tuple[Any, ...]
        saved: int
        settled: int | None
        writer: WriteProcess | None
        flight: _Flight | None

        def __getattr__(self, name: str) -> Any: ...

    def _start_writer(self) -> None:
        """Start the writing process; if it cannot start, batches are written here."""
        assert self.path is not None
        try:
            writer = WriteProcess(self.path, self.restores)
        except (OSError, RuntimeError, ValueError):
            logger.warning("import: second writing process not started; writing in-process")
            self.path = None
            return
        try:
            writer.ready()
        except Exception:
            writer.close()
            logger.warning("import: second writing process has no database; writing "
                           "in-process")
            self.path = None
            return
        self.writer = writer
        # Its connection's first look came after this import's snapshot: if anyone has
        # committed since that snapshot, the first batch it gets is checked again.
        with self.write_con.begin():
            self.stale = self._data_version(self.write_con) != self.data_version

    def _hand_over(self) -> None:
        """Give the pending batch to the writing process and start the next window."""
        assert self.writer is not None
        statements = self._statements()
        self.close()
        try:
            self.writer.send(statements, stale=self.stale)
        except Exception as exc:
            raise BatchFailed(self.pending_lines[0], exc) from exc
        self.stale = False
        self.flight = _Flight(self.pending_lines[0], self.window[-1][0],
                              len(self.pending_lines), dict(self.batch_counts), self.window,
                              self.session_undo, self.marks)
        self.pending, self.pending_lines = defaultdict(list), []
        self.batch_counts = defaultdict(int)
        self._new_window()

    def _land(self) -> None:
        """Hear how the batch in flight ended, and count it; a refusal is BatchFailed.

        If someone else committed before the writing process took the write lock, it
        holds the lock and waits: the batch's records are checked again here against
        the database as it now is, and so are the records read since (they were checked
        as if the batch had been written as it was).
        """
        flight, writer = self.flight, self.writer
        assert flight is not None and writer is not None
        later: list[tuple[int, Any]] | None = None
        try:
            kind, last_audit = writer.outcome()
            if kind == "changed":
                later = self.window
                self.window = flight.window
                self.session_undo = flight.session_undo + self.session_undo
                self.marks = flight.marks
                self._recheck()
                statements = self._statements()
                self.close()
                writer.rows(statements)
                flight.lines, flight.counts = len(self.pending_lines), dict(self.batch_counts)
                kind, last_audit = writer.outcome()
        except Exception as exc:
            self.flight = None
            raise BatchFailed(flight.first, exc) from exc
        self.flight = None
        self.audit_seen = int(last_audit)
        self.saved += flight.lines
        for name, n in flight.counts.items():
            self.saved_counts[name] += n
        self.settled = flight.last
        if later is not None:  # the records read meanwhile, checked again after it
            self.pending, self.pending_lines = defaultdict(list), []
            self.batch_counts = defaultdict(int)
            self._new_window()
            for line, rec in later:
                self.take(line, rec)

    def land_all(self) -> None:
        """Wait for the batch in flight; stop the writing process."""
        try:
            if self.flight is not None:
                self._land()
        finally:
            self.stop_writer()

    def stop_writer(self) -> None:
        """Stop the writing process (a batch it is writing is finished or rolled back)."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None
            self.flight = None

    def _statements(self) -> Statements:
        """The pending batch as SQL and rows for the SQLite driver, in write order."""
        pending = self.pending
        out: Statements = [(_INSERT_SQL[name], rows) for name in _COLUMNS
                           if (rows := pending.get(name))]
        opened, modules = self._counter_rows(pending)
        if opened:
            out.append((_OPENED_SQL, opened))
        if modules:
            out.append((_MODULE_SQL, [(status, self.d(done), pid)
                                      for status, done, pid in modules]))
        return out

    def _write(self) -> None:
        """One transaction: the rows, their people's counters and their audit rows.

        Everything that summarises the rows is written with them, so a kill, a full disk
        or a refused batch can never leave a person's open count or module status out of
        step with the rows that are really there.
        """
        con = self.write_con
        with con.begin():  # SQLite: BEGIN IMMEDIATE (the write lock)
            if self.sqlite:
                version = self._data_version(con)
                if version != self.data_version:
                    self._recheck()  # someone else committed: check again, under the lock
                    self.close()
                    self.data_version = version
                con.exec_driver_sql("PRAGMA cache_size=-65536")  # 64 MB while loading
            else:
                self._note_others(con, self.audit_seen)
            pending = self.pending
            for name, cols in _COLUMNS.items():
                rows = pending.get(name)
                if rows:
                    insert_tuples(con, table_of(_MODELS[name]), cols, rows)
            self._write_counters(con, pending)
            self.audit_seen = int(con.execute(select(func.max(AuditEntry.id))).scalar() or 0)

    def _counter_rows(self, pending: dict[str, list[tuple[Any, ...]]]
                      ) -> tuple[list[tuple[int, int]],
                                 list[tuple[str, dt.date | None, int]]]:
        """This batch's additions to people's open NSI counts, ``(n, person id)``, and
        the module state of everyone it adds sessions for, ``(status, completed on,
        person id)``."""
        opened: dict[int, int] = defaultdict(int)
        who, active = self._NSI_PERSON, self._NSI_ACTIVE
        for row in pending.get("nsi", ()):
            if row[active]:
                opened[row[who]] += 1
        modules = []
        for pid in sorted({row[self._SESSION_PERSON]
                           for row in pending.get("module_session", ())}):
            state = module.module_state(self._all_sessions(pid))
            modules.append((state.status.name, state.completed_on, pid))
        return [(n, pid) for pid, n in opened.items()], modules

    def _write_counters(self, con: Connection, pending: dict[str, list[tuple[Any, ...]]]
                        ) -> None:
        """Add this batch's open NSIs to their people's counts; set their module state."""
        opened, modules = self._counter_rows(pending)
        if self.sqlite:  # straight to the driver: tuples, no compiled statement
            if opened:
                con.exec_driver_sql(_OPENED_SQL, opened)
            if modules:
                con.exec_driver_sql(_MODULE_SQL, [(status, self.d(done), pid)
                                                  for status, done, pid in modules])
            return
        t = table_of(Person)
        if opened:
            con.execute(update(t).where(t.c.id == bindparam("b_id"))
                        .values(open_nsis=t.c.open_nsis + bindparam("b_n")),
                        [{"b_id": pid, "b_n": n} for n, pid in opened])
        if modules:
            con.execute(update(t).where(t.c.id == bindparam("b_id"))
                        .values(module_status=bindparam("b_status"),
                                module_completed_on=bindparam("b_done")),
                        [{"b_id": pid, "b_status": status, "b_done": done}
                         for status, done, pid in modules])
