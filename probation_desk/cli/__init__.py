"""The command line: the same operations as the window, with ``--json`` for scripts.

``probation-desk`` alone opens the window. Every failure prints a plain message (never
a traceback) and exits with its own status:

- 1: something Probation Desk did not expect (details in the log file);
- 2: refused by a rule (the rule's own message);
- 3: the database cannot be used (damaged, half-built, newer, unreachable); a command
  that writes refuses a SQLite file whose full page check has not passed;
- 4: a file could not be read or written (missing, no permission, read-only, disk full);
- 5: a backup or restore could not be done.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from probation_desk import __version__

if TYPE_CHECKING:  # imported where used: opening the window needs neither
    import argparse


def cmd_gui(args: argparse.Namespace) -> int:
    from probation_desk.ui.app import run_app

    return run_app(db=args.db)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the README and tests)."""
    import argparse

    from probation_desk.cli import admin, cases, casework, data, database, day
    from probation_desk.cli.common import Parsers

    parser = argparse.ArgumentParser(
        prog="probation-desk",
        description="Record toolkit NSIs, enforce toolkit withdrawal, track the "
        "Pre-Intervention Module and print workbooks. With no command, opens the window.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", help="database URL or a SQLite file's path (default: SQLite "
                        "in your data folder; "
                        "or set PROBATION_DESK_DB)")
    parser.add_argument("--json", action="store_true",
                        help="print JSON for scripts (before or after the command)")
    parser.set_defaults(func=cmd_gui)
    kit = Parsers(parser.add_subparsers(title="commands"))
    for group in (data, cases, casework, day, database):
        group.register(kit)
    kit.add("gui", cmd_gui, "open the window (the default)")
    from probation_desk.selftest import cmd_selftest

    kit.add("selftest", cmd_selftest, "check that this installation works (for IT, after "
            "installing); exits 0 only when every check passes")
    admin.register(kit)
    return parser


def window_only(argv: Sequence[str]) -> tuple[bool, str | None]:
    """(True, the --db value) when the arguments only open the window: nothing, ``gui``,
    ``--db URL`` or ``--db=URL``. Then no parser is built before the window is shown."""
    args = list(argv)
    if args and args[-1] == "gui":
        args.pop()
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db" and not args[1].startswith("-"):
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > 5:
        return True, args[0][5:]
    return False, None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    The window (no command) is opened first thing: argparse, logging and the data
    folder's lookup wait until it is on screen (``ui.app.run_app``).
    """
    window, db = window_only(sys.argv[1:] if argv is None else argv)
    if window:
        from probation_desk.ui.app import run_app

        return run_app(db=db)
    from probation_desk.cli.common import _print_json as print_json
    from probation_desk.cli.common import _printable as printable
    from probation_desk.errors import Exit, explain
    from probation_desk.logs import setup_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging()
    import logging

    _log = logging.getLogger("probation_desk.cli")
    command = getattr(args.func, "__name__", "command").removeprefix("cmd_")
    try:
        status = int(args.func(args) or 0)
        _log.info("%s finished with status %d", command, status)
        return status
    except Exception as exc:
        said = explain(exc)
        if not said.expected and isinstance(exc, ValueError):
            # An option's value the command could not use (printing's and parsing's
            # own checks): refused in their words.
            print(printable(f"Refused: {exc}"), file=sys.stderr)
            return Exit.REFUSED
        if not said.expected:
            _log.exception("%s stopped by an unexpected error", command)
        else:
            _log.info("%s stopped: %s", command, said.code)
        if getattr(args, "json", False):
            print_json({"error": said.text, "rule": said.code, "field": said.field})
        elif said.status is Exit.REFUSED:
            print(printable(f"Refused: {said.text}"), file=sys.stderr)
        else:
            print(printable(said.text), file=sys.stderr)
        return int(said.status)


if __name__ == "__main__":
    raise SystemExit(main())
