"""Background work for the window: a small typed helper on QThreadPool.

Every database call the window makes goes through here, so the GUI thread never waits
on the database, the disk or the printer. Used in the manner of Anki's operations::

    tasks.op(self, lambda p: desk.sweep(progress=p)) \\
        .success(self._swept) \\
        .with_progress(lambda done, total: f"Closing {done:,} of {total:,}", cancellable=True) \\
        .run_in_background()

The work function runs on a pool thread and receives a :class:`Progress`; it may call
``progress(done, total)``, which returns False once the person pressed Cancel (the
same contract as ``Desk.sweep(progress=...)``). ``success`` and ``failure`` callbacks
run on the GUI thread. A failure nobody handles is shown in a plain message box (a
refusal in the rule's own words, anything else without a traceback, logged).

:class:`Tasks` is the one shared runner of the window. Its ``changed`` signal carries
a :class:`Change` after any operation that altered data, so each view refreshes
itself (Anki's app-wide "operation did" signal). ``Op.superseding(key)`` keeps only
the newest outcome of repeated work (a list reloaded at each keystroke).

This is the window's only way to run background work: pages and dialogs take the
window's :class:`Tasks` (a page made on its own, in a test, makes its own).

Signals:
    Tasks.changed(Change): data changed; views reload what they show.
    Tasks.busy_changed(bool): work started (True) or everything finished (False).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

if TYPE_CHECKING:  # imported where used: the window's shell is shown without them
    from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger("probation_desk")

T = TypeVar("T")

ProgressText = Callable[[int, int], str]
"""Builds the progress dialog's label from (done, total)."""


@dataclass(frozen=True)
class Change:
    """What an operation changed, so views can reload only what they show."""

    people: frozenset[int] = frozenset()
    nsis: bool = False
    module: bool = False
    everything: bool = False
    settings: bool = False

    @classmethod
    def person(cls, person_id: int, *, nsis: bool = False, module: bool = False) -> Change:
        """A change to one person's record."""
        return cls(people=frozenset({person_id}), nsis=nsis, module=module)


class Progress:
    """Handed to the work function: report how far it got, and learn of Cancel.

    Calling it as ``progress(done, total)`` returns True to keep going, False once
    Cancel was pressed. Reports are coalesced: at most one is waiting for the GUI at a
    time, and the GUI always shows the latest figures.
    """

    def __init__(self, report: Callable[[], None]) -> None:
        self._report = report
        self._cancel = threading.Event()
        self._pending = False
        self.latest = (0, 0)

    def __call__(self, done: int, total: int = 0) -> bool:
        self.latest = (done, total)
        if not self._pending:
            self._pending = True
            self._report()
        return not self._cancel.is_set()

    def take(self) -> tuple[int, int]:
        """The latest figures (called on the GUI thread when a report arrives)."""
        self._pending = False
        return self.latest

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """True once Cancel was pressed."""
        return self._cancel.is_set()


class _Bridge(QObject):
    """Lives on the GUI thread; carries the outcome back from the pool thread."""

    finished = Signal(bool, object)
    progressed = Signal()

    def __init__(self, op: Op[Any]) -> None:
        super().__init__()
        from PySide6.QtCore import Qt

        self._op = op
        self.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)

    @Slot(bool, object)
    def _on_finished(self, ok: bool, value: object) -> None:
        self._op._finish(ok, value)

    @Slot()
    def _on_progress(self) -> None:
        self._op._show_progress(*self._op.progress.take())


LONG_WORK_NICE = 10
"""How far long work's threads step back (a Unix nice value): the window's own thread
and its quick reads are served first, so typing a search while the day's backup or the
full page check runs stays quick; long work still has every idle moment of the CPU."""

_thread = threading.local()


def yield_to_the_window() -> None:
    """Lower this pool thread's CPU priority, once.

    Through Qt (``QThread.setPriority``) where Qt can: Windows and macOS map its
    ``LowPriority`` to the system's lower thread priority. On Linux Qt's priorities are
    no-ops for ordinary threads (``SCHED_OTHER`` has one priority), so the thread gets
    a nice value of its own instead; where neither is allowed nothing changes.
    """
    if getattr(_thread, "lowered", False):
        return
    _thread.lowered = True
    if sys.platform != "linux":
        thread = QThread.currentThread()
        if thread is not None:
            thread.setPriority(QThread.Priority.LowPriority)
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid,
                       max(os.getpriority(os.PRIO_PROCESS, tid), LONG_WORK_NICE))
    except OSError:  # not allowed: leave it as it is
        pass


