"""Where Probation Desk keeps its files (platformdirs), with an environment override.

``PROBATION_DESK_HOME`` points every location at one folder (tests use it). Which
database to open is chosen in :mod:`probation_desk.settings`.
"""

from __future__ import annotations

import os
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
