"""Database addresses as people type them: a SQLite file's path or a SQLAlchemy URL.

One place works out which file a ``sqlite:///`` address names; plain addresses are read
without SQLAlchemy, so the window can read the caseload's first page before loading it.
"""

from __future__ import annotations

from pathlib import Path


def as_url(text: str) -> str:
    """A database address as typed: a URL is kept; a plain path is a SQLite file's path.

    ``notes.txt`` and ``~/pd.sqlite3`` are file paths (``~`` is the home folder, and a
    relative path is from the current folder, whose folders must exist), never URLs.
    """
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def sqlite_file(url: str, *, plain_only: bool = False) -> Path | None:
    """The file behind a SQLite address; None for a server or in-memory SQLite.

    A plain ``sqlite:///PATH`` is read here; any other SQLite form (URI options,
    escapes) is read by SQLAlchemy, or, with ``plain_only``, not at all (None). An
    address SQLAlchemy cannot parse raises its ``ArgumentError``.
    """
    prefix = "sqlite:///"
    if url.startswith(prefix) and not any(ch in url for ch in "?%#"):
        path = url[len(prefix):]
        return Path(path) if path and path != ":memory:" else None
    if plain_only or not url.lower().startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def describe_url(url: str) -> str:
    """A database address safe to show: the password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