class _Job(QRunnable):
    """Runs the work function on a pool thread."""

    def __init__(self, work: Callable[[Progress], Any], progress: Progress,
                 bridge: _Bridge, long: bool = False) -> None:
        super().__init__()
        self._work, self._progress, self._bridge = work, progress, bridge
        self._long = long

    def run(self) -> None:
        if self._long:
            yield_to_the_window()
        try:
            value = self._work(self._progress)
        except BaseException as exc:  # handed to the GUI thread and shown there
            ok, value = False, exc
        else:
            ok = True
        try:
            self._bridge.finished.emit(ok, value)
        except RuntimeError:  # the window closed meanwhile: nobody left to tell
            pass


class Op(Generic[T]):
    """One piece of background work and what to do with its outcome."""

    def __init__(self, tasks: Tasks, parent: QWidget | None,
                 work: Callable[[Progress], T]) -> None:
        self._tasks = tasks
        self._parent = parent
        self._work = work
        self._on_success: list[Callable[[T], object]] = []
        self._on_failure: Callable[[BaseException], object] | None = None
        self._on_finally: list[Callable[[], object]] = []
        self._label: ProgressText | None = None
        self._title = "Probation Desk"
        self._cancellable = False
        self._delay_ms = 400
        self._long = False
        self._dialog: QProgressDialog | None = None
        self.progress = Progress(self._emit_progress)
        self._bridge = _Bridge(self)
        self._key: str | None = None
        self.done = False

    # ---------------------------------------------------------------- building
    def success(self, fn: Callable[[T], object]) -> Op[T]:
        """Call ``fn(result)`` on the GUI thread when the work succeeds."""
        self._on_success.append(fn)
        return self

    def failure(self, fn: Callable[[BaseException], object]) -> Op[T]:
        """Call ``fn(exception)`` on the GUI thread instead of the default message box."""
        self._on_failure = fn
        return self

    def finally_(self, fn: Callable[[], object]) -> Op[T]:
        """Call ``fn()`` after success or failure (to re-enable buttons, say)."""
        self._on_finally.append(fn)
        return self

    def superseding(self, key: str) -> Op[T]:
        """Drop this outcome when a newer op with the same ``key`` was started meanwhile
        (a list reload overtaken by the next keystroke): only the latest one is shown."""
        self._key = key
        return self

    def long(self) -> Op[T]:
        """Run on the pool for long work (a sweep, printing, a demo load), so quick reads
        never queue behind it."""
        self._long = True
        return self

    def with_progress(self, label: str | ProgressText = "Working…", *,
                      title: str = "Probation Desk", cancellable: bool = False,
                      delay_ms: int = 400) -> Op[T]:
        """Show a progress dialog (after ``delay_ms``) with a count and maybe Cancel."""
        self._label = label if callable(label) else (lambda _d, _t, text=label: text)
        self._long = True
        self._title = title
        self._cancellable = cancellable
        self._delay_ms = delay_ms
        return self

    def run_in_background(self) -> Op[T]:
        """Start the work on the shared thread pool."""
        if self._label is not None:
            self._open_dialog()
        self._tasks._started(self)
        if self._key is not None:
            self._tasks._latest[self._key] = self
        pool = self._tasks.long_pool if self._long else self._tasks.pool
        pool.start(_Job(self._work, self.progress, self._bridge, self._long))
        return self

    # ---------------------------------------------------------------- running
    def _emit_progress(self) -> None:
        try:
            self._bridge.progressed.emit()
        except RuntimeError:
            pass

    def _alive(self, widget: QWidget | None) -> bool:
        return widget is None or shiboken6.isValid(widget)

    def _open_dialog(self) -> None:
        assert self._label is not None
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QProgressDialog

        parent = self._parent if self._alive(self._parent) else None
        dlg = QProgressDialog(self._label(0, 0), "Cancel" if self._cancellable else "",
                              0, 0, parent)
        if not self._cancellable:
            dlg.setCancelButton(None)
        dlg.setWindowTitle(self._title)
        dlg.setAccessibleName(self._title)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.setMinimumDuration(self._delay_ms)
        dlg.canceled.connect(self._cancel_pressed)
        self._dialog = dlg

    def _cancel_pressed(self) -> None:
        self.progress.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText("Stopping after the current step…")

    def cancel(self) -> None:
        """Ask the work to stop (as the Cancel button does)."""
        self.progress.cancel()

    def _show_progress(self, done: int, total: int) -> None:
        dlg = self._dialog
        if dlg is None or self.done or self.progress.cancelled:
            return
        if total > 0:
            if dlg.maximum() != total:
                dlg.setRange(0, total)
            dlg.setValue(min(done, total))
        if self._label is not None:
            dlg.setLabelText(self._label(done, total))

    def _finish(self, ok: bool, value: object) -> None:
        self.done = True
        if self._dialog is not None:
            if shiboken6.isValid(self._dialog):  # its window may have closed meanwhile
                self._dialog.canceled.disconnect(self._cancel_pressed)
                self._dialog.reset()
                self._dialog.close()
                self._dialog.deleteLater()
            self._dialog = None
        stale = self._key is not None and self._tasks._latest.get(self._key) is not self
        if self._key is not None and not stale:
            del self._tasks._latest[self._key]
        try:
            if not self._alive(self._parent):
                return  # the widget that asked has gone: drop the outcome quietly
            if stale:
                pass  # overtaken by a newer op with the same key
            elif ok:
                for fn in self._on_success:
                    fn(value)  # type: ignore[arg-type]
            elif self._on_failure is not None:
                self._on_failure(value)  # type: ignore[arg-type]
            else:
                from probation_desk.ui.errors import show_error

                show_error(self._parent, value)  # type: ignore[arg-type]
            for fn2 in self._on_finally:
                fn2()
        except Exception as exc:  # a callback failed: say so plainly, never a traceback
            from probation_desk.ui.errors import show_error

            show_error(self._parent if self._alive(self._parent) else None, exc)
        finally:
            self._tasks._finished(self)


