"""The import format as a contract: strict types, refusals in words, idempotent re-import,
the published JSON Schema, sign-offs and one audit row per imported record."""

from __future__ import annotations

import datetime as dt
import json
import re
import tracemalloc
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest
from sqlalchemy import func, select

from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.interventions import NeedArea
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.nsi import Outcome, Status
from probation_desk.domain.people import Language, OrderKind, PrintNeeds
from probation_desk.domain.review import SignOffKind
from probation_desk.domain.roles import Role
from probation_desk.services import import_format as fmt
from probation_desk.services.demo import load_demo
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from probation_desk.services.review import record_sign_off, sign_offs
from probation_desk.services.transfer import export_file, import_file
from probation_desk.store.models import AuditEntry, Contact, Nsi, Order
from probation_desk.store.models import SignOff as SignOffRow

README = Path(__file__).resolve().parents[2] / "README.md"
HEADER = {"type": "header", "format": "probation-desk", "version": fmt.FORMAT_VERSION}
PERSON = {"type": "person", "crn": "K100200", "name": "Gwen Price", "region": "Wales",
          "pdu": "Swansea", "practitioner": "Nia Lloyd"}
ORDER = {"type": "order", "ref": "K100200/O1", "crn": "K100200", "kind": "COMMUNITY_ORDER",
         "start_date": "2022-01-10", "end_date": "2023-01-09", "rar_max_days": 20}
SESSION = {"type": "module_session", "ref": "K100200/S1", "crn": "K100200",
           "date": "2022-07-01", "supporter_role": "PP", "supporter_name": "Nia Lloyd",
           "completed": True}
ACTIVITY = {"type": "contact", "ref": "K100200/C1", "crn": "K100200", "order": "K100200/O1",
            "contact_type": "OTHER", "at": "2022-07-04T10:00:00", "rar_activity": True,
            "outcome": "ATTENDED_COMPLIED"}


def write(path: Path, records: list[Any], header: bool = True) -> Path:
    lines = ([HEADER] if header else []) + records
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))
                            + "\n" for r in lines), encoding="utf-8")
    return path


def other_desk(desk: Desk, url: str) -> Desk:
    return Desk(open_database(url), actor="Other", clock=desk.clock)


def has_person(desk: Desk, crn: str) -> bool:
    try:
        desk.person_by_crn(crn)
    except RuleViolation:
        return False
    return True


# ----------------------------------------------------------------- strict types
@pytest.mark.parametrize(("record", "field", "words"), [
    (SESSION | {"completed": "false"}, "completed", "must be true or false, not text"),
    (ACTIVITY | {"at": "2022-07-04"}, "at", "not a date and time"),
    (ACTIVITY | {"at": "2022-07-04T10:00:00+01:00"}, "at", "without a time zone"),
    (ACTIVITY | {"rar_activity": "false"}, "rar_activity", "true or false"),
    (ORDER | {"rar_max_days": 20.7}, "rar_max_days", "a whole number or null, not a number "
     "with a fraction"),
    (ORDER | {"rar_max_days": "20"}, "rar_max_days", "a whole number or null, not text"),
    (ORDER | {"rar_max_days": 0}, "rar_max_days", "at least 1"),
    (ORDER | {"rar_max_days": 10**30}, "rar_max_days", "at most 365"),
    (ORDER | {"kind": "PROBATION"}, "kind", "COMMUNITY_ORDER, SUSPENDED_SENTENCE"),
    (ORDER | {"start_date": "2022-02-30"}, "start_date", "not a real date"),
    (ORDER | {"colour": "red"}, "colour", "not a field of an order record"),
    (ORDER | {"crn": "k100200"}, "crn", "not a valid CRN"),
    (ORDER | {"crn": {"nested": [1]}}, "crn", "must be text, not an object"),
    ({"type": "spaceship"}, "type", "not a record type"),
    (ACTIVITY | {"notes": "d" * 4001}, "notes", "4,001 characters long; the most "
     "allowed is 4,000"),
])
def test_a_wrongly_typed_value_is_refused_in_words_and_later_lines_still_import(
        desk: Desk, tmp_path: Path, record: dict[str, Any], field: str, words: str) -> None:
    bad = record | ({"ref": "K100200/X9"} if "ref" in record else {})
    records = [PERSON, ORDER, SESSION, ACTIVITY, bad, ACTIVITY | {"ref": "K100200/C7"}]
    result = import_file(desk, write(tmp_path / "in.jsonl", records))
    assert [(r.line, r.field) for r in result.refused] == [(6, field)]
    assert words in result.refused[0].reason, result.refused[0].reason
    assert result.stopped is None and result.accepted == 5
    assert has_person(desk, "K100200")  # committed, not rolled back


