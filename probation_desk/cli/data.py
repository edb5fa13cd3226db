"""The demo, the sweep, import and export, workbooks and reports."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from probation_desk.cli.common import (
    Parsers,
    _desk,
    _print_json,
)

if TYPE_CHECKING:
    import argparse


def cmd_demo(args: argparse.Namespace) -> int:
    from probation_desk.services.demo import load_demo, mine_count
    from probation_desk.settings import load_settings

    desk = _desk(args, writes=True)
    region = desk.team.region if desk.team is not None else load_settings().region
    result = load_demo(desk, args.cases, args.seed, mine=True, region=region or "")
    mine = mine_count(args.cases, region or "") \
        if result.counts.get("person") == args.cases else 0
    if args.json:
        _print_json(result.as_json() | {"refusals": [r.__dict__ for r in result.refused[:50]],
                                        "on_my_caseload": mine, "managed_by": desk.actor})
    else:
        print(f"Loaded a synthetic caseload: {dict(result.counts)}.")
        if mine:
            print(f"{mine} of the people are on your own caseload (managed by {desk.actor}).")
        for r in result.refused[:20]:
            print(f"  refused record {r.line}: {r.reason}")
        if result.stopped:
            print(result.stopped, file=sys.stderr)
    return _stopped_status(result.stopped)


def _stopped_status(stopped: str | None) -> int:
    """0 when an import finished; 4 when the disk or file refused it; 3 when the
    database was restored under it; else 1."""
    from probation_desk.store.engine import RESTORED

    if stopped is None:
        return 0
    if RESTORED in stopped:
        return 3
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


def cmd_export(args: argparse.Namespace) -> int:
    from probation_desk.services.transfer import export_file

    n = export_file(_desk(args), args.path)
    if args.json:
        _print_json({"records": n, "path": args.path})
    else:
        print(f"Exported {n} records to {args.path}.")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from probation_desk.services.import_format import schema_text

    sys.stdout.write(schema_text())
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from probation_desk.services.transfer import import_file
    from probation_desk.services.transfer.importer import check_import_file

    # The file first (a missing file, a folder or a pipe is refused before the database
    # is opened, or created); a failure is worded with its path and exits 4.
    check_import_file(args.path)
    result = import_file(_desk(args, writes=True), args.path)
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
                           show_crn=not args.no_crn, language=args.language)
    if args.json:
        _print_json({"pages": pages, "path": args.out})
    else:
        print(f"Wrote {args.out} ({pages} pages).")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from probation_desk.services.review import write_completion_report

    rows = write_completion_report(_desk(args), args.format, args.out, region=args.region or "",
                                   pdu=args.pdu or "", language=args.language)
    if args.json:
        _print_json({"rows": rows, "path": args.out})
    else:
        print(f"Wrote {args.out} ({rows} people).")
    return 0


def register(kit: Parsers) -> None:
    """The data commands."""
    p = kit.add("demo", cmd_demo, "load a synthetic caseload (no real people)")
    p.add_argument("--cases", type=int, default=200, help="how many people (default 200)")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    p = kit.add("sweep", cmd_sweep, "close NSIs still open past their toolkit's close-by date")
    p.add_argument("--dry-run", action="store_true", help="only count, change nothing")
    p = kit.add("export", cmd_export, "export everything to a JSON Lines file")
    p.add_argument("path")
    p = kit.add("import", cmd_import, "import a JSON Lines file through the same rules")
    p.add_argument("path")
    kit.add("schema", cmd_schema, "print the JSON Schema of the export/import format")
    p = kit.add("workbook", cmd_workbook, "print the Pre-Intervention Module workbook to a PDF")
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
    p.add_argument("--language", choices=["en", "cy"],
                   help="the edition: en (English) or cy (Cymraeg); default: the person's "
                   "language, or yours for a blank copy")
    p = kit.add("report", cmd_report, "treatment manager reports")
    p.add_argument("kind", choices=["completion"])
    p.add_argument("--format", choices=["csv", "pdf"], required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--region")
    p.add_argument("--pdu")
    p.add_argument("--language", choices=["en", "cy"],
                   help="English or Cymraeg (default: your language)")
