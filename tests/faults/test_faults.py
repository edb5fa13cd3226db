"""Faults a tester throws at it: full disk, read-only file and folder, truncated and
garbage-filled files, newer schema, another user's files, private output files, logs.

As root (CI) the disk faults are real: a size-limited or read-only tmpfs, files chowned
to another user. Otherwise the same paths are driven by an injected OSError or chmod.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from probation_desk.cli import main

ROOT_USER = os.geteuid() == 0


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 400 KiB tmpfs (root only), unmounted afterwards."""
    if not ROOT_USER:
        pytest.skip("a real size-limited or read-only disk needs root (injected below)")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k,mode=700", "tmpfs",
                       str(mnt)], capture_output=True).returncode != 0:
        pytest.skip("tmpfs could not be mounted here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def remount(mnt: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mnt)], check=True)


@pytest.mark.expect_log_warnings  # the stopped import logs why, as it should
def test_full_disk_import_says_so_and_keeps_what_it_said(tmpfs: Path, capsys: Any) -> None:
    url = f"sqlite:///{tmpfs / 'desk.sqlite3'}"
    assert main(["demo", "--db", url, "--cases", "3000"]) == 4
    err = capsys.readouterr().err
    assert "the disk is full" in err and "Traceback" not in err
    assert "Nothing more was changed" not in err
    saved = int(re.search(r"the (\d+) record\(s\) before them were", err).group(1))
    remount(tmpfs, "size=64m")
    assert main(["check", "--db", url, "--json"]) == 0
    con = sqlite3.connect(tmpfs / "desk.sqlite3")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        people = con.execute("SELECT count(*) FROM person").fetchone()[0]
    finally:
        con.close()
    assert people <= saved


def test_injected_full_disk_on_import_and_on_a_save(desk: Any, monkeypatch: Any) -> None:
    from probation_desk.domain.errors import RuleViolation
    from probation_desk.domain.people import PersonDetails
    from probation_desk.services.check import check_database
    from probation_desk.services.demo import demo_records, load_demo
    from probation_desk.services.transfer import import_records, pipeline

    first = load_demo(desk, 30, 1)
    assert first.stopped is None

    def full(*_a: Any, **_k: Any) -> None:
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(pipeline, "insert_tuples", full)
    import msgspec

    more = ((line, {**(d := msgspec.to_builtins(rec)),
                    **({"crn": "Q" + d["crn"][1:]} if "crn" in d else {})})
            for line, rec in demo_records(30, 2, desk.catalogue))
    result = import_records(desk, more, source="test")
    assert result.stopped and "the disk is full" in result.stopped
    assert result.accepted == 0
    assert check_database(desk, repair=False).drift == []
    if desk.engine.dialect.name != "sqlite":
        return  # the driver-level injection below is SQLite's error text
    from sqlalchemy import event

    def fail(*_a: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    event.listen(desk.engine, "before_cursor_execute", fail)
    try:
        with pytest.raises(RuleViolation) as exc:
            desk.add_person(PersonDetails("Z999999", "Full Disk", None, "Wales", "Cardiff",
                                          "PP"))
    finally:
        event.remove(desk.engine, "before_cursor_execute", fail)
    assert exc.value.rule == "disk-full" and "Nothing of it was saved" in exc.value.message


def cli(*argv: str) -> tuple[int, str]:
    """The command line in its own process (so no open file keeps a mount busy)."""
    import sys

    run = subprocess.run([sys.executable, "-m", "probation_desk.cli", *argv],
                         capture_output=True, text=True, timeout=120)
    return run.returncode, run.stderr + run.stdout


def test_read_only_folder_says_read_only_not_damaged(tmpfs: Path) -> None:
    url = f"sqlite:///{tmpfs / 'desk.sqlite3'}"
    remount(tmpfs, "size=64m")
    assert cli("demo", "--db", url, "--cases", "20")[0] == 0
    remount(tmpfs, "ro")
    status, said = cli("demo", "--db", url, "--cases", "5", "--seed", "7")
    assert status == 4, said
    assert "read-only" in said and "damaged" not in said and "Traceback" not in said
    out = tmpfs.parent / "export.jsonl"
    assert cli("export", "--db", url, str(out))[0] == 0  # reading still works
    assert out.stat().st_size > 0


def test_read_only_file_without_root(tmp_path: Path, capsys: Any) -> None:
    if ROOT_USER:
        pytest.skip("root ignores file modes: the tmpfs test covers this as root")
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert main(["demo", "--db", url, "--cases", "10"]) == 0
    (tmp_path / "desk.sqlite3").chmod(0o400)
    capsys.readouterr()
    assert main(["demo", "--db", url, "--cases", "5", "--seed", "7"]) in (3, 4)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "did not expect" not in err


def test_truncated_file_is_refused_and_left_alone(tmp_path: Path, capsys: Any) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert main(["demo", "--db", url, "--cases", "200"]) == 0
    path = tmp_path / "desk.sqlite3"
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = digest(path)
    capsys.readouterr()
    for command in (["sweep"], ["demo", "--cases", "3"], ["check"]):
        assert main([command[0], "--db", url, *command[1:]]) == 3
        err = capsys.readouterr()
        assert "damaged" in err.err + err.out
        assert digest(path) == before


def test_export_of_a_garbage_filled_file_says_what_it_could_read(tmp_path: Path,
                                                                 capsys: Any) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert main(["demo", "--db", url, "--cases", "400"]) == 0
    path = tmp_path / "desk.sqlite3"
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with path.open("r+b") as fh:
        fh.seek(path.stat().st_size // 2)
        fh.write(os.urandom(8192))
    capsys.readouterr()
    out = tmp_path / "what-could-be-read.jsonl"
    status = main(["export", "--db", url, str(out)])
    err = capsys.readouterr().err
    assert status == 3, err
    assert "damaged" in err and "record(s) that could be read" in err
    kept = int(re.search(r"kept the (\d+) record", err).group(1))
    assert len(out.read_text().splitlines()) == kept + 1  # the header too
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_newer_schema_exits_3_in_words(tmp_path: Path, capsys: Any) -> None:
    from probation_desk.services.lifecycle import open_database

    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    open_database(url).dispose()
    con = sqlite3.connect(tmp_path / "desk.sqlite3")
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    assert main(["sweep", "--db", url]) == 3
    assert "newer version of Probation Desk" in capsys.readouterr().err


@pytest.mark.skipif(not ROOT_USER, reason="needs root to give a file to another user")
def test_another_users_file_or_open_folder_is_refused(tmp_path: Path, capsys: Any) -> None:
    from probation_desk.services.lifecycle import open_database

    path = tmp_path / "theirs" / "desk.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    before = digest(path)
    os.chown(path, 65534, 65534)
    assert main(["sweep", "--db", f"sqlite:///{path}"]) == 3
    assert "belongs to another user" in capsys.readouterr().err
    assert digest(path) == before
    os.chown(path, 0, 0)
    path.parent.chmod(0o777)
    assert main(["sweep", "--db", f"sqlite:///{path}"]) == 3
    assert "Other users can write in the folder" in capsys.readouterr().err
    path.parent.chmod(0o700)
    path.chmod(0o666)
    assert main(["sweep", "--db", f"sqlite:///{path}"]) == 3
    assert "Other users can change the database file" in capsys.readouterr().err


def test_every_file_the_app_writes_is_owner_only_and_no_link_is_followed(
        tmp_path: Path, capsys: Any) -> None:
    os.umask(0o022)
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert main(["demo", "--db", url, "--cases", "20"]) == 0
    crn = sqlite3.connect(tmp_path / "desk.sqlite3").execute(
        "SELECT crn FROM person LIMIT 1").fetchone()[0]
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("not to be overwritten")
    link = tmp_path / "export.jsonl"
    link.symlink_to(secret)
    outputs = {
        "export": (["export", "--db", url, str(link)], link),
        "workbook": (["workbook", "--db", url, "--crn", crn, "--out",
                      str(tmp_path / "wb.pdf")], tmp_path / "wb.pdf"),
        "blank": (["workbook", "--blank", "--booklet", "--out", str(tmp_path / "b.pdf")],
                  tmp_path / "b.pdf"),
        "csv": (["report", "completion", "--db", url, "--format", "csv", "--out",
                 str(tmp_path / "r.csv")], tmp_path / "r.csv"),
        "pdf": (["report", "completion", "--db", url, "--format", "pdf", "--out",
                 str(tmp_path / "r.pdf")], tmp_path / "r.pdf"),
        "backup": (["backup", "--db", url, str(tmp_path / "b.sqlite3")],
                   tmp_path / "b.sqlite3"),
    }
    for name, (argv, path) in outputs.items():
        assert main(argv) == 0, (name, capsys.readouterr())
        assert not path.is_symlink() and path.stat().st_size > 0
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert secret.read_text() == "not to be overwritten"
    assert not list(tmp_path.glob(".*.part"))
    from probation_desk.paths import data_dir

    for made in [tmp_path / "desk.sqlite3", *data_dir().rglob("*")]:
        if made.is_file():
            assert stat.S_IMODE(made.stat().st_mode) & 0o077 == 0, made
    capsys.readouterr()
    assert main(["export", "--db", url, str(tmp_path / "no" / "such" / "x.jsonl")]) == 4
    assert "There is no such file or folder" in capsys.readouterr().err


@pytest.fixture
def own_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A data folder and log file of this test's own, so the scan reads only what it ran."""
    logger = logging.getLogger("probation_desk")
    kept = [h for h in logger.handlers if getattr(h, "probation_desk_log", False)]
    for h in kept:
        logger.removeHandler(h)
    monkeypatch.setenv("PROBATION_DESK_HOME", str(tmp_path / "home"))
    yield
    for h in [h for h in logger.handlers if getattr(h, "probation_desk_log", False)]:
        logger.removeHandler(h)
        h.close()
    for h in kept:
        logger.addHandler(h)


@pytest.mark.usefixtures("own_log")
def test_logs_carry_no_names_crns_or_notes(tmp_path: Path, capsys: Any) -> None:
    from probation_desk.paths import data_dir

    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type":"header","format":"probation-desk","version":3}\n'
                   '{"type": "person", "crn": "Q123456", "name": "Secret Name Ŵyn", '
                   '"region": "Nowhere"}\nnot json Secret Name Ŵyn\n')
    for argv in (["demo", "--cases", "50"], ["sweep"], ["check"], ["import", str(bad)],
                 ["export", str(tmp_path / "e.jsonl")],
                 ["report", "completion", "--format", "csv", "--out", str(tmp_path / "r.csv")],
                 ["export", str(tmp_path / "missing" / "e.jsonl")]):
        main([argv[0], "--db", url, *argv[1:]])
    capsys.readouterr()
    con = sqlite3.connect(tmp_path / "desk.sqlite3")
    crns = {r[0] for r in con.execute("SELECT crn FROM person")} | {"Q123456"}
    names = {r[0] for r in con.execute("SELECT name FROM person")} | {"Secret Name Ŵyn"}
    notes = {r[0] for r in con.execute("SELECT notes FROM nsi WHERE notes IS NOT NULL")}
    con.close()
    logs = "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in data_dir().glob("probation-desk.log*"))
    # Something was logged for each command, so the scan is not vacuous.
    for command in ("demo", "sweep", "check", "import", "export", "report"):
        assert f"{command} " in logs or f"{command}:" in logs, command
    assert "line 2 refused by the rule" in logs and "line 3 refused by the rule" in logs
    for value in crns | names | {n for n in notes if len(n) > 8}:
        assert value not in logs, "personal data in the log"
    assert stat.S_IMODE((data_dir() / "probation-desk.log").stat().st_mode) == 0o600


def test_message_for_an_unwritable_output_path_is_plain(tmp_path: Path, capsys: Any) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert main(["demo", "--db", url, "--cases", "5"]) == 0
    folder = tmp_path / "a-folder"
    folder.mkdir()
    capsys.readouterr()
    assert main(["export", "--db", url, str(folder)]) == 4
    err = capsys.readouterr().err
    assert "did not expect" not in err and "folder" in err



def test_a_backup_onto_a_full_disk_says_the_disk_is_full_and_leaves_nothing(
        tmpfs: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert cli("demo", "--db", url, "--cases", "300")[0] == 0
    status, said = cli("backup", "--db", url, str(tmpfs / "copy.sqlite3"))
    assert status == 5, said
    assert "is full" in said and "could not be read" not in said and "Traceback" not in said
    assert list(tmpfs.iterdir()) == []  # no copy, no .part, no journal, no lock


def test_a_database_on_a_read_only_disk_can_still_be_backed_up(tmpfs: Path,
                                                              tmp_path: Path) -> None:
    url = f"sqlite:///{tmpfs / 'desk.sqlite3'}"
    remount(tmpfs, "size=64m")
    assert cli("demo", "--db", url, "--cases", "20")[0] == 0
    remount(tmpfs, "ro")
    status, said = cli("backup", "--db", url, str(tmp_path / "copy.sqlite3"))
    assert status == 0, said
    con = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert con.execute("SELECT count(*) FROM person").fetchone()[0] == 20
    con.close()


def test_a_backup_never_overwrites_an_existing_file_unless_asked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert main(["demo", "--db", url, "--cases", "5"]) == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    assert main(["backup", "--db", url, str(notes)]) == 5
    assert notes.read_text() == "my notes\n"
    assert main(["backup", "--db", url, "--replace", str(notes)]) == 0
    con = sqlite3.connect(notes)
    assert con.execute("SELECT count(*) FROM person").fetchone()[0] == 5
    con.close()
