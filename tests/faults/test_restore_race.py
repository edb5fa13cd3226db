"""A restore racing writers on SQLite: an import of a big export, and people being added.

Before: the restore took its safety copy, then replaced the file, with no lock held
between the two; a batch (or a person) committed in that gap was reported saved and was
in neither, and an import that went on afterwards wrote into the "restored" database.
Now the restore takes the database's own write lock (the one every writer waits for),
takes the safety copy and replaces the content under it in one transaction; a writer
that opened the database before the restore stops in words, and an import says how many
records it saved and that they are in the safety copy.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from probation_desk.cli import main
from tests.faults.conftest import EXPORT

ROOT = Path(__file__).resolve().parents[2]


def _ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def crns(path: Path) -> set[str]:
    con = _ro(path)
    try:
        return {r[0] for r in con.execute("SELECT crn FROM person")}
    finally:
        con.close()


def imported_lines(path: Path) -> set[int]:
    """The lines of the export whose records this database holds (their audit rows)."""
    con = _ro(path)
    try:
        return {int(r[0]) for r in con.execute(
            "SELECT json_extract(after, '$.line') FROM audit "
            "WHERE json_extract(after, '$.file') = ?", (EXPORT,))}
    finally:
        con.close()


def records_without_rows(path: Path) -> int:
    """Imported records whose audit row is there and whose row is not (a half record)."""
    con = _ro(path)
    try:
        missing = 0
        for (entity,) in con.execute("SELECT DISTINCT entity FROM audit WHERE "
                                     "json_extract(after, '$.file') = ?", (EXPORT,)).fetchall():
            missing += con.execute(
                f'SELECT count(*) FROM audit a WHERE a.entity = ? AND '
                f"json_extract(a.after, '$.file') = ? AND NOT EXISTS "
                f'(SELECT 1 FROM "{entity}" t WHERE t.id = a.entity_id)',
                (entity, EXPORT)).fetchone()[0]
        return missing
    finally:
        con.close()


def _wait_for(predicate: Any, what: str, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {limit} s for {what}")
        time.sleep(0.02)


def _writing(path: Path) -> bool:
    """Whether another process holds the database's write lock now (a batch is going in)."""
    con = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        con.close()


def _restore(url: str, backup: Path, capsys: Any) -> Path:
    capsys.readouterr()
    assert main(["restore", "--db", url, "--json", str(backup)]) == 0
    return Path(json.loads(capsys.readouterr().out)["previous"])


def test_an_import_racing_a_restore_loses_nothing_it_reported_saved(
        tmp_path: Path, race_files: tuple[Path, Path, int], capsys: Any) -> None:
    export, backup, total = race_files
    live = tmp_path / "live.sqlite3"
    url = f"sqlite:///{live}"
    assert main(["person", "add", "--db", url, "--crn", "Z000001", "--name", "Already Here",
                 "--region", "Wales", "--pdu", "Cardiff"]) == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "probation_desk.cli", "import", "--db", url, "--json",
         str(export)], cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        # The first batch is in, and the next is being written: restore now.
        _wait_for(lambda: live.exists() and bool(imported_lines(live)), "the first batch")
        _wait_for(lambda: _writing(live), "the second batch")
        safety = _restore(url, backup, capsys)
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in stderr, stderr[-3000:]
    result = json.loads(stdout)
    saved = result["accepted"]
    assert 0 < saved < total, result  # the restore came in the middle of the import

    # The restored database is the backup: nothing of the import is written after it;
    # it is sound, and its name search (an FTS5 table) is whole.
    assert crns(live) == crns(backup)
    assert imported_lines(live) == set()
    con = sqlite3.connect(live)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.execute("INSERT INTO person_name_fts(person_name_fts) VALUES ('integrity-check')")
        key = con.execute("SELECT name_key FROM person LIMIT 1").fetchone()[0]
        assert con.execute("SELECT count(*) FROM person_name_fts WHERE person_name_fts "
                           "MATCH ?", (f'"{key[:5]}"',)).fetchone()[0] >= 1
    finally:
        con.close()
    # Every record the import reported saved is in the copy the restore kept, whole.
    kept = imported_lines(safety)
    assert len(kept) >= saved, (len(kept), saved)
    assert records_without_rows(safety) == 0
    assert "Z000001" in crns(safety)
    # The import stopped, in words: how many it saved and where they are.
    assert proc.returncode == 3, (proc.returncode, result["stopped"])
    stopped = result["stopped"]
    assert "restored" in stopped and f"the {saved} record(s)" in stopped, stopped
    assert "before-restore" in stopped
    print(f"import racing restore: {saved} of {total} records reported saved, {len(kept)} "
          f"in the safety copy, {len(imported_lines(live))} in the restored database")


