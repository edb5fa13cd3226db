"""The Review section's dialogs: sign off a module completion, or mark a person not
ready yet.

Built on the shared form (:class:`ui.forms.OperationDialog`): saving runs in the
background, a refusal appears next to the field the rule names (the reason, the date,
the name) in the rule's own words, and everything typed stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from probation_desk.domain.dates import uk
from probation_desk.domain.review import SignOffKind
from probation_desk.services import review as svc
from probation_desk.services.desk import Desk
from probation_desk.ui.forms import OperationDialog
from probation_desk.ui.tasks import Progress, Tasks
from probation_desk.ui.widgets import NotesEdit, UkDateEdit


def about_text(row: svc.ReviewRow) -> str:
    """Who the dialog is about, and where their module stands."""
    done = (f"Module completed on {uk(row.completed_on)}"
            if row.completed_on else f"Module: {row.module_state.lower()}")
    lines = [f"{row.name} ({row.crn}), {row.pdu}. {done}."]
    if row.intervention:
        lines.append(f"Structured Intervention: {row.intervention}. {row.si_state}.")
    if row.sign_off:
        lines.append(f"Last review: {row.sign_off}.")
    return "\n".join(lines)


class SignOffDialog(OperationDialog):
    """Sign off a module completion, or mark the person not ready yet.

    Signals:
        saved(SignOffView): the review was recorded.
    """

    def __init__(self, desk: Desk, tasks: Tasks, row: svc.ReviewRow, kind: SignOffKind,
                 parent: QWidget | None = None) -> None:
        signing = kind is SignOffKind.REVIEWED
        super().__init__(tasks, "Sign off module completion" if signing
                         else "Mark not ready yet", about_text(row), parent,
                         save_text="&Sign off" if signing else "&Mark not ready")
        self.desk, self.row, self.kind = desk, row, kind
        self.intro.setAccessibleName("Who this is for")
        self.date_edit = UkDateEdit(desk.today, self)
        self.name_edit = QLineEdit(desk.actor, self)
        self.comment_edit = NotesEdit(self)
        self.comment_edit.setPlaceholderText(
            "Optional: anything the practitioner should know" if signing
            else "Required: what still needs to happen before the Structured Intervention")
        self.comment_edit.setMinimumHeight(90)
        self.add_row("Review &date", self.date_edit, "on_date")
        self.add_row("Your &name", self.name_edit, "by_name")
        self.add_row("Co&mment" if signing else "&Reason", self.comment_edit, "comment")
        self.initial_focus = self.comment_edit

    def values(self) -> tuple[Any, str, str]:
        """What is typed: (date, name, comment)."""
        return self.date_edit.value(), self.name_edit.text(), self.comment_edit.toPlainText()

    def operation(self) -> Callable[[Progress], svc.SignOffView]:
        on, name, comment = self.values()
        desk, pid, kind = self.desk, self.row.person_id, self.kind
        return lambda _p: svc.record_sign_off(desk, pid, kind, on, comment or None, name)
