"""Where Probation Desk keeps its files (platformdirs), with environment overrides.

``PROBATION_DESK_HOME`` points every location at one folder (tests use it);
``PROBATION_DESK_DB`` selects any SQLAlchemy database URL, or a SQLite file by its path.
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


def as_url(text: str) -> str:
    """A database address as typed: a URL is kept; a plain path is a SQLite file's path.

    ``notes.txt`` and ``~/pd.sqlite3`` are file paths (``~`` is the home folder, and a
    relative path is from the current folder, whose folders must exist), never URLs.
    """
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def database_url(explicit: str | None = None) -> str:
    """The database to use: ``--db``, else ``PROBATION_DESK_DB``, else settings, else SQLite.

    A plain path given by ``--db`` or the environment is a SQLite file (:func:`as_url`).
    """
    if explicit:
        return as_url(explicit)
    env = os.environ.get("PROBATION_DESK_DB")
    if env:
        return as_url(env)
    from probation_desk.settings import load_settings

    saved = load_settings().database_url
    if saved:
        return saved
    return f"sqlite:///{default_db_path()}"


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` address; None for any other address (a
    server, in-memory, URI options or escapes, which only SQLAlchemy reads rightly)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or any(ch in url for ch in "?%#"):
        return None
    path = url[len(prefix):]
    return Path(path) if path and path != ":memory:" else None
