"""Issue 8: every hostile value is refused with a clear message, or saved exactly.

The corpus (tests/data/hostile_values.json) goes through the operations (people, NSI
notes and practitioner, closing notes, module sessions, sign-off, Structured
Intervention referrals, contacts), typed dates, the command line, the workbook PDF and
both report formats, all on one real SQLite file per module (the operations are the
same on PostgreSQL, which the rest of the suite covers).

"Saved exactly" means read back equal to what was typed, after the one documented
normalisation every text check applies: spaces and line ends at the two ends trimmed,
and Unicode NFC (canonically equivalent: the same letters, one way of encoding them).
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from probation_desk.domain.dates import fixed_clock, parse_date, uk
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.interventions import NeedArea
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.nsi import NsiFields, Outcome
from probation_desk.domain.people import OrderDetails, OrderKind, PersonDetails
from probation_desk.domain.review import SignOffKind
from probation_desk.domain.roles import Role
from probation_desk.services import review as review_svc
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from tests.corpus import hostile

TODAY = dt.date(2026, 11, 22)
TEXTS = hostile("text")
DATES = hostile("date")
BASE = PersonDetails("H000001", "Base Person", dt.date(1990, 1, 1), "Wales", "Cardiff",
                     "Nia Lloyd")


def expected(value: str) -> str | None:
    """What a text check saves for ``value``: trimmed, NFC, None when nothing is left."""
    text = value.strip()
    return unicodedata.normalize("NFC", text) if text else None


@dataclass
class World:
    url: str
    desk: Desk
    tm: Desk
    base: Any
    order: Any
    nsi_id: int
    tally: dict[str, list[int]] = field(default_factory=dict)  # way in -> [refused, saved]
    named: list[tuple[int, str]] = field(default_factory=list)  # people added, hostile names


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'h.sqlite3'}"
    engine = open_database(url)
    desk = Desk(engine, actor="Nia Lloyd", clock=fixed_clock(TODAY))
    tm = Desk(engine, actor="Rhian Tomos", role=Role.TREATMENT_MANAGER,
              clock=fixed_clock(TODAY))
    base = desk.add_person(BASE)
    order = desk.add_order(base.id, OrderDetails(OrderKind.COMMUNITY_ORDER,
                                                 dt.date(2026, 1, 5), dt.date(2027, 1, 4), 20))
    n = desk.open_nsi(base.id, NsiFields("MAPS", referral_date=dt.date(2026, 9, 1)))
    yield World(url, desk, tm, base, order, n.id)
    engine.dispose()


def through(world: World, way: str, save: Callable[[str], Any]) -> None:
    """Send every text value through ``save`` (which returns what was read back)."""
    wrong: list[str] = []
    counts = world.tally.setdefault(way, [0, 0])
    for entry in TEXTS:
        value = entry["value"]
        try:
            back = save(value)
        except RuleViolation as exc:
            counts[0] += 1
            if not exc.message.strip() or "Traceback" in exc.message:
                wrong.append(f"{entry['id']}: refused without a clear message")
            continue
        counts[1] += 1
        if back != expected(value):
            wrong.append(f"{entry['id']}: saved {back!r:.80} for {value!r:.80}")
    assert not wrong, f"{way}:\n" + "\n".join(wrong)


# ------------------------------------------------------------------ the operations
def hostile_people(world: World) -> list[tuple[int, str]]:
    """Add a person under every hostile name, once per module, whichever test asks first."""
    if not world.named:
        serial = iter(range(100, 10_000))

        def save(v: str) -> str:
            p = world.desk.add_person(replace(BASE, crn=f"H{next(serial):06d}", name=v))
            world.named.append((p.id, v))
            return str(world.desk.person(p.id).name)

        through(world, "add person: name", save)
    return world.named


def test_person_name(world: World) -> None:
    named = hostile_people(world)
    # Every name read back exactly as typed (``through`` checked each as it saved it).
    assert named and all(world.desk.person(pid).name == expected(v) for pid, v in named)


@pytest.mark.parametrize("column", ["pdu", "practitioner"])
def test_person_pdu_and_practitioner(world: World, column: str) -> None:
    def save(v: str) -> str:
        p = world.desk.person(world.base.id)
        world.desk.update_person(p.id, replace(BASE, **{column: v}), p.version)
        return str(getattr(world.desk.person(p.id), column))

    through(world, f"update person: {column}", save)


@pytest.mark.parametrize("column", ["notes", "practitioner"])
def test_nsi_notes_and_practitioner(world: World, column: str) -> None:
    def save(v: str) -> str | None:
        n = world.desk.nsi(world.nsi_id)
        world.desk.update_nsi(n.id, replace(n.fields, **{column: v}), n.version)
        return getattr(world.desk.nsi(n.id).fields, column)  # type: ignore[no-any-return]

    through(world, f"update NSI: {column}", save)


def test_closing_notes(world: World) -> None:
    def save(v: str) -> str | None:
        n = world.desk.open_nsi(world.base.id, NsiFields("SKREL", referral_date=TODAY))
        try:
            world.desk.close_nsi(n.id, Outcome.NOT_SUITABLE, TODAY, n.version, v)
        except RuleViolation:
            world.desk.close_nsi(n.id, Outcome.NOT_SUITABLE, TODAY, n.version, "closed")
            raise
        closed = world.desk.nsi(n.id)
        assert closed.outcome is Outcome.NOT_SUITABLE and closed.fields.actual_end == TODAY
        return closed.fields.notes

    through(world, "close NSI: notes", save)


@pytest.mark.parametrize("column", ["notes", "supporter_name"])
def test_module_session(world: World, column: str) -> None:
    def save(v: str) -> str | None:
        values = {"notes": None, "supporter_name": "Nia Lloyd", column: v}
        state = world.desk.record_session(world.base.id, ModuleSession(
            TODAY, SupporterRole.PP, values["supporter_name"], False, values["notes"]))
        newest = max((s for s, _k in state.sessions), key=lambda s: s.id or 0)
        return getattr(newest, column)  # type: ignore[no-any-return]

    through(world, f"module session: {column}", save)


@pytest.mark.parametrize("column", ["comment", "by_name"])
def test_sign_off(world: World, column: str) -> None:
    def save(v: str) -> str | None:
        values = {"comment": "Needs one more session", "by_name": "Rhian Tomos", column: v}
        view = review_svc.record_sign_off(world.tm, world.base.id, SignOffKind.NOT_READY,
                                          TODAY, values["comment"], values["by_name"])
        return getattr(view, column)  # type: ignore[no-any-return]

    through(world, f"sign-off: {column}", save)


def test_structured_intervention_name(world: World) -> None:
    def save(v: str) -> str:
        return world.desk.refer_si(world.base.id, NeedArea.ATB, v, TODAY).name

    through(world, "SI referral: name", save)


def test_contact_notes(world: World) -> None:
    def save(v: str) -> str | None:
        cid = world.desk.record_activity(world.base.id, TODAY, order_id=world.order.id,
                                         description=v)
        return next(c.notes for c in world.desk.contacts(world.base.id) if c.id == cid)

    through(world, "contact: notes", save)


def test_typed_dates_are_exact_or_refused_in_words() -> None:
    for entry in DATES:
        try:
            day = parse_date(entry["value"])
        except ValueError as exc:
            assert str(exc).startswith("'") and "date" in str(exc), entry["id"]
            continue
        typed = entry["value"].strip()
        assert typed in (uk(day), day.isoformat(), f"{day.day}/{day.month}/{day.year}"), \
            entry["id"]
    for impossible in ("2022-02-30", "0000-01-01"):
        with pytest.raises(ValueError, match="is not a date"):
            parse_date(impossible)


# ------------------------------------------------------------------ the command line
def test_command_line_refuses_in_words(world: World, capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    from probation_desk.cli import main

    counts = world.tally.setdefault("command line: rar CRN, report --region", [0, 0])
    for entry in TEXTS:
        for argv in (["rar", entry["value"], "--db", world.url],
                     ["report", "completion", "--format", "csv", "--out",
                      str(tmp_path / "r.csv"), "--region", entry["value"], "--db", world.url]):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: a value that looks like an option
                code = int(exc.code or 0)
            _out, err = capsys.readouterr()
            assert code in (0, 2), (entry["id"], argv[0], code, err)
            assert "did not expect" not in err and "Traceback" not in err, entry["id"]
            counts[0 if code == 2 else 1] += 1


# ------------------------------------------------------------------ print and reports
def squeeze(text: str) -> str:
    """Text as compared with a PDF's text layer: no spaces or line breaks, and no
    invisible format characters (nothing is drawn for a zero-width joiner or a soft
    hyphen, so the text layer need not hold them)."""
    return "".join(ch for ch in "".join(text.split()) if unicodedata.category(ch) != "Cf")


def printable(name: str) -> bool:
    from probation_desk.printing.fonts import printable_refusal

    return printable_refusal(name, "x") is None


def test_workbook_prints_each_name_exactly_or_refuses(world: World, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from probation_desk.services.workbooks import print_many, print_workbook

    people = [world.desk.person(pid) for pid, _v in hostile_people(world)]
    good = [p for p in people if printable(p.name)]
    files = print_many(world.desk, [p.id for p in good], tmp_path / "wb", one_file=False)
    missing = [f"{p.name!r:.60}" for p, path in zip(good, files, strict=True)
               if squeeze(p.name) not in
               squeeze(" ".join(pg.extract_text() for pg in PdfReader(path).pages))]
    assert not missing, missing
    bad = [p for p in people if not printable(p.name)]
    for p in bad:  # a font without the letters, or right-to-left: refused, never boxes
        with pytest.raises(RuleViolation) as exc:
            print_workbook(world.desk, crn=p.crn, out=tmp_path / "no.pdf")
        assert exc.value.rule == "cannot-print" and "cannot print as typed" in \
            exc.value.message
    assert not (tmp_path / "no.pdf").exists()
    world.tally["workbook PDF: personalised name"] = [len(bad), len(good)]


def test_reports_carry_each_name_exactly(world: World, tmp_path: Path) -> None:
    from pypdf import PdfReader

    for pid, _v in hostile_people(world):
        world.desk.refer_si(pid, NeedArea.ATB, "Stepwise Problem Solving", TODAY)
    people = [world.desk.person(pid) for pid, _v in world.named]
    out = tmp_path / "r.csv"
    review_svc.write_completion_report(world.desk, "csv", out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("Name")
    in_csv = {r[col] for r in rows[1:]}
    # A cell a spreadsheet would run as a formula starts with an apostrophe there.
    assert {review_svc.neutralise(p.name) for p in people} <= in_csv
    pdf = tmp_path / "r.pdf"
    bad = [p for p in people if not printable(p.name)]
    with pytest.raises(RuleViolation) as exc:  # all of them: some cannot be printed
        review_svc.write_completion_report(world.desk, "pdf", pdf)
    assert bad[0].crn in exc.value.message and "CSV" in exc.value.message
    assert not pdf.exists()
    for p in bad:  # the rest, by PDU: printed exactly
        world.desk.update_person(p.id, replace(BASE, crn=p.crn, name=p.name,
                                               pdu="Elsewhere"), p.version)
    review_svc.write_completion_report(world.desk, "pdf", pdf, pdu="Cardiff")
    text = squeeze(" ".join(pg.extract_text() for pg in PdfReader(pdf).pages))
    good = [p for p in people if printable(p.name)]
    missing = [f"{p.name!r:.60}" for p in good if squeeze(p.name) not in text]
    world.tally["completion report: CSV"] = [0, len(people)]
    world.tally["completion report: PDF"] = [len(bad), len(good)]
    assert not missing, missing


def test_tally(world: World) -> None:
    """Say how many values went through how many ways in (the issue's closing note)."""
    assert len(world.tally) >= 14
    total = sum(sum(c) for c in world.tally.values())
    print(f"\nhostile corpus: {len(TEXTS)} text and {len(DATES)} date values, "
          f"{len(world.tally)} ways in, {total} attempts")
    for way, (refused, saved) in sorted(world.tally.items()):
        print(f"  {way}: {refused} refused, {saved} saved exactly")
