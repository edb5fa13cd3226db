"""Garbage collection on the GUI thread only.

Python's cyclic garbage collector runs in whichever thread happens to allocate when a
threshold is crossed. In the window that is often a background task (a save, a list
load), and a collection there can finalise a dialog or another Qt object that belongs
to the GUI thread: Qt then destroys a widget from the wrong thread and the process dies
with a segmentation fault (seen after about a dozen dialogs saved in a row). The
well-known cure, used by pyqtgraph's ``GarbageCollector``, is to switch the automatic
collector off and collect from a timer on the GUI thread, by the same generation
thresholds Python would have used.

Bulk loops elsewhere (``services``) pause the collector with ``gc.isenabled()`` checks,
so they leave it switched off here.
"""

from __future__ import annotations

import gc

import shiboken6
from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 250
"""How often the GUI thread looks at the allocation counts."""


class GuiThreadCollector(QObject):
    """Collects garbage from a timer on the thread it was made in (the GUI thread)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.collections = 0
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold, if any."""
        first, second, third = gc.get_threshold()
        count0, count1, count2 = gc.get_count()
        if count0 <= first:
            return
        generation = 0
        if count1 > second:
            generation = 2 if count2 > third else 1
        gc.collect(generation)
        self.collections += 1


def install(app: QObject) -> GuiThreadCollector:
    """Switch automatic collection off and collect on ``app``'s thread (idempotent).

    The collector already installed is remembered on ``app`` itself: asking Qt for it
    (``findChild``) costs several milliseconds the first time, before the window is
    shown.
    """
    existing = getattr(app, "_gui_thread_collector", None)
    if isinstance(existing, GuiThreadCollector) and shiboken6.isValid(existing):
        return existing
    collector = GuiThreadCollector(app)
    collector.setObjectName("gui-thread-collector")
    app._gui_thread_collector = collector  # type: ignore[attr-defined]
    return collector
