"""Every dialog grows to show its whole message: no label is clipped, whether the dialog
has just opened or shows the longest refusal the rules write (by the first field, or at
the top), or a notice. Each dialog under probation_desk/ui is opened (see
``tests/ui/every_dialog.py``); a label is clipped when the height it needs at its width
(word-wrapped) or its width (one line) is more than it was given, or it runs past the
dialog's edge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from probation_desk.domain.nsi import withdrawn_message
from probation_desk.ui.forms import OperationDialog
from probation_desk.ui.nsi_dialogs import CHANGED_UNDERNEATH
from tests.ui.conftest import wait_idle
from tests.ui.every_dialog import check_all_known, dismiss
from tests.ui.test_main_window import choose_person

pytestmark = pytest.mark.gui


def clipped(dlg: QWidget) -> list[str]:
    """Labels in ``dlg`` that do not show all their text."""
    QApplication.processEvents()
    out: list[str] = []
    inside = dlg.rect()
    for label in dlg.findChildren(QLabel):
        if not label.isVisible() or not label.text() or label.window() is not dlg:
            continue
        size = label.size()
        if label.wordWrap():
            need_h = label.heightForWidth(size.width())
            short = need_h > size.height()
            need = f"{size.width()}x{need_h}"
        else:
            hint = label.sizeHint()
            short = hint.width() > size.width() or hint.height() > size.height()
            need = f"{hint.width()}x{hint.height()}"
        where = label.mapTo(dlg, label.rect().bottomRight())
        past = not inside.contains(where)
        if short or past:
            out.append(f"'{label.text()[:50]}…' has {size.width()}x{size.height()}, needs "
                       f"{need}" + (" (past the dialog's edge)" if past else ""))
    return out


def test_no_dialog_clips_its_labels_even_with_the_longest_refusal(
        qtbot: Any, window: Any, tmp_path: Path) -> None:
    choose_person(qtbot, window, "L900001")
    longest = max([withdrawn_message(window.desk.toolkit("CHEMSEX")), CHANGED_UNDERNEATH,
                   "This Structured Intervention cannot start because the person has not "
                   "completed the Pre-Intervention Module (it was completed later, on "
                   "20/11/2026). Record the module's completion first; a treatment manager "
                   "for Structured Interventions can advise."], key=len)
    problems: list[str] = []
    seen: list[str] = []
    for name, opener in sorted(check_all_known().items()):
        dlg = opener(window, tmp_path)
        dlg.open()
        qtbot.waitExposed(dlg)
        wait_idle(qtbot, window)
        title = dlg.windowTitle()
        seen.append(f"{title} ({name.rsplit('.', 1)[-1]}) {dlg.width()}x{dlg.height()}")
        problems += [f"{title}, as opened: {p}" for p in clipped(dlg)]
        if isinstance(dlg, OperationDialog):
            fields = list(dlg.errors._fields)
            cases = [("at the top", [(None, longest)])]
            if fields:
                cases.append((f"by '{fields[0]}'", [(fields[0], longest)]))
            for how, refusals in cases:
                dlg.errors.show_all(refusals)
                dlg.fit_to_contents()
                qtbot.wait(20)
                problems += [f"{title}, refusal {how}: {p}" for p in clipped(dlg)]
            dlg.errors.clear()
            dlg.show_notice(longest)
            qtbot.wait(20)
            problems += [f"{title}, notice: {p}" for p in clipped(dlg)]
        dismiss(qtbot, window, dlg)
    print("Dialogs opened:\n  " + "\n  ".join(seen))
    assert not problems, "\n".join(problems)
