"""The hostile corpus through the import: each value is refused with its line, field and
reason, or round-trips literally (file -> database -> export)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from probation_desk.services import import_format as fmt
from probation_desk.services.desk import Desk
from probation_desk.services.transfer import export_file, import_file
from probation_desk.store.models import Contact, Nsi, Order, Person
from tests.corpus import hostile

HEADER = {"type": "header", "format": "probation-desk", "version": fmt.FORMAT_VERSION}
BASE = [
    {"type": "person", "crn": "K100200", "name": "Base Person", "region": "Wales",
     "pdu": "Swansea", "practitioner": "Nia Lloyd"},
    {"type": "order", "ref": "K100200/O1", "crn": "K100200", "kind": "COMMUNITY_ORDER",
     "start_date": "2022-01-10", "end_date": "2023-01-09", "rar_max_days": 20},
]


def _lines(tmp_path: Path) -> tuple[Path, list[tuple[int, str, str, Any]]]:
    """One file: for every corpus value, the records that carry it (line, where, id, value)."""
    records: list[Any] = [HEADER, *BASE]
    probes: list[tuple[int, str, str, Any]] = []

    def add(where: str, ident: str, value: Any, rec: dict[str, Any]) -> None:
        records.append(rec)
        probes.append((len(records), where, ident, value))

    for i, e in enumerate(hostile()):
        v, ident = e["value"], e["id"]
        crn = f"H{i:06d}"
        if e["kind"] in ("text", "json"):
            add("person.name", ident, v, {"type": "person", "crn": crn, "name": v,
                                          "region": "London", "pdu": "Hackney",
                                          "practitioner": "PP"})
            add("nsi.notes", ident, v, {
                "type": "nsi", "ref": f"K100200/HN{i}", "crn": "K100200", "toolkit": "MAPS",
                "status": "COMPLETED", "referral_date": "2022-05-01",
                "actual_start": "2022-05-02", "actual_end": "2022-05-03",
                "outcome": "COMPLETED", "notes": v,
                "history": [{"status": "COMPLETED", "date": "2022-05-03", "note": v}]})
            add("contact.notes", ident, v, {
                "type": "contact", "ref": f"K100200/HC{i}", "crn": "K100200",
                "order": "K100200/O1", "contact_type": "OTHER", "at": "2022-06-01T10:00:00",
                "notes": v})
        if e["kind"] == "json":
            add("order.rar_max_days", ident, v, {**BASE[1], "ref": f"K100200/HO{i}",
                                                  "rar_max_days": v})
        if e["kind"] == "date":
            add("order.start_date", ident, v, {**BASE[1], "ref": f"K100200/HD{i}",
                                                "start_date": v, "end_date": "2023-01-09"})
    path = tmp_path / "hostile.jsonl"
    # Escaped (ensure_ascii), so lone surrogates can be written at all.
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path, probes


def test_every_hostile_value_is_refused_in_words_or_kept_literally(desk: Desk,
                                                                   tmp_path: Path) -> None:
    path, probes = _lines(tmp_path)
    result = import_file(desk, path)
    assert result.stopped is None
    refused = {r.line: r for r in result.refused}
    for line, _where, _ident, _value in probes:
        r = refused.get(line)
        if r is not None:  # refused: says where and why, in words
            assert r.field or r.rule == "bad-json", r
            assert len(r.reason) > 15 and "Traceback" not in r.reason, r
    with desk.engine.connect() as con:
        names = dict(con.execute(select(Person.crn, Person.name)).all())
        notes = dict(con.execute(select(Nsi.ref, Nsi.notes)).all())
        contact_notes = dict(con.execute(select(Contact.ref, Contact.notes)).all())
        orders = dict(con.execute(select(Order.ref, Order.rar_max_days)).all())
        starts = dict(con.execute(select(Order.ref, Order.start_date)).all())
    export = tmp_path / "out.jsonl"
    export_file(desk, export)
    exported = [json.loads(line) for line in
                export.read_text(encoding="utf-8").split("\n") if line]
    by_key = {(r["type"], r.get("ref") or r.get("crn")): r for r in exported}
    kept = 0
    for line, where, ident, value in probes:
        if line in refused:
            continue
        kept += 1
        n = _index(ident)
        if where == "person.name":
            crn = f"H{n:06d}"
            assert names[crn] == value, ident
            assert by_key["person", crn]["name"] == value, ident
        elif where == "nsi.notes":
            ref = f"K100200/HN{n}"
            assert notes[ref] == value, ident
            assert by_key["nsi", ref]["notes"] == value
            assert by_key["nsi", ref]["history"][0]["note"] == value
        elif where == "contact.notes":
            ref = f"K100200/HC{n}"
            assert contact_notes[ref] == value, ident
            assert by_key["contact", ref]["notes"] == value
        elif where == "order.rar_max_days":
            assert orders[f"K100200/HO{n}"] == value, ident
        elif where == "order.start_date":
            assert starts[f"K100200/HD{n}"].isoformat() == value, ident
    assert kept > 0 and len(refused) > 0
    # The values that must never be accepted as they are, whatever else is.
    for line, where, ident, value in probes:
        if where == "order.rar_max_days" and not (value is None or (
                isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 365)):
            assert line in refused, ident
        if where == "order.start_date" and value in ("2022-02-30", "0000-01-01", "1/6/22",
                                                     "2022-01-01T00:00:00"):
            assert line in refused, ident
        if where == "person.name" and not isinstance(value, str):
            assert line in refused, ident
    # Export -> import into the same database: nothing added, nothing refused.
    again = import_file(desk, export)
    assert again.refused == [] and again.accepted == 0


_IDS = {e["id"]: i for i, e in enumerate(hostile())}


def _index(ident: str) -> int:
    return _IDS[ident]
