"""Backups of the database: SQLite's online backup API, ``pg_dump`` for PostgreSQL.

Backups live in ``backups/`` in the user's data folder, readable by the owner only,
named ``<database>-<UTC time>-<reason>.<ext>`` so they sort by age. Automatic ones
(before every migration, once per day of use) keep the newest ``keep`` of each database.
A backup is a whole database, so it carries the audit trail with everything else.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from probation_desk.errors import BackupProblem
from probation_desk.store.locks import busy, held, lock_of
from probation_desk.store.read_only import read_only_uri
from probation_desk.store.schema_version import KNOWN_REVISIONS, SCHEMA_HEAD

DEFAULT_KEEP = 14
_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?-(?P<reason>[a-z0-9-]+)"
                   r"\.(?P<ext>sqlite3|pgdump)$")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file."""

    path: Path
    taken: dt.datetime
    reason: str
    size: int


def backup_dir() -> Path:
    """Where backups are kept (created owner-only on first use), checked as a database's
    folder is before each use: a link, another user's folder or one others may write in
    is refused (:class:`BackupProblem`), as a backup planted or swapped there could be
    restored, or make a real one be pruned."""
    from probation_desk.paths import data_dir

    path = data_dir() / "backups"
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    _check_folder(path)
    return path


def _check_folder(path: Path) -> None:
    """Refuse a backup folder that is a link, not a folder, or in other users' hands;
    make one others may merely read owner-only. (Windows: a link or other reparse point
    is refused; the per-user profile folders are private to their user.)"""
    nothing = "No backup was written there or read from it"
    st = os.stat(path, follow_symlinks=False)
    if stat.S_ISLNK(st.st_mode) or getattr(st, "st_file_attributes", 0) & getattr(
            stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0):
        raise BackupProblem(
            f"The backup folder {path} is a link to another place. {nothing}: Probation "
            "Desk keeps backups only in a real folder of its own. Remove the link; a new "
            "backup folder is then made.")
    if not stat.S_ISDIR(st.st_mode):
        raise BackupProblem(f"{path} should be the backup folder, and it is not a folder. "
                            f"{nothing}: move it aside; a backup folder is then made.")
    if sys.platform == "win32":
        return
    if st.st_uid != os.geteuid():
        raise BackupProblem(
            f"The backup folder {path} belongs to another user (user id {st.st_uid}). "
            f"{nothing}: they could plant or swap backups in it. Move it aside; a backup "
            "folder of your own is then made.")
    if st.st_mode & 0o022:
        raise BackupProblem(
            f"Other users can write in the backup folder {path}, so they could plant or "
            f"swap backups in it. {nothing}: make it yours only (chmod 700).")
    if st.st_mode & 0o055:
        os.chmod(path, 0o700)


def _stem(url: str) -> str:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return Path(u.database or "memory").stem
    return re.sub(r"[^A-Za-z0-9_]+", "_", f"pg_{u.database or 'postgres'}")


def _new_file(path: Path) -> int:
    """Create ``path`` owner-only, refusing to follow a link or reuse a file (``O_EXCL``
    refuses any existing path, a link or a Windows reparse point included)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0)
    return os.open(path, flags, 0o600)


def _lock_file(part: Path) -> Path:
    return part.with_name(part.name + ".lock")


@contextmanager
def _new_part(path: Path) -> Iterator[int]:
    """Create a backup's ``.part`` file owner-only, locked while it is being written.

    The lock (``store.locks``, in a ``.lock`` file beside it) goes when the writer does,
    even when it is killed, so :func:`remove_stale_parts` can tell a copy still being
    made from one left behind. Yields the new file's descriptor (the caller closes it).
    """
    # In the backup folder, under its lock: no cleaner sees it between creation and lock.
    # (Elsewhere no cleaner runs, and no lock file is left in a folder the person chose.)
    guard = _folder_lock(path.parent) if path.parent == backup_dir() else nullcontext()
    with guard:
        lock = lock_of(_lock_file(path))
        lock.acquire(timeout=0)
        try:
            fd = _new_file(path)
        except BaseException:
            lock.release()
            raise
    try:
        yield fd
    finally:
        lock.release()
        _lock_file(path).unlink(missing_ok=True)


def _folder_lock(folder: Path) -> AbstractContextManager[object]:
    """Hold the backup folder's own lock (a brief one)."""
    return held(folder / ".lock")


