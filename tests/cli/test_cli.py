"""The command line: demo, sweep, rar, export/import, refusals without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from probation_desk.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(db_url: str) -> str:
    return db_url


def test_demo_sweep_and_rar(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "demo", "--cases", "300", "--seed", "5", "--db", db, "--json")
    assert code == 0 and json.loads(out)["counts"]["person"] == 300
    code, out, _ = run(capsys, "sweep", "--dry-run", "--json", "--db", db)
    preview = json.loads(out)
    assert code == 0 and preview["closed"] > 0 and preview["dry_run"] is True
    code, out, _ = run(capsys, "sweep", "--json", "--db", db)
    assert json.loads(out)["closed"] == preview["closed"]
    code, out, _ = run(capsys, "sweep", "--json", "--db", db)
    assert json.loads(out)["closed"] == 0
    code, out, _ = run(capsys, "rar", "A000005", "--json", "--db", db)
    req = json.loads(out)["requirements"][0]
    assert {"max_days", "days_completed", "module_days"} <= set(req)
    assert req["days_completed"] <= req["max_days"] + 10
    code, out, _ = run(capsys, "rar", "A000005", "--db", db)
    assert "RAR days completed" in out and "/" in out


def test_refusals_are_plain_words_not_tracebacks(capsys: pytest.CaptureFixture[str],
                                                 sqlite_url: str) -> None:
    code, out, err = run(capsys, "rar", "12345", "--db", sqlite_url)
    assert code == 2 and "not a valid CRN" in err and "Traceback" not in err
    code, out, err = run(capsys, "rar", "Z000001", "--db", sqlite_url, "--json")
    assert code == 2 and json.loads(out)["rule"] == "not-found"


def test_damaged_database_exit_status(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "sweep", "--db", f"sqlite:///{bad}")
    assert code == 3 and "damaged" in err


def test_export_import_round_trip(capsys: pytest.CaptureFixture[str], sqlite_url: str,
                                  tmp_path: Path) -> None:
    run(capsys, "demo", "--cases", "40", "--db", sqlite_url)
    first = tmp_path / "a.jsonl"
    assert run(capsys, "export", str(first), "--db", sqlite_url)[0] == 0
    other = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    code, out, _ = run(capsys, "import", str(first), "--db", other, "--json")
    assert code == 0 and json.loads(out)["refused"] == 0
    second = tmp_path / "b.jsonl"
    run(capsys, "export", str(second), "--db", other)
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_import_reports_line_numbers(capsys: pytest.CaptureFixture[str], sqlite_url: str,
                                     tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text('{"type":"header","format":"probation-desk","version":2}\n'
                 '{"type":"person","crn":"X1","name":"A","region":"Wales","pdu":"P",'
                 '"practitioner":"PP"}\n', encoding="utf-8")
    code, out, _ = run(capsys, "import", str(f), "--db", sqlite_url)
    assert code == 1 and "line 2, field crn:" in out and "not a valid CRN" in out


def test_module_entry_point_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "probation_desk", "--version"],
                         capture_output=True, text=True, check=True)
    assert "probation-desk" in out.stdout


def test_workbook_command_every_variant(capsys: pytest.CaptureFixture[str], sqlite_url: str,
                                        tmp_path: Path) -> None:
    from pypdf import PdfReader

    from probation_desk.domain.people import PersonDetails, PrintNeeds
    from probation_desk.services.lifecycle import open_desk

    desk = open_desk(sqlite_url)
    desk.add_person(PersonDetails("W123456", "Gwenllïan Ŵyn & <Co>", None, "Wales", "Swansea",
                                  "PP", print_needs=PrintNeeds.LARGE))
    desk.engine.dispose()
    out = tmp_path / "w.pdf"
    code, _, _ = run(capsys, "workbook", "--crn", "W123456", "--out", str(out), "--db",
                     sqlite_url)
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert code == 0 and "Gwenllïan Ŵyn & <Co>" in " ".join(text.split())
    sizes: set[float] = set()
    PdfReader(out).pages[2].extract_text(
        visitor_text=lambda t, cm, tm, f, s: sizes.add(s * tm[0]) if t.strip() else None)
    body = min(s for s in sizes if s > 13.5)
    assert body >= 18  # the person's print needs chose large print by default
    for extra in (["--booklet", "--no-crn"], ["--fillable"], ["--large-print"],
                  ["--booklet", "--standard-print"]):
        code, out_text, _ = run(capsys, "workbook", "--crn", "W123456", "--out", str(out),
                                "--db", sqlite_url, "--json", *extra)
        if extra == ["--booklet", "--no-crn"]:
            # large print (the person's need) cannot be a booklet: the refusal says so
            assert code == 2
        else:
            assert code == 0 and json.loads(out_text)["pages"] >= 8
    code, _, _ = run(capsys, "workbook", "--blank", "--booklet", "--out", str(out))
    assert code == 0 and len(PdfReader(out).pages) % 2 == 0
    code, _, err = run(capsys, "workbook", "--blank", "--booklet", "--fillable", "--out",
                       str(out))
    assert code == 2 and "printing only" in err


def test_opening_the_window_skips_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """No command: the window opens first (no argparse, logging or data folder before
    it); anything else still goes through the parser."""
    import probation_desk.cli as cli
    import probation_desk.ui.app as app

    opened: list[str | None] = []
    monkeypatch.setattr(app, "run_app", lambda db=None: opened.append(db) or 0)
    monkeypatch.setattr(cli, "build_parser", lambda: pytest.fail("parser built"))
    for argv, db in (([], None), (["gui"], None), (["--db", "sqlite:///x"], "sqlite:///x"),
                     (["--db=sqlite:///y", "gui"], "sqlite:///y")):
        assert main(argv) == 0
        assert opened.pop() == db
    for argv in (["--version"], ["demo"], ["--db"], ["--db", "--json"], ["sweep", "gui"]):
        assert cli.window_only(argv) == (False, None), argv


def test_person_order_contact_and_outcome_by_command_line(
        capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "person", "add", "--crn", "x123456", "--name", "Siân Llŷr",
                       "--region", "wales", "--pdu", "Cardiff", "--language", "WELSH",
                       "--db", db, "--json")
    assert code == 0 and json.loads(out)["ref"] == "X123456"
    assert json.loads(out)["region"] == "Wales" and json.loads(out)["language"] == "WELSH"
    code, out, _ = run(capsys, "person", "add", "--crn", "X123456", "--name", "Other",
                       "--region", "Wales", "--pdu", "Cardiff", "--db", db, "--json")
    assert code == 2 and json.loads(out)["rule"] == "duplicate-crn"
    code, out, _ = run(capsys, "person", "edit", "X123456", "--pdu", "Swansea", "--db", db,
                       "--json")
    assert code == 0 and json.loads(out)["pdu"] == "Swansea"
    assert json.loads(out)["name"] == "Siân Llŷr"
    code, out, _ = run(capsys, "order", "add", "--crn", "X123456", "--kind",
                       "COMMUNITY_ORDER", "--start", "2024-01-01", "--end", "2030-12-31",
                       "--rar-days", "366", "--db", db, "--json")
    assert code == 2 and json.loads(out)["rule"] == "rar-max"
    code, out, _ = run(capsys, "order", "add", "--crn", "X123456", "--kind",
                       "COMMUNITY_ORDER", "--start", "2024-01-01", "--end", "2030-12-31",
                       "--rar-days", "20", "--db", db, "--json")
    order = json.loads(out)["ref"]
    assert code == 0 and order.startswith("O")
    code, out, _ = run(capsys, "contact", "add", "--crn", "X123456", "--type",
                       "OFFICE_VISIT", "--at", "2024-06-03T10:00", "--order", order, "--rar",
                       "--db", db, "--json")
    ref = json.loads(out)["ref"]
    assert code == 0 and ref.startswith("C")
    code, out, _ = run(capsys, "contact", "outcome", ref, "--outcome", "ATTENDED_COMPLIED",
                       "--db", db, "--json")
    assert code == 0 and json.loads(out)["outcome_text"] == "Attended – complied"
    code, out, _ = run(capsys, "contact", "add", "--crn", "X123456", "--type",
                       "OFFICE_VISIT", "--at", "2030-06-03T10:00", "--order", order, "--rar",
                       "--db", db, "--json")
    future = json.loads(out)["ref"]
    code, out, err = run(capsys, "contact", "outcome", future, "--outcome",
                         "ATTENDED_COMPLIED", "--db", db)
    assert code == 2 and "has not happened yet" in err
    code, out, err = run(capsys, "contact", "add", "--crn", "X123456", "--type", "VIDEO",
                         "--at", "2024-06-04T10:00", "--rar", "--db", db)
    assert code == 2 and "RAR requirement" in err and "Traceback" not in err
    code, out, _ = run(capsys, "rar", "X123456", "--json", "--db", db)
    (req,) = json.loads(out)["requirements"]
    assert (req["days_completed"], req["booked_days"], req["max_days"]) == (1, 1, 20)
    # Corrections: a future appointment's notes can change; the 2024 contact is long past
    # its 7 days, so its outcome is refused in words and a note of correction is kept.
    code, out, _ = run(capsys, "contact", "notes", future, "Bring the workbook.", "--db", db,
                       "--json")
    assert code == 0 and json.loads(out)["ref"] == future
    code, out, err = run(capsys, "contact", "outcome", ref, "--outcome",
                         "ATTENDED_FAILED_TO_COMPLY", "--db", db)
    assert code == 2 and "note of correction" in err and "Traceback" not in err
    code, out, err = run(capsys, "contact", "notes", ref, "changed", "--db", db)
    assert code == 2 and "note of correction" in err
    code, out, _ = run(capsys, "contact", "correct", ref, "Attended late, agreed by phone.",
                       "--db", db, "--json")
    assert code == 0 and json.loads(out)["corrections"] == ["Attended late, agreed by phone."]
    assert json.loads(out)["outcome_text"] == "Attended – complied"  # the original stays
    code, out, _ = run(capsys, "contact", "types", "--json")
    assert "OFFICE_VISIT" in [t["code"] for t in json.loads(out)["types"]]
    code, out, _ = run(capsys, "contact", "types")
    assert "ATTENDED_FAILED_TO_COMPLY" in out