class Tasks(QObject):
    """The window's shared background runner and change announcer.

    Quick work (loading a list, a page of rows, one save) runs in order on one thread,
    so it reuses one database connection and its warm cache, and a newer search never
    races an older one. Long work (``Op.long()``, or anything with a progress dialog)
    has a pool of its own, whose threads step back for the window (:data:`LONG_WORK_NICE`).
    """

    changed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, long_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.long_pool = QThreadPool(self)
        self.long_pool.setMaxThreadCount(long_threads)
        self._running: list[Op[Any]] = []
        self._latest: dict[str, Op[Any]] = {}

    def op(self, parent: QWidget | None, work: Callable[[Progress], T]) -> Op[T]:
        """Prepare background work; call ``run_in_background()`` to start it."""
        return Op(self, parent, work)

    def announce(self, change: Change) -> None:
        """Tell every view that data changed."""
        self.changed.emit(change)

    @property
    def busy(self) -> bool:
        """True while any work is running."""
        return bool(self._running)

    @property
    def quick_busy(self) -> bool:
        """True while quick work (a list, a count, a page of rows) is queued or running;
        long work (a backup, the full page check) may be running either way."""
        return any(not op._long for op in self._running)

    def cancel_all(self) -> None:
        """Ask every running piece of work to stop at its next progress report."""
        for op in self._running:
            op.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until running work ends (shutdown and tests only)."""
        return self.long_pool.waitForDone(msecs) and self.pool.waitForDone(msecs)

    def _started(self, op: Op[Any]) -> None:
        self._running.append(op)
        if len(self._running) == 1:
            self.busy_changed.emit(True)

    def _finished(self, op: Op[Any]) -> None:
        if op in self._running:
            self._running.remove(op)
        if not self._running and shiboken6.isValid(self):  # not after its window closed
            self.busy_changed.emit(False)
