"""Every kind of failure a person can meet, and what they read and the exit status.

The store, the services and the command line raise the kinds below (already in words);
:func:`explain` turns any exception into the sentence a person reads and the status the
command line exits with. The window and the command line both use it, so the same
failure is worded once. No Qt and no SQLAlchemy here: the store translates its drivers'
errors into these kinds where it meets them.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import IntEnum

from probation_desk.domain.errors import RuleViolation


class Exit(IntEnum):
    """The command line's exit statuses (the README lists them)."""

    OK = 0
    UNEXPECTED = 1
    REFUSED = 2
    DATABASE = 3
    FILE = 4
    BACKUP = 5


class Problem(RuntimeError):
    """A failure whose message already says what happened and what to do."""

    status: Exit = Exit.UNEXPECTED
    code: str = "problem"
    """A stable name for scripts (``--json``'s ``rule``)."""


class DatabaseProblem(Problem):
    """The database cannot be used (damaged, half-built, newer, unreachable, refused)."""

    status = Exit.DATABASE
    code = "database-unusable"


class ServerUnreachable(DatabaseProblem):
    """The team database's server cannot be reached: the network dropped or froze."""

    code = "server-unreachable"

    def __init__(self, host: str, why: str, *, changed: str | None = None) -> None:
        self.host = host
        self.why = why
        after = changed or "Nothing was changed; try again when the network is back."
        super().__init__(f"The team database at {host} cannot be reached ({why}). {after}")


class HalfBuiltSchema(DatabaseProblem):
    """The schema was left half-built (say, an older version was stopped mid-upgrade)."""


class DatabaseReplaced(DatabaseProblem):
    """The database was restored from a backup after this program opened it: what it
    holds is no longer what was read here, so nothing more is written until it is
    opened again."""

    code = "database-restored"


class BackupProblem(Problem):
    """A backup or restore could not be done."""

    status = Exit.BACKUP
    code = "backup-problem"


class SettingsProblem(Problem):
    """A settings file cannot be used (the machine-wide defaults IT set, say)."""

    status = Exit.FILE
    code = "settings-problem"


class NotAFile(Problem):
    """A path given as a file to read is a folder, a device, a pipe or a socket."""

    status = Exit.FILE
    code = "not-a-file"


class NotAllowed(Problem):
    """The login or role may not do this (a team database's administration, say)."""

    status = Exit.REFUSED
    code = "not-allowed"


UNEXPECTED = ("Something went wrong that Probation Desk did not expect. Nothing more was "
              "changed. The details are in the log file; if it keeps happening, tell your "
              "administrator.")


@dataclass(frozen=True)
class Explanation:
    """What to tell a person about a failure, and how the command line ends."""

    text: str
    status: Exit
    code: str | None = None
    field: str | None = None
    expected: bool = True
    """False for a bug: the caller logs the traceback."""


def file_problem(exc: OSError) -> str:
    """An operating-system error on a file, in plain words (what, where, what to do)."""
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return (f"The disk is full{where}: nothing more could be written. Free some space "
                "and try again.")
    if exc.errno == errno.EROFS:
        return (f"The disk or folder is read-only{where}: nothing was written. It can be "
                "read (export, reports) but not changed; choose a place you can write to.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (f"You may not write or read there{where}: check the folder's permissions "
                "or choose another.")
    if exc.errno == errno.ENOENT:
        return f"There is no such file or folder{where}."
    if exc.errno == errno.EEXIST:
        return f"A file already exists there{where}: nothing was overwritten."
    if exc.errno == errno.ELOOP:
        return (f"That path is a symbolic link{where}: Probation Desk does not write "
                "through links. Choose the real file.")
    return f"The file could not be read or written{where}: {exc.strerror or exc}."


def explain(exc: BaseException) -> Explanation:
    """The words and exit status for ``exc``; anything not named here is a bug."""
    if isinstance(exc, RuleViolation):
        return Explanation(exc.message, Exit.REFUSED, exc.rule, exc.field)
    if isinstance(exc, Problem):
        return Explanation(str(exc), exc.status, exc.code)
    if isinstance(exc, OSError):
        return Explanation(file_problem(exc), Exit.FILE, "file-problem")
    return Explanation(UNEXPECTED, Exit.UNEXPECTED, expected=False)
