"""Odd input to the import and the window's rules: a JSON object with a key given twice,
names holding characters nobody can see or type, files that are not regular files, and
a field unknown to a line whose type cannot be read."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from probation_desk.cli import main
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.people import PersonDetails, check_person
from probation_desk.services.transfer.common import FORMAT_VERSION

ROOT = Path(__file__).resolve().parents[2]
HEADER = json.dumps({"type": "header", "format": "probation-desk", "version": FORMAT_VERSION})


def person_line(crn: str, name: str = "Ann Smith", region: str = "Wales") -> str:
    return json.dumps({"type": "person", "crn": crn, "name": name, "region": region,
                       "pdu": "Cardiff", "practitioner": "PP"}, ensure_ascii=False)


def _import(tmp_path: Path, lines: list[str], capsys: Any) -> tuple[int, dict[str, Any], str]:
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    capsys.readouterr()
    status = main(["import", "--db", url, "--json", str(path)])
    return status, json.loads(capsys.readouterr().out), url


def test_a_key_given_twice_is_refused_naming_the_line(tmp_path: Path, capsys: Any) -> None:
    twice = person_line("A000002")[:-1] + ', "region": "London"}'
    escaped = person_line("A000003")[:-1] + ', "\\u0072egion": "London"}'
    nested = json.dumps({"type": "person", "crn": "A000004", "name": "Ann Smith",
                         "region": "Wales", "pdu": "Cardiff", "practitioner": "PP",
                         "crn ": 1})  # not a duplicate: a different (unknown) key
    status, result, _url = _import(tmp_path, [person_line("A000001"), twice, escaped,
                                             person_line("A000005"), nested], capsys)
    assert status == 1
    refused = {r["line"]: r for r in result["refusals"]}
    for line in (3, 4):
        assert refused[line]["rule"] == "duplicate-key", refused
        assert "'region' is given twice" in refused[line]["reason"]
    assert refused[6]["rule"] == "unknown-field"
    assert result["accepted"] == 2
    con = sqlite3.connect(tmp_path / "desk.sqlite3")
    try:
        stored = dict(con.execute("SELECT crn, region FROM person").fetchall())
    finally:
        con.close()
    assert stored == {"A000001": "Wales", "A000005": "Wales"}


INVISIBLE = {
    "line separator": "\u2028", "paragraph separator": "\u2029",
    "zero-width space": "\u200b", "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d", "word joiner": "\u2060", "byte-order mark": "\ufeff",
    "noncharacter U+FFFF": "\uffff", "noncharacter U+FFFE": "\ufffe",
    "soft hyphen": "\u00ad", "Hangul filler": "\u3164", "Hangul choseong filler": "\u115f",
    "Hangul jungseong filler": "\u1160", "halfwidth Hangul filler": "\uffa0",
    "combining grapheme joiner": "\u034f", "Mongolian vowel separator": "\u180e",
    "invisible times": "\u2062", "tag character": "\U000e0041",
    "private use": "\ue000", "unassigned": "\u0378",
}


@pytest.mark.parametrize("char", list(INVISIBLE.values()), ids=list(INVISIBLE))
def test_names_refuse_characters_nobody_can_see_or_type(char: str) -> None:
    """The domain's rule, which the window's save (``Desk.add_person``) and the import
    both go through."""
    with pytest.raises(RuleViolation) as refused:
        check_person(PersonDetails("A000001", f"Ann{char}Smith", dt.date(1990, 1, 1),
                                   "Wales", "Cardiff", "PP"), dt.date(2026, 11, 22))
    assert refused.value.field == "name"
    assert f"U+{ord(char):04X}" in refused.value.message


def test_the_window_refuses_them_too(desk: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        desk.add_person(PersonDetails("A000001", "Ann\u200bSmith", dt.date(1990, 1, 1),
                                      "Wales", "Cardiff", "PP"))
    assert refused.value.rule == "invisible-character"


def test_the_import_refuses_them_alike_and_keeps_visible_names(tmp_path: Path,
                                                               capsys: Any) -> None:
    lines = [person_line(f"A{i:06d}", f"Ann{ch}Smith") for i, ch in
             enumerate(INVISIBLE.values(), start=1)]
    kept = ["Siân Ñúñez-O'Brien", "Zoë Ægir", "Ōtsuka 大塚", "Nguyễn Thị Hương",
            "Ann\u00a0Smith", "محمد", "Łukasz Żółw"]
    lines += [person_line(f"B{i:06d}", name) for i, name in enumerate(kept, start=1)]
    _status, result, _url = _import(tmp_path, lines, capsys)
    refused = {r["line"] for r in result["refusals"] if r["field"] == "name"}
    assert refused == set(range(2, 2 + len(INVISIBLE)))
    assert result["accepted"] == len(kept)


def _run_import(url: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "probation_desk.cli", "import", "--db", url,
                           str(path)], cwd=ROOT, env=os.environ.copy(), capture_output=True,
                          text=True, timeout=60)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX devices and FIFOs")
def test_only_regular_files_are_imported_and_others_refused_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    for path, words in ((Path("/dev/zero"), "not a regular file"),
                        (fifo, "not a regular file"), (folder, "folder")):
        try:
            run = _run_import(url, path)
        except subprocess.TimeoutExpired:
            pytest.fail(f"import {path} did not end within 60 s")
        assert run.returncode == 4, (path, run.returncode, run.stdout, run.stderr)
        assert str(path) in run.stderr and words in run.stderr, run.stderr
        assert "Traceback" not in run.stderr


def test_an_unknown_field_names_the_record_type_or_says_there_is_none(
        tmp_path: Path, capsys: Any) -> None:
    lines = ['{"type":"person","x":1,"name":"a",}', '{"x":1,"crn":"A000001"}',
             '{"type":"nsi","history":[{"x":1}],"crn":"A000001"']
    _status, result, _url = _import(tmp_path, lines, capsys)
    reasons = [r["reason"] for r in result["refusals"]]
    assert len(reasons) == 3 and not any("None" in r for r in reasons), reasons
    assert "a person record" in reasons[0]
    assert "no type" in reasons[1] or "is missing" in reasons[1], reasons[1]
    assert "an nsi record" in reasons[2], reasons[2]
