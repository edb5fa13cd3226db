"""Open a database: SQLite pragmas, owner-only files, health and version checks.

Opening never changes a file it cannot safely use: a damaged file, or one written by a
newer version of Probation Desk, is refused with a clear message before anything is
written to it.

SQLAlchemy is imported inside the functions that need it: the file checks and
``SCHEMA_HEAD`` are also used by the caseload's first page (``services.caseload_sql``),
which is read with the standard library's sqlite3 before SQLAlchemy is loaded.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from probation_desk.addresses import sqlite_file
from probation_desk.errors import DatabaseProblem, DatabaseReplaced, HalfBuiltSchema, Problem
from probation_desk.store.locks import busy, held
from probation_desk.store.read_only import read_only_location, read_only_uri
from probation_desk.store.schema_version import KNOWN_REVISIONS, SCHEMA_HEAD

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

P = ParamSpec("P")
T = TypeVar("T")

def _check_sqlite_file(path: Path) -> None:
    """Refuse a damaged file without writing to it (read-only open).

    Reads the header and the schema, which is quick at any size; the full page-by-page
    check (:func:`integrity_problem`) takes seconds on a big file, so it is for the
    background, not for every start.
    """
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        con = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            con.execute("PRAGMA schema_version").fetchone()
            names = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            stamped = "alembic_version" in names and con.execute(
                "SELECT count(*) FROM alembic_version").fetchone()[0] > 0
            row = ("ok",)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseProblem(
            f"The database file {path} is damaged or is not a Probation Desk database "
            f"({exc}). It has been left exactly as it was. Restore it from a backup, or "
            "choose another database in Settings."
        ) from None
    if names & _OUR_TABLES and not stamped:
        # Checked here, read-only, so a half-built file is not touched at all.
        raise half_built(f"sqlite:///{path}", "tables created but no version recorded")
    if not row or row[0] != "ok":
        raise DatabaseProblem(
            f"The database file {path} failed its integrity check ({row[0] if row else '?'}). "
            "It has been left exactly as it was. Restore it from a backup."
        )


def integrity_problem(url: str) -> str | None:
    """Run SQLite's page-by-page check, read-only; the problem found, or None if sound.

    Slow on a big file (about 1.5 s at 100,000 people): run it in the background.
    """
    path = sqlite_file(url)
    if path is None or not path.exists():
        return None
    try:
        con = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            row = con.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if row and row[0] == "ok" else str(row[0] if row else "unknown problem")


def _check_ownership(path: Path, outcome: str = "Nothing was opened") -> None:
    """Refuse a database file or folder another user owns or can change, saying why.

    Another user who can write the file, or replace it in its folder, could read or
    alter every record. A file of ours that others may merely read is made owner-only.
    On Windows the per-user profile folders (``%LOCALAPPDATA%``) are private to their
    user, and there is no owner id to compare: a link or other reparse point is refused
    there as a symbolic link is here.
    """
    if sys.platform == "win32":
        if path.exists() and _reparse_point(path):
            raise DatabaseProblem(
                f"The database path {path} is a link (a reparse point). {outcome}: "
                "Probation Desk opens only the real file.")
        return
    me = os.geteuid()
    folder = path.parent
    if folder.exists():
        st = os.stat(folder)
        if st.st_uid not in (me, 0):
            raise DatabaseProblem(
                f"The folder {folder} belongs to another user (user id {st.st_uid}), who "
                f"could replace the database file in it. {outcome}: keep the "
                "database in a folder of your own.")
        if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
            raise DatabaseProblem(
                f"Other users can write in the folder {folder}, so they could replace the "
                f"database file. {outcome}: make the folder yours only (chmod "
                "700) or keep the database in your own data folder.")
    _check_companions(path, outcome)
    if path.exists():
        st = os.stat(path, follow_symlinks=False)
        if stat.S_ISLNK(st.st_mode):
            raise DatabaseProblem(
                f"The database path {path} is a symbolic link. {outcome}: "
                "Probation Desk opens only the real file.")
        if st.st_uid != me:
            raise DatabaseProblem(
                f"The database file {path} belongs to another user (user id "
                f"{st.st_uid}). {outcome}: it holds their records, or someone "
                "could have swapped it. Use a database file of your own.")
        if st.st_mode & 0o022:
            raise DatabaseProblem(
                f"Other users can change the database file {path}. {outcome}: "
                "make it yours only (chmod 600), then open it again.")
        if st.st_mode & 0o044:
            os.chmod(path, 0o600)


_COMPANIONS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database: recent changes, their index, a rollback."""


