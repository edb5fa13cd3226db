"""The backups folder is checked as the database's folder is (its owner, who may write in
it, a link at its path), and only whole Probation Desk backups are listed, restored from
or pruned, by the time recorded when they were taken, never by their names alone."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from probation_desk.cli import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX owners, links, modes")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("PROBATION_DESK_HOME", str(folder))
    monkeypatch.delenv("PROBATION_DESK_DB", raising=False)
    return folder


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert main(["person", "add", "--db", url, "--crn", "A000001", "--name", "Some One",
                 "--region", "Wales", "--pdu", "Cardiff"]) == 0
    return url


def _open_folder_elsewhere(tmp_path: Path) -> Path:
    """A folder anyone may write in (as /tmp is), owned by another user where possible."""
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    elsewhere.chmod(0o777)
    if os.geteuid() == 0:
        os.chown(elsewhere, 65534, 65534)
    return elsewhere


@pytest.mark.expect_log_warnings  # the day's backup not taken: logged
def test_a_backups_folder_linked_to_an_open_folder_is_not_used(
        home: Path, tmp_path: Path, capsys: Any) -> None:
    url = _database(tmp_path)
    backups = home / "data" / "backups"
    for p in backups.iterdir():
        p.unlink()
    backups.rmdir()
    elsewhere = _open_folder_elsewhere(tmp_path)
    backups.symlink_to(elsewhere, target_is_directory=True)
    capsys.readouterr()
    assert main(["backup", "--db", url]) == 5
    err = capsys.readouterr().err
    assert "link" in err and str(backups) in err and "Traceback" not in err, err
    assert list(elsewhere.iterdir()) == []
    # Opening still works (the day's backup is not taken, and says why in the log).
    assert main(["person", "add", "--db", url, "--crn", "A000002", "--name", "Other One",
                 "--region", "Wales", "--pdu", "Cardiff"]) == 0
    assert list(elsewhere.iterdir()) == []
    assert main(["restore", "--db", url]) == 5
    assert "link" in capsys.readouterr().err


@pytest.mark.expect_log_warnings  # the day's backup not taken: logged
@pytest.mark.parametrize("fault", ["others-may-write", "another-owner"])
def test_a_backups_folder_others_control_is_not_used(
        home: Path, tmp_path: Path, capsys: Any, fault: str) -> None:
    if fault == "another-owner" and os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    url = _database(tmp_path)
    backups = home / "data" / "backups"
    before = set(backups.iterdir())
    if fault == "others-may-write":
        backups.chmod(0o777)
        words = "Other users can write in the backup folder"
    else:
        os.chown(backups, 65534, 65534)
        words = "belongs to another user"
    capsys.readouterr()
    assert main(["backup", "--db", url]) == 5
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err, err
    assert set(backups.iterdir()) == before


def test_planted_empty_backups_are_neither_listed_nor_make_the_real_ones_pruned(
        home: Path, tmp_path: Path, capsys: Any) -> None:
    from probation_desk.store.backup import backup, list_backups

    url = _database(tmp_path)  # its first start took the day's backup
    backups = home / "data" / "backups"
    genuine = [b.path for b in list_backups(url)]
    assert len(genuine) == 1
    fakes = []
    for day in range(14):
        fake = backups / f"desk-209912{17 + day:02d}-000000-daily.sqlite3"
        fake.touch(mode=0o600)
        fakes.append(fake)
    (backups / "desk-20991231-235959-daily.sqlite3").write_bytes(b"SQLite format 3\0" * 64)
    newest = backup(url, reason="daily", keep=14)
    for path in [*genuine, newest]:
        assert path.exists(), f"the genuine backup {path.name} was pruned"
    listed = [b.path for b in list_backups(url)]
    assert listed == [newest, *genuine]
    capsys.readouterr()
    assert main(["restore", "--db", url]) == 0
    shown = capsys.readouterr().out
    assert "2099" not in shown and str(newest) in shown.splitlines()[0]
    # And pruning keeps to whole backups: with keep=1 only the older genuine one goes.
    backup(url, reason="daily", keep=1)
    assert not genuine[0].exists() and all(f.exists() for f in fakes)
    assert [b.reason for b in list_backups(url)] == ["daily"]
    # A genuine backup's recorded time is what orders it, not its name.
    renamed = backups / "desk-20991230-000000-daily.sqlite3"
    real = list_backups(url)[0]
    os.rename(real.path, renamed)
    sidecars = [p for p in backups.iterdir() if p.name.startswith(real.path.name)]
    for p in sidecars:
        os.rename(p, backups / p.name.replace(real.path.name, renamed.name))
    moved = list_backups(url)
    assert [b.taken for b in moved] == [real.taken]
    assert stat.S_IMODE(renamed.stat().st_mode) == 0o600
