"""Where the window's own state is kept (geometry, splitters, headers): a QSettings.

Apart from ``ui/widgets`` (which re-exports it) so the window can read its geometry
before it is first shown without loading the widget helpers and their Qt classes: the
window's start-up is timed against a bare Qt window's.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings


def window_settings() -> QSettings:
    """Where window geometry, splitters and headers are kept.

    With ``PROBATION_DESK_HOME`` set (tests, portable use) an INI file in its config
    folder, so the real user's settings are never touched; otherwise Qt's native place
    for the organisation "Probation Desk".
    """
    if os.environ.get("PROBATION_DESK_HOME"):
        from probation_desk.paths import config_dir

        return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                     "Probation Desk", "Probation Desk")
