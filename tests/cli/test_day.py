"""A practitioner's day from the command line: the diary with the outcomes to record, a
person's history in words, and what a toolkit's withdrawal would touch (changing nothing)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from probation_desk.cli import main
from probation_desk.settings import Settings, save_settings


@pytest.fixture
def db(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PROBATION_DESK_HOME", str(tmp_path / "home"))
    save_settings(Settings(user_name="Ffion Hughes", role="REGIONAL_LEAD"))
    return db_url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    try:
        return code, json.loads(out), err
    except ValueError:
        return code, out, err


def test_the_diary_puts_outcomes_to_record_first_and_takes_them_off_once_recorded(
        capsys: pytest.CaptureFixture[str], db: str) -> None:
    today = dt.date.today()
    week = today - dt.timedelta(days=today.weekday())
    assert run(capsys, "person", "add", "--crn", "W200001", "--name", "Siân Llŷr",
               "--region", "Wales", "--pdu", "Cardiff", "--db", db)[0] == 0
    assert run(capsys, "person", "add", "--crn", "W200002", "--name", "Not Mine",
               "--region", "Wales", "--pdu", "Cardiff", "--practitioner", "Someone Else",
               "--db", db)[0] == 0
    past = (today - dt.timedelta(days=9)).isoformat() + "T10:00"
    soon = (today + dt.timedelta(days=1)).isoformat() + "T14:30"
    code, done, _ = run(capsys, "contact", "add", "--crn", "W200001", "--type", "OFFICE_VISIT",
                        "--at", past, "--json", "--db", db)
    assert code == 0, done
    assert run(capsys, "contact", "add", "--crn", "W200001", "--type", "OFFICE_VISIT",
               "--at", soon, "--db", db)[0] == 0
    assert run(capsys, "contact", "add", "--crn", "W200002", "--type", "OFFICE_VISIT",
               "--at", past, "--db", db)[0] == 0
    code, mine, _ = run(capsys, "diary", "--json", "--db", db)
    assert code == 0
    assert [e["ref"] for e in mine["outcomes_to_record"]] == [done["ref"]]
    assert all(e["needs_outcome"] for e in mine["outcomes_to_record"])
    assert [(e["crn"], e["at"], e["needs_outcome"]) for e in mine["appointments"]] == [
        ("W200001", soon, False)]
    code, everyone, _ = run(capsys, "diary", "--everyone", "--from", week.isoformat(),
                            "--days", "14", "--json", "--db", db)
    assert {e["crn"] for e in everyone["outcomes_to_record"]} == {"W200001", "W200002"}
    assert run(capsys, "contact", "outcome", done["ref"], "--outcome", "ATTENDED_COMPLIED",
               "--db", db)[0] == 0
    assert run(capsys, "diary", "--json", "--db", db)[1]["outcomes_to_record"] == []
    code, text, _ = run(capsys, "diary", "--db", db)
    assert code == 0 and "no appointments" in text and soon[11:] in text


def test_history_says_who_changed_what_from_what(capsys: pytest.CaptureFixture[str],
                                                 db: str) -> None:
    assert run(capsys, "person", "add", "--crn", "W200003", "--name", "Gwen Price",
               "--region", "Wales", "--pdu", "Cardiff", "--db", db)[0] == 0
    assert run(capsys, "person", "edit", "W200003", "--print-needs", "LARGE",
               "--db", db)[0] == 0
    code, h, _ = run(capsys, "history", "W200003", "--json", "--db", db)
    assert code == 0
    newest, first = h["history"][0], h["history"][-1]
    assert newest["what"] == "Changed the person's details"
    assert {"field": "Print needs", "before": "Standard", "after": "Large"} in newest["changes"]
    assert first["what"] == "Added the person"
    assert newest["who"] == first["who"] and newest["who"]
    code, text, _ = run(capsys, "history", "W200003", "--db", db)
    assert "Print needs: Standard → Large" in text


def test_what_if_counts_what_a_withdrawal_would_touch_and_changes_nothing(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    assert run(capsys, "demo", "--cases", "120", "--db", db)[0] == 0
    code, _before, _ = run(capsys, "export", str(tmp_path / "before.jsonl"), "--db", db)
    assert code == 0
    soon = dt.date.today() + dt.timedelta(days=30)
    later = soon + dt.timedelta(days=60)
    out = tmp_path / "maps.csv"
    code, w, _ = run(capsys, "what-if", "--toolkit", "maps", "--withdrawn-on",
                     soon.isoformat(), "--close-by", later.isoformat(), "--csv", str(out),
                     "--json", "--db", db)
    assert code == 0 and w["toolkit"] == "MAPS" and w["open"] > 0
    assert sum(w["by_region"].values()) == w["needing_action"] == sum(
        p["count"] for p in w["by_practitioner"]) == sum(n["needs_action"] for n in w["nsis"])
    with out.open(encoding="utf-8-sig", newline="") as fh:
        listed = list(csv.DictReader(fh))
    assert [r["NSI"] for r in listed] == [n["ref"] for n in w["nsis"]]
    assert run(capsys, "export", str(tmp_path / "after.jsonl"), "--db", db)[0] == 0
    assert (tmp_path / "after.jsonl").read_text().splitlines()[1:] == \
        (tmp_path / "before.jsonl").read_text().splitlines()[1:]  # nothing changed
    if db.startswith("sqlite"):
        con = sqlite3.connect(db.removeprefix("sqlite:///"))
        assert con.execute("SELECT count(*) FROM audit WHERE action LIKE '%what%'"
                           ).fetchone()[0] == 0
        con.close()
    code, _o, err = run(capsys, "what-if", "--toolkit", "CHEMSEX", "--withdrawn-on",
                        soon.isoformat(), "--close-by", later.isoformat(), "--db", db)
    assert code == 2 and "already withdrawn" in err
    code, _o, err = run(capsys, "what-if", "--toolkit", "MAPS", "--withdrawn-on",
                        later.isoformat(), "--close-by", soon.isoformat(), "--db", db)
    assert code == 2 and "before the withdrawal" in err


def test_a_printed_workbook_is_in_the_persons_history(capsys: pytest.CaptureFixture[str],
                                                      db: str, tmp_path: Path) -> None:
    assert run(capsys, "person", "add", "--crn", "W200004", "--name", "Alys Bowen",
               "--region", "Wales", "--pdu", "Cardiff", "--print-needs", "LARGE",
               "--db", db)[0] == 0
    assert run(capsys, "workbook", "--crn", "W200004", "--out", str(tmp_path / "wb.pdf"),
               "--db", db)[0] == 0
    newest = run(capsys, "history", "W200004", "--json", "--db", db)[1]["history"][0]
    assert newest["what"] == "Printed a workbook"
    assert {"field": "Large print", "before": "", "after": "Yes"} in newest["changes"]
    assert {"field": "Workbook", "before": "", "after": "Pre-Intervention Module"} in \
        newest["changes"]


def test_the_demo_puts_a_handful_of_people_on_my_own_caseload(
        capsys: pytest.CaptureFixture[str], db: str) -> None:
    from sqlalchemy import func, select

    from probation_desk.services.lifecycle import open_desk
    from probation_desk.store.models import Person

    code, loaded, _ = run(capsys, "demo", "--cases", "40", "--json", "--db", db)
    assert code == 0 and loaded["on_my_caseload"] == 5
    desk = open_desk(db)
    with desk.engine.connect() as con:
        mine = con.execute(select(func.count()).where(
            Person.practitioner == loaded["managed_by"])).scalar_one()
        everyone = con.execute(select(func.count()).select_from(Person)).scalar_one()
    desk.engine.dispose()
    assert (mine, everyone) == (5, 40)
