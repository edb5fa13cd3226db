"""What the command line's commands share: opening the Desk, printing, typed arguments,
and the parsers' kit each group of commands registers itself with."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any


@dataclass
class Parsers:
    """Adds commands to the command line's parser (``--db`` and ``--json`` on each)."""

    sub: Any
    """The top-level subparsers."""

    def add(self, name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        """A top-level command."""
        p: argparse.ArgumentParser = self.sub.add_parser(name, help=help_text,
                                                         description=help_text)
        p.add_argument("--db", default=argparse.SUPPRESS, help="database URL")
        p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                       help="print JSON for scripts (before or after the command)")
        p.set_defaults(func=func)
        return p

    def group(self, name: str, help_text: str) -> Any:
        """A command with commands of its own (``person add``...)."""
        g = self.sub.add_parser(name, help=help_text, description=help_text)

        def usage(_args: argparse.Namespace) -> int:
            g.print_help()
            return 2

        g.set_defaults(func=usage, json=False)
        return g.add_subparsers(title="commands")

    def add_to(self, subs: Any, name: str, func: Any,
               help_text: str) -> argparse.ArgumentParser:
        """A command in a group."""
        p: argparse.ArgumentParser = subs.add_parser(name, help=help_text,
                                                     description=help_text)
        p.add_argument("--db", default=argparse.SUPPRESS, help="database URL")
        p.add_argument("--json", action="store_true", help="print JSON for scripts")
        p.set_defaults(func=func)
        return p


def _printable(text: str) -> str:
    """``text`` safe to print: a broken character (a lone surrogate, as an undecodable
    argument gives) shown as its code instead of failing the whole message."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _print_json(data: Any) -> None:
    import json

    print(_printable(json.dumps(data, ensure_ascii=False, indent=2, default=str)))


def _desk(args: argparse.Namespace, *, writes: bool = False) -> Any:
    """Open the Desk (``services.lifecycle``); a command that writes refuses a read-only
    file, or one whose page check fails, first."""
    from probation_desk.services.lifecycle import open_desk

    return open_desk(args.db, writes=writes)


def _date_arg(value: str | None, label: str) -> Any:
    import datetime as dt

    from probation_desk.domain.errors import RuleViolation

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RuleViolation("bad-date", f"The {label} '{value}' is not a date (expected "
                            "YYYY-MM-DD).", label) from None


def _enum_arg(kind: Any, value: str | None, label: str) -> Any:
    from probation_desk.domain.errors import RuleViolation

    if value is None:
        return None
    try:
        return kind[value.upper()]
    except KeyError:
        raise RuleViolation("bad-value", f"'{value}' is not a {label} (one of "
                            f"{', '.join(kind.__members__)}).", label) from None
