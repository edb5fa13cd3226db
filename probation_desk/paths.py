"""Where Probation Desk keeps its files (platformdirs), with an environment override.

``PROBATION_DESK_HOME`` points every location at one folder (tests use it). Which
database to open is chosen in :mod:`probation_desk.settings`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "probation-desk"


def _home() -> Path | None:
    value = os.environ.get("PROBATION_DESK_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    """The user's data folder (the default database lives here)."""
    home = _home()
    if home is not None:
        path = home / "data"
    else:
        from platformdirs import user_data_path

        path = user_data_path(APP, appauthor=False)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def config_dir() -> Path:
    """The user's settings folder."""
    home = _home()
    if home is not None:
        path = home / "config"
    else:
        from platformdirs import user_config_path

        path = user_config_path(APP, appauthor=False)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def default_db_path() -> Path:
    """The SQLite file used when no other database is chosen."""
    return data_dir() / "probation-desk.sqlite3"


def machine_defaults_path() -> Path:
    """The machine-wide defaults IT may set, read before the user's own settings.

    ``/etc/probation-desk/defaults.json``; on Windows
    ``%PROGRAMDATA%\\Probation Desk\\defaults.json``. ``PROBATION_DESK_DEFAULTS`` names
    another file; under ``PROBATION_DESK_HOME`` it is ``defaults.json`` in that folder.
    """
    explicit = os.environ.get("PROBATION_DESK_DEFAULTS")
    if explicit:
        return Path(explicit)
    home = _home()
    if home is not None:
        return home / "defaults.json"
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "Probation Desk" \
            / "defaults.json"
    return Path("/etc/probation-desk/defaults.json")
