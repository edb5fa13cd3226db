"""Casework on the command line, through the same operations as the window: NSIs (open,
update, close, switch), module sessions (record, edit, withdraw), Structured
Interventions (refer, start) and a treatment manager's sign-off (or not ready).

Records are named by their refs, as the window and the export name them: N12 for an NSI,
S34 for a module session, R5 for a Structured Intervention referral.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from probation_desk.cli.common import Parsers, _date_arg, _desk, _enum_arg, _print_json

if TYPE_CHECKING:
    import argparse


def _nsi_json(crn: str, n: Any) -> dict[str, Any]:
    f = n.fields

    def day(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {"ref": f"N{n.id}", "id": n.id, "crn": crn, "toolkit": f.toolkit,
            "toolkit_name": n.toolkit_name, "status": f.status.name,
            "status_date": day(n.status_date), "referral_date": day(f.referral_date),
            "expected_start": day(f.expected_start), "expected_end": day(f.expected_end),
            "actual_start": day(f.actual_start), "actual_end": day(f.actual_end),
            "outcome": f.outcome.name if f.outcome else None, "notes": f.notes,
            "practitioner": f.practitioner,
            "order": f"O{n.order_id}" if n.order_id else None, "version": n.version,
            "previous": f"N{n.previous_nsi_id}" if n.previous_nsi_id else None}


def _say_nsi(args: argparse.Namespace, desk: Any, n: Any, verb: str) -> None:
    crn = desk.person(n.person_id).crn
    if args.json:
        _print_json(_nsi_json(crn, n))
    else:
        print(f"{verb} N{n.id}: {n.toolkit_name} for {crn}, {n.fields.status.value} "
              f"since {n.status_date:%d/%m/%Y}.")


def _nsi_ref(ref: str) -> int:
    from probation_desk.services.contacts import parse_ref

    return parse_ref(ref, "N", "NSI")


def _nsi_fields_given(args: argparse.Namespace) -> dict[str, Any]:
    from probation_desk.domain.nsi import Status

    given: dict[str, Any] = {}
    for name, label in (("referral_date", "referral date"), ("expected_start",
                        "expected start"), ("expected_end", "expected end"),
                        ("actual_start", "actual start")):
        value = getattr(args, name, None)
        if value is not None:
            given[name] = _date_arg(value, label)
    if getattr(args, "status", None) is not None:
        given["status"] = _enum_arg(Status, args.status, "status")
    if getattr(args, "notes", None) is not None:
        given["notes"] = args.notes
    return given


def cmd_nsi_open(args: argparse.Namespace) -> int:
    from probation_desk.domain.nsi import NsiFields
    from probation_desk.services.contacts import parse_ref

    desk = _desk(args)
    person = desk.person_by_crn(args.crn)
    fields = NsiFields(args.toolkit.upper(), **_nsi_fields_given(args))
    if fields.referral_date is None:
        fields = replace(fields, referral_date=desk.today)
    n = desk.open_nsi(person.id, fields,
                      order_id=parse_ref(args.order, "O", "order") if args.order else None)
    _say_nsi(args, desk, n, "Opened")
    return 0


def cmd_nsi_update(args: argparse.Namespace) -> int:
    desk = _desk(args)
    current = desk.nsi(_nsi_ref(args.ref))
    n = desk.update_nsi(current.id, replace(current.fields, **_nsi_fields_given(args)),
                        current.version)
    _say_nsi(args, desk, n, "Updated")
    return 0


def cmd_nsi_close(args: argparse.Namespace) -> int:
    from probation_desk.domain.nsi import Outcome

    desk = _desk(args)
    current = desk.nsi(_nsi_ref(args.ref))
    end = _date_arg(args.end, "end date") if args.end else desk.today
    n = desk.close_nsi(current.id, _enum_arg(Outcome, args.outcome, "outcome"), end,
                       current.version, args.notes)
    _say_nsi(args, desk, n, "Closed")
    return 0


def cmd_nsi_switch(args: argparse.Namespace) -> int:
    desk = _desk(args)
    current = desk.nsi(_nsi_ref(args.ref))
    on = _date_arg(args.on, "date") if args.on else None
    closed, opened = desk.switch_toolkit(current.id, args.toolkit.upper(), current.version,
                                         on=on)
    crn = desk.person(opened.person_id).crn
    if args.json:
        _print_json({"closed": _nsi_json(crn, closed), "opened": _nsi_json(crn, opened)})
    else:
        print(f"Switched {crn} from {closed.toolkit_name} (N{closed.id}, closed as "
              f"transferred) to {opened.toolkit_name} (N{opened.id}).")
    return 0


def _state_json(crn: str, state: Any, change: str | None = None) -> dict[str, Any]:
    return {"crn": crn, "module_status": state.status.name,
            "completed_on": state.completed_on.isoformat() if state.completed_on else None,
            "ready_for_si": state.ready_for_si, "readiness_change": change,
            "sessions": [{"ref": f"S{s.id}", "date": s.session_date.isoformat(),
                          "supporter_role": s.supporter_role.name,
                          "supporter": s.supporter_name, "completed": s.completed,
                          "counts_as": kind.name}
                         for s, kind in state.sessions]}


def _say_state(args: argparse.Namespace, crn: str, state: Any, verb: str,
               change: str | None = None) -> None:
    if args.json:
        _print_json(_state_json(crn, state, change))
        return
    print(f"{verb}. {crn}'s Pre-Intervention Module: {state.status.value}.")
    if change:
        print(change)


def _session_given(args: argparse.Namespace, base: Any = None) -> Any:
    from probation_desk.domain.module import ModuleSession, SupporterRole

    given: dict[str, Any] = {}
    if args.date is not None:
        given["session_date"] = _date_arg(args.date, "session date")
    if args.supporter_role is not None:
        given["supporter_role"] = _enum_arg(SupporterRole, args.supporter_role,
                                            "supporter role")
    if args.supporter is not None:
        given["supporter_name"] = args.supporter
    if args.completed is not None:
        given["completed"] = args.completed
    if args.notes is not None:
        given["notes"] = args.notes
    if base is not None:
        return replace(base, **given)
    return ModuleSession(given.pop("session_date"), given.pop("supporter_role"),
                         given.pop("supporter_name"), **given)


def cmd_module_record(args: argparse.Namespace) -> int:
    desk = _desk(args)
    person = desk.person_by_crn(args.crn)
    state = desk.record_session(person.id, _session_given(args))
    _say_state(args, person.crn, state, "Recorded the session")
    return 0


def cmd_module_edit(args: argparse.Namespace) -> int:
    from probation_desk.services.contacts import parse_ref

    desk = _desk(args)
    sid = parse_ref(args.ref, "S", "module session")
    person_id, current = desk.module_session(sid)
    state, change = desk.edit_session(sid, _session_given(args, current), expected=current)
    _say_state(args, desk.person(person_id).crn, state, f"Corrected S{sid}", change)
    return 0


def cmd_module_withdraw(args: argparse.Namespace) -> int:
    from probation_desk.services.contacts import parse_ref

    desk = _desk(args)
    sid = parse_ref(args.ref, "S", "module session")
    person_id, _current = desk.module_session(sid)
    state, change = desk.withdraw_session(sid, args.reason)
    _say_state(args, desk.person(person_id).crn, state, f"Withdrew S{sid}", change)
    return 0


def _referral_json(crn: str, r: Any) -> dict[str, Any]:
    return {"ref": f"R{r.id}", "crn": crn, "need_area": r.need_area, "name": r.name,
            "referral_date": r.referral_date.isoformat(),
            "start_date": r.start_date.isoformat() if r.start_date else None}


def cmd_si_refer(args: argparse.Namespace) -> int:
    from probation_desk.domain.interventions import NeedArea

    desk = _desk(args)
    person = desk.person_by_crn(args.crn)
    on = _date_arg(args.date, "referral date") if args.date else desk.today
    r = desk.refer_si(person.id, _enum_arg(NeedArea, args.need_area, "need area"), args.name,
                      on)
    if args.json:
        _print_json(_referral_json(person.crn, r))
    else:
        print(f"Referred {person.crn} to {r.name} (R{r.id}) on {r.referral_date:%d/%m/%Y}.")
    return 0


def cmd_si_start(args: argparse.Namespace) -> int:
    from probation_desk.services.contacts import parse_ref

    desk = _desk(args)
    on = _date_arg(args.date, "start date") if args.date else desk.today
    r = desk.start_si(parse_ref(args.ref, "R", "referral"), on)
    crn = desk.person(r.person_id).crn
    if args.json:
        _print_json(_referral_json(crn, r))
    else:
        print(f"{crn} started {r.name} (R{r.id}) on {on:%d/%m/%Y}.")
    return 0


def _sign(args: argparse.Namespace, kind_name: str) -> int:
    from probation_desk.domain.review import SignOffKind
    from probation_desk.services.review import record_sign_off

    desk = _desk(args)
    person = desk.person_by_crn(args.crn)
    on = _date_arg(args.date, "date") if args.date else desk.today
    kind = SignOffKind[kind_name]
    v = record_sign_off(desk, person.id, kind, on, args.comment)
    if args.json:
        _print_json({"ref": f"SO{v.id}", "crn": person.crn, "kind": v.kind.name,
                     "date": v.on_date.isoformat(), "by": v.by_name, "comment": v.comment})
    else:
        print(f"{v.kind.value}: {person.crn} on {v.on_date:%d/%m/%Y} by {v.by_name}.")
    return 0


def cmd_sign_off(args: argparse.Namespace) -> int:
    return _sign(args, "REVIEWED")


def cmd_not_ready(args: argparse.Namespace) -> int:
    return _sign(args, "NOT_READY")


def register(kit: Parsers) -> None:
    """The casework commands."""
    nsi = kit.group("nsi", "toolkit NSIs: open, update, close, switch")
    for name, func, help_text in (
            ("open", cmd_nsi_open, "open an NSI on an approved toolkit"),
            ("update", cmd_nsi_update, "change an open NSI's status, dates or notes")):
        p = kit.add_to(nsi, name, func, help_text)
        if name == "open":
            p.add_argument("--crn", required=True)
            p.add_argument("--toolkit", required=True, help="the toolkit's code, e.g. MAPS")
            p.add_argument("--order", help="the order's ref, e.g. O12")
        else:
            p.add_argument("ref", help="the NSI's ref, e.g. N34")
        p.add_argument("--status", help="REFERRED or IN_PROGRESS (close an NSI to end it)")
        p.add_argument("--referral", dest="referral_date", help="YYYY-MM-DD (default: today)")
        p.add_argument("--expected-start", dest="expected_start", help="YYYY-MM-DD")
        p.add_argument("--expected-end", dest="expected_end", help="YYYY-MM-DD")
        p.add_argument("--actual-start", dest="actual_start", help="YYYY-MM-DD")
        p.add_argument("--notes")
    p = kit.add_to(nsi, "close", cmd_nsi_close, "close an NSI with its outcome")
    p.add_argument("ref", help="the NSI's ref, e.g. N34")
    p.add_argument("--outcome", required=True, help="an outcome code, e.g. COMPLETED")
    p.add_argument("--end", help="the end date, YYYY-MM-DD (default: today)")
    p.add_argument("--notes")
    p = kit.add_to(nsi, "switch", cmd_nsi_switch, "close an NSI as transferred and open one "
                   "on an approved toolkit (regional leads and admins)")
    p.add_argument("ref", help="the NSI's ref, e.g. N34")
    p.add_argument("--toolkit", required=True, help="the approved toolkit's code")
    p.add_argument("--on", help="the date of the switch, YYYY-MM-DD (default: today)")

    module = kit.group("module", "Pre-Intervention Module sessions: record, edit, withdraw")
    for name, func, help_text in (
            ("record", cmd_module_record, "record a module session"),
            ("edit", cmd_module_edit, "correct a recorded module session")):
        p = kit.add_to(module, name, func, help_text)
        if name == "record":
            p.add_argument("--crn", required=True)
        else:
            p.add_argument("ref", help="the session's ref, e.g. S12")
        required = name == "record"
        p.add_argument("--date", required=required, help="the session's date, YYYY-MM-DD")
        p.add_argument("--supporter-role", dest="supporter_role", required=required,
                       help="PP, OTHER_PP, FACILITATOR or PEER_MENTOR")
        p.add_argument("--supporter", required=required, help="who supported the session")
        done = p.add_mutually_exclusive_group()
        done.add_argument("--completed", dest="completed", action="store_const", const=True,
                          default=None if name == "edit" else False,
                          help="the module was completed at this session")
        done.add_argument("--not-completed", dest="completed", action="store_const",
                          const=False, help="it was not (the default for a new session)")
        p.add_argument("--notes")
    p = kit.add_to(module, "withdraw", cmd_module_withdraw, "withdraw a session recorded in "
                   "error (kept and audited; it counts for nothing)")
    p.add_argument("ref", help="the session's ref, e.g. S12")
    p.add_argument("--reason", required=True)

    si = kit.group("si", "Structured Interventions: refer, start")
    p = kit.add_to(si, "refer", cmd_si_refer, "refer a person to a Structured Intervention")
    p.add_argument("--crn", required=True)
    p.add_argument("--need-area", dest="need_area", required=True,
                   help="ATB, DOMESTIC_ABUSE or EMOTIONAL_MANAGEMENT")
    p.add_argument("--name", required=True, help="the intervention's name")
    p.add_argument("--date", help="the referral date, YYYY-MM-DD (default: today)")
    p = kit.add_to(si, "start", cmd_si_start, "start a referred Structured Intervention "
                   "(the module must be complete)")
    p.add_argument("ref", help="the referral's ref, e.g. R5")
    p.add_argument("--date", help="the start date, YYYY-MM-DD (default: today)")

    for name, func, help_text in (
            ("sign-off", cmd_sign_off, "a treatment manager signs off a module completion"),
            ("not-ready", cmd_not_ready, "a treatment manager marks a person not ready yet")):
        p = kit.add(name, func, help_text)
        p.add_argument("--crn", required=True)
        p.add_argument("--date", help="YYYY-MM-DD (default: today)")
        p.add_argument("--comment")