def remove_stale_parts(folder: Path | None = None) -> list[Path]:
    """Delete the ``.part`` files (and their journals) that no running backup is writing.

    A backup killed mid-copy (say, the window closed by force while the day's copy was
    being made) leaves a ``.part`` file up to the size of the database; the next backup
    or start removes it. One still locked belongs to a backup in progress and is left.
    Returns the files removed.
    """
    folder = folder or backup_dir()
    gone: list[Path] = []
    try:
        with _folder_lock(folder):
            _remove_unlocked(folder, gone)
    except OSError:
        pass
    return gone


def _remove_unlocked(folder: Path, gone: list[Path]) -> None:
    names = sorted(p for p in folder.iterdir() if p.name.startswith(".")
                   and p.name.endswith((".part", ".part-journal", ".part.lock")))
    for p in names:
        if not p.name.endswith(".part"):
            continue
        if busy(_lock_file(p)):
            continue  # a backup is writing it now
        for stale in (p.with_name(p.name + "-journal"), p, _lock_file(p)):
            try:
                stale.unlink()
                if stale.suffix != ".lock":
                    gone.append(stale)
            except FileNotFoundError:
                pass
    for p in names:  # a journal or a lock whose copy is gone
        base = p.with_name(p.name.removesuffix("-journal").removesuffix(".lock"))
        if p.name.endswith(("-journal", ".lock")) and not base.exists() and p not in gone \
                and not (p.name.endswith(".lock") and busy(p)):
            p.unlink(missing_ok=True)
            if p.name.endswith("-journal"):
                gone.append(p)


def _target(url: str, reason: str, ext: str, folder: Path,
            when: dt.datetime | None = None) -> Path:
    stamp = (when or dt.datetime.now(dt.UTC)).strftime(_STAMP)
    base = f"{_stem(url)}-{stamp}"
    n = 0
    while True:
        name = f"{base}{f'-{n}' if n else ''}-{reason}.{ext}"
        # Nor a name another backup is writing in this same second (its ``.part``).
        if not (folder / name).exists() and not (folder / f".{name}.part").exists():
            return folder / name
        n += 1


def sqlite_backup(source: Path, dest: Path) -> None:
    """Copy a live SQLite file with the online backup API into a new owner-only ``dest``.

    Written to a temporary name first and renamed, so ``dest`` is either whole or absent.
    The copy is a single self-contained file (rollback journal, not WAL).
    """
    tmp = dest.with_name(f".{dest.name}.part")
    with _new_part(tmp) as fd:  # locked until the copy is renamed into place
        os.close(fd)
        try:
            src = sqlite3.connect(read_only_uri(source), uri=True)
            try:
                dst = sqlite3.connect(tmp)
                try:
                    src.backup(dst)
                    dst.execute("PRAGMA journal_mode=DELETE")
                except sqlite3.OperationalError as exc:
                    if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL \
                            or "disk is full" in str(exc):
                        # The copy's disk is full, not the database unreadable.
                        raise OSError(errno.ENOSPC, "No space left on device",
                                      str(dest.parent)) from None
                    raise
                finally:
                    dst.close()
            finally:
                src.close()
            os.chmod(tmp, 0o600)
            os.replace(tmp, dest)
        except BaseException:
            for left in (tmp, tmp.with_name(tmp.name + "-journal")):
                left.unlink(missing_ok=True)
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
    """The address for libpq's tools, without the password (see :func:`_libpq_env`)."""
    return make_url(url).set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)