def test_people_added_racing_a_restore_are_in_the_database_or_the_safety_copy(
        tmp_path: Path, race_files: tuple[Path, Path, int], capsys: Any) -> None:
    _export, backup, _total = race_files
    live = tmp_path / "live.sqlite3"
    url = f"sqlite:///{live}"
    assert main(["person", "add", "--db", url, "--crn", "Z000001", "--name", "Already Here",
                 "--region", "Wales", "--pdu", "Cardiff"]) == 0
    letters = ("Q", "R", "S")
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.faults.restore_racer", url, str(tmp_path), letter],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True) for letter in letters]
    try:
        _wait_for(lambda: all((tmp_path / f"ready.{x}").exists() for x in letters),
                  "the writers")
        safety = _restore(url, backup, capsys)
        (tmp_path / "done").touch()
        outs = []
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0 and "Traceback" not in stderr, stderr[-3000:]
            outs.append(json.loads(stdout))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    added = [crn for out in outs for crn in out["added"]]
    assert len(added) > 3 * 4
    assert [u for out in outs for u in out["unexpected"]] == []
    final, kept = crns(live), crns(safety)
    lost = [crn for crn in added if crn not in final and crn not in kept]
    assert lost == [], f"{len(lost)} of {len(added)} reported added are in neither"
    # The restored database is the backup, and writers that had it open before the
    # restore were told so in words (they must open it again).
    assert final == crns(backup)
    explained = [e for out in outs for e in out["explained"]]
    assert explained and all(e.startswith("3: ") and "restored" in e for e in explained), \
        explained[:3]
    print(f"people added racing restore: {len(added)} reported added, "
          f"{sum(c in kept for c in added)} in the safety copy, "
          f"{sum(c in final for c in added)} in the restored database; "
          f"{len(explained)} refused in words after it")


def test_25_person_adds_racing_one_restore(tmp_path: Path, race_files: tuple[Path, Path, int],
                                           capsys: Any) -> None:
    """The red-team's own case: 25 ``person add`` commands, one ``restore`` among them."""
    _export, backup, _total = race_files
    live = tmp_path / "live.sqlite3"
    url = f"sqlite:///{live}"
    assert main(["person", "add", "--db", url, "--crn", "Z000001", "--name", "Already Here",
                 "--region", "Wales", "--pdu", "Cardiff"]) == 0
    procs = {f"P{i:06d}": subprocess.Popen(
        [sys.executable, "-m", "probation_desk.cli", "person", "add", "--db", url, "--crn",
         f"P{i:06d}", "--name", "Racing Person", "--region", "Wales", "--pdu", "Cardiff"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True) for i in range(25)}
    try:
        _wait_for(lambda: len(crns(live)) > 1, "the first of them")
        safety = _restore(url, backup, capsys)
        results = {crn: (p.wait(timeout=120), p.stdout.read(), p.stderr.read())  # type: ignore[union-attr]
                   for crn, p in procs.items()}
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    added = [crn for crn, (rc, out, _err) in results.items() if rc == 0 and "Added" in out]
    others = {crn: (rc, err.strip()[-300:]) for crn, (rc, _out, err) in results.items()
              if crn not in added}
    assert all(rc in (2, 3) and "Traceback" not in err for rc, err in others.values()), others
    final, kept = crns(live), crns(safety)
    assert [crn for crn in added if crn not in final and crn not in kept] == []
    assert len(added) + len(others) == 25
    print(f"25 person add racing restore: {len(added)} added "
          f"({sum(c in kept for c in added)} in the safety copy, "
          f"{sum(c in final for c in added)} in the restored database), "
          f"{len(others)} refused in words: {sorted(rc for rc, _e in others.values())}")