def _check_companions(path: Path, outcome: str) -> None:
    """Refuse a database whose ``-wal``, ``-shm`` or ``-journal`` file is a link, or
    another user's: SQLite would read the database's recent changes from it (or refuse
    it, which looks like damage when it is not)."""
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        try:
            st = os.stat(companion, follow_symlinks=False)
        except OSError:
            continue
        if _reparse_point(companion):
            raise DatabaseProblem(
                f"The database's {suffix[1:]} file {companion} is a link to another file, "
                f"not a file of its own. {outcome}: the database itself is not damaged, but "
                "SQLite keeps the latest changes there, so Probation Desk uses only a real "
                "file. Put the real file back in its place, or remove the link if it is not "
                "one you made.")
        if sys.platform != "win32" and st.st_uid != os.geteuid():
            raise DatabaseProblem(
                f"The database's {suffix[1:]} file {companion} belongs to another user "
                f"(user id {st.st_uid}). {outcome}: SQLite keeps the latest changes there, "
                "so someone else could change what the database holds.")


def _reparse_point(path: Path) -> bool:
    """A Windows link, junction or other reparse point at ``path`` (a symlink elsewhere)."""
    st = os.stat(path, follow_symlinks=False)
    return stat.S_ISLNK(st.st_mode) or bool(
        getattr(st, "st_file_attributes", 0) & getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0))


def check_ownership(path: Path, outcome: str) -> None:
    """Opening's checks of who owns the file and its folder, and that the path is no
    link, before anything is written there; ``outcome`` says what was not done."""
    _check_ownership(path, outcome)


def check_sqlite_file(path: Path) -> None:
    """The checks opening makes before it uses a SQLite file: ownership (a file of ours
    that others may read is made owner-only) and, read-only, the header and schema. A
    :class:`DatabaseProblem` in words; no SQLAlchemy needed."""
    _check_ownership(path)
    _check_sqlite_file(path)


def _create_sqlite_file(path: Path) -> None:
    """Create the file (owner-only).

    A relative path (``sqlite:///folder/file`` or ``--db folder/file``) must name a folder
    that exists: a mistyped one is refused, naming the folder it looked for, rather than
    created silently wherever the program happens to run. An absolute path's folders
    are created (owner-only), as for the default database in the data folder.
    """
    if path.exists():
        if path.is_dir():
            raise DatabaseProblem(f"{path} is a folder, not a database file. Give the path of "
                                  "a file inside it, for example "
                                  f"{path / 'probation-desk.sqlite3'}.")
        return
    folder = path.parent
    if not folder.is_dir() and path.is_absolute() and not folder.exists():
        try:
            folder.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            raise DatabaseProblem(
                f"The folder {folder} for the database cannot be created "
                f"({exc.strerror or exc}). Choose a folder you can write to.") from None
    if not folder.is_dir():
        raise DatabaseProblem(
            f"The folder {folder} (from {folder.absolute()}) for the database file "
            f"{path.name} does not exist, so nothing was created. Check the path (a "
            "relative path, or a sqlite:/// URL with three slashes, starts from the current "
            "folder; sqlite://// with four is an absolute path), or create the folder first.")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise DatabaseProblem(
            f"A database file cannot be created at {path.absolute()} "
            f"({exc.strerror or exc}). Choose a folder you can write to.") from None
    os.close(fd)