def _libpq_env(url: str) -> dict[str, str]:
    """The environment for pg_dump / pg_restore: the password in PGPASSWORD, never on
    the command line (where any user of the computer could read it in the process list)."""
    env = dict(os.environ)
    password = make_url(url).password
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return env


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
    with _new_part(tmp) as fd:  # locked until the dump is renamed into place
        try:
            with os.fdopen(fd, "wb") as out:
                run = subprocess.run([tool, "--format=custom", "--no-owner", "--dbname",
                                      _libpq_url(url)], stdout=out, stderr=subprocess.PIPE,
                                     env=_libpq_env(url), timeout=3600, check=False)
            if run.returncode != 0:
                why = run.stderr.decode(errors="replace").strip().splitlines()
                last = why[-1] if why else "no reason given"
                raise BackupProblem(f"pg_dump could not back up the database ({last}).")
            os.replace(tmp, dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def backup(url: str, dest: Path | None = None, *, reason: str = "manual",
           keep: int | None = None, replace: bool = False) -> Path:
    """Back up the database at ``url``; returns the file written.

    Without ``dest`` the backup goes to :func:`backup_dir`; ``keep`` then prunes the
    older automatic backups of the same database down to that many. An existing file at
    ``dest`` is refused unless ``replace`` (a folder is never replaced).
    """
    u = make_url(url)
    sqlite = u.get_backend_name() == "sqlite"
    ext = "sqlite3" if sqlite else "pgdump"
    folder = backup_dir() if dest is None else None
    taken = dt.datetime.now(dt.UTC)
    if dest is None:
        assert folder is not None
        remove_stale_parts(folder)
        dest = _target(url, reason, ext, folder, taken)
    elif dest.is_dir():
        dest = _target(url, reason, ext, dest)
    elif os.path.lexists(dest) and not replace:
        raise BackupProblem(f"{dest} already exists, so nothing was overwritten. Give "
                            "another name, or add --replace to replace it with the backup.")
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
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            raise BackupProblem(f"The disk the backup was going to ({dest.parent}) is "
                                "full, so no backup was written and nothing was left "
                                "behind. Free some space or choose another folder.") from None
        raise BackupProblem(f"The backup could not be written ({exc.strerror or exc}). "
                            "Free some disk space or choose another folder.") from None
    if folder is not None:
        _write_record(dest, taken, reason)
        if keep is not None:
            prune(url, keep)
    return dest


_RECORD = "probation_desk_backup"


def _record_of(path: Path) -> Path:
    """The small JSON file recorded beside a backup in the backup folder."""
    return path.with_name(path.name + ".json")


def _write_record(path: Path, taken: dt.datetime, reason: str) -> None:
    """Record when the backup was taken and how big it is (owner-only, never through a
    link); a backup whose record could not be written is still listed once its content
    is checked (:func:`_whole_backup`)."""
    record = {_RECORD: 1, "taken": taken.isoformat(), "reason": reason,
              "size": path.stat().st_size}
    try:
        with os.fdopen(_new_file(_record_of(path)), "w", encoding="utf-8") as out:
            json.dump(record, out)
    except OSError:
        _record_of(path).unlink(missing_ok=True)


_MAGIC = {"sqlite3": b"SQLite format 3\0", "pgdump": b"PGDMP"}


def _whole_backup(path: Path, m: re.Match[str]) -> BackupInfo | None:
    """``path`` as a backup, if it is a whole Probation Desk backup (else None).

    A regular file (not a link) that starts as its kind of file does; its time is the
    one recorded beside it when it was taken, if the record matches its size. A backup
    with no record (taken by an older version) is opened read-only and must hold a
    Probation Desk schema; its time is the earlier of its name's and its last change's,
    so a name alone never makes a file the newest.
    """
    try:
        st = os.stat(path, follow_symlinks=False)
        if not stat.S_ISREG(st.st_mode):
            return None
        magic = _MAGIC[m["ext"]]
        with path.open("rb") as fh:
            if fh.read(len(magic)) != magic:
                return None
    except OSError:
        return None
    named = dt.datetime.strptime(m["stamp"], _STAMP).replace(tzinfo=dt.UTC)
    taken = _recorded_time(path, st.st_size)
    if taken is None:
        if m["ext"] == "sqlite3" and not _holds_our_schema(path):
            return None
        taken = min(named, dt.datetime.fromtimestamp(st.st_mtime, dt.UTC))
    return BackupInfo(path, taken, m["reason"], st.st_size)


def _recorded_time(path: Path, size: int) -> dt.datetime | None:
    record = _record_of(path)
    try:
        if not stat.S_ISREG(os.stat(record, follow_symlinks=False).st_mode):
            return None
        data = json.loads(record.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get(_RECORD) != 1 or data.get("size") != size:
            return None
        taken = dt.datetime.fromisoformat(str(data["taken"]))
    except (OSError, ValueError, KeyError):
        return None
    return taken if taken.tzinfo is not None else taken.replace(tzinfo=dt.UTC)


def _holds_our_schema(path: Path) -> bool:
    try:
        con = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            names = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            return {"alembic_version", "person", "audit"} <= names and con.execute(
                "SELECT count(*) FROM alembic_version").fetchone()[0] == 1
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False


def list_backups(url: str | None = None, folder: Path | None = None) -> list[BackupInfo]:
    """Whole Probation Desk backups in ``folder`` (default: the backup folder), newest
    first by the time each was taken (:func:`_whole_backup`); anything else there is
    left alone.

    With ``url``, only that database's.
    """
    folder = folder or backup_dir()
    stem = _stem(url) if url else None
    out = []
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if not m or (stem is not None and m["stem"] != stem):
            continue
        info = _whole_backup(p, m)
        if info is not None:
            out.append(info)
    return sorted(out, key=lambda b: (b.taken, b.path.name), reverse=True)


def prune(url: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` automatic backups of ``url``; returns those deleted."""
    auto = [b for b in list_backups(url) if b.reason != "manual"]
    gone = []
    for b in auto[max(keep, 1):]:
        b.path.unlink(missing_ok=True)
        _record_of(b.path).unlink(missing_ok=True)
        gone.append(b.path)
    return gone


def taken_today(url: str) -> bool:
    """Whether a backup of ``url`` was already taken today (UTC)."""
    today = dt.datetime.now(dt.UTC).date()
    return any(b.taken.date() == today for b in list_backups(url))


def _sqlite_revision(path: Path) -> str:
    """The schema revision of a SQLite file, refusing one that is not ours or is damaged."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = con.execute("PRAGMA quick_check(1)").fetchone()
            names = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            row = (con.execute("SELECT version_num FROM alembic_version").fetchone()
                   if "alembic_version" in names else None)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupProblem(f"{path} is not a Probation Desk database, or it is damaged "
                            f"({exc}). Nothing was changed.") from None
    if not check or check[0] != "ok":
        raise BackupProblem(f"{path} is damaged ({check[0] if check else '?'}). "
                            "Nothing was changed: choose another backup.")
    if row is None or "person" not in names or "audit" not in names:
        raise BackupProblem(f"{path} is not a Probation Desk database. Nothing was changed.")
    rev = str(row[0])
    if rev not in KNOWN_REVISIONS:
        raise BackupProblem(f"{path} was written by a newer version of Probation Desk (schema "
                            f"{rev}; this version knows up to {SCHEMA_HEAD}). Nothing was "
                            "changed: update Probation Desk to restore it.")
    return rev


RESTORE_LOCK_WAIT = 60.0
"""Seconds a restore waits for a writer (an import's batch, say) to finish."""


def restore(url: str, source: Path, *, keep: int = DEFAULT_KEEP,
            lock_wait: float = RESTORE_LOCK_WAIT) -> Path:
    """Replace the database at ``url`` with the backup ``source``.

    Refuses a file that is not a Probation Desk database, is damaged, or is from a newer
    version. The current database is backed up first (the path is returned), so a
    restore can itself be undone. Opening afterwards upgrades an older backup.

    On SQLite the safety copy and the replacement are made under the database's own write
    lock, the one every writer takes first (``BEGIN IMMEDIATE``), held from before the
    copy to the end of the replacement, which is one transaction: every change another
    program saved is either in the safety copy or was saved after the restore, into the
    restored database. ``lock_wait``: how long to wait for a writer to finish.
    """
    u = make_url(url)
    if not source.is_file():
        raise BackupProblem(f"There is no backup file at {source}.")
    if u.get_backend_name() != "sqlite":
        return _pg_restore(url, source, keep)
    if source.suffix == ".pgdump":
        raise BackupProblem(f"{source} is a PostgreSQL backup; this database is a SQLite "
                            "file. Nothing was changed.")
    _sqlite_revision(source)
    target = Path(u.database or "")
    if os.path.lexists(target) and target.exists() and os.path.samefile(target, source):
        raise BackupProblem(f"{source} is the database itself. Nothing was changed.")
    if not target.exists() or target.stat().st_size == 0:
        _restore_new_file(source, target)
        return source
    if not _readable(target):
        return _restore_over_damaged(url, source, target)
    return _restore_in_place(url, source, target, keep, lock_wait)


def _readable(path: Path) -> bool:
    """Whether SQLite can read the file's header and schema (read-only)."""
    try:
        con = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False
    return True


def _restore_over_damaged(url: str, source: Path, target: Path) -> Path:
    """Replace a file SQLite cannot read (nobody can be writing it: opening refuses it).

    Its bytes are kept first, as they are, in the backup folder (``.damaged``: never
    listed as a backup, never pruned), then the backup is copied beside it and renamed
    over it; the damaged file's ``-wal`` and ``-shm`` go, so nothing of it is replayed.
    """
    folder = backup_dir()
    kept = _target(url, "before-restore", "damaged", folder)
    try:
        with target.open("rb") as src, os.fdopen(_new_file(kept), "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        kept.unlink(missing_ok=True)
        raise BackupProblem(f"The damaged database could not be kept aside before the "
                            f"restore ({exc.strerror or exc}). Nothing was changed.") from None
    fresh = target.with_name(f".{target.name}.restoring")
    fresh.unlink(missing_ok=True)
    try:
        os.close(_new_file(fresh))
        src_con = sqlite3.connect(_uri(source, "ro"), uri=True)
        try:
            dst = sqlite3.connect(fresh)
            try:
                src_con.backup(dst)
            finally:
                dst.close()
        finally:
            src_con.close()
        for left in (target.with_name(target.name + "-wal"),
                     target.with_name(target.name + "-shm")):
            left.unlink(missing_ok=True)
        os.replace(fresh, target)
    except (OSError, sqlite3.Error) as exc:
        fresh.unlink(missing_ok=True)
        raise BackupProblem(f"The backup could not be copied over the damaged database "
                            f"({exc}); the damaged file is kept in {kept}.") from None
    return kept


def _uri(path: Path, mode: str) -> str:
    from urllib.parse import quote

    return f"file:{quote(str(path.absolute()))}?mode={mode}"


def _restore_new_file(source: Path, target: Path) -> None:
    """Restore into a database file not made yet (or empty): a whole copy, owner-only."""
    try:
        src = sqlite3.connect(_uri(source, "ro"), uri=True)
        try:
            dst = sqlite3.connect(target, timeout=15)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=WAL")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.OperationalError as exc:
        raise BackupProblem(f"The database could not be replaced ({exc}): it may be in use "
                            "by another Probation Desk, or the disk is full. It was left as "
                            "it was.") from None
    os.chmod(target, 0o600)


def _restore_in_place(url: str, source: Path, target: Path, keep: int,
                      lock_wait: float) -> Path:
    """The safety copy, then every table replaced by the backup's, under one write lock."""
    try:
        con = sqlite3.connect(_uri(target, "rw"), uri=True, isolation_level=None,
                              timeout=lock_wait)
    except sqlite3.Error as exc:
        raise BackupProblem(f"The database could not be opened to restore into it ({exc}). "
                            "Nothing was changed.") from None
    try:
        try:
            con.execute(f"PRAGMA busy_timeout={int(lock_wait * 1000)}")
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA foreign_keys=OFF")  # tables are dropped and refilled whole
            con.execute("ATTACH DATABASE ? AS backup", (_uri(source, "ro"),))
            con.execute("BEGIN IMMEDIATE")  # every writer waits from here to COMMIT
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise BackupProblem(
                    f"Another Probation Desk kept the database busy for {lock_wait:.0f} "
                    "seconds (an import, say), so nothing was restored and nothing was "
                    "changed. Try again when it has finished.") from None
            raise BackupProblem(f"The database could not be read to restore into it "
                                f"({exc}). Nothing was changed.") from None
        except sqlite3.DatabaseError as exc:
            raise BackupProblem(f"The database could not be read to restore into it "
                                f"({exc}). Nothing was changed.") from None
        try:
            # Nobody can commit now: the copy is the database as every writer left it.
            safety = backup(url, reason="before-restore", keep=keep)
            count = int(con.execute("PRAGMA main.user_version").fetchone()[0])
            _replace_content(con)
            # Writers that read the database before now see the count change, under
            # their own lock, and stop (store.engine.restore_count).
            con.execute(f"PRAGMA main.user_version = {count + 1}")
            con.execute("COMMIT")
        except BaseException as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise BackupProblem(f"The database could not be replaced ({exc}): it was "
                                    "left as it was.") from None
            raise
        with suppress(sqlite3.Error):
            con.execute("DETACH DATABASE backup")
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return safety


def _objects(con: sqlite3.Connection, schema: str) -> tuple[list[tuple[str, str, str]],
                                                           set[str]]:
    """A schema's objects ``(type, name, sql)`` in creation order, and its shadow tables
    (an FTS5 table's own storage, made and dropped with it)."""
    objects = [(t, n, sql) for t, n, sql in con.execute(
        f"SELECT type, name, sql FROM {schema}.sqlite_master "  # noqa: S608
        "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
    shadow = {r[1] for r in con.execute(f"PRAGMA {schema}.table_list") if r[2] == "shadow"}
    return objects, shadow


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _replace_content(con: sqlite3.Connection) -> None:
    """Make ``main`` hold exactly what ``backup`` holds (inside the caller's transaction)."""
    mine, my_shadow = _objects(con, "main")
    for kind in ("trigger", "view", "table"):
        for t, name, _sql in mine:
            if t == kind and name not in my_shadow:
                con.execute(f"DROP {kind.upper()} IF EXISTS main.{_q(name)}")
    theirs, shadow = _objects(con, "backup")
    tables = [(name, sql) for t, name, sql in theirs if t == "table"]
    for name, sql in tables:
        if name not in shadow:
            con.execute(sql)  # unqualified: made in main
    for name, _sql in tables:
        if name in shadow:  # made by its virtual table: refilled as the backup has it
            con.execute(f"DELETE FROM main.{_q(name)}")  # noqa: S608 (quoted names)
        if not _virtual(_sql):
            con.execute(f"INSERT INTO main.{_q(name)} SELECT * FROM backup.{_q(name)}")  # noqa: S608
    names = {r[0] for r in con.execute("SELECT name FROM backup.sqlite_master")}
    if "sqlite_sequence" in names:
        con.execute("DELETE FROM main.sqlite_sequence")
        con.execute("INSERT INTO main.sqlite_sequence SELECT * FROM backup.sqlite_sequence")
    for kind in ("index", "trigger", "view"):
        for t, _name, sql in theirs:
            if t == kind:
                con.execute(sql)
    con.execute("PRAGMA analysis_limit=1000")
    con.execute("ANALYZE main")


def _virtual(sql: str) -> bool:
    return sql.lstrip().upper().startswith("CREATE VIRTUAL TABLE")


def _pg_restore(url: str, source: Path, keep: int) -> Path:
    dump = pg_dump_path()
    tool = str(Path(dump).with_name("pg_restore")) if dump else shutil.which("pg_restore")
    if not tool or not Path(tool).exists():
        raise BackupProblem("PostgreSQL's pg_restore program is not installed on this "
                            "computer. Install the PostgreSQL client tools (Debian: "
                            "postgresql-client), or ask the database administrator.")
    listing = subprocess.run([tool, "--list", str(source)], capture_output=True, text=True,
                             timeout=600, check=False)
    if listing.returncode != 0 or "TABLE public alembic_version" not in listing.stdout:
        raise BackupProblem(f"{source} is not a Probation Desk backup of a PostgreSQL "
                            "database. Nothing was changed.")
    data = subprocess.run([tool, "--data-only", "--table=alembic_version", "-f", "-",
                           str(source)], capture_output=True, text=True, timeout=600,
                          check=False)
    revs = re.findall(r"^(\d{4})$", data.stdout, re.M)
    if not revs or revs[0] not in KNOWN_REVISIONS:
        raise BackupProblem(f"{source} was written by a newer version of Probation Desk "
                            f"(schema {revs[0] if revs else 'unknown'}). Nothing was changed.")
    safety = backup(url, reason="before-restore", keep=keep)
    run = subprocess.run([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                          "--dbname", _libpq_url(url), str(source)], capture_output=True,
                         text=True, env=_libpq_env(url), timeout=3600, check=False)
    if run.returncode != 0:
        why = run.stderr.strip().splitlines()
        raise BackupProblem(f"pg_restore could not restore the backup "
                            f"({why[-1] if why else 'no reason given'}); it ran in one "
                            "transaction, so the database was left as it was.")
    return safety
