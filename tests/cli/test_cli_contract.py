"""Issue 8, the command line: --db paths, plain messages and the exit codes the README gives.

Refusals exit 2; a database that cannot be used exits 3; ``--json`` works before or
after the command. Demo data goes only into an empty database, and a message pointing
to the log finds the reason there.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from probation_desk.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def is_sqlite(path: Path) -> bool:
    return path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_a_plain_path_is_a_sqlite_file(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "sweep", "--db", "notes.txt")
    assert code == 0, err
    assert is_sqlite(tmp_path / "notes.txt")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    code, out, err = run(capsys, "--db", "~/pd.sqlite3", "sweep", "--json")
    assert code == 0, err
    assert json.loads(out)["closed"] == 0
    assert is_sqlite(tmp_path / "home" / "pd.sqlite3")
    assert not (tmp_path / "~").exists()


@pytest.mark.parametrize(("db", "words"), [
    ("foo://somewhere/db", "no database driver for 'foo'"),
    ("postgresql+nodriver://u@h/db", "no database driver"),
    ("/proc/pd-test.sqlite3", "cannot be created"),
    ("sqlite:///no-such-folder/desk.sqlite3", "does not exist"),
    ("no-such-folder/desk.sqlite3", "does not exist"),
])
def test_an_unusable_address_is_a_clear_message_with_exit_3(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        db: str, words: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "sweep", "--db", db)
    assert code == 3 and words in err, err
    assert "did not expect" not in err and "Traceback" not in err
    assert not (tmp_path / "no-such-folder").exists()  # no folder made silently
    code, out, err = run(capsys, "--json", "sweep", "--db", db)
    assert code == 3 and json.loads(out)["rule"] == "database-unusable"


def test_json_before_or_after_the_command_and_refusals_exit_2(
        capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    for args in (("--json", "rar", "Z000001", "--db", sqlite_url),
                 ("rar", "Z000001", "--db", sqlite_url, "--json"),
                 ("--json", "--db", sqlite_url, "rar", "Z000001")):
        code, out, err = run(capsys, *args)
        assert code == 2 and json.loads(out)["rule"] == "not-found", args
    code, out, err = run(capsys, "rar", "12345", "--db", sqlite_url)
    assert code == 2 and err.startswith("Refused:") and "CRN" in err


def test_demo_goes_only_into_an_empty_database(capsys: pytest.CaptureFixture[str],
                                               sqlite_url: str) -> None:
    assert run(capsys, "demo", "--cases", "12", "--db", sqlite_url)[0] == 0
    code, out, err = run(capsys, "demo", "--cases", "12", "--db", sqlite_url)
    assert code == 2 and "only into an empty database" in err and "12 people" in err
    code, out, _ = run(capsys, "--json", "demo", "--cases", "12", "--db", sqlite_url)
    assert code == 2 and json.loads(out)["rule"] == "demo-needs-empty-database"
    from sqlalchemy import func, select

    from probation_desk.services.lifecycle import open_database
    from probation_desk.store.models import Person

    engine = open_database(sqlite_url)
    with engine.connect() as con:  # nothing was added the second and third time
        assert con.execute(select(func.count()).select_from(Person)).scalar() == 12
    engine.dispose()


@pytest.mark.expect_log_warnings
def test_refused_demo_records_are_in_the_log_the_message_points_to(
        capsys: pytest.CaptureFixture[str], sqlite_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from probation_desk.logs import setup_logging
    from probation_desk.services import demo

    real = demo.demo_records

    def with_a_bad_one(cases: int, seed: int, catalogue: object,  # type: ignore[no-untyped-def]
                       today: object = None, **mine: object):
        yield from real(cases, seed, catalogue, today, **mine)  # type: ignore[arg-type]
        yield 10_000, {"type": "person", "crn": "bad", "name": "Nobody", "region": "Wales",
                       "pdu": "Cardiff", "practitioner": "PP"}

    monkeypatch.setattr(demo, "demo_records", with_a_bad_one)
    setup_logging()
    where = demo.log_path()
    assert where is not None
    before = Path(where).read_text(encoding="utf-8") if Path(where).exists() else ""
    _code, out, _ = run(capsys, "demo", "--cases", "3", "--db", sqlite_url)
    assert "refused record 10000" in out
    for handler in logging.getLogger("probation_desk").handlers:
        handler.flush()
    added = Path(where).read_text(encoding="utf-8")[len(before):]
    assert "demo record on line 10000 refused by the rule" in added
    assert "Nobody" not in added  # line and rule only: never a name
