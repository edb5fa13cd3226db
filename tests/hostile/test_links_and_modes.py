"""Files the app writes in its own folders: never through a planted link, always 0600
(rotated logs and Qt's window state included), and a log that cannot be written is never
a traceback on the screen."""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
from pathlib import Path

import pytest

from probation_desk.cli import main
from probation_desk.settings import Settings, load_settings, save_settings

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links and modes")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("PROBATION_DESK_HOME", str(folder))
    monkeypatch.delenv("PROBATION_DESK_DB", raising=False)
    return folder


@pytest.fixture
def fresh_log() -> object:
    """Each test sets up the app's log afresh (and leaves none open behind it)."""
    logger = logging.getLogger("probation_desk")
    ours = [h for h in logger.handlers if getattr(h, "probation_desk_log", False)]
    for h in ours:
        logger.removeHandler(h)
    yield logger
    for h in [h for h in logger.handlers if getattr(h, "probation_desk_log", False)]:
        logger.removeHandler(h)
        h.close()
    for h in ours:
        logger.addHandler(h)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_log_file_linked_elsewhere_is_not_written_through(home: Path, tmp_path: Path,
                                                             fresh_log: object) -> None:
    (home / "data").mkdir(parents=True, mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    victim.chmod(0o644)
    (home / "data" / "probation-desk.log").symlink_to(victim)
    dangling = tmp_path / "not-there.txt"
    assert main(["contact", "types"]) == 0
    assert victim.read_text() == "precious\n" and _mode(victim) == 0o644
    (home / "data" / "probation-desk.log").unlink()
    (home / "data" / "probation-desk.log").symlink_to(dangling)
    for h in [h for h in logging.getLogger("probation_desk").handlers
              if getattr(h, "probation_desk_log", False)]:
        logging.getLogger("probation_desk").removeHandler(h)
        h.close()
    assert main(["contact", "types"]) == 0
    assert not dangling.exists()


def test_settings_are_never_saved_through_a_link(home: Path, tmp_path: Path) -> None:
    config = home / "config"
    config.mkdir(parents=True, mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (config / "settings.tmp").symlink_to(victim)
    (config / "settings.json").symlink_to(victim)
    save_settings(Settings(user_name="Sam Reid"))
    assert victim.read_text() == "precious\n"
    saved = config / "settings.json"
    assert not saved.is_symlink() and _mode(saved) == 0o600
    assert load_settings().user_name == "Sam Reid"


def test_rotated_logs_are_owner_only(home: Path, fresh_log: object) -> None:
    from probation_desk.logs import setup_logging

    setup_logging()
    log = logging.getLogger("probation_desk")
    for i in range(12_000):  # a little over 1 MB: at least one rotation
        log.info("line %d %s", i, "x" * 80)
    folder = home / "data"
    logs = sorted(folder.glob("probation-desk.log*"))
    assert len(logs) >= 2
    assert {p.name: _mode(p) for p in logs} == {p.name: 0o600 for p in logs}


def test_a_log_that_cannot_be_written_is_never_a_traceback(
        home: Path, fresh_log: object, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from probation_desk import logs

    logs.setup_logging()
    handler = next(h for h in logging.getLogger("probation_desk").handlers
                   if getattr(h, "probation_desk_log", False))
    monkeypatch.setattr(logs, "_said_once", False)

    class FullDisk:
        def write(self, _text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self) -> None:
            pass

    monkeypatch.setattr(handler, "stream", FullDisk())
    monkeypatch.setattr(handler, "shouldRollover", lambda _record: False)
    logging.getLogger("probation_desk").info("one")
    logging.getLogger("probation_desk").info("two")
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Logging error" not in err
    assert err.count("could not write its log file (No space left on device)") == 1


def test_the_window_state_file_is_owner_only(home: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from probation_desk.ui.window_state import window_settings

    (home / "config").mkdir(parents=True, mode=0o700)
    qs = window_settings()
    qs.setValue("folders/workbook", str(home / "private folder"))
    qs.sync()
    assert _mode(Path(qs.fileName())) == 0o600
