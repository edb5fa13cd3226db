"""Machine-wide defaults IT sets for everyone using a computer, read before the user's own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from probation_desk.cli import main
from probation_desk.errors import SettingsProblem
from probation_desk.settings import Settings, load_settings, machine_defaults, save_settings


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PROBATION_DESK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PROBATION_DESK_DB", raising=False)
    path = tmp_path / "etc" / "defaults.json"
    path.parent.mkdir()
    monkeypatch.setenv("PROBATION_DESK_DEFAULTS", str(path))
    return path


def test_no_file_means_the_built_in_defaults(machine: Path) -> None:
    assert load_settings() == Settings()


def test_defaults_apply_and_the_user_may_change_what_is_not_locked(machine: Path,
                                                                  tmp_path: Path) -> None:
    team = "postgresql+psycopg://desk.example.org/probation"
    machine.write_text(json.dumps({"database_url": team, "backup_keep": 30,
                                   "large_print_default": True, "region": "Wales",
                                   "locked": ["database_url"],
                                   "set_by": "the Wales IT service desk"}))
    s = load_settings()
    assert (s.database_url, s.backup_keep, s.large_print_default, s.region) == (
        team, 30, True, "Wales")
    mine = f"sqlite:///{tmp_path / 'mine.sqlite3'}"
    save_settings(Settings(database_url=mine, large_print_default=False, region="London"))
    s = load_settings()
    assert s.database_url == team  # locked: IT's, whatever the user's file says
    assert (s.large_print_default, s.region, s.backup_keep) == (False, "London", 14)


@pytest.mark.parametrize(("content", "words"), [
    ('{"database_url": "x", "colour": "blue"}', "does not know"),
    ('{"database_url": ', "not valid JSON"),
    ('{"backup_keep": "lots"}', "backup_keep"),
    ('{"backup_keep": 0}', "backup_keep"),
    ('{"locked": ["user_name"]}', "'user_name'"),
    ('{"role": "BOSS"}', "'BOSS'"),
    ('{"region": "Swansea"}', "'Swansea'"),
])
def test_a_file_that_cannot_be_used_is_refused_naming_it(machine: Path, content: str,
                                                         words: str) -> None:
    machine.write_text(content)
    with pytest.raises(SettingsProblem) as refused:
        machine_defaults()
    text = str(refused.value)
    assert str(machine) in text and words in text and "Ask IT" in text


def test_the_command_line_refuses_to_start_on_a_damaged_defaults_file(
        machine: Path, capsys: pytest.CaptureFixture[str]) -> None:
    machine.write_text('{"colour": "blue"}')
    assert main(["rar", "X000001"]) == 4
    err = capsys.readouterr().err
    assert str(machine) in err and "does not know" in err and "Traceback" not in err
