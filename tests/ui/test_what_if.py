"""What if, from the Worklist: a regional lead asks what a toolkit's withdrawal would touch,
sees the counts by region and practitioner and the list (matching the database), saves it
as CSV (never over an existing file without asking), and nothing in the database changes.
Other roles are told why not."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import func, select

from probation_desk.domain.dates import uk
from probation_desk.settings import Settings
from probation_desk.store.models import AuditEntry, Nsi
from probation_desk.ui.errors import shown
from probation_desk.ui.what_if_dialog import WhatIfDialog
from tests.ui.conftest import TODAY, answer_box, open_window, wait_idle
from tests.ui.test_main_window import modal

pytestmark = pytest.mark.gui

WORKLIST = 1


def _lead(qtbot: Any, url: str) -> Any:
    w = open_window(qtbot, url, settings=Settings(user_name="Rhys Evans", region="London",
                                                   role="REGIONAL_LEAD"))
    wait_idle(qtbot, w)
    w.show_section(WORKLIST)
    wait_idle(qtbot, w)
    return w


def _counts(desk: Any) -> tuple[int, int, Any]:
    with desk._read() as s:
        return (s.scalar(select(func.count()).select_from(Nsi)),
                s.scalar(select(func.count()).select_from(AuditEntry)),
                s.scalar(select(func.max(Nsi.version))))


def _ask(qtbot: Any, dlg: WhatIfDialog) -> None:
    with qtbot.waitSignal(dlg.answered, timeout=20000):
        qtbot.keyClick(dlg.ask_button, Qt.Key.Key_Space)


def test_a_regional_lead_sees_what_a_withdrawal_would_touch_and_saves_it(
        qtbot: Any, db_url: str, other_desk: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from probation_desk.domain.nsi import NsiFields

    # Siân's new MAPS NSI has no expected end: it would need closing or switching.
    sian = other_desk.person_by_crn("L900001")
    other_desk.open_nsi(sian.id, NsiFields("MAPS", referral_date=TODAY,
                                           notes="Working on what matters most."))
    w = _lead(qtbot, db_url)
    before = _counts(w.desk)
    qtbot.mouseClick(w.worklist.what_if_button, Qt.MouseButton.LeftButton)
    dlg = modal(qtbot, WhatIfDialog)
    assert dlg.toolkit.findData("CHEMSEX") == -1  # already withdrawn: the Worklist has it
    dlg.toolkit.setCurrentIndex(dlg.toolkit.findData("MAPS"))
    dlg.region.setCurrentIndex(0)  # all regions
    withdrawn, close_by = TODAY + dt.timedelta(days=14), TODAY + dt.timedelta(days=21)
    dlg.withdrawn_on.setText(uk(withdrawn))
    dlg.close_by.setText(uk(close_by))
    _ask(qtbot, dlg)
    result = dlg.result_value
    assert result is not None and result.rows and result.needing_action, dlg.summary.text()
    # The list matches the database's open MAPS NSIs, one row each.
    with w.desk._read() as s:
        open_maps = s.scalar(select(func.count()).select_from(Nsi).where(
            Nsi.active.is_(True), Nsi.toolkit == "MAPS"))
    assert dlg.list.topLevelItemCount() == open_maps == len(result.rows)
    text = dlg.summary.text()
    assert text.startswith(f"If the Maps for Change toolkit were withdrawn on {uk(withdrawn)}")
    assert uk(close_by) in text
    assert f"{open_maps:,} open NSIs" in text and "Nothing was changed" in text
    # Counts by region, each with its practitioners, adding up to those needing action.
    shown_total = 0
    for i in range(dlg.counts.topLevelItemCount()):
        head = dlg.counts.topLevelItem(i)
        n = int(head.text(1).replace(",", ""))
        assert n == sum(int(head.child(j).text(1)) for j in range(head.childCount()))
        shown_total += n
    assert shown_total == result.needing_action
    needing = [dlg.list.topLevelItem(i).text(8) for i in range(open_maps)]
    assert needing.count("Closing or switching") == result.needing_action
    london = next(dlg.counts.topLevelItem(i) for i in range(dlg.counts.topLevelItemCount())
                  if dlg.counts.topLevelItem(i).text(0) == "London")
    assert "Nia Lloyd" in [london.child(j).text(0) for j in range(london.childCount())]

    # Save as CSV: a new file, then the same name again (asked; kept; then replaced).
    out = tmp_path / "maps"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(out), "CSV files (*.csv)")))
    shown.clear()
    qtbot.mouseClick(dlg.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("is saved in" in t for t in shown), timeout=10000)
    saved = out.with_suffix(".csv")
    with saved.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "NSI" and len(rows) == open_maps + 1
    assert {r[1] for r in rows[1:]} == {r.crn for r in result.rows}
    for box in dlg.findChildren(QMessageBox):
        box.close()
    saved.write_text("keep me", encoding="utf-8")
    seen: list[str] = []
    answer_box("Keep it", seen)
    qtbot.mouseClick(dlg.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    wait_idle(qtbot, w)
    assert "already exists" in seen[0] and str(saved) in seen[0]
    assert saved.read_text(encoding="utf-8") == "keep me"
    answer_box("Replace it")
    shown.clear()
    qtbot.mouseClick(dlg.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("is saved in" in t for t in shown), timeout=10000)
    assert saved.read_text(encoding="utf-8-sig").startswith("NSI,CRN")

    # A refusal in words: close-by before the withdrawal.
    dlg.close_by.setText(uk(withdrawn - dt.timedelta(days=1)))
    _ask(qtbot, dlg)
    assert "is before the withdrawal" in dlg.summary.text()
    assert dlg.list.topLevelItemCount() == 0 and not dlg.csv_button.isEnabled()
    dlg.reject()
    # It changed nothing: no NSI, no audit line, no version counter.
    assert _counts(w.desk) == before


def test_other_roles_are_told_why_not(qtbot: Any, window: Any) -> None:
    window.show_section(WORKLIST)
    wait_idle(qtbot, window)
    shown.clear()
    qtbot.mouseClick(window.worklist.what_if_button, Qt.MouseButton.LeftButton)
    assert shown and "Only a regional lead or an administrator" in shown[-1]
    assert "probation practitioner" in shown[-1]
    for box in window.worklist.findChildren(QMessageBox):
        box.close()
    assert not any(isinstance(d, WhatIfDialog) for d in window.findChildren(WhatIfDialog))
