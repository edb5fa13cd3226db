"""Every dialog under probation_desk/ui, found by walking the package, and a way to
open each one on the demo database (for the tests that check all of them at once).

:func:`discover` finds every ``QDialog`` subclass defined in ``probation_desk.ui``;
:data:`OPENERS` says how to open each with real data. A dialog found but neither in
:data:`OPENERS` nor in :data:`NOT_OPENED` (with the reason) fails the tests that use
:func:`check_all_known`, so a new dialog cannot be left out silently.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog

import probation_desk.ui

Opener = Callable[[Any, Path], QDialog]
"""Given the main window (record showing Siân Llŷr-Ŵyn) and a temporary folder."""


def discover() -> dict[str, type]:
    """Every QDialog subclass defined in probation_desk.ui, by qualified name."""
    for mod in pkgutil.walk_packages(probation_desk.ui.__path__, "probation_desk.ui."):
        importlib.import_module(mod.name)
    found: dict[str, type] = {}
    todo = list(QDialog.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("probation_desk.ui"):
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def _person(w: Any) -> Any:
    return w.record.data.person


def _sian_nsi(w: Any) -> Any:
    from probation_desk.domain.nsi import NsiFields

    desk = w.desk
    pid = _person(w).id
    open_ = [n for n in desk.nsis(pid) if n.is_open]
    if not open_:
        desk.open_nsi(pid, NsiFields("MAPS", referral_date=desk.today,
                                     notes="Working on what matters most."))
        open_ = [n for n in desk.nsis(pid) if n.is_open]
    return open_[0]


def _referral(w: Any) -> Any:
    from probation_desk.domain.interventions import NeedArea

    desk, pid = w.desk, _person(w).id
    refs = desk.si_referrals(pid)
    if not refs:
        desk.refer_si(pid, NeedArea.EMOTIONAL_MANAGEMENT, "Stepwise Emotions", desk.today)
        refs = desk.si_referrals(pid)
    return refs[0]


def _review_row(w: Any) -> Any:
    from probation_desk.services import review as svc

    pid = _person(w).id
    return svc.review_rows(w.desk, [pid])[pid]


def _pdf(w: Any, tmp: Path) -> QDialog:
    from probation_desk.services.workbooks import print_workbook
    from probation_desk.ui.pdf_preview import PdfPreviewDialog

    out = tmp / "preview.pdf"
    print_workbook(w.desk, crn=_person(w).crn, out=out)
    return PdfPreviewDialog(out, "Workbook preview", w, booklet=True)


def _openers() -> dict[str, Opener]:
    from probation_desk.domain.module import ModuleSession, SupporterRole
    from probation_desk.domain.review import SignOffKind
    from probation_desk.ui import case_dialogs as cd
    from probation_desk.ui import (
        dialogs,
        guide,
        module_panel,
        nsi_dialogs,
        si_panel,
        what_if_dialog,
        workbook_dialog,
    )
    from probation_desk.ui.review import dialogs as review_dialogs

    def session(w: Any) -> Any:
        desk, pid = w.desk, _person(w).id
        state = desk.module_state(pid)
        if not state.sessions:
            desk.record_session(pid, ModuleSession(desk.today, SupporterRole.PP,
                                                   "Nia Lloyd", False))
            state = desk.module_state(pid)
        return state.sessions[0][0]

    def contact(w: Any) -> Any:
        return w.desk.contacts(_person(w).id)[0]

    def orders(w: Any) -> Any:
        return w.desk.orders(_person(w).id)

    def switch(w: Any, _t: Path) -> QDialog:
        n = _sian_nsi(w)
        return nsi_dialogs.SwitchToolkitDialog(w.desk, w.tasks, n.id, n.person_id,
                                               n.fields.toolkit, n.toolkit_name, n.version,
                                               _person(w).name, w)

    m = "probation_desk.ui."
    return {
        m + "forms.OperationDialog": lambda w, _t: _plain_operation(w),
        m + "dialogs.WelcomeDialog": lambda w, _t: dialogs.WelcomeDialog(w.settings, w),
        m + "dialogs.SettingsDialog": lambda w, _t: dialogs.SettingsDialog(
            w.tasks, w.settings, w.db_url, w),
        m + "case_dialogs.PersonDialog": lambda w, _t: cd.PersonDialog(
            w.desk, w.tasks, None, w),
        m + "case_dialogs.OrderDialog": lambda w, _t: cd.OrderDialog(
            w.desk, w.tasks, _person(w), None, w),
        m + "case_dialogs.TerminateDialog": lambda w, _t: cd.TerminateDialog(
            w.desk, w.tasks, _person(w), orders(w)[0], w),
        m + "case_dialogs.ContactDialog": lambda w, _t: cd.ContactDialog(
            w.desk, w.tasks, _person(w), orders(w), w.desk.nsis(_person(w).id), w),
        m + "case_dialogs.OutcomeDialog": lambda w, _t: cd.OutcomeDialog(
            w.desk, w.tasks, contact(w), w),
        m + "case_dialogs.CorrectionDialog": lambda w, _t: cd.CorrectionDialog(
            w.desk, w.tasks, contact(w), w),
        m + "nsi_dialogs.OpenNsiDialog": lambda w, _t: nsi_dialogs.OpenNsiDialog(
            w.desk, w.tasks, _person(w), w, orders(w)),
        m + "nsi_dialogs.UpdateNsiDialog": lambda w, _t: nsi_dialogs.UpdateNsiDialog(
            w.desk, w.tasks, _sian_nsi(w), _person(w).name, w),
        m + "nsi_dialogs.CloseNsiDialog": lambda w, _t: nsi_dialogs.CloseNsiDialog(
            w.desk, w.tasks, _sian_nsi(w), _person(w).name, w),
        m + "nsi_dialogs.SwitchToolkitDialog": switch,
        m + "module_panel.SessionDialog": lambda w, _t: module_panel.SessionDialog(
            w.desk, w.tasks, _person(w), w),
        m + "module_panel.EditSessionDialog": lambda w, _t: module_panel.EditSessionDialog(
            w.desk, w.tasks, _person(w), session(w), "Working through", w),
        m + "module_panel.WithdrawSessionDialog": lambda w, _t:
            module_panel.WithdrawSessionDialog(w.desk, w.tasks, _person(w).id, session(w), w),
        m + "si_panel.ReferDialog": lambda w, _t: si_panel.ReferDialog(
            w.desk, w.tasks, _person(w), w),
        m + "si_panel.StartDialog": lambda w, _t: si_panel.StartDialog(
            w.desk, w.tasks, _person(w), _referral(w), w),
        m + "workbook_dialog.WorkbookDialog": lambda w, _t: workbook_dialog.WorkbookDialog(
            w.desk, w.tasks, _person(w), w),
        m + "workbook_dialog.BatchWorkbookDialog": lambda w, _t:
            workbook_dialog.BatchWorkbookDialog(
                w.desk, w.tasks, [(_person(w).id, _person(w).name, _person(w).crn)], w),
        m + "review.dialogs.SignOffDialog": lambda w, _t: review_dialogs.SignOffDialog(
            w.desk, w.tasks, _review_row(w), SignOffKind.NOT_READY, w),
        m + "pdf_preview.PdfPreviewDialog": _pdf,
        m + "guide.GuideDialog": lambda w, _t: guide.GuideDialog(w),
        m + "what_if_dialog.WhatIfDialog": lambda w, _t: what_if_dialog.WhatIfDialog(
            w.desk, w.tasks, "London", w),
    }


def _plain_operation(w: Any) -> QDialog:
    """The form base itself, with only its own Save and Cancel."""
    from probation_desk.ui.forms import OperationDialog

    return OperationDialog(w.tasks, "A form", "The base every form is built on.", w)


NOT_OPENED: dict[str, str] = {}
"""Dialogs deliberately not opened, with the reason (none today)."""


def openers() -> dict[str, Opener]:
    """How to open each known dialog."""
    return _openers()


def check_all_known() -> dict[str, Opener]:
    """The openers, after checking that every dialog found has one (or a reason)."""
    found = discover()
    known = openers()
    missing = sorted(set(found) - set(known) - set(NOT_OPENED))
    assert not missing, (
        f"dialogs found under probation_desk/ui with no way to open them in the tests: "
        f"{missing}; add them to tests/ui/every_dialog.py")
    stale = sorted(set(known) - set(found))
    assert not stale, f"openers for dialogs that no longer exist: {stale}"
    return known


def dismiss(qtbot: Any, window: Any, dlg: QDialog) -> None:
    """Close a dialog a walk opened without saving (a form discards what was typed), let
    the window settle, and free the dialog."""
    import shiboken6

    from tests.ui.conftest import wait_idle

    if hasattr(dlg, "close_unsaved"):
        dlg.close_unsaved()
    else:
        dlg.reject()
    wait_idle(qtbot, window)
    if shiboken6.isValid(dlg):
        dlg.deleteLater()
