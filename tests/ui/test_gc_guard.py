"""Garbage is collected on the GUI thread only, so no Qt object dies on a worker thread."""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtWidgets import QApplication

from probation_desk.ui import gc_guard


def test_collections_run_on_the_gui_thread_while_a_worker_makes_garbage(
        qtbot: Any, qapp: QApplication) -> None:
    collector = gc_guard.install(qapp)
    assert gc_guard.install(qapp) is collector  # one per application
    assert not gc.isenabled()
    threads: list[str] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    def churn() -> None:  # a background task making cycles, as ORM loads do
        for _ in range(200_000):
            a: list[Any] = []
            a.append(a)

    gc.callbacks.append(seen)
    try:
        before = collector.collections
        worker = threading.Thread(target=churn, name="worker")
        worker.start()
        qtbot.waitUntil(lambda: not worker.is_alive(), timeout=20000)
        # The timer may collect while the worker churns or just after: either counts.
        qtbot.waitUntil(lambda: collector.collections > before, timeout=5000)
    finally:
        gc.callbacks.remove(seen)
    assert threads, "nothing was collected"
    assert set(threads) == {threading.main_thread().name}
