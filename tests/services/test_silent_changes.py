"""Issue 8: operations that saved something other than what was typed, now refused in words.

Each test failed on the code before the fix: the end date moved to the start date, the
switch accepted a date before the NSI began, 'Closed: toolkit withdrawn' was accepted on
an approved toolkit, and the carried note said 'Toolkit toolkit'.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from probation_desk.domain.errors import Refusals, RuleViolation
from probation_desk.domain.nsi import NsiFields, Outcome, Status

D = dt.date


def refused(call: Any, *args: Any, **kwargs: Any) -> RuleViolation:
    with pytest.raises(RuleViolation) as exc:
        call(*args, **kwargs)
    return exc.value


def test_closing_before_the_start_is_refused_and_nothing_is_saved(desk: Any,
                                                                  person: Any) -> None:
    n = desk.open_nsi(person.id, NsiFields("MAPS", Status.IN_PROGRESS, D(2026, 9, 1),
                                           actual_start=D(2026, 9, 10)))
    err = refused(desk.close_nsi, n.id, Outcome.NOT_COMPLETED, D(2026, 9, 5), n.version)
    assert (err.rule, err.field) == ("dates-out-of-order", "actual_end")
    assert "05/09/2026" in err.message and "10/09/2026" in err.message
    again = desk.nsi(n.id)
    assert again.is_open and again.fields.actual_end is None and again.version == n.version


def test_closing_shows_every_refusal_at_once(desk: Any, person: Any) -> None:
    n = desk.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 9, 1)))
    err = refused(desk.close_nsi, n.id, Outcome.TOOLKIT_WITHDRAWN, D(2026, 8, 1), n.version)
    assert isinstance(err, Refusals)
    assert {(r.rule, r.field) for r in err.refusals} == {
        ("dates-out-of-order", "actual_end"), ("outcome-not-allowed", "outcome")}


def test_withdrawn_outcome_only_for_a_withdrawn_toolkit(desk: Any, person: Any) -> None:
    n = desk.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 9, 1)))
    err = refused(desk.close_nsi, n.id, Outcome.TOOLKIT_WITHDRAWN, D(2026, 9, 10), n.version)
    assert (err.rule, err.field) == ("outcome-not-allowed", "outcome")
    assert "Closed: toolkit withdrawn" in err.message and "approved" in err.message
    assert desk.nsi(n.id).is_open
    old = desk.open_nsi(person.id, NsiFields("CHEMSEX", referral_date=D(2022, 5, 2)),
                        historical=True)
    closed = desk.close_nsi(old.id, Outcome.TOOLKIT_WITHDRAWN, D(2022, 7, 1), old.version)
    assert closed.outcome is Outcome.TOOLKIT_WITHDRAWN and closed.fields.actual_end == \
        D(2022, 7, 1)


def test_switch_before_the_old_nsi_began_is_refused_naming_both_dates(desk: Any,
                                                                      person: Any) -> None:
    old = desk.open_nsi(person.id, NsiFields("CHEMSEX", Status.IN_PROGRESS, D(2022, 5, 2),
                                             actual_start=D(2022, 5, 9)), historical=True)
    err = refused(desk.switch_toolkit, old.id, "SKREL", old.version, on=D(2022, 5, 5))
    assert err.rule == "dates-out-of-order" and err.field == "referral_date"
    assert "05/05/2022" in err.message and "09/05/2022" in err.message
    assert desk.nsi(old.id).is_open and len(desk.nsis(person.id)) == 1


def test_switch_note_names_a_toolkit_called_toolkit_once(desk: Any, person: Any) -> None:
    old = desk.open_nsi(person.id, NsiFields("SKREL", referral_date=D(2026, 9, 1),
                                             notes="Week 1"))
    closed, new = desk.switch_toolkit(old.id, "MAPS", old.version, on=D(2026, 9, 8))
    assert closed.fields.actual_end == D(2026, 9, 8)
    assert new.fields.notes == ("Switched from the Skills for Relationships Toolkit to the "
                                "Maps for Change toolkit on 08/09/2026. Notes carried over:\n"
                                "Week 1")
