"""Where the window's own state is kept (geometry, splitters, headers): a QSettings.

Apart from ``ui/widgets`` (which re-exports it) so the window can read its geometry
before it is first shown without loading the widget helpers and their Qt classes: the
window's start-up is timed against a bare Qt window's.
"""

from __future__ import annotations

import os
import stat
import sys

from PySide6.QtCore import QSettings


def window_settings() -> QSettings:
    """Where window geometry, splitters and headers are kept.

    With ``PROBATION_DESK_HOME`` set (tests, portable use) an INI file in its config
    folder, so the real user's settings are never touched; otherwise Qt's native place
    for the organisation "Probation Desk".
    """
    if os.environ.get("PROBATION_DESK_HOME"):
        from probation_desk.paths import config_dir

        qs = QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
    else:
        qs = QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                       "Probation Desk", "Probation Desk")
    if sys.platform != "win32":  # Windows keeps it in the user's own registry hive
        _owner_only(qs.fileName())
    return qs


def _owner_only(name: str) -> None:
    """The file holds folder paths: make it owner-only before Qt first writes it (Qt keeps
    an existing file's permissions when it saves), and make one left readable owner-only."""
    if not name:
        return
    try:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
        os.close(fd)
    except FileExistsError:
        try:
            st = os.stat(name, follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and st.st_mode & 0o077:
                os.chmod(name, 0o600)
        except OSError:
            pass
    except OSError:
        pass  # its folder does not exist yet, or cannot be written: Qt says nothing either
