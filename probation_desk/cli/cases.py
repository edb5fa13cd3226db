"""People, orders, contacts and RAR days: the case record's commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from probation_desk.cli.common import (
    Parsers,
    _date_arg,
    _desk,
    _enum_arg,
    _print_json,
)

if TYPE_CHECKING:
    import argparse


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


def register(kit: Parsers) -> None:
    """The case record's commands."""
    p = kit.add("rar", cmd_rar, "RAR days for a person, per requirement")
    p.add_argument("crn")
    person = kit.group("person", "add or change a person on probation")
    for name, func, required in (("add", cmd_person_add, True),
                                 ("edit", cmd_person_edit, False)):
        p = kit.add_to(person, name, func, f"{name} a person on probation")
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
    order = kit.group("order", "orders and their RAR requirements")
    p = kit.add_to(order, "add", cmd_order_add,
                   "add an order, with a RAR requirement if it has one")
    p.add_argument("--crn", required=True)
    p.add_argument("--kind", required=True, help="COMMUNITY_ORDER, SUSPENDED_SENTENCE, "
                   "LICENCE or POST_SENTENCE_SUPERVISION")
    p.add_argument("--start", required=True, help="YYYY-MM-DD")
    p.add_argument("--end", required=True, help="YYYY-MM-DD")
    p.add_argument("--rar-days", dest="rar_days", type=int,
                   help="the court's maximum RAR days (1 to 365)")
    contact = kit.group("contact", "appointments and contacts")
    p = kit.add_to(contact, "add", cmd_contact_add, "book an appointment or record a contact")
    p.add_argument("--crn", required=True)
    p.add_argument("--type", required=True, help="a contact type code (see: contact types)")
    p.add_argument("--at", required=True, help="YYYY-MM-DDTHH:MM, local time")
    p.add_argument("--order", help="the order's ref, e.g. O12")
    p.add_argument("--nsi", help="the NSI's ref, e.g. N34")
    p.add_argument("--rar", action="store_true", help="flag as RAR activity")
    p.add_argument("--notes")
    p = kit.add_to(contact, "outcome", cmd_contact_outcome, "record what happened at a contact")
    p.add_argument("ref", help="the contact's ref, e.g. C56")
    p.add_argument("--outcome", required=True, help="an outcome code (see: contact types)")
    p.add_argument("--reason", help="for ACCEPTABLE_ABSENCE: MEDICAL, RELIGIOUS, EMPLOYMENT "
                   "or OTHER")
    p.add_argument("--notes", help="replace the contact's notes as well")
    p = kit.add_to(contact, "notes", cmd_contact_notes, "change a contact's notes (until 7 days "
               "after its date; after that, add a note of correction)")
    p.add_argument("ref", help="the contact's ref, e.g. C56")
    p.add_argument("notes", help="the new notes (empty to clear them)")
    p = kit.add_to(contact, "correct", cmd_contact_correct, "add a note of correction beside a "
               "contact (the original stays as it was)")
    p.add_argument("ref", help="the contact's ref, e.g. C56")
    p.add_argument("text", help="the correction")
    kit.add_to(contact, "types", cmd_contact_types, "list contact types, outcomes and reasons")