def _sqlite_pragmas(dbapi_con: Any, _record: Any) -> None:
    # pysqlite would start transactions itself, but only before INSERT/UPDATE/DELETE:
    # DDL then runs outside any transaction and is committed statement by statement.
    # We take BEGIN over (SQLAlchemy's "Serializable isolation / Savepoints /
    # Transactional DDL" recipe), so a migration is all-or-nothing like everything else.
    dbapi_con.isolation_level = None
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")  # an import batch may hold the lock a while
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-8192")  # 8 MB; bulk imports raise it for themselves
    cur.close()


def _sqlite_read_only(dbapi_con: Any, _record: Any) -> None:
    dbapi_con.isolation_level = None
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the pragmas Probation Desk relies on.

    An address that names no database driver Probation Desk has, or a file that cannot
    be created, is a :class:`DatabaseProblem` in plain words.
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        make_url(url)
        path = sqlite_file(url)
    except ArgumentError:
        raise DatabaseProblem(_bad_address(url, "it is not a database address")) from None
    read_only = False
    if path is not None:
        check_sqlite_file(path)
        read_only = read_only_location(path)
        if read_only:
            if not path.exists():
                raise OSError(30, "Read-only file system", str(path))
            # Nobody can write a read-only disk: read it as it is, without -shm files.
            url = f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true"
        else:
            _create_sqlite_file(path)
    # hide_parameters: database errors must not carry names, CRNs or notes into logs.
    kwargs.setdefault("hide_parameters", True)
    if path is None and url.startswith("postgresql"):
        kwargs["connect_args"] = network_settings(url, kwargs.get("connect_args"))
        if "+psycopg" in url.split("://", 1)[0] or "://" not in url:
            kwargs.setdefault("use_native_hstore", False)  # no hstore: skip its look-up
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise DatabaseProblem(_bad_address(
            url, f"Probation Desk has no database driver for '{make_url(url).drivername}'"
            if isinstance(exc, NoSuchModuleError | ImportError) else str(exc))) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_read_only if read_only else _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.name == "postgresql":
        host = server_host(url)

        def network_error(ctx: Any) -> None:
            _network_error(ctx, host)

        event.listen(engine, "handle_error", network_error)
        event.listen(engine, "checkout", _still_there)
        _quick_first_connect(engine.dialect)
    return engine


RESTORED = "the database was restored from a backup"
"""Words every writer uses when it finds the database restored under it."""

_GENERATIONS: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
"""Per engine (keyed by its dialect, which its option engines share): the database's
restore count when the engine first read it."""


def restore_count(con: Any) -> int:
    """How many times the SQLite file has been restored in place (``PRAGMA user_version``,
    which only :func:`store.backup.restore` sets); ``con``: a DB-API connection or an
    SQLAlchemy one."""
    run = con.exec_driver_sql if hasattr(con, "exec_driver_sql") else con.execute
    return int(run("PRAGMA main.user_version").fetchone()[0])


def restore_count_seen(engine: Engine) -> int | None:
    """The restore count this engine saw when it first read the database (None before)."""
    return _GENERATIONS.get(engine.dialect)


def replaced(opened_at: int, now: int) -> DatabaseReplaced:
    """The refusal a writer gives when the database was restored since it opened it."""
    return DatabaseReplaced(
        f"Nothing was saved: {RESTORED} (by 'probation-desk restore' or the window's "
        f"Restore, here or in another Probation Desk) after this one opened it, so what was "
        "read here is no longer what the database holds. Open the database again, check "
        "what it holds, and make the change again if it is still needed. "
        f"(Restore count {opened_at} when opened, {now} now.)")


