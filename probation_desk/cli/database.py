"""The database itself: its check, backups and restores."""

from __future__ import annotations

from typing import TYPE_CHECKING

from probation_desk.cli.common import (
    Parsers,
    _desk,
    _print_json,
)

if TYPE_CHECKING:
    import argparse


def cmd_check(args: argparse.Namespace) -> int:
    from probation_desk.services.check import check_database

    report = check_database(_desk(args), repair=not args.no_repair)
    if args.json:
        _print_json({"damage": report.damage, "people": report.people,
                     "repaired": report.repaired,
                     "drift": [d.__dict__ for d in report.drift]})
    else:
        print(report.text())
    if report.damage is not None:
        return 3
    return 0 if report.sound else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from probation_desk.services.lifecycle import back_up_now
    from probation_desk.settings import database_url, load_settings

    url = database_url(args.db)
    _desk(args).engine.dispose()  # refuses a newer, half-built or unreachable database
    path = back_up_now(url, Path(args.path) if args.path else None,
                       keep=load_settings().backup_keep, replace=args.replace)
    if args.json:
        _print_json({"path": str(path)})
    else:
        print(f"Backed up the database to {path} (readable by you only).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from probation_desk.services.lifecycle import backups_of, restore_backup
    from probation_desk.settings import database_url, load_settings

    url = database_url(args.db)
    if args.path is None:
        found = backups_of(url)
        if not found:
            print("There are no backups of this database in the backup folder.")
            return 0
        for b in found:
            print(f"{b.taken:%Y-%m-%d %H:%M} UTC  {b.reason:<16} {b.size:>12,} bytes  {b.path}")
        return 0
    safety = restore_backup(url, Path(args.path), keep=load_settings().backup_keep)
    _desk(args).engine.dispose()  # brings an older backup's schema up to date
    if args.json:
        _print_json({"restored": args.path, "previous": str(safety)})
    else:
        print(f"Restored {args.path}. The database as it was just before is kept in "
              f"{safety}.")
    return 0


def register(kit: Parsers) -> None:
    """The database commands."""
    p = kit.add("check", cmd_check, "check the database file and recount stored counters, "
            "repairing any that drifted")
    p.add_argument("--no-repair", action="store_true", help="only report, change nothing")
    p = kit.add("backup", cmd_backup, "back up the database (SQLite backup API, or pg_dump)")
    p.add_argument("path", nargs="?", help="file or folder to write (default: the backup "
                   "folder in your data folder)")
    p.add_argument("--replace", action="store_true",
                   help="replace an existing file at PATH (otherwise it is refused)")
    p = kit.add("restore", cmd_restore, "restore a backup (the current database is backed up "
            "first); with no PATH, list the backups")
    p.add_argument("path", nargs="?")
