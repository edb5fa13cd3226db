"""A practitioner's day on the command line: the diary (my week and the outcomes to record),
a person's history, and what a toolkit's withdrawal would touch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from probation_desk.cli.common import Parsers, _date_arg, _desk, _print_json, _printable

if TYPE_CHECKING:
    import argparse

    from probation_desk.services.diary import DiaryEntry


def cmd_diary(args: argparse.Namespace) -> int:
    from probation_desk.domain.dates import uk
    from probation_desk.services.diary import diary

    desk = _desk(args)
    start = _date_arg(args.start, "from date") if args.start else desk.today
    d = diary(desk, start, args.days, everyone=args.everyone)

    def item(e: DiaryEntry) -> dict[str, object]:
        return {"ref": e.ref, "crn": e.crn, "at": e.at.isoformat(timespec="minutes"),
                "timed": e.timed, "type": e.type_code, "type_name": e.type_name,
                "rar": e.rar, "outcome": e.outcome, "cancelled": e.cancelled,
                "needs_outcome": e.needs_outcome}

    if args.json:
        _print_json({"from": d.start.isoformat(), "days": d.days, "everyone": d.everyone,
                     "outcomes_to_record": [item(e) for e in d.to_record],
                     "appointments": [item(e) for day in d.by_day.values() for e in day]})
        return 0
    if d.to_record:
        print(f"Outcomes to record ({len(d.to_record)}):")
        for e in d.to_record:
            print(_printable(f"  {e.at:%d/%m/%Y %H:%M}  {e.ref:<8} {e.crn}  {e.name}: "
                             f"{e.type_name}{' (RAR)' if e.rar else ''}"))
    for day, entries in d.by_day.items():
        print(f"{day:%A} {uk(day)}" + ("" if entries else ": no appointments"))
        for e in entries:
            when = f"{e.at:%H:%M}" if e.timed else "--:--"
            state = ("cancelled" if e.cancelled else "needs an outcome" if e.needs_outcome
                     else e.outcome_name or "")
            print(_printable(f"  {when}  {e.ref:<8} {e.crn}  {e.name}: {e.type_name}"
                             f"{' (RAR)' if e.rar else ''}{'  ' + state if state else ''}"))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from probation_desk.services.history import history

    desk = _desk(args)
    person = desk.person_by_crn(args.crn)
    lines = history(desk, person.id)
    if args.json:
        _print_json({"crn": person.crn, "history": [
            {"at": h.at.isoformat(), "who": h.who, "what": h.what,
             "changes": [{"field": c.field, "before": c.before, "after": c.after}
                         for c in h.changes]} for h in lines]})
        return 0
    if not lines:
        print(f"No changes are recorded for {person.crn}.")
    for h in lines:
        print(_printable(h.text()))
    return 0


def cmd_what_if(args: argparse.Namespace) -> int:
    from pathlib import Path

    from probation_desk.services.what_if import what_if, write_csv

    desk = _desk(args)
    result = what_if(desk, args.toolkit, _date_arg(args.withdrawn_on, "withdrawal date"),
                     _date_arg(args.close_by, "close-by date"), region=args.region or "")
    if args.csv:
        write_csv(result, Path(args.csv))
    if args.json:
        _print_json({"toolkit": result.toolkit.code, "open": len(result.rows),
                     "needing_action": result.needing_action,
                     "by_region": dict(result.by_region),
                     "by_practitioner": [{"region": r, "practitioner": p, "count": n}
                                         for (r, p), n in sorted(result.by_practitioner.items())],
                     "nsis": [{"ref": r.ref, "crn": r.crn, "region": r.region,
                               "practitioner": r.practitioner, "status": r.status.name,
                               "needs_action": r.needs_action} for r in result.rows]})
        return 0
    print(_printable(result.summary()))
    for region, n in sorted(result.by_region.items()):
        print(_printable(f"  {region}: {n}"))
        for (r, practitioner), m in sorted(result.by_practitioner.items()):
            if r == region:
                print(_printable(f"    {practitioner}: {m}"))
    if args.csv:
        print(f"The list is in {args.csv}.")
    return 0


def register(kit: Parsers) -> None:
    """The day's commands."""
    p = kit.add("diary", cmd_diary, "my week: appointments by day, and the outcomes to record")
    p.add_argument("--from", dest="start", help="the first day, YYYY-MM-DD (default: today)")
    p.add_argument("--days", type=int, default=7, help="how many days (default 7)")
    p.add_argument("--everyone", action="store_true",
                   help="everyone's appointments, not only my caseload's")
    p = kit.add("history", cmd_history, "every change to a person's record, newest first")
    p.add_argument("crn")
    p = kit.add("what-if", cmd_what_if, "the open NSIs a toolkit's withdrawal would touch "
                "(changes nothing)")
    p.add_argument("--toolkit", required=True, help="the toolkit's code, e.g. MAPS")
    p.add_argument("--withdrawn-on", dest="withdrawn_on", required=True, help="YYYY-MM-DD")
    p.add_argument("--close-by", dest="close_by", required=True, help="YYYY-MM-DD")
    p.add_argument("--region", help="only this region")
    p.add_argument("--csv", help="also write the list to this CSV file")
