"""Refusals the rules give, in words a practitioner understands."""

from __future__ import annotations

import datetime as dt


class RuleViolation(ValueError):
    """An action was refused by a named rule.

    ``rule`` is a short stable identifier (for tests, logs and the JSON output),
    ``message`` is the plain-English explanation shown to the user, and ``field``
    names the form field the refusal concerns, when there is one.
    """

    def __init__(self, rule: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ConflictError(RuleViolation):
    """Someone else saved the same record first; nothing was overwritten.

    ``by`` and ``at`` say who saved it and when (from the audit trail), when known.
    """

    def __init__(self, what: str = "This NSI", *, by: str | None = None,
                 at: dt.datetime | None = None) -> None:
        who = ""
        if by:
            if at is not None and at.tzinfo is None:
                at = at.replace(tzinfo=dt.UTC)  # stored as UTC
            when = f" at {at.astimezone(dt.UTC):%H:%M on %d %B %Y} (UTC)" if at else ""
            who = f" ({by}{when})"
        super().__init__(
            "changed-by-someone-else",
            f"{what} was changed by someone else{who} after you opened it. "
            "Nothing you typed has been saved over their change: reload it to see "
            "the latest version, then make your change again.",
        )
        self.by = by
        self.at = at


class NotFoundError(RuleViolation):
    """A record the action needs does not exist."""

    def __init__(self, what: str) -> None:
        super().__init__("not-found", f"{what} could not be found. It may have been removed.")


class PermissionRefused(RuleViolation):
    """The user's role does not allow this action."""


class Refusals(RuleViolation):
    """Several refusals found at once, so a form can show every one of them together.

    Behaves as the first refusal (``rule``, ``field``) for callers that show only one;
    ``message`` holds every message, one a line, and ``refusals`` each one.
    """

    def __init__(self, refusals: list[RuleViolation]) -> None:
        if not refusals:
            raise ValueError("Refusals needs at least one refusal")
        first = refusals[0]
        super().__init__(first.rule, "\n".join(r.message for r in refusals), first.field)
        self.refusals = tuple(refusals)


def refuse_all(refusals: list[RuleViolation]) -> None:
    """Raise nothing for no refusals, the refusal itself for one, :class:`Refusals` for more."""
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        raise Refusals(refusals)