def _quick_first_connect(dialect: Any) -> None:
    """SQLAlchemy's first look at a PostgreSQL server in one round trip instead of six,
    with opening's schema check and the sign-in in the same statement.

    Its dialect asks, each in its own statement inside a transaction, for the server's
    version, the current schema, the default isolation level and whether strings are
    standard-conforming. The driver already knows the version and the strings setting
    (the server reports them when the connection starts); the other two are asked
    together, outside any transaction, and with them what opening asks next (the
    schema's tables and revision: :func:`schema_state`) and who this login is
    (``services.team.team_login``), kept for them by :func:`first_answer`.
    """
    asked: dict[str, str] = {}

    def ask(dbapi_con: Any) -> dict[str, str]:
        if not asked:
            from probation_desk.store.server import ROLES

            was = dbapi_con.autocommit
            dbapi_con.autocommit = True
            try:
                cur = dbapi_con.execute(_first_statement(),
                                        {"groups": list(ROLES.values())})
                row = dict(zip([c.name for c in cur.description], cur.fetchone(),
                               strict=True))
            finally:
                dbapi_con.autocommit = was
            asked["schema"], asked["isolation"] = row["schema_name"], row["isolation"].upper()
            dialect.probation_desk_first = {
                "at": time.monotonic(),
                "schema": (set(row["tables"] or []), row["rev"]),
                "whoami": row,
            }
        return asked

    def version(connection: Any) -> tuple[int, ...]:
        number = int(connection.connection.dbapi_connection.info.server_version)
        return (number // 10000, number % 10000) if number >= 100000 else (
            number // 10000, number // 100 % 100, number % 100)

    def schema(connection: Any) -> str:
        return ask(connection.connection.dbapi_connection)["schema"]

    def isolation(dbapi_con: Any) -> str:
        return ask(dbapi_con)["isolation"]

    def backslashes(connection: Any) -> None:
        info = connection.connection.dbapi_connection.info
        dialect._backslash_escapes = info.parameter_status(
            "standard_conforming_strings") == b"off"

    if not hasattr(dialect, "_set_backslash_escapes"):
        return  # another dialect than SQLAlchemy's own: leave it as it is
    dialect._get_server_version_info = version
    dialect._get_default_schema_name = schema
    dialect.get_default_isolation_level = isolation
    dialect._set_backslash_escapes = backslashes


FIRST_ANSWERS_FRESH = 30.0
"""Seconds for which the first connection's answers stand in for asking again."""


def _first_statement() -> str:
    from probation_desk.store.server import WHOAMI_SQL

    sql = ("SELECT current_schema() AS schema_name, "  # noqa: S608 (two constants)
           "current_setting('transaction_isolation') AS isolation, s.tables, s.rev, w.* "
           f"FROM ({_PG_SCHEMA_STATE}) AS s, ({WHOAMI_SQL}) AS w")
    # The driver's own placeholders: %% for format()'s %L, %(groups)s for :groups.
    return sql.replace("%L", "%%L").replace(":groups", "%(groups)s")


def first_answer(engine: Engine, part: str) -> Any:
    """What the engine's first connection was told (``"schema"``: tables and revision;
    ``"whoami"``: the sign-in's row), once, while fresh; None otherwise."""
    first = getattr(engine.dialect, "probation_desk_first", None)
    if not first or part not in first:
        return None
    if time.monotonic() - first["at"] > FIRST_ANSWERS_FRESH:
        first.clear()
        return None
    return first.pop(part)


def forget_first_answers(engine: Engine) -> None:
    """The schema or the logins changed (a migration): ask afresh from now on."""
    first = getattr(engine.dialect, "probation_desk_first", None)
    if first:
        first.clear()


NETWORK_DEFAULTS: dict[str, str] = {
    "connect_timeout": "10",
    "keepalives": "1",
    "keepalives_idle": "5",
    "keepalives_interval": "2",
    "keepalives_count": "3",
    "tcp_user_timeout": "10000",
}
"""libpq's settings for a team database over a network that may drop or freeze: give up
connecting after 10 s; notice a silent server within about 11 s while waiting for an
answer (keepalives: 5 s idle, then 3 probes 2 s apart) and within 10 s while what was
sent is not acknowledged (``tcp_user_timeout``, milliseconds)."""


def network_settings(url: str, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """The connect arguments for ``url``: :data:`NETWORK_DEFAULTS` except where the
    address (its query) or the caller sets them."""
    from sqlalchemy.engine import make_url

    query = make_url(url).query
    args: dict[str, Any] = {k: v for k, v in NETWORK_DEFAULTS.items() if k not in query}
    args.update(given or {})
    return args


def server_host(address: str) -> str:
    """The server's host name (and port, when not the usual one) for messages."""
    from sqlalchemy.engine import make_url

    url = make_url(address)
    host = url.host or str(url.query.get("host") or "localhost")
    return host if url.port in (None, 5432) else f"{host}:{url.port}"


def unreachable_reason(exc: BaseException) -> str:
    """What happened to the network, in a few words, from a driver's error."""
    text = str(exc).lower()
    if "timeout" in text or "timed out" in text:
        return "it did not answer in time"
    if "refused" in text:
        return "the connection was refused"
    if "resolve" in text or "name or service" in text:
        return "its name could not be found"
    return "the connection was lost"


def _connect_failure(orig: BaseException) -> bool:
    """A connection that could not be made because of the network (not a refused
    password, a missing database, or a certificate: the server said those)."""
    if getattr(orig, "sqlstate", None) is not None:
        return False
    text = str(orig).lower()
    return not any(w in text for w in ("password", "ssl", "certificate", "authentication",
                                       "does not exist", "role "))


def _network_error(ctx: Any, host: str) -> None:
    """The store's edge: a lost or frozen network becomes :class:`ServerUnreachable`.

    SQLAlchemy still invalidates the broken connection (and the pool's others, which
    went with the same network), so the next operation connects afresh.
    """
    from probation_desk.errors import ServerUnreachable

    orig = ctx.original_exception
    if not _is_operational(orig):
        return
    at_connect = ctx.connection is None and ctx.execution_context is None
    if ctx.is_disconnect or (at_connect and _connect_failure(orig)):
        raise ServerUnreachable(host, unreachable_reason(orig)) from None


def _is_operational(exc: BaseException) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    return isinstance(exc, psycopg.OperationalError)


def _still_there(dbapi_con: Any, _record: Any, _proxy: Any) -> None:
    """Before a pooled connection is used: is it still connected? (No round trip.)

    A connection whose server has gone (reset, closed, or terminated by an
    administrator) has something to read, or an error, on its socket while it sits idle
    in the pool; reading it shows the loss, and the pool connects afresh instead of
    failing the next read.
    """
    import select

    from sqlalchemy.exc import DisconnectionError

    pgconn = getattr(dbapi_con, "pgconn", None)
    if pgconn is None:
        return
    try:
        if pgconn.status != 0:  # CONNECTION_BAD
            raise DisconnectionError("closed")
        ready, _, _ = select.select([pgconn.socket], [], [], 0)
        if ready:
            pgconn.consume_input()
            if pgconn.status != 0:
                raise DisconnectionError("closed")
    except DisconnectionError:
        raise
    except Exception as exc:  # the socket is gone or reading it failed
        raise DisconnectionError(str(exc.__class__.__name__)) from None


def _bad_address(url: str, why: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    shown = url
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        pass
    return (f"The database address '{shown}' cannot be used: {why}. Give a SQLite file's "
            "path (for example ~/probation-desk.sqlite3), sqlite:///PATH, or "
            "postgresql+psycopg://user@host/name.")


def _sqlite_begin(conn: Connection) -> None:
    """Emit our own BEGIN: DEFERRED for reads, IMMEDIATE (write lock first) for writers.

    A restore replaces the content under the same write lock, and counts itself in the
    file (:func:`restore_count`). The first transaction notes the count; a writer that,
    holding the lock, finds it changed since, writes nothing: it was going to change a
    database other than the one it read (an id it holds may now be someone else's).
    """
    mode = conn.get_execution_options().get(WRITE_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if mode else "BEGIN")
    now = restore_count(conn)
    seen = _GENERATIONS.setdefault(conn.dialect, now)
    if mode and now != seen:
        conn.exec_driver_sql("ROLLBACK")
        raise replaced(seen, now)


WRITE_OPTION = "probation_desk_writer"


def writer(engine: Engine) -> Engine:
    """The same engine, for writing transactions.

    On SQLite each transaction begins with ``BEGIN IMMEDIATE``: it waits for the write
    lock (up to the busy timeout) before it reads anything, so a check it makes ("is
    another NSI of this toolkit open?") still holds when it writes. Other databases
    ignore the option.
    """
    return engine.execution_options(**{WRITE_OPTION: True})


def read_retried(read: Callable[P, T]) -> Callable[P, T]:
    """``read``, tried once more on a fresh connection when the connection it used was
    found lost at once (a reset: the network dropped and may be back). Only for reads:
    a write is never run twice. A read that waited for a frozen network is not tried
    again (that would double the wait before the person is told)."""
    import functools
    import time

    from probation_desk.errors import ServerUnreachable

    @functools.wraps(read)
    def again(*args: P.args, **kwargs: P.kwargs) -> T:
        started = time.monotonic()
        try:
            return read(*args, **kwargs)
        except ServerUnreachable:
            if time.monotonic() - started > 2.0:
                raise
        return read(*args, **kwargs)  # the pool was emptied: a new connection

    return again


def reader(engine: Engine) -> Engine:
    """The same engine, for reads that need no transaction of their own.

    On PostgreSQL each read then costs its statements' round trips only: no ``BEGIN``
    before them and no ``ROLLBACK`` when the connection goes back to the pool (each
    statement sees the data committed when it starts). SQLite is unchanged: there a
    read transaction costs nothing, and a multi-statement read keeps one snapshot.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


_OUR_TABLES = frozenset({"person", "sentence_order", "nsi", "nsi_status_history",
                         "rar_activity", "module_session", "audit", "sign_off",
                         "si_referral", "contact", "contact_correction"})


def _latest_backup_hint(url: str) -> str:
    try:
        from probation_desk.store.backup import list_backups

        found = list_backups(url)
    except (OSError, Problem):
        found = []
    if not found:
        return ("No backup of it was found in the backup folder: restore one you keep "
                "elsewhere, or move this file aside to start a new database.")
    b = found[0]
    return (f"The newest backup is {b.path} (taken {b.taken:%d %B %Y at %H:%M} UTC): "
            f"restore it with: probation-desk restore \"{b.path}\".")


def half_built(url: str, detail: str) -> HalfBuiltSchema:
    return HalfBuiltSchema(
        f"This database's structure is half-built ({detail}): an earlier version of "
        "Probation Desk was stopped while creating or upgrading it. It has been left as it "
        f"was. {_latest_backup_hint(url)}")


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database (None for an empty one)."""
    return schema_state(engine)[0]


def schema_state(engine: Engine) -> tuple[str | None, set[str]]:
    """The schema revision recorded in the database (None for an empty one) and the
    tables present (on PostgreSQL both in one statement)."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    url = engine.url.render_as_string(hide_password=False)
    try:
        with reader(engine).connect() as con:
            if con.dialect.name == "postgresql":
                tables, rev = first_answer(engine, "schema") or _pg_schema_state(con)
            else:
                tables = set(inspect(con).get_table_names())
                rev = None
            if "alembic_version" not in tables:
                if tables & _OUR_TABLES:
                    raise half_built(url, "tables without a version stamp")
                if tables:
                    raise DatabaseProblem(
                        "This database has tables but no Probation Desk version stamp, so it "
                        "is not a Probation Desk database. It has been left as it was."
                    )
                return None, tables
            if con.dialect.name != "postgresql":
                rev = con.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if rev is None and tables & _OUR_TABLES:
                raise half_built(url, "tables created but no version recorded")
            return rev, tables
    except SQLAlchemyError as exc:
        raise DatabaseProblem(
            f"The database could not be opened: {exc.__class__.__name__}: "
            f"{getattr(exc, 'orig', exc)}. Check the address in Settings and that the server "
            "is running."
        ) from None


_PG_SCHEMA_STATE = """
SELECT array(SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()) AS tables,
       CASE WHEN to_regclass('alembic_version') IS NOT NULL THEN
         (xpath('/row/version_num/text()', query_to_xml(
            'SELECT version_num FROM alembic_version LIMIT 1', false, true, '')))[1]::text
       END AS rev
"""


def _pg_schema_state(con: Connection) -> tuple[set[str], str | None]:
    """The schema's tables and its recorded revision, in one statement (one round trip
    to a far server)."""
    from sqlalchemy import text

    row = con.execute(text(_PG_SCHEMA_STATE)).one()
    return set(row.tables or []), row.rev


def check_version(engine: Engine) -> str | None:
    """Refuse a database from a newer version of the app; return its revision."""
    return check_schema(engine)[0]


def check_schema(engine: Engine) -> tuple[str | None, set[str]]:
    """:func:`check_version`, with the tables present."""
    rev, tables = schema_state(engine)
    if rev is not None and rev not in KNOWN_REVISIONS:
        raise DatabaseProblem(
            f"This database was last used by a newer version of Probation Desk (schema "
            f"{rev}; this version knows up to {SCHEMA_HEAD}). It has been left untouched: "
            "update Probation Desk to open it."
        )
    return rev, tables


def _import_marker(path: Path) -> Path:
    return path.with_name(path.name + "-importing")


@contextmanager
def indexes_deferred_marker(path: Path) -> Iterator[None]:
    """Say, to other processes opening the file, that an import has its indexes down.

    An owner-only file beside the database, locked while the import runs: the lock goes
    with the process, even when it is killed, so a file left unlocked means the import
    is over (a crash), and opening then rebuilds the indexes.
    """
    marker = _import_marker(path)
    try:
        with held(marker):
            yield
    finally:
        marker.unlink(missing_ok=True)


def import_running(path: Path) -> bool:
    """Whether another process is importing into ``path`` with its indexes deferred."""
    return busy(_import_marker(path))


def restore_indexes(engine: Engine) -> None:
    """Rebuild any index a bulk import dropped and could not rebuild (say, a crash).

    While an import into an empty file is running it has dropped them on purpose (it
    builds them once at the end, much faster than row by row): they are left to it, so
    opening the file meanwhile neither waits for nor slows down the import.
    """
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from probation_desk.store.models import Base

    wanted = {ix.name: ix for t in Base.metadata.sorted_tables for ix in t.indexes}
    with engine.connect() as con:
        present = set(con.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'index'")).scalars())
    missing = [ix for name, ix in wanted.items() if name not in present]
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if missing and path is not None and import_running(path):
        return
    if missing:
        try:
            with writer(engine).begin() as con:
                for ix in missing:
                    ix.create(con, checkfirst=True)
        except SQLAlchemyError:
            # An import that is rebuilding them holds the write lock: it rebuilds them
            # itself, and the next open checks again. Opening does not fail for this.
            pass


def missing_tables(engine: Engine) -> set[str]:
    from sqlalchemy import inspect

    from probation_desk.store.models import Base

    with reader(engine).connect() as con:
        present = set(inspect(con).get_table_names())
    return set(Base.metadata.tables) - present