def test_strings_are_never_stored_as_true(desk: Desk, tmp_path: Path) -> None:
    import_file(desk, write(tmp_path / "in.jsonl", [
        PERSON, ORDER, SESSION | {"completed": "false"},
        ACTIVITY | {"rar_activity": "false"},
        ACTIVITY | {"ref": "K100200/C2", "rar_activity": False}]))
    p = desk.person_by_crn("K100200")
    assert desk.module_state(p.id).completed_on is None
    with desk.engine.connect() as con:
        assert con.execute(select(Contact.rar_activity)).scalars().all() == [False]


@pytest.mark.parametrize(("content", "words"), [
    (json.dumps(PERSON).encode() + b"\n", "should be the header"),
    (b'{"type":"header","format":"probation-desk","version":99}\n', "version 99"),
    (b'{"type":"header","format":"probation-desk","version":4}\n', "versions 1 to 3"),
    (b'{"type":"header","format":"other-app","version":2}\n', "should be the header"),
    (b'{"type":"header","format":"probation-desk","version":"2"}\n', "should be the header"),
])
def test_a_file_without_a_proper_header_imports_nothing(desk: Desk, tmp_path: Path,
                                                         content: bytes, words: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(content + json.dumps(PERSON).encode() + b"\n")
    result = import_file(desk, path)
    assert result.stopped is not None and words in result.stopped
    assert result.accepted == 0 and not has_person(desk, "K100200")


def test_an_empty_file_and_a_header_only_file(desk: Desk, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert "empty" in (import_file(desk, empty).stopped or "")
    header_only = write(tmp_path / "header.jsonl", [])
    result = import_file(desk, header_only)
    assert result.stopped is None and result.accepted == 0 and result.refused == []


def test_a_byte_order_mark_is_ignored_and_a_second_header_refused(desk: Desk,
                                                                  tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(HEADER).encode() + b"\n"
                     + json.dumps(HEADER).encode() + b"\n"
                     + json.dumps(PERSON, ensure_ascii=False).encode() + b"\n")
    result = import_file(desk, path)
    assert [(r.line, r.rule) for r in result.refused] == [(2, "unknown-type")]
    assert "second header" in result.refused[0].reason
    assert desk.person_by_crn("K100200").name == "Gwen Price"


def test_a_50_mb_line_is_refused_without_reading_it_whole(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as fh:
        fh.write(json.dumps(HEADER).encode() + b"\n")
        fh.write(b'{"type":"person","crn":"K100201","name":"')
        chunk = b"x" * (1 << 20)
        for _ in range(50):
            fh.write(chunk)
        fh.write(b'","region":"Wales","pdu":"Swansea","practitioner":"PP"}\n')
        fh.write(json.dumps(PERSON).encode() + b"\n")
    tracemalloc.start()
    try:
        result = import_file(desk, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(r.line, r.rule) for r in result.refused] == [(2, "line-too-long")]
    assert "52,428," in result.refused[0].reason  # its size, in bytes
    assert result.accepted == 1 and has_person(desk, "K100200")
    assert peak < 12 * (1 << 20)  # the line was never held whole (it is 50 MB)


def test_text_too_long_is_refused_with_its_limit_never_cut(desk: Desk, tmp_path: Path) -> None:
    nsi = {"type": "nsi", "ref": "K100200/N1", "crn": "K100200", "toolkit": "MAPS",
           "status": "REFERRED", "referral_date": "2022-05-01",
           "history": [{"status": "REFERRED", "date": "2022-05-01", "note": "n" * 201}]}
    result = import_file(desk, write(tmp_path / "in.jsonl", [
        PERSON, ORDER, nsi, nsi | {"ref": "K100200/N2", "notes": "y" * 4001,
                                   "history": [{"status": "REFERRED", "date": "2022-05-01",
                                                "note": "n" * 200}]},
        ORDER | {"ref": "K100200/O2", "rar_terminated_on": "2022-06-01",
                 "rar_termination_reason": "d" * 201},
        ORDER | {"ref": "K100200/O3", "rar_terminated_on": "2022-06-01",
                 "rar_termination_reason": "d" * 200}]))
    assert [(r.line, r.rule, r.field) for r in result.refused] == [
        (4, "too-long", "history[0].note"), (5, "too-long", "notes"),
        (6, "too-long", "rar_termination_reason")]
    assert "most allowed is 200" in result.refused[0].reason
    assert "most allowed is 4,000" in result.refused[1].reason
    with desk.engine.connect() as con:
        assert con.execute(select(Order.rar_termination_reason).where(
            Order.rar_termination_reason.is_not(None))).scalars().all() == ["d" * 200]


def test_a_value_the_rules_would_change_is_refused(desk: Desk, tmp_path: Path) -> None:
    result = import_file(desk, write(tmp_path / "in.jsonl", [
        PERSON | {"name": " Gwen Price "}, PERSON | {"crn": "K100201", "region": "wales"},
        PERSON | {"crn": "K100202", "name": "Zoe\u0308"},
        PERSON | {"crn": "K100203", "practitioner": ""}]))
    assert [(r.line, r.rule, r.field) for r in result.refused] == [
        (2, "would-change", "name"), (3, "bad-value", "region"),
        (4, "would-change", "name"), (5, "required", "practitioner")]
    assert "spaces" in result.refused[0].reason and "NFC" in result.refused[2].reason


# ----------------------------------------------------------------- idempotent re-import
def test_re_import_is_idempotent_and_a_changed_record_is_refused(desk: Desk, tmp_path: Path,
                                                                 db_url: str) -> None:
    load_demo(desk, 25, seed=5)
    first = tmp_path / "first.jsonl"
    total = export_file(desk, first)
    with desk.engine.connect() as con:
        before = con.execute(select(func.count()).select_from(Nsi)).scalar()
    again = import_file(desk, first)
    assert again.refused == [] and again.accepted == 0 and again.already_present == total
    lines = first.read_text(encoding="utf-8").splitlines()
    changed = next(i for i, line in enumerate(lines) if '"type":"nsi"' in line)
    rec = json.loads(lines[changed])
    rec["notes"] = "A different note"
    lines[changed] = json.dumps(rec, ensure_ascii=False)
    second = tmp_path / "second.jsonl"
    second.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_file(desk, second)
    assert [(r.line, r.rule, r.field) for r in result.refused] == [
        (changed + 1, "conflicting-change", "notes")]
    assert rec["ref"] in result.refused[0].reason
    with desk.engine.connect() as con:
        assert con.execute(select(func.count()).select_from(Nsi)).scalar() == before
    third = tmp_path / "third.jsonl"
    export_file(desk, third)
    assert third.read_bytes() == first.read_bytes()


def test_a_file_may_refer_to_orders_and_nsis_already_in_the_database(
        desk: Desk, tmp_path: Path) -> None:
    nsi = {"type": "nsi", "ref": "K100200/N1", "crn": "K100200", "order": "K100200/O1",
           "toolkit": "MAPS", "status": "REFERRED", "referral_date": "2022-05-01"}
    import_file(desk, write(tmp_path / "a.jsonl", [PERSON, ORDER, nsi]))
    later = import_file(desk, write(tmp_path / "b.jsonl", [
        ACTIVITY | {"nsi": "K100200/N1"},
        nsi | {"ref": "K100200/N2", "toolkit": "NMMOT", "previous": "K100200/N1"},
        ACTIVITY | {"ref": "K100200/C2", "order": "Z999999/O1"}]))
    assert [(r.line, r.rule) for r in later.refused] == [(4, "unknown-order")]
    assert later.accepted == 2
    p = desk.person_by_crn("K100200")
    assert sorted(n.fields.toolkit for n in desk.nsis(p.id)) == ["MAPS", "NMMOT"]
    assert desk.rar(p.id)[0].summary.days_completed == 1


def test_refs_are_given_to_records_made_in_the_window(desk: Desk, tmp_path: Path,
                                                      sqlite_url: str) -> None:
    import_file(desk, write(tmp_path / "a.jsonl", [PERSON, ORDER]))
    p = desk.person_by_crn("K100200")
    order_id = desk.rar(p.id)[0].order.id
    desk.record_activity(p.id, dt.date(2022, 8, 1), order_id=order_id)
    desk.record_session(p.id, ModuleSession(dt.date(2022, 7, 1), SupporterRole.PP, "PP"))
    export = tmp_path / "out.jsonl"
    export_file(desk, export)
    refs = [json.loads(line).get("ref") for line in export.read_text().splitlines()[1:]]
    assert refs == [None, "K100200/O1", "K100200/S1", "K100200/C1"]
    other = other_desk(desk, sqlite_url)
    assert import_file(other, export).accepted == 4
    assert import_file(other, export).already_present == 4
    other.engine.dispose()


# ----------------------------------------------------------------- sign-offs and audit
def test_sign_offs_travel_in_the_export(desk: Desk, tmp_path: Path, sqlite_url: str) -> None:
    import_file(desk, write(tmp_path / "a.jsonl", [PERSON, ORDER, SESSION]))
    p = desk.person_by_crn("K100200")
    desk.role = Role.TREATMENT_MANAGER
    record_sign_off(desk, p.id, SignOffKind.REVIEWED, dt.date(2022, 7, 8),
                    comment="Ready for the group.", by_name="Tess Manager")
    signer = sign_offs(desk, p.id)[0].by_name  # a team database records its own login
    export = tmp_path / "out.jsonl"
    export_file(desk, export)
    last = json.loads(export.read_text(encoding="utf-8").splitlines()[-1])
    assert last["type"] == "sign_off" and last["ref"] == "K100200/SO1"
    other = Desk(open_database(sqlite_url), actor="PP", role=Role.PRACTITIONER,
                 clock=desk.clock)
    result = import_file(other, export)
    assert result.refused == [] and result.counts["sign_off"] == 1
    q = other.person_by_crn("K100200")
    assert [(s.kind, s.on_date, s.by_name, s.comment) for s in sign_offs(other, q.id)] == [
        (SignOffKind.REVIEWED, dt.date(2022, 7, 8), signer, "Ready for the group.")]
    second = tmp_path / "second.jsonl"
    export_file(other, second)
    assert second.read_bytes() == export.read_bytes()
    early = write(tmp_path / "early.jsonl", [
        {**last, "ref": "K100200/SO2", "date": "2022-06-30"}])
    assert [r.rule for r in import_file(other, early).refused] == ["dates-out-of-order"]
    back = import_file(desk, write(tmp_path / "back.jsonl", [
        {**last, "ref": "K100200/SO3", "by_name": "Someone Else"}]))
    assert [r.rule for r in back.refused] == (
        ["signed-by-another-login"] if desk.engine.dialect.name == "postgresql" else [])
    with other.engine.connect() as con:
        assert con.execute(select(func.count()).select_from(SignOffRow)).scalar() == 1
    other.engine.dispose()


def test_one_audit_row_per_imported_record(desk: Desk, tmp_path: Path) -> None:
    result = import_file(desk, write(tmp_path / "batch.jsonl", [PERSON, ORDER, SESSION,
                                                                 ACTIVITY]))
    assert result.accepted == 4
    with desk.engine.connect() as con:
        rows = con.execute(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(r.action, r.entity, r.after) for r in rows] == [
        ("import person", "person", {"file": "batch.jsonl", "line": 2, "ref": "K100200"}),
        ("import order", "sentence_order", {"file": "batch.jsonl", "line": 3,
                                            "ref": "K100200/O1"}),
        ("import module_session", "module_session", {"file": "batch.jsonl", "line": 4,
                                                     "ref": "K100200/S1"}),
        ("import contact", "contact", {"file": "batch.jsonl", "line": 5,
                                       "ref": "K100200/C1"})]
    p = desk.person_by_crn("K100200")
    assert {r.person_id for r in rows} == {p.id} and all(r.entity_id for r in rows)
    assert len({r.actor for r in rows}) == 1  # the importer (a team database: its login)


# ----------------------------------------------------------------- the published schema
def test_the_shipped_schema_is_generated_from_the_classes() -> None:
    from probation_desk.resources import resource_path

    assert resource_path(fmt.SCHEMA_FILE).read_text(encoding="utf-8") == fmt.schema_text()


def test_every_exported_line_validates_against_the_schema(desk: Desk, tmp_path: Path) -> None:
    load_demo(desk, 30, seed=2)
    p = desk.person_by_crn("A000002")
    desk.role = Role.TREATMENT_MANAGER
    record_sign_off(desk, p.id, SignOffKind.NOT_READY, dt.date(2026, 11, 1),
                    comment="Not yet: more sessions first.")
    export = tmp_path / "out.jsonl"
    export_file(desk, export)
    validator = jsonschema.Draft202012Validator(
        fmt.json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    kinds = set()
    for line in export.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        validator.validate(rec)
        kinds.add(rec["type"])
    assert kinds == {"header", *fmt.RECORD_TYPES}
    assert not validator.is_valid(ORDER | {"rar_max_days": 20.7})
    assert not validator.is_valid(SESSION | {"completed": "false"})
    assert not validator.is_valid(ORDER | {"colour": "red"})


def test_the_format_enums_are_the_domain_enums_and_all_in_the_readme() -> None:
    pairs = [(fmt.LanguageName, Language), (fmt.PrintNeedsName, PrintNeeds),
             (fmt.OrderKindName, OrderKind), (fmt.StatusName, Status),
             (fmt.OutcomeName, Outcome), (fmt.SupporterRoleName, SupporterRole),
             (fmt.NeedAreaName, NeedArea), (fmt.SignOffKindName, SignOffKind)]
    for literal, enum in pairs:
        assert get_args(literal) == tuple(enum.__members__)
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### The JSON Lines format"):]
    section = section[:section.index("\n## ")]
    listed = set(re.findall(r"`([A-Z][A-Z_]+)`", section))
    for literal, _enum in pairs:
        assert set(get_args(literal)) <= listed, set(get_args(literal)) - listed
    for cls in fmt.RECORD_CLASSES:
        assert f"`{cls.__struct_config__.tag}`" in section
        for f in cls.__struct_fields__:
            assert f"`{f}`" in section, (cls, f)


def test_the_schema_command_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    from probation_desk.cli import main

    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == fmt.json_schema()
