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

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from probation_desk import __version__

if TYPE_CHECKING:  # imported where used: opening the window needs neither
    import argparse


def _printable(text: str) -> str:
    """``text`` safe to print: a broken character (a lone surrogate, as an undecodable
    argument gives) shown as its code instead of failing the whole message."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _print_json(data: Any) -> None:
    import json

    print(_printable(json.dumps(data, ensure_ascii=False, indent=2, default=str)))


def _desk(args: argparse.Namespace, *, writes: bool = False) -> Any:
    """Open the Desk; for a command that writes, refuse a file whose page check fails."""
    from probation_desk.services.session import open_desk

    if writes:
        from probation_desk.paths import database_url
        from probation_desk.store.engine import (
            DatabaseProblem,
            integrity_problem,
            read_only_location,
            sqlite_path,
        )

        url = database_url(args.db)
        path = sqlite_path(url)
        if path is not None and path.exists() and (
                read_only_location(path) or not os.access(path, os.W_OK)
                or not os.access(path.parent, os.W_OK)):
            import errno

            raise OSError(errno.EROFS if read_only_location(path) else errno.EACCES,
                          "read-only", str(path))
        problem = integrity_problem(url)
        if problem is not None:
            raise DatabaseProblem(
                f"The database file is damaged ({problem}), so nothing was written to it. "
                "Restore it from a backup (probation-desk restore PATH); 'probation-desk "
                "export' still saves what can be read.")
    return open_desk(args.db)


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

    from probation_desk.paths import database_url
    from probation_desk.settings import load_settings
    from probation_desk.store.backup import backup

    url = database_url(args.db)
    _desk(args).engine.dispose()  # refuses a newer, half-built or unreachable database
    path = backup(url, Path(args.path) if args.path else None, reason="manual",
                  keep=load_settings().backup_keep)
    if args.json:
        _print_json({"path": str(path)})
    else:
        print(f"Backed up the database to {path} (readable by you only).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from probation_desk.paths import database_url
    from probation_desk.settings import load_settings
    from probation_desk.store.backup import list_backups, restore

    url = database_url(args.db)
    if args.path is None:
        found = list_backups(url)
        if not found:
            print("There are no backups of this database in the backup folder.")
            return 0
        for b in found:
            print(f"{b.taken:%Y-%m-%d %H:%M} UTC  {b.reason:<16} {b.size:>12,} bytes  {b.path}")
        return 0
    safety = restore(url, Path(args.path), keep=load_settings().backup_keep)
    _desk(args).engine.dispose()  # brings an older backup's schema up to date
    if args.json:
        _print_json({"restored": args.path, "previous": str(safety)})
    else:
        print(f"Restored {args.path}. The database as it was just before is kept in "
              f"{safety}.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from probation_desk.services.demo import load_demo

    desk = _desk(args, writes=True)
    result = load_demo(desk, args.cases, args.seed)
    if args.json:
        _print_json(result.as_json() | {"refusals": [r.__dict__ for r in result.refused[:50]]})
    else:
        print(f"Loaded a synthetic caseload: {dict(result.counts)}.")
        for r in result.refused[:20]:
            print(f"  refused record {r.line}: {r.reason}")
        if result.stopped:
            print(result.stopped, file=sys.stderr)
    return _stopped_status(result.stopped)


def _stopped_status(stopped: str | None) -> int:
    """0 when an import finished; 4 when the disk or file refused it; else 1."""
    if stopped is None:
        return 0
    return 4 if "disk is full" in stopped or "read-only" in stopped else 1


def cmd_sweep(args: argparse.Namespace) -> int:
    desk = _desk(args, writes=not args.dry_run)
    result = desk.sweep(dry_run=args.dry_run)
    if args.json:
        _print_json({"closed": result.closed, "dry_run": result.dry_run,
                     "nsi_ids": [i.nsi_id for i in result.items]})
    elif args.dry_run:
        print(f"{result.closed} open NSI(s) on withdrawn toolkits are past their close-by "
              "date and would be closed. Nothing was changed (dry run).")
    else:
        print(f"Closed {result.closed} NSI(s) on withdrawn toolkits past their close-by date.")
    return 0


def cmd_rar(args: argparse.Namespace) -> int:
    desk = _desk(args)
    person = desk.person_by_crn(args.crn)
    views = desk.rar(person.id)
    if args.json:
        _print_json({"crn": person.crn, "requirements": [{
            "order_id": v.order.id, "order": v.order.kind.value,
            "start": v.order.start.isoformat(), "end": v.order.end.isoformat(),
            "max_days": v.summary.max_days, "days_completed": v.summary.days_completed,
            "module_days": v.summary.module_days, "booked_days": v.summary.booked_days,
            "terminated_on": v.order.rar_terminated_on.isoformat()
            if v.order.rar_terminated_on else None,
            "counted_dates": [d.on.isoformat() for d in v.summary.counted],
            "module_date": v.summary.module_date.isoformat() if v.summary.module_date else None,
            "over_maximum": v.summary.over_maximum} for v in views]})
        return 0
    if not views:
        print(f"{person.crn} has no order with a RAR requirement.")
    from probation_desk.domain.dates import uk

    for v in views:
        extra = (f" (the Pre-Intervention Module added {v.summary.module_days} day on "
                 f"{uk(v.summary.module_date)})" if v.summary.module_date else "")
        print(f"{v.order.kind.value} {uk(v.order.start)} to {uk(v.order.end)}: "
              f"{v.summary.booked_text}{extra}")
    return 0


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


def _person_json(p: Any) -> dict[str, Any]:
    return {"ref": p.crn, "id": p.id, "crn": p.crn, "name": p.name,
            "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else None,
            "region": p.region, "pdu": p.pdu, "practitioner": p.practitioner,
            "language": p.language.name, "print_needs": p.print_needs.name}


def cmd_person_add(args: argparse.Namespace) -> int:
    from probation_desk.domain.people import Language, PersonDetails, PrintNeeds

    desk = _desk(args)
    p = desk.add_person(PersonDetails(
        args.crn, args.name, _date_arg(args.dob, "date of birth"), args.region, args.pdu,
        args.practitioner or desk.actor,
        _enum_arg(Language, args.language, "language") or Language.ENGLISH,
        _enum_arg(PrintNeeds, args.print_needs, "print needs") or PrintNeeds.STANDARD))
    if args.json:
        _print_json(_person_json(p))
    else:
        print(f"Added {p.crn}.")
    return 0


def cmd_person_edit(args: argparse.Namespace) -> int:
    from probation_desk.domain.people import PersonDetails

    desk = _desk(args)
    old = desk.person_by_crn(args.crn)
    dob = _date_arg(args.dob, "date of birth") if args.dob is not None else old.date_of_birth
    p = desk.update_person(old.id, PersonDetails(
        old.crn, args.name if args.name is not None else old.name, dob,
        args.region if args.region is not None else old.region,
        args.pdu if args.pdu is not None else old.pdu,
        args.practitioner if args.practitioner is not None else old.practitioner,
        _enum_arg(type(old.language), args.language, "language") or old.language,
        _enum_arg(type(old.print_needs), args.print_needs, "print needs") or old.print_needs),
        old.version)
    if args.json:
        _print_json(_person_json(p))
    else:
        print(f"Saved {p.crn}.")
    return 0


def cmd_order_add(args: argparse.Namespace) -> int:
    from probation_desk.domain.people import OrderDetails, OrderKind

    desk = _desk(args)
    person = desk.person_by_crn(args.crn)
    o = desk.add_order(person.id, OrderDetails(
        _enum_arg(OrderKind, args.kind, "order kind"), _date_arg(args.start, "start date"),
        _date_arg(args.end, "end date"), args.rar_days))
    if args.json:
        _print_json({"ref": o.ref, "id": o.id, "crn": person.crn, "kind": o.kind.name,
                     "start": o.start.isoformat(), "end": o.end.isoformat(),
                     "rar_max_days": o.rar_max_days})
    else:
        print(f"Added order {o.ref} for {person.crn}.")
    return 0


def _contact_json(c: Any) -> dict[str, Any]:
    return {"ref": c.ref, "id": c.id, "type": c.type_code,
            "at": c.at.isoformat(timespec="minutes"), "rar": c.rar,
            "order": f"O{c.order_id}" if c.order_id else None,
            "nsi": f"N{c.nsi_id}" if c.nsi_id else None,
            "outcome": c.outcome.code if c.outcome else None, "outcome_text": c.outcome_text}


def cmd_contact_add(args: argparse.Namespace) -> int:
    import datetime as dt

    from probation_desk.domain.contacts import ContactDetails
    from probation_desk.domain.errors import RuleViolation
    from probation_desk.services.contacts import parse_ref

    desk = _desk(args)
    person = desk.person_by_crn(args.crn)
    try:
        at = dt.datetime.fromisoformat(args.at)
    except ValueError:
        raise RuleViolation("bad-date", f"'{args.at}' is not a date and time (expected "
                            "YYYY-MM-DDTHH:MM).", "at") from None
    c = desk.add_contact(person.id, ContactDetails(
        args.type.upper(), at, parse_ref(args.order, "O", "order") if args.order else None,
        parse_ref(args.nsi, "N", "NSI") if args.nsi else None, args.rar, args.notes))
    if args.json:
        _print_json(_contact_json(c))
    else:
        print(f"Booked {c.ref}: {c.type_name} on {c.at:%d/%m/%Y %H:%M}.")
    return 0


def cmd_contact_outcome(args: argparse.Namespace) -> int:
    from probation_desk.services.contacts import parse_ref

    desk = _desk(args)
    c = desk.record_outcome(parse_ref(args.ref, "C", "contact"), args.outcome.upper(),
                            args.reason.upper() if args.reason else None, notes=args.notes)
    if args.json:
        _print_json(_contact_json(c))
    else:
        print(f"{c.ref}: {c.outcome_text}.")
    return 0


def cmd_contact_notes(args: argparse.Namespace) -> int:
    from probation_desk.services.contacts import parse_ref

    desk = _desk(args)
    c = desk.edit_contact_notes(parse_ref(args.ref, "C", "contact"), args.notes)
    if args.json:
        _print_json(_contact_json(c))
    else:
        print(f"{c.ref}: notes changed (editable until {c.editable_until:%d/%m/%Y}).")
    return 0


def cmd_contact_correct(args: argparse.Namespace) -> int:
    from probation_desk.services.contacts import parse_ref

    desk = _desk(args)
    c = desk.add_correction(parse_ref(args.ref, "C", "contact"), args.text)
    if args.json:
        _print_json({**_contact_json(c), "corrections": [k.text for k in c.corrections]})
    else:
        print(f"{c.ref}: note of correction added ({len(c.corrections)} in all); the record "
              "stays as it was.")
    return 0


def cmd_contact_types(args: argparse.Namespace) -> int:
    from probation_desk.domain.contacts import load_contact_catalogue

    cat = load_contact_catalogue()
    if args.json:
        _print_json({
            "types": [{"code": t.code, "name": t.name} for t in cat.types],
            "outcomes": [{"code": o.code, "name": o.name, "attended": o.attended,
                          "complied": o.complied, "enforceable": o.enforceable,
                          "rar_day": o.rar_day, "needs_reason": o.needs_reason}
                         for o in cat.outcomes],
            "absence_reasons": [{"code": r.code, "name": r.name} for r in cat.reasons]})
        return 0
    print("Contact types:")
    for t in cat.types:
        print(f"  {t.code:<18} {t.name}")
    print("Outcomes:")
    for o in cat.outcomes:
        print(f"  {o.code:<26} {o.name}")
    print("Absence reasons (with ACCEPTABLE_ABSENCE):")
    for r in cat.reasons:
        print(f"  {r.code:<12} {r.name}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from probation_desk.services.transfer import export_file

    n = export_file(_desk(args), args.path)
    if args.json:
        _print_json({"records": n, "path": args.path})
    else:
        print(f"Exported {n} records to {args.path}.")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from probation_desk.services.format import schema_text

    sys.stdout.write(schema_text())
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from probation_desk.services.transfer import import_file

    try:
        result = import_file(_desk(args, writes=True), args.path)
    except OSError as exc:
        print(f"The file could not be read: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    if args.json:
        _print_json(result.as_json())
    else:
        print(f"Imported {result.accepted} records; {result.already_present} were already "
              f"present; refused {len(result.refused)}.")
        for r in result.refused:
            where = f", field {r.field}" if r.field else ""
            print(f"  line {r.line}{where}: {r.reason}")
    if not args.json and result.stopped:
        print(result.stopped)
    # Counts, line numbers and rule names only: never the refused values themselves.
    import logging

    _log = logging.getLogger("probation_desk.cli")
    _log.info("import: %d records imported, %d already present, %d refused%s",
              result.accepted, result.already_present, len(result.refused),
              "; stopped" if result.stopped is not None else "")
    for r in result.refused:
        _log.info("import: line %d refused by the rule %s", r.line, r.rule)
    if result.stopped is not None:
        return _stopped_status(result.stopped)
    return 0 if not result.refused else 1


def cmd_workbook(args: argparse.Namespace) -> int:
    from probation_desk.services.workbooks import print_workbook

    desk = None if args.blank else _desk(args)
    pages = print_workbook(desk, crn=args.crn, out=args.out, large_print=args.large_print,
                           booklet=args.booklet, fillable=args.fillable,
                           show_crn=not args.no_crn)
    if args.json:
        _print_json({"pages": pages, "path": args.out})
    else:
        print(f"Wrote {args.out} ({pages} pages).")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from probation_desk.services.review import write_completion_report

    rows = write_completion_report(_desk(args), args.format, args.out, region=args.region or "",
                                   pdu=args.pdu or "")
    if args.json:
        _print_json({"rows": rows, "path": args.out})
    else:
        print(f"Wrote {args.out} ({rows} people).")
    return 0


def _admin_url(args: argparse.Namespace) -> str:
    from probation_desk.passwords import with_saved_password
    from probation_desk.paths import database_url

    return with_saved_password(database_url(args.db))


def cmd_admin_init(args: argparse.Namespace) -> int:
    from probation_desk.services.team import init_team
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


def cmd_gui(args: argparse.Namespace) -> int:
    from probation_desk.ui.app import run_app

    return run_app(db=args.db)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the README and tests)."""
    import argparse

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
    sub = parser.add_subparsers(title="commands")

    def add(name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", default=argparse.SUPPRESS, help="database URL")
        p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                       help="print JSON for scripts (before or after the command)")
        p.set_defaults(func=func)
        return p

    p = add("demo", cmd_demo, "load a synthetic caseload (no real people)")
    p.add_argument("--cases", type=int, default=200, help="how many people (default 200)")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    p = add("sweep", cmd_sweep, "close NSIs still open past their toolkit's close-by date")
    p.add_argument("--dry-run", action="store_true", help="only count, change nothing")
    p = add("rar", cmd_rar, "RAR days for a person, per requirement")
    p.add_argument("crn")

    def group(name: str, help_text: str) -> Any:
        g = sub.add_parser(name, help=help_text, description=help_text)

        def usage(_args: argparse.Namespace) -> int:
            g.print_help()
            return 2

        g.set_defaults(func=usage, json=False)
        return g.add_subparsers(title="commands")

    def add_to(subs: Any, name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = subs.add_parser(name, help=help_text,
                                                     description=help_text)
        p.add_argument("--db", default=argparse.SUPPRESS, help="database URL")
        p.add_argument("--json", action="store_true", help="print JSON for scripts")
        p.set_defaults(func=func)
        return p

    person = group("person", "add or change a person on probation")
    for name, func, required in (("add", cmd_person_add, True),
                                 ("edit", cmd_person_edit, False)):
        p = add_to(person, name, func, f"{name} a person on probation")
        if required:
            p.add_argument("--crn", required=True, help="one letter and six digits")
        else:
            p.add_argument("crn")
        p.add_argument("--name", required=required)
        p.add_argument("--region", required=required, help="one of the 12 regions")
        p.add_argument("--pdu", required=required)
        p.add_argument("--dob", help="date of birth, YYYY-MM-DD")
        p.add_argument("--practitioner", help="managing practitioner (default: you)")
        p.add_argument("--language", help="ENGLISH or WELSH")
        p.add_argument("--print-needs", dest="print_needs", help="STANDARD or LARGE")
    order = group("order", "orders and their RAR requirements")
    p = add_to(order, "add", cmd_order_add, "add an order, with a RAR requirement if it has one")
    p.add_argument("--crn", required=True)
    p.add_argument("--kind", required=True, help="COMMUNITY_ORDER, SUSPENDED_SENTENCE, "
                   "LICENCE or POST_SENTENCE_SUPERVISION")
    p.add_argument("--start", required=True, help="YYYY-MM-DD")
    p.add_argument("--end", required=True, help="YYYY-MM-DD")
    p.add_argument("--rar-days", dest="rar_days", type=int,
                   help="the court's maximum RAR days (1 to 365)")
    contact = group("contact", "appointments and contacts")
    p = add_to(contact, "add", cmd_contact_add, "book an appointment or record a contact")
    p.add_argument("--crn", required=True)
    p.add_argument("--type", required=True, help="a contact type code (see: contact types)")
    p.add_argument("--at", required=True, help="YYYY-MM-DDTHH:MM, local time")
    p.add_argument("--order", help="the order's ref, e.g. O12")
    p.add_argument("--nsi", help="the NSI's ref, e.g. N34")
    p.add_argument("--rar", action="store_true", help="flag as RAR activity")
    p.add_argument("--notes")
    p = add_to(contact, "outcome", cmd_contact_outcome, "record what happened at a contact")
    p.add_argument("ref", help="the contact's ref, e.g. C56")
    p.add_argument("--outcome", required=True, help="an outcome code (see: contact types)")
    p.add_argument("--reason", help="for ACCEPTABLE_ABSENCE: MEDICAL, RELIGIOUS, EMPLOYMENT "
                   "or OTHER")
    p.add_argument("--notes", help="replace the contact's notes as well")
    p = add_to(contact, "notes", cmd_contact_notes, "change a contact's notes (until 7 days "
               "after its date; after that, add a note of correction)")
    p.add_argument("ref", help="the contact's ref, e.g. C56")
    p.add_argument("notes", help="the new notes (empty to clear them)")
    p = add_to(contact, "correct", cmd_contact_correct, "add a note of correction beside a "
               "contact (the original stays as it was)")
    p.add_argument("ref", help="the contact's ref, e.g. C56")
    p.add_argument("text", help="the correction")
    add_to(contact, "types", cmd_contact_types, "list contact types, outcomes and reasons")
    p = add("export", cmd_export, "export everything to a JSON Lines file")
    p.add_argument("path")
    p = add("import", cmd_import, "import a JSON Lines file through the same rules")
    p.add_argument("path")
    add("schema", cmd_schema, "print the JSON Schema of the export/import format")
    p = add("workbook", cmd_workbook, "print the Pre-Intervention Module workbook to a PDF")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--crn", help="personalise for this person")
    who.add_argument("--blank", action="store_true", help="a blank copy")
    p.add_argument("--out", required=True, help="the PDF file to write")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--large-print", dest="large_print", action="store_const", const=True,
                      default=None, help="large print, A4 only (default: the person's "
                      "print needs)")
    size.add_argument("--standard-print", dest="large_print", action="store_const",
                      const=False, help="clear standard print even if the person's record "
                      "says large print")
    p.add_argument("--booklet", action="store_true",
                   help="A5 booklet imposed two-up on A4 for folding (print only)")
    p.add_argument("--fillable", action="store_true", help="fillable on-screen PDF")
    p.add_argument("--no-crn", action="store_true", help="leave the CRN off the workbook")
    p = add("report", cmd_report, "treatment manager reports")
    p.add_argument("kind", choices=["completion"])
    p.add_argument("--format", choices=["csv", "pdf"], required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--region")
    p.add_argument("--pdu")
    p = add("check", cmd_check, "check the database file and recount stored counters, "
            "repairing any that drifted")
    p.add_argument("--no-repair", action="store_true", help="only report, change nothing")
    p = add("backup", cmd_backup, "back up the database (SQLite backup API, or pg_dump)")
    p.add_argument("path", nargs="?", help="file or folder to write (default: the backup "
                   "folder in your data folder)")
    p = add("restore", cmd_restore, "restore a backup (the current database is backed up "
            "first); with no PATH, list the backups")
    p.add_argument("path", nargs="?")
    p = add("gui", cmd_gui, "open the window (the default)")
    from probation_desk.selftest import cmd_selftest

    add("selftest", cmd_selftest, "check that this installation works (for IT, after "
        "installing); exits 0 only when every check passes")
    _add_admin_commands(sub)
    return parser


def file_problem(exc: OSError) -> str:
    """An operating-system error on a file, in plain words (what, where, what to do)."""
    import errno

    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
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


def _admin_problem() -> type[Exception]:
    from probation_desk.store.server import AdminProblem

    return AdminProblem


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
    from probation_desk.domain.errors import RuleViolation
    from probation_desk.logs import setup_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging()
    import errno
    import logging

    _log = logging.getLogger("probation_desk.cli")
    command = getattr(args.func, "__name__", "command").removeprefix("cmd_")
    try:
        status = int(args.func(args) or 0)
        _log.info("%s finished with status %d", command, status)
        return status
    except RuleViolation as exc:
        _log.info("%s refused by the rule %s", command, exc.rule)
        if getattr(args, "json", False):
            _print_json({"error": exc.message, "rule": exc.rule, "field": exc.field})
        else:
            print(_printable(f"Refused: {exc.message}"), file=sys.stderr)
        return 2
    except _admin_problem() as exc:
        if getattr(args, "json", False):
            _print_json({"error": str(exc)})
        else:
            print(f"Refused: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # option errors from printing and parsing, in plain words
        print(_printable(f"Refused: {exc}"), file=sys.stderr)
        return 2
    except Exception as exc:
        from probation_desk.store.backup import BackupProblem
        from probation_desk.store.engine import DatabaseProblem

        if isinstance(exc, DatabaseProblem):
            if getattr(args, "json", False):
                _print_json({"error": str(exc), "rule": "database-unusable", "field": None})
            else:
                print(str(exc), file=sys.stderr)
            return 3
        if isinstance(exc, BackupProblem):
            print(str(exc), file=sys.stderr)
            return 5
        if isinstance(exc, OSError):
            _log.info("%s stopped by a file problem (%s)", command,
                      errno.errorcode.get(exc.errno or 0, type(exc).__name__))
            print(file_problem(exc), file=sys.stderr)
            return 4
        _log.exception("%s stopped by an unexpected error", command)
        print("Something went wrong that Probation Desk did not expect. Nothing more was "
              "changed. The details are in the log file.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
