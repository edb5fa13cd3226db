"""The case record's actions: the dialogs each button, menu item and shortcut opens (orders,
appointments and outcomes, NSIs, module sessions, workbooks), for the record on screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QTableWidget,
    QWidget,
)

from probation_desk.domain.dates import uk
from probation_desk.domain.module import ModuleSession, ModuleState
from probation_desk.ui.module_panel import SessionDialog
from probation_desk.ui.nsi_dialogs import (
    CloseNsiDialog,
    OpenNsiDialog,
    SwitchToolkitDialog,
    UpdateNsiDialog,
)

if TYPE_CHECKING:
    from probation_desk.domain.contacts import Enforcement
    from probation_desk.services.contacts import ContactView, TimelineEntry
    from probation_desk.services.desk import Desk
    from probation_desk.services.records import NsiView, OrderView, PersonView, RarView


@dataclass(frozen=True)
class CaseData:
    """Everything the case record shows for one person."""

    person: PersonView
    orders: list[OrderView]
    rar: list[RarView]
    nsis: list[NsiView]
    module: ModuleState
    contacts: list[ContactView]
    enforcement: Enforcement
    timeline: list[TimelineEntry]


def load_case(desk: Desk, person_id: int) -> CaseData:
    """Read one person's record (runs on a pool thread)."""
    return CaseData(desk.person(person_id), desk.orders(person_id), desk.rar(person_id),
                    desk.nsis(person_id), desk.module_state(person_id),
                    desk.contacts(person_id), desk.enforcement(person_id),
                    desk.timeline(person_id))


def rar_lines(data: CaseData) -> list[str]:
    """The Orders & RAR panel in words."""
    lines: list[str] = []
    rar_by_order = {v.order.id: v for v in data.rar}
    counted_module = False
    for o in data.orders:
        head = f"{o.kind.value}, {uk(o.start)} to {uk(o.end)}"
        view = rar_by_order.get(o.id)
        if view is None:
            lines.append(f"{head}: no RAR requirement.")
            continue
        s = view.summary
        text = f"{head}: {s.booked_text}."
        if o.rar_terminated_on is not None:
            text += (f" The RAR requirement was terminated on {uk(o.rar_terminated_on)} "
                     f"({o.rar_termination_reason}).")
        if s.over_maximum:
            text += (f" That is {s.days_completed - s.max_days} more than the court's "
                     f"maximum of {s.max_days}: check the contacts flagged as RAR activity.")
        if s.module_date is not None:
            counted_module = True
            if s.module_days:
                text += (f" The Pre-Intervention Module's completion on {uk(s.module_date)} "
                         "is one of these days.")
            else:
                text += (f" The module was completed on {uk(s.module_date)}, a day that "
                         "already counted for other RAR activity, so it added no extra day.")
        # Part of the count above, not days on top of it ("Other RAR activity: 2 days"
        # beside "2 of 20" read as two more).
        text += (f" Of the days completed, {s.activity_days} "
                 f"{'are' if s.activity_days != 1 else 'is'} from RAR appointments and "
                 "activity.")
        if s.awaiting_outcome:
            text += (f" {s.awaiting_outcome} past RAR appointment"
                     f"{'s are' if s.awaiting_outcome != 1 else ' is'} waiting for an "
                     "outcome.")
        if s.counted:
            text += "\nCounted dates:\n" + "\n".join(
                f"  {uk(d.on)}: {'; '.join(d.reasons)}" for d in s.counted)
        lines.append(text)
    m = data.module
    if not data.orders:
        lines.append("No orders are recorded for this person.")
    if m.completed_on is None and data.rar:
        lines.append("The Pre-Intervention Module has not been completed yet. Its first "
                     "completion will count as one RAR day; revisits add none.")
    if m.completed_on is not None and not counted_module and data.rar:
        lines.append(f"The module was completed on {uk(m.completed_on)}, outside the dates "
                     "of any order with a RAR requirement, so it counts towards none.")
    if m.revisits:
        n = len(m.revisits)
        lines.append(f"The module has been revisited {n} time{'s' if n != 1 else ''}: "
                     "revisits add no RAR days.")
    return lines


CONTACT_COLUMNS = ("Date", "Time", "Type", "RAR", "Outcome", "Notes")
NSI_ROWS = 4
"""The NSI table always shows at least this many rows (the record scrolls instead)."""
NSI_COLUMNS = ("Toolkit", "Status", "Referred", "Started", "Ended", "Outcome",
               "Practitioner", "Attention")


def rows_high(table: QTableWidget, rows: int) -> int:
    """The height a table needs to show its heading and ``rows`` rows."""
    fm = table.fontMetrics()
    row = max(table.verticalHeader().defaultSectionSize(), fm.height() + 8)
    return fm.height() + 10 + rows * row + 2 * table.frameWidth() + 4


if TYPE_CHECKING:
    _Base = QWidget
else:
    _Base = object


