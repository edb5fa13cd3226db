"""Backups of the database: SQLite's online backup API, ``pg_dump`` for PostgreSQL.

Backups live in ``backups/`` in the user's data folder, readable by the owner only,
named ``<database>-<UTC time>-<reason>.<ext>`` so they sort by age. Automatic ones
(before every migration, once per day of use) keep the newest ``keep`` of each database.
A backup is a whole database, so it carries the audit trail with everything else.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

DEFAULT_KEEP = 14
_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?-(?P<reason>[a-z0-9-]+)"
                   r"\.(?P<ext>sqlite3|pgdump)$")


class BackupProblem(RuntimeError):
    """A backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file."""

    path: Path
    taken: dt.datetime
    reason: str
    size: int


def backup_dir() -> Path:
    """Where backups are kept (created owner-only on first use)."""
    from probation_desk.paths import data_dir

    path = data_dir() / "backups"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _stem(url: str) -> str:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return Path(u.database or "memory").stem
    return re.sub(r"[^A-Za-z0-9_]+", "_", f"pg_{u.database or 'postgres'}")


def _new_file(path: Path) -> int:
    """Create ``path`` owner-only, refusing to follow a link or reuse a file."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)


def _target(url: str, reason: str, ext: str, folder: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime(_STAMP)
    base = f"{_stem(url)}-{stamp}"
    n = 0
    while True:
        name = f"{base}{f'-{n}' if n else ''}-{reason}.{ext}"
        if not (folder / name).exists():
            return folder / name
        n += 1


def sqlite_backup(source: Path, dest: Path) -> None:
    """Copy a live SQLite file with the online backup API into a new owner-only ``dest``.

    Written to a temporary name first and renamed, so ``dest`` is either whole or absent.
    The copy is a single self-contained file (rollback journal, not WAL).
    """
    tmp = dest.with_name(f".{dest.name}.part")
    try:
        os.close(_new_file(tmp))
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def pg_dump_path() -> str | None:
    """The ``pg_dump`` program, if installed."""
    found = shutil.which("pg_dump")
    if found:
        return found
    import glob

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    return candidates[-1] if candidates else None


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_backup(url: str, dest: Path) -> None:
    """``pg_dump --format=custom`` of the database into a new owner-only ``dest``."""
    tool = pg_dump_path()
    if tool is None:
        raise BackupProblem(
            "PostgreSQL's pg_dump program is not installed on this computer, so Probation "
            "Desk cannot back up the shared database from here. Install the PostgreSQL "
            "client tools (Debian: postgresql-client), or ask the database administrator, "
            "who backs up the server itself.")
    tmp = dest.with_name(f".{dest.name}.part")
    try:
        fd = _new_file(tmp)
        with os.fdopen(fd, "wb") as out:
            run = subprocess.run([tool, "--format=custom", "--no-owner", "--dbname",
                                  _libpq_url(url)], stdout=out, stderr=subprocess.PIPE,
                                 timeout=3600, check=False)
        if run.returncode != 0:
            why = run.stderr.decode(errors="replace").strip().splitlines()
            last = why[-1] if why else "no reason given"
            raise BackupProblem(f"pg_dump could not back up the database ({last}).")
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def backup(url: str, dest: Path | None = None, *, reason: str = "manual",
           keep: int | None = None) -> Path:
    """Back up the database at ``url``; returns the file written.

    Without ``dest`` the backup goes to :func:`backup_dir`; ``keep`` then prunes the
    older automatic backups of the same database down to that many.
    """
    u = make_url(url)
    sqlite = u.get_backend_name() == "sqlite"
    ext = "sqlite3" if sqlite else "pgdump"
    folder = backup_dir() if dest is None else None
    if dest is None:
        assert folder is not None
        dest = _target(url, reason, ext, folder)
    elif dest.is_dir():
        dest = _target(url, reason, ext, dest)
    try:
        if sqlite:
            if not u.database or u.database == ":memory:":
                raise BackupProblem("An in-memory database cannot be backed up.")
            sqlite_backup(Path(u.database), dest)
        else:
            pg_backup(url, dest)
    except FileExistsError:
        raise BackupProblem(f"{dest} already exists: choose another name for the backup; "
                            "nothing was overwritten.") from None
    except PermissionError:
        raise BackupProblem(f"The backup could not be written to {dest.parent}: you may "
                            "not write there. Choose another folder.") from None
    except sqlite3.DatabaseError as exc:
        raise BackupProblem(f"The database could not be read for the backup ({exc}).") from None
    except OSError as exc:
        raise BackupProblem(f"The backup could not be written ({exc.strerror or exc}). "
                            "Free some disk space or choose another folder.") from None
    if folder is not None and keep is not None:
        prune(url, keep)
    return dest


def list_backups(url: str | None = None, folder: Path | None = None) -> list[BackupInfo]:
    """Backups in ``folder`` (default: the backup folder), newest first.

    With ``url``, only that database's.
    """
    folder = folder or backup_dir()
    stem = _stem(url) if url else None
    out = []
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if not m or (stem is not None and m["stem"] != stem):
            continue
        taken = dt.datetime.strptime(m["stamp"], _STAMP).replace(tzinfo=dt.UTC)
        out.append(BackupInfo(p, taken, m["reason"], p.stat().st_size))
    return sorted(out, key=lambda b: (b.taken, b.path.name), reverse=True)


def prune(url: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` automatic backups of ``url``; returns those deleted."""
    auto = [b for b in list_backups(url) if b.reason != "manual"]
    gone = []
    for b in auto[max(keep, 1):]:
        b.path.unlink(missing_ok=True)
        gone.append(b.path)
    return gone


def taken_today(url: str) -> bool:
    """Whether a backup of ``url`` was already taken today (UTC)."""
    today = dt.datetime.now(dt.UTC).date()
    return any(b.taken.date() == today for b in list_backups(url))
