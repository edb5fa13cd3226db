"""The Pre-Intervention Module on a case: sessions, first completion, revisits, readiness.

Recording a session goes through ``Desk.record_session``; the rules decide which
session is the completion and which are revisits (``ModuleState``), and whether the
person is ready for a Structured Intervention (``readiness_text``). Completion counts
as one RAR day; revisits add none: the Orders & RAR panel says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import uk
from probation_desk.domain.module import ModuleSession, ModuleState, SupporterRole
from probation_desk.ui.forms import OperationDialog
from probation_desk.ui.tasks import Change, Progress, Tasks
from probation_desk.ui.widgets import NotesEdit, UkDateEdit, plain_text

if TYPE_CHECKING:
    from probation_desk.services.desk import Desk
    from probation_desk.services.records import PersonView


class SessionDialog(OperationDialog):
    """Record one session of the Pre-Intervention Module."""

    def __init__(self, desk: Desk, tasks: Tasks, person: PersonView,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Record a module session",
                         f"A Pre-Intervention Module session for {person.name} "
                         f"({person.crn}). Its first completion counts as one RAR day; "
                         "revisits are recorded as work done and add no RAR days.",
                         parent, "&Record session")
        self.desk, self.person = desk, person
        self.date = self.add_row("Session &date", UkDateEdit(desk.today, self), "session_date")
        self.role = QComboBox(self)
        for r in SupporterRole:
            self.role.addItem(r.value, r.name)
        self.add_row("Supported &by", self.role, "supporter_role")
        self.supporter = QLineEdit(desk.actor, self)
        self.add_row("Supporter's &name", self.supporter, "supporter_name")
        self.completed = QCheckBox("The person &completed the module in this session", self)
        self.completed.setAccessibleName("Completed the module in this session")
        self.add_row("", self.completed, "completed")
        self.notes = NotesEdit(self)
        self.add_row("N&otes", self.notes, "notes")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)

    def session(self) -> ModuleSession:
        """The session as typed."""
        assert isinstance(self.date, UkDateEdit)
        return ModuleSession(self.date.value(), SupporterRole[self.role.currentData()],
                             self.supporter.text(), self.completed.isChecked(),
                             plain_text(self.notes))

    def operation(self) -> Callable[[Progress], Any]:
        desk, pid, session = self.desk, self.person.id, self.session()
        return lambda _p: desk.record_session(pid, session)

    def on_saved(self, result: Any) -> None:
        self.tasks.announce(Change.person(self.person.id, module=True))


class EditSessionDialog(SessionDialog):
    """Correct a recorded module session: date, supporter, notes, completed.

    The session as it was stays in the audit trail (who changed what, before and
    after); the module's state and RAR days are worked out again, and a change that
    lets a Structured Intervention start, or stops it, is said in words.
    """

    def __init__(self, desk: Desk, tasks: Tasks, person: PersonView,
                 session: ModuleSession, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(desk, tasks, person, parent)
        self.setWindowTitle("Edit a module session")
        self.original = session
        self.change_text: str | None = None
        self.setAccessibleName("Edit a module session")
        self.intro.setText(f"The session of {uk(session.session_date)} with "
                       f"{session.supporter_name} ({kind.lower()}). The module's state, "
                       "its completion and RAR days are worked out again from what you "
                       "save; the session as it was is kept in the audit trail.")
        self.save_button.setText("&Save changes")
        self.save_button.setAccessibleName("Save changes")
        self.fill(session)

    def fill(self, session: ModuleSession) -> None:
        """Show ``session`` in the form, as the one being corrected."""
        self.original = session
        assert isinstance(self.date, UkDateEdit)
        self.date.set_value(session.session_date)
        self.role.setCurrentIndex(max(self.role.findData(session.supporter_role.name), 0))
        self.supporter.setText(session.supporter_name)
        self.completed.setChecked(session.completed)
        self.notes.setPlainText(session.notes or "")

    def reload_latest(self) -> None:
        desk, pid, sid = self.desk, self.person.id, self.original.id

        def done(state: ModuleState) -> None:
            latest = next((s for s, _k in state.sessions if s.id == sid), None)
            self.errors.clear()
            if latest is None:
                self.show_notice("This session has been withdrawn by someone else, so it "
                                 "can no longer be edited.")
                self.save_button.setEnabled(False)
            else:
                self.fill(latest)
                self.show_notice("Reloaded: this shows the version saved by someone else. "
                                 "Make your change again, then save.")
            self.tasks.announce(Change.person(pid, module=True))

        self.tasks.op(self, lambda _p: desk.module_state(pid)).success(done) \
            .run_in_background()

    def operation(self) -> Callable[[Progress], Any]:
        desk, original, session = self.desk, self.original, self.session()
        assert original.id is not None
        sid = original.id
        return lambda _p: desk.edit_session(sid, session, original)

    def on_saved(self, result: Any) -> None:
        _state, change = result
        self.change_text = change
        self.tasks.announce(Change.person(self.person.id, module=True))
        if change:
            from probation_desk.ui.errors import show_message

            show_message(self.parentWidget(), "Structured Intervention readiness", change)


class WithdrawSessionDialog(OperationDialog):
    """Withdraw a module session recorded in error: kept and audited, counts for nothing."""

    def __init__(self, desk: Desk, tasks: Tasks, person_id: int, session: ModuleSession,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Withdraw a module session",
                         f"The session of {uk(session.session_date)} with "
                         f"{session.supporter_name} stays on record as withdrawn, and no "
                         "longer counts: the module's state and RAR days are worked out "
                         "again without it.", parent, "&Withdraw session")
        self.desk, self.person_id, self.session = desk, person_id, session
        self.reason = self.add_row("&Reason", QLineEdit(self), "reason")
        self.change_text: str | None = None

    def operation(self) -> Callable[[Progress], Any]:
        assert isinstance(self.reason, QLineEdit) and self.session.id is not None
        desk, sid, why = self.desk, self.session.id, self.reason.text()
        return lambda _p: desk.withdraw_session(sid, why)

    def on_saved(self, result: Any) -> None:
        _state, change = result
        self.change_text = change
        self.tasks.announce(Change.person(self.person_id, module=True))
        if change:
            from probation_desk.ui.errors import show_message

            show_message(self.parentWidget(), "Structured Intervention readiness", change)


class ModulePanel(QWidget):
    """Status, readiness, first completion, revisits and the sessions of one person.

    Signals:
        record_requested(): the "Record a session" button was pressed.
        edit_requested(ModuleSession, str): "Edit session…" (or Enter) on this one, with
            its kind in words.
        withdraw_requested(ModuleSession): "Withdraw session…" was pressed on this one.
    """

    record_requested = Signal()
    edit_requested = Signal(object, str)
    withdraw_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Pre-Intervention Module")
        self.status = QLabel(self)
        self.status.setAccessibleName("Module status")
        self.readiness = QLabel(self)
        self.readiness.setWordWrap(True)
        self.readiness.setAccessibleName("Ready for a Structured Intervention")
        self.completion = QLabel(self)
        self.completion.setWordWrap(True)
        self.completion.setAccessibleName("First completion")
        self.revisits = QLabel(self)
        self.revisits.setWordWrap(True)
        self.revisits.setAccessibleName("Revisits")
        for lab in (self.status, self.readiness, self.completion, self.revisits):
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                        | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            lab.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["Date", "Session", "Supported by", "Supporter",
                                              "Notes"])
        self.table.setAccessibleName("Module sessions")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.record_button = QPushButton("Record a session…", self)
        self.record_button.setAccessibleName("Record a module session")
        self.record_button.setToolTip("Record a module session (Ctrl+M)")
        self.record_button.clicked.connect(self.record_requested.emit)
        self.withdraw_button = QPushButton("Withdra&w session…", self)
        self.withdraw_button.setAccessibleName("Withdraw the chosen session")
        self.withdraw_button.setToolTip("A session recorded in error: kept on record as "
                                        "withdrawn, counting for nothing")
        self.withdraw_button.clicked.connect(self._withdraw)
        self.withdraw_button.setEnabled(False)
        self.edit_button = QPushButton("Edit session (&J)…", self)
        self.edit_button.setAccessibleName("Edit the chosen session")
        self.edit_button.setToolTip("Correct the chosen session's date, supporter, notes or "
                                    "completion (Enter on the list)")
        self.edit_button.clicked.connect(self._edit)
        self.edit_button.setEnabled(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self._edit())
        self.table.installEventFilter(self)
        self._sessions: list[ModuleSession] = []
        self._kinds: list[str] = []
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.status)
        lay.addWidget(self.readiness)
        lay.addWidget(self.completion)
        lay.addWidget(self.revisits)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)

    def selected_session(self) -> ModuleSession | None:
        """The session chosen in the table."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._sessions):
            return None
        return self._sessions[rows[0].row()]

    def _selection_changed(self) -> None:
        chosen = self.selected_session() is not None
        self.withdraw_button.setEnabled(chosen)
        self.edit_button.setEnabled(chosen)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.table and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and self.selected_session() is not None:
            self._edit()
            return True
        return super().eventFilter(obj, event)

    def _edit(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        s = self.selected_session()
        if s is not None and rows:
            self.edit_requested.emit(s, self._kinds[rows[0].row()])

    def _withdraw(self) -> None:
        s = self.selected_session()
        if s is not None:
            self.withdraw_requested.emit(s)

    def show_state(self, state: ModuleState | None) -> None:
        """Show a person's module state (None: nobody chosen)."""
        self.record_button.setEnabled(state is not None)
        self.withdraw_button.setEnabled(False)
        self.edit_button.setEnabled(False)
        if state is None:
            self._sessions, self._kinds = [], []
            for lab in (self.status, self.readiness, self.completion, self.revisits):
                lab.clear()
            self.table.setRowCount(0)
            return
        self.status.setText(f"Module: {state.status.value}")
        ready = "✔" if state.ready_for_si else "✖"
        self.readiness.setText(f"{ready} {state.readiness_text()}")
        done = state.completion_session
        if done is not None:
            self.completion.setText(
                f"First completed on {uk(done.session_date)}, supported by "
                f"{done.supporter_name} ({done.supporter_role.value.lower()}). This "
                "completion counts as one RAR day.")
        else:
            self.completion.setText("Not completed yet.")
        if state.revisits:
            dates = ", ".join(uk(s.session_date) for s in state.revisits)
            n = len(state.revisits)
            self.revisits.setText(f"Revisited {n} time{'s' if n != 1 else ''} ({dates}). "
                                  "Revisits are recorded as work done and add no RAR days.")
        else:
            self.revisits.setText("No revisits recorded.")
        self.table.setRowCount(len(state.sessions))
        self._sessions = [s for s, _k in reversed(state.sessions)]
        self._kinds = [k.value for _s, k in reversed(state.sessions)]
        for i, (s, kind) in enumerate(reversed(state.sessions)):
            for j, text in enumerate((uk(s.session_date), kind.value, s.supporter_role.value,
                                      s.supporter_name, s.notes or "")):
                self.table.setItem(i, j, QTableWidgetItem(text))
