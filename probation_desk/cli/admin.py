"""IT's commands for a team database on PostgreSQL."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from probation_desk.cli.common import (
    Parsers,
    _print_json,
)

if TYPE_CHECKING:
    import argparse


def _admin_url(args: argparse.Namespace) -> str:
    from probation_desk.passwords import with_saved_password
    from probation_desk.settings import database_url

    return with_saved_password(database_url(args.db))


def cmd_admin_init(args: argparse.Namespace) -> int:
    from probation_desk.services.lifecycle import init_team
    from probation_desk.store.server import describe

    done = init_team(_admin_url(args))
    if args.json:
        _print_json({"changes": done})
    else:
        print(describe(done))
    return 0


def _read_password() -> str:
    line = sys.stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def cmd_admin_add_user(args: argparse.Namespace) -> int:
    from probation_desk.services.team import add_user

    password = _read_password() if args.password_stdin else None
    changed = add_user(_admin_url(args), args.login, args.role, args.region, password)
    if args.json:
        _print_json({"login": args.login, "changed": changed})
    else:
        print(f"Added {args.login} as {args.role}." if changed else
              f"{args.login} was already set up as {args.role}: nothing was changed.")
    return 0


def cmd_admin_set_role(args: argparse.Namespace) -> int:
    from probation_desk.services.team import set_role

    changed = set_role(_admin_url(args), args.login, args.role, args.region,
                       args.read_all_regions)
    if args.json:
        _print_json({"login": args.login, "changed": changed})
    else:
        print(f"{args.login} is now {args.role}." if changed else
              f"{args.login} was already {args.role}: nothing was changed.")
    return 0


def cmd_admin_remove_user(args: argparse.Namespace) -> int:
    from probation_desk.services.team import remove_user

    removed = remove_user(_admin_url(args), args.login)
    if args.json:
        _print_json({"login": args.login, "removed": removed})
    else:
        print(f"Removed the login {args.login}; their records stay." if removed else
              f"There was no login {args.login}: nothing was changed.")
    return 0


def cmd_admin_list_users(args: argparse.Namespace) -> int:
    from probation_desk.services.team import list_users

    users = list_users(_admin_url(args))
    if args.json:
        _print_json(users)
        return 0
    if not users:
        print("No Probation Desk logins on this server yet.")
    for u in users:
        region = u["region"] or "all regions"
        extra = " (may read all regions)" if u["read_all_regions"] else ""
        locked = "" if u["can_log_in"] else " (cannot log in)"
        print(f"{u['login']}: {u['role']}, {region}{extra}{locked}")
    return 0


def _add_admin_commands(sub: Any) -> None:
    import argparse

    roles = ["practitioner", "treatment-manager", "regional-lead", "admin"]  # store.server.ROLES
    admin = sub.add_parser(
        "admin", help="IT: set up a team PostgreSQL database and people's logins",
        description="IT's commands for a team database on PostgreSQL, run connected as the "
        "database's owner. Each is idempotent: running it again changes nothing.")
    commands = admin.add_subparsers(title="admin commands", required=True)

    def add(name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = commands.add_parser(name, help=help_text,
                                                         description=help_text)
        p.add_argument("--db", default=argparse.SUPPRESS, help="database URL")
        p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                       help="print JSON for scripts (before or after the command)")
        p.set_defaults(func=func)
        return p

    add("init", cmd_admin_init, "bring the schema up to date and create the roles, grants, "
        "row-level security and triggers")
    p = add("add-user", cmd_admin_add_user, "create a person's login in a role")
    p.add_argument("login")
    p.add_argument("--role", required=True, choices=roles)
    p.add_argument("--region", help="the region they work in (all but admins)")
    p.add_argument("--password-stdin", action="store_true",
                   help="read a password from standard input (stored by the server as a "
                   "SCRAM verifier); without it, sign-in is by the server's own methods "
                   "(certificates, GSSAPI/SSPI)")
    p = add("set-role", cmd_admin_set_role, "change a person's role (and region)")
    p.add_argument("login")
    p.add_argument("role", choices=roles)
    p.add_argument("--region")
    reads = p.add_mutually_exclusive_group()
    reads.add_argument("--read-all-regions", dest="read_all_regions", action="store_const",
                       const=True, default=None, help="let them read people of every region")
    reads.add_argument("--own-region-only", dest="read_all_regions", action="store_const",
                       const=False, help="only people of their own region (the default)")
    p = add("remove-user", cmd_admin_remove_user, "remove a person's login (records stay)")
    p.add_argument("login")
    add("list-users", cmd_admin_list_users, "list people's logins with role and region")


def register(kit: Parsers) -> None:
    """The admin commands."""
    _add_admin_commands(kit.sub)
