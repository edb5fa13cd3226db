"""Treatment manager review: signing off a module completion, or 'not ready yet'."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from probation_desk.domain.dates import uk
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import ModuleState
from probation_desk.domain.roles import Role, require_role
from probation_desk.domain.text import NAME_MAX, NOTES_MAX, clean_text


class SignOffKind(Enum):
    """What a treatment manager recorded."""

    REVIEWED = "Signed off"
    NOT_READY = "Not ready yet"


def check_sign_off(role: Role, kind: SignOffKind, state: ModuleState, on: dt.date,
                   today: dt.date, by_name: str, comment: str | None) -> tuple[str, str | None]:
    """Validate a sign-off; returns the cleaned (name, comment)."""
    require_role(role, (Role.TREATMENT_MANAGER,),
                 "sign off a Pre-Intervention Module completion or mark someone not ready")
    if on > today:
        raise RuleViolation("future-date", f"The review date ({uk(on)}) is in the future.",
                            "on_date")
    name = clean_text(by_name, field="by_name", label="Your name", max_len=NAME_MAX,
                      multiline=False, required=True)
    assert name is not None
    text = clean_text(comment, field="comment",
                      label="The reason" if kind is SignOffKind.NOT_READY else "The comment",
                      max_len=NOTES_MAX, required=kind is SignOffKind.NOT_READY)
    if kind is SignOffKind.REVIEWED:
        if not state.status.is_complete or state.completed_on is None:
            raise RuleViolation(
                "nothing-to-sign-off",
                "This person has not completed the Pre-Intervention Module, so there is no "
                "completion to sign off. Mark them 'not ready yet' with a reason instead.",
                "kind")
        if on < state.completed_on:
            raise RuleViolation(
                "dates-out-of-order",
                f"The review date ({uk(on)}) is before the module was completed "
                f"({uk(state.completed_on)}).", "on_date")
    return name, text


def blocked(referral_started: bool, state: ModuleState) -> bool:
    """True when a referred person cannot start their Structured Intervention yet."""
    return not referral_started and not state.ready_for_si


BLOCKED_TEXT = "Blocked: module not completed"