class RecordActions(_Base):
    """What the case record's buttons and the Case menu do (a mixin of CaseRecord; for the
    type checker a QWidget with the record's attributes)."""

    if TYPE_CHECKING:
        dialog: QWidget | None

        def __getattr__(self, name: str) -> Any: ...

    def _current_order(self, rar_only: bool = False) -> OrderView | None:
        if self.data is None:
            return None
        orders = [o for o in self.data.orders if not rar_only
                  or (o.rar_max_days is not None and o.rar_terminated_on is None)]
        return orders[-1] if orders else None

    def add_order(self) -> None:
        """Add an order (with a RAR requirement) for this person."""
        from probation_desk.ui.case_dialogs import OrderDialog

        if self.desk is None or self.data is None:
            return
        self.tabs.setCurrentIndex(1)
        self._open(OrderDialog(self.desk, self.tasks, self.data.person, None, self))

    def edit_order(self) -> None:
        """Change the person's latest order."""
        from probation_desk.ui.case_dialogs import OrderDialog

        o = self._current_order()
        if self.desk is None or self.data is None or o is None:
            return
        self._open(OrderDialog(self.desk, self.tasks, self.data.person, o, self))

    def terminate_requirement(self) -> None:
        """End the running RAR requirement early."""
        from probation_desk.ui.case_dialogs import TerminateDialog

        o = self._current_order(rar_only=True)
        if self.desk is None or self.data is None or o is None:
            return
        self._open(TerminateDialog(self.desk, self.tasks, self.data.person, o, self))

    def book_contact(self) -> None:
        """Book an appointment (or record a contact) for this person."""
        from probation_desk.ui.case_dialogs import ContactDialog

        if self.desk is None or self.data is None:
            return
        self.tabs.setCurrentIndex(1)
        self._open(ContactDialog(self.desk, self.tasks, self.data.person, self.data.orders,
                                 self.data.nsis, self))

    def record_outcome(self) -> None:
        """Record what happened at the chosen appointment."""
        from probation_desk.ui.case_dialogs import OutcomeDialog
        from probation_desk.ui.errors import show_message

        if self.desk is None:
            return
        c = self.selected_contact()
        if c is None or c.cancelled_on is not None:
            # Say what to choose, and go there: the appointments list on Orders & RAR.
            self.tabs.setCurrentIndex(1)
            self.contact_table.setFocus()
            if self.data is None:
                text = QCoreApplication.translate(
                    "CaseRecord", "Open a person's record first: choose them in the "
                    "caseload and press Return, then choose the appointment.")
            elif c is None:
                text = QCoreApplication.translate(
                    "CaseRecord", "Choose the appointment first: pick it in the list "
                    "of appointments and contacts on the Orders && RAR tab (now "
                    "shown), then press Ctrl+Shift+O again.").replace("&&", "&")
            else:
                text = QCoreApplication.translate(
                    "CaseRecord", "That appointment was cancelled, so it has no "
                    "outcome to record. Choose another appointment.")
            self.outcome_hint = show_message(
                self, QCoreApplication.translate("CaseRecord", "Record outcome"), text)
            return
        self._open(OutcomeDialog(self.desk, self.tasks, c, self))

    def add_correction(self) -> None:
        """A note of correction beside the chosen contact."""
        from probation_desk.ui.case_dialogs import CorrectionDialog

        c = self.selected_contact()
        if self.desk is None or c is None:
            return
        self._open(CorrectionDialog(self.desk, self.tasks, c, self))

    def edit_person(self) -> None:
        """Edit this person's details."""
        from probation_desk.ui.case_dialogs import PersonDialog

        if self.desk is None or self.data is None:
            return
        self._open(PersonDialog(self.desk, self.tasks, self.data.person, self))

    def _open(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # type: ignore[attr-defined]

    def new_nsi(self) -> None:
        """Ctrl+N: open a toolkit NSI for this person."""
        if self.desk is None or self.data is None:
            return
        self.tabs.setCurrentIndex(2)
        self._open(OpenNsiDialog(self.desk, self.tasks, self.data.person, self,
                                 self.data.orders))

    def update_nsi(self) -> None:
        """Change the chosen open NSI."""
        n = self.selected_nsi()
        if self.desk is None or self.data is None or n is None or not n.is_open:
            return
        if self.only_close(n):  # a withdrawn toolkit's NSI: closing is what is allowed
            self.close_nsi()
            return
        self._open(UpdateNsiDialog(self.desk, self.tasks, n, self.data.person.name, self))

    def close_nsi(self) -> None:
        """Close the chosen open NSI with an outcome."""
        n = self.selected_nsi()
        if self.desk is None or self.data is None or n is None or not n.is_open:
            return
        self._open(CloseNsiDialog(self.desk, self.tasks, n, self.data.person.name, self))

    def switch_nsi(self) -> None:
        """Switch the chosen open NSI to an approved toolkit."""
        n = self.selected_nsi()
        if self.desk is None or self.data is None or n is None or not n.is_open:
            return
        self._open(SwitchToolkitDialog(self.desk, self.tasks, n.id, n.person_id,
                                       n.fields.toolkit, n.toolkit_name, n.version,
                                       self.data.person.name, self))

    def record_session(self) -> None:
        """Record a Pre-Intervention Module session."""
        if self.desk is None or self.data is None:
            return
        self.tabs.setCurrentWidget(self.module)
        self._open(SessionDialog(self.desk, self.tasks, self.data.person, self))

    def edit_session(self, session: ModuleSession, kind: str) -> None:
        """Correct a recorded module session."""
        from probation_desk.ui.module_panel import EditSessionDialog

        if self.desk is None or self.data is None:
            return
        self._open(EditSessionDialog(self.desk, self.tasks, self.data.person, session, kind,
                                     self))

    def withdraw_session(self, session: ModuleSession) -> None:
        """Withdraw a module session recorded in error."""
        from probation_desk.ui.module_panel import WithdrawSessionDialog

        if self.desk is None or self.data is None:
            return
        self._open(WithdrawSessionDialog(self.desk, self.tasks, self.data.person.id, session,
                                         self))

    def print_workbook(self) -> None:
        """Ctrl+P: print this person's workbook."""
        if self.desk is None or self.data is None:
            return
        from probation_desk.ui.workbook_dialog import WorkbookDialog

        self._open(WorkbookDialog(self.desk, self.tasks, self.data.person, self))
