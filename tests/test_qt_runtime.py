"""The Qt binding itself: guards against a PySide6 release that corrupts reference counts.

PySide6 6.12.0 under Python 3.11 dropped a reference to ``True`` on every
``Signal.emit()``; after a few hundred emits Python aborted with "bool_dealloc". A
practitioner would see the app vanish mid-session, so the pinned release is checked here.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    plain = Signal()
    value = Signal(int, object)


def test_signals_and_calls_keep_reference_counts(qtbot: QtBot, qapp: object) -> None:
    app = qapp
    emitter = _Emitter()
    emitter.plain.connect(lambda: None)
    emitter.value.connect(lambda *_: None)
    timer = QTimer()
    before = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    for i in range(500):
        emitter.plain.emit()
        emitter.value.emit(i, None)
        timer.isActive()
        app.processEvents()  # type: ignore[attr-defined]
    after = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    assert [a - b for a, b in zip(after, before, strict=True)] == [0, 0, 0]
