"""A restore makes the checks opening makes before it writes anything: another user's
database file, a database path that is a symbolic link, a folder others can write in
are refused and left exactly as they were. A damaged database, the very thing a restore
is for, is restored over, its damaged bytes kept aside first."""

from __future__ import annotations

import gc
import hashlib
import os
import sqlite3
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from probation_desk.cli import main
from tests.faults.test_faults import cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX owners, links, modes")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def people(path: Path) -> set[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in con.execute("SELECT crn FROM person")}
    finally:
        con.close()


def _database(path: Path, crn: str) -> str:
    """A database holding one person, with its write-ahead log folded into the file and no
    connection left open (a connection closed later, by the garbage collector, would fold
    it then and change the file's bytes without anyone writing)."""
    url = f"sqlite:///{path}"
    assert main(["person", "add", "--db", url, "--crn", crn, "--name", "Some One",
                 "--region", "Wales", "--pdu", "Cardiff"]) == 0
    gc.collect()
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return url


@pytest.fixture
def backup_file(tmp_path: Path) -> Path:
    _database(tmp_path / "seed" / "seed.sqlite3", "B000001")
    out = tmp_path / "seed-backup.sqlite3"
    assert main(["backup", "--db", f"sqlite:///{tmp_path / 'seed' / 'seed.sqlite3'}",
                 str(out)]) == 0
    return out


def _restore_refused(url: str, backup: Path, _words: str, capsys: Any) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["restore", "--db", url, str(backup)])
    return status, capsys.readouterr().err


def _said(status: int, err: str, words: str) -> None:
    assert status == 3, (status, err)
    assert words in err and "Nothing was restored" in err, err
    assert "Traceback" not in err


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_restore_onto_another_users_database_changes_nothing(
        tmp_path: Path, backup_file: Path, capsys: Any) -> None:
    path = tmp_path / "theirs" / "desk.sqlite3"
    url = _database(path, "A000001")
    before = digest(path)
    os.chown(path, 65534, 65534)
    status, err = _restore_refused(url, backup_file, "belongs to another user", capsys)
    assert digest(path) == before and people(path) == {"A000001"}
    _said(status, err, "belongs to another user")


def test_restore_onto_a_linked_database_path_changes_nothing(
        tmp_path: Path, backup_file: Path, capsys: Any) -> None:
    victim = tmp_path / "elsewhere" / "victim.sqlite3"
    _database(victim, "V000001")
    victim.chmod(0o640)
    before = digest(victim)
    link = tmp_path / "mine" / "desk.sqlite3"
    link.parent.mkdir(mode=0o700)
    link.symlink_to(victim)
    status, err = _restore_refused(f"sqlite:///{link}", backup_file, "symbolic link", capsys)
    assert digest(victim) == before and people(victim) == {"V000001"}
    assert stat.S_IMODE(victim.stat().st_mode) == 0o640
    _said(status, err, "symbolic link")


def test_restore_into_a_folder_others_can_write_changes_nothing(
        tmp_path: Path, backup_file: Path, capsys: Any) -> None:
    path = tmp_path / "open" / "desk.sqlite3"
    url = _database(path, "A000001")
    before = digest(path)
    path.parent.chmod(0o777)
    try:
        status, err = _restore_refused(url, backup_file, "", capsys)
    finally:
        path.parent.chmod(0o700)
    assert digest(path) == before
    _said(status, err, "Other users can write in the folder")


def test_a_damaged_database_is_restored_over_and_its_bytes_kept(
        tmp_path: Path, backup_file: Path, capsys: Any) -> None:
    path = tmp_path / "mine" / "desk.sqlite3"
    url = f"sqlite:///{path}"
    path.parent.mkdir(mode=0o700)
    # In its own process, so no connection of this one keeps the file's old pages.
    status, said = cli("person", "add", "--db", url, "--crn", "A000001", "--name", "Some One",
                       "--region", "Wales", "--pdu", "Cardiff")
    assert status == 0, said
    for left in ("-wal", "-shm"):
        path.with_name(path.name + left).unlink(missing_ok=True)
    path.write_bytes(b"garbage" * 2000)  # not a database any more
    damaged = path.read_bytes()
    capsys.readouterr()
    assert main(["restore", "--db", url, str(backup_file)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out
    assert people(path) == {"B000001"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kept = Path(out.split("kept in ")[1].strip().rstrip("."))
    assert kept.read_bytes() == damaged
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
