"""Locks between processes, on every platform: ``filelock`` (``flock`` on POSIX,
``LockFileEx`` on Windows), held on an owner-only lock file that is never followed
through a link (or a Windows reparse point).

The operating system drops a process's locks when it ends, even when it is killed: a
lock file found unlocked means whoever held it is gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

PRIVATE = 0o600


def lock_of(path: Path) -> FileLock:
    """The lock kept in the file ``path`` (created owner-only when first taken)."""
    return FileLock(str(path), mode=PRIVATE)


@contextmanager
def held(path: Path, *, timeout: float = -1) -> Iterator[FileLock]:
    """Hold the lock in ``path`` (waiting for it: ``timeout`` seconds, -1 for as long
    as it takes; :class:`filelock.Timeout` when it is not had in time)."""
    lock = lock_of(path)
    with lock.acquire(timeout=timeout):
        yield lock


def busy(path: Path) -> bool:
    """Whether another holder has the lock in ``path`` now (False when there is no file)."""
    if not path.exists():
        return False
    lock = lock_of(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


__all__ = ["Timeout", "busy", "held", "lock_of"]
