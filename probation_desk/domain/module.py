"""The Pre-Intervention Module: sessions, first completion, revisits and readiness.

The module is available from 6 June 2022, is designed to be completed once, may be
revisited as often as useful, and is the prerequisite for starting a Structured
Intervention.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from probation_desk.domain.dates import uk, uk_long
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.text import NAME_MAX, NOTES_MAX, clean_text

MODULE_AVAILABLE_FROM = dt.date(2022, 6, 6)


class SupporterRole(Enum):
    """Who supported the person through a session (regions choose)."""

    PP = "Their probation practitioner"
    OTHER_PP = "Another probation practitioner"
    FACILITATOR = "Facilitator appointed by the Programme Manager"
    PEER_MENTOR = "Peer mentor appointed by the Programme Manager"


class ModuleStatus(Enum):
    """Where a person stands with the module."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    REVISITED = "Completed and revisited"

    @property
    def is_complete(self) -> bool:
        """True once the module has been completed at least once."""
        return self in (ModuleStatus.COMPLETED, ModuleStatus.REVISITED)


class SessionKind(Enum):
    """What a session was, worked out from its date and the completion."""

    WORK = "Working through"
    COMPLETION = "Completed"
    REVISIT = "Revisit"


@dataclass(frozen=True)
class ModuleSession:
    """One recorded session of the module."""

    session_date: dt.date
    supporter_role: SupporterRole
    supporter_name: str
    completed: bool = False
    notes: str | None = None
    id: int | None = None


def check_session(s: ModuleSession, today: dt.date) -> ModuleSession:
    """Validate a session before it is recorded."""
    if s.session_date < MODULE_AVAILABLE_FROM:
        raise RuleViolation(
            "module-not-available",
            f"The Pre-Intervention Module was only available from "
            f"{uk_long(MODULE_AVAILABLE_FROM)}, so a session cannot be dated "
            f"{uk(s.session_date)}.",
            "session_date",
        )
    if s.session_date > today:
        raise RuleViolation(
            "future-date",
            f"The session date ({uk(s.session_date)}) is in the future. Record sessions on or "
            "after the day they happen.",
            "session_date",
        )
    name = clean_text(s.supporter_name, field="supporter_name", label="The supporter's name",
                      max_len=NAME_MAX, multiline=False, required=True)
    notes = clean_text(s.notes, field="notes", label="The notes", max_len=NOTES_MAX)
    assert name is not None
    return ModuleSession(s.session_date, s.supporter_role, name, s.completed, notes, s.id)


@dataclass(frozen=True)
class ModuleState:
    """A summary of a person's module sessions."""

    status: ModuleStatus
    completed_on: dt.date | None
    completion_session: ModuleSession | None
    revisits: tuple[ModuleSession, ...]
    sessions: tuple[tuple[ModuleSession, SessionKind], ...]
    last_session: dt.date | None

    @property
    def ready_for_si(self) -> bool:
        """True when a Structured Intervention may start."""
        return self.status.is_complete

    def readiness_text(self) -> str:
        """Why the person is, or is not, ready for a Structured Intervention."""
        if self.ready_for_si:
            return (f"Ready for a Structured Intervention: module completed on "
                    f"{uk(self.completed_on)}.")
        if self.status is ModuleStatus.NOT_STARTED:
            return ("Not ready for a Structured Intervention: the Pre-Intervention Module "
                    "has not been started.")
        return ("Not ready for a Structured Intervention: the Pre-Intervention Module has "
                "been started but not completed.")


def module_state(sessions: Iterable[ModuleSession]) -> ModuleState:
    """Work out the first completion and the revisits from the sessions.

    The first session marked completed (by date, then by the order recorded) is the
    completion. Every session after it (a later date, or recorded later on the same
    date) is a revisit, whether or not it was marked completed again; sessions before
    it are work towards the completion.
    """
    ordered = sorted(sessions, key=lambda s: (s.session_date, s.id or 0))
    completion = next((s for s in ordered if s.completed), None)
    kinds: list[tuple[ModuleSession, SessionKind]] = []
    revisits: list[ModuleSession] = []
    seen_completion = False
    for s in ordered:
        if s is completion:
            kinds.append((s, SessionKind.COMPLETION))
            seen_completion = True
        elif seen_completion:
            kinds.append((s, SessionKind.REVISIT))
            revisits.append(s)
        else:
            kinds.append((s, SessionKind.WORK))
    if completion is None:
        status = ModuleStatus.IN_PROGRESS if ordered else ModuleStatus.NOT_STARTED
    else:
        status = ModuleStatus.REVISITED if revisits else ModuleStatus.COMPLETED
    return ModuleState(
        status=status,
        completed_on=completion.session_date if completion else None,
        completion_session=completion,
        revisits=tuple(revisits),
        sessions=tuple(kinds),
        last_session=ordered[-1].session_date if ordered else None,
    )
