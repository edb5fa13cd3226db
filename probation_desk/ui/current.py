"""Whose case record is open: the one place that says so.

The Caseload list, the case record and everything that opens a case (Worklist, Review,
Add a person) go through :class:`CurrentPerson`: the record shows its person, and the
list's selection follows it (the row is selected and scrolled into view, or, when the
list's search and filters leave that person out, the list changes to show them). A list
that changes under the record (a new search, other filters, Settings' region) keeps the
person when they are still listed and otherwise lets go of them, so the list, its
selection and the record never show different people.

Signals:
    CurrentPerson.changed(object): the current person's id (an int), or None for nobody.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class CurrentPerson(QObject):
    """The id of the person whose record is open (None: nobody)."""

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._id: int | None = None

    @property
    def id(self) -> int | None:
        """The current person's id, or None."""
        return self._id

    def set(self, person_id: int | None) -> None:
        """Make this person current (says so only when it changes)."""
        if person_id == self._id:
            return
        self._id = person_id
        self.changed.emit(person_id)
