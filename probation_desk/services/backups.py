"""Backups for the window and the command line: take one now, list them, restore one.

A thin layer over :mod:`probation_desk.store.backup` so the window never imports the
store (or SQLAlchemy) itself.
"""

from __future__ import annotations

from pathlib import Path

from probation_desk.store.backup import BackupInfo, backup, list_backups, restore


def back_up_now(url: str, dest: Path | None = None, *, keep: int = 14) -> Path:
    """A manual backup of the database at ``url``; returns the file written."""
    return backup(url, dest, reason="manual", keep=keep)


def backups_of(url: str) -> list[BackupInfo]:
    """This database's backups in the backup folder, newest first."""
    return list_backups(url)


def restore_backup(url: str, source: Path, *, keep: int = 14) -> Path:
    """Restore ``source`` over the database; returns the backup of what it replaced."""
    return restore(url, source, keep=keep)
