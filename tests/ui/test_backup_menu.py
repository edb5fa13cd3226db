"""File > Back up now… and File > Restore from backup… in the window."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import wait_idle


def test_back_up_now_then_restore_it_from_the_list(qtbot: Any, window: Any,
                                                   other_desk: Any,
                                                   monkeypatch: Any) -> None:
    from probation_desk.domain.people import PersonDetails
    from probation_desk.services.lifecycle import backups_of
    from probation_desk.ui import dialogs, errors

    window.backup_action.trigger()
    qtbot.waitUntil(lambda: any("was backed up to" in t for t in errors.shown),
                    timeout=20000)
    manual = [b for b in backups_of(window.db_url) if b.reason == "manual"]
    assert len(manual) == 1
    later = other_desk.add_person(PersonDetails("Z765432", "Added After Backup", None,
                                                "London", "Camden", "PP"))
    offered: list[str] = []

    def choose(_parent: Any, items: list[tuple[str, Any]]) -> Any:
        offered.extend(text for text, _path in items)
        return next(path for _text, path in items if path == manual[0].path)

    monkeypatch.setattr(dialogs, "choose_backup", choose)
    with qtbot.waitSignal(window.desk_opened, timeout=30000):
        window.restore_action.trigger()
    wait_idle(qtbot, window)
    assert any("manual" in text and "UTC" in text for text in offered)
    assert any("The backup was restored" in t for t in errors.shown)
    from probation_desk.domain.errors import NotFoundError

    try:
        window.desk.person(later.id)
        raise AssertionError("the person added after the backup is still there")
    except NotFoundError:
        pass
    assert any(b.reason == "before-restore" for b in backups_of(window.db_url))


def test_window_background_check_repairs_drifted_counters(qtbot: Any, db_url: str) -> None:
    import sqlite3

    from tests.ui.conftest import open_window

    path = db_url.removeprefix("sqlite:///")
    con = sqlite3.connect(path)
    con.execute("UPDATE person SET open_nsis = open_nsis + 3 WHERE id IN (1, 2)")
    con.commit()
    con.close()
    w = open_window(qtbot, db_url)
    qtbot.waitUntil(lambda: w.counter_report is not None, timeout=60000)
    assert w.counter_report.repaired
    assert {d.person_id for d in w.counter_report.drift} == {1, 2}
    assert "Repaired 2 stored count" in w.statusBar().currentMessage()
    wait_idle(qtbot, w)
