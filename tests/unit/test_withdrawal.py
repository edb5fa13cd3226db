"""Rule 1: a toolkit can be withdrawn (Chemsex, 2022), driven by the real catalogue.

Clocks are set around the dates in ``resources/toolkits.json``: Chemsex withdrawn from
1 June 2022 (an assumption recorded in the file), in-flight NSIs to close by 29 July
2022; 6 June 2022 is a day inside the closing window. A made-up catalogue shows that a
withdrawal is data, not code.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import pytest

from probation_desk.domain.catalogue import (
    Catalogue,
    Lifecycle,
    Toolkit,
    load_catalogue,
    resources_dir,
)
from probation_desk.domain.errors import Refusals, RuleViolation
from probation_desk.domain.nsi import (
    MANUAL_OUTCOMES,
    NsiFields,
    Outcome,
    Status,
    check_close,
    check_open,
    check_switch_target,
    check_update,
    closed_fields,
    is_overdue,
    sweep_close_date,
    sweep_due,
    switch_notes,
    withdrawn_message,
)

CATALOGUE = load_catalogue()
CHEMSEX = CATALOGUE.get("CHEMSEX")
NEW_ME_MOT = CATALOGUE.get("NMMOT")

WITHDRAWN = dt.date(2022, 6, 1)
CLOSE_BY = dt.date(2022, 7, 29)
DAY_BEFORE = dt.date(2022, 5, 31)
MODULE_DAY = dt.date(2022, 6, 6)
DAY_AFTER_CLOSE_BY = dt.date(2022, 7, 30)
NOW = dt.date(2026, 11, 22)

IN_FLIGHT = NsiFields("CHEMSEX", Status.REFERRED, dt.date(2022, 5, 20), notes="Session 1 done")
STARTED = replace(IN_FLIGHT, status=Status.IN_PROGRESS, actual_start=dt.date(2022, 5, 27))

ASPPT_NAMES = [
    "New Me MOT", "Constructive Conversations", "Stepping Stones",
    "Skills for Relationships Toolkit", "Choices and Changes", "Maps for Change",
    "Pathways to Change", "Moving On", "Creating Positive Connections", "Responsibly Aware",
    "First Steps to Change", "Chemsex",
]


def refusal(call: Any, *args: Any, **kwargs: Any) -> RuleViolation:
    with pytest.raises(RuleViolation) as exc:
        call(*args, **kwargs)
    return exc.value


# ----------------------------------------------------------------------------- the catalogue

def test_catalogue_lists_the_april_2022_asppt() -> None:
    assert CATALOGUE.nsi_type == "Toolkit"
    assert [k.name for k in CATALOGUE.toolkits] == ASPPT_NAMES
    assert len({k.code for k in CATALOGUE.toolkits}) == 12


def test_chemsex_carries_the_guidance_dates_and_the_assumption() -> None:
    assert CHEMSEX.name == "Chemsex"
    assert CHEMSEX.withdrawn_from == WITHDRAWN
    assert CHEMSEX.close_by == CLOSE_BY
    assert CHEMSEX.resource_pack
    assert "assumption" in CHEMSEX.assumptions and "June 2022" in CHEMSEX.assumptions
    assert CATALOGUE.with_withdrawal() == [CHEMSEX]


def test_catalogue_file_holds_the_dates_as_data() -> None:
    raw = json.loads((resources_dir() / "toolkits.json").read_text(encoding="utf-8"))
    row = next(r for r in raw["toolkits"] if r["code"] == "CHEMSEX")
    assert (row["withdrawn_from"], row["close_by"]) == ("2022-06-01", "2022-07-29")
    assert load_catalogue(str(resources_dir() / "toolkits.json")) == CATALOGUE


@pytest.mark.parametrize(
    ("today", "lifecycle"),
    [
        (dt.date(2018, 12, 31), Lifecycle.NOT_YET_AVAILABLE),
        (DAY_BEFORE, Lifecycle.APPROVED),
        (WITHDRAWN, Lifecycle.WITHDRAWN_CLOSING),
        (MODULE_DAY, Lifecycle.WITHDRAWN_CLOSING),
        (CLOSE_BY, Lifecycle.WITHDRAWN_CLOSING),
        (DAY_AFTER_CLOSE_BY, Lifecycle.WITHDRAWN_CLOSED),
        (NOW, Lifecycle.WITHDRAWN_CLOSED),
    ],
)
def test_chemsex_lifecycle_around_the_key_dates(today: dt.date, lifecycle: Lifecycle) -> None:
    assert CHEMSEX.lifecycle(today) is lifecycle
    assert CHEMSEX.is_selectable(today) == (lifecycle is Lifecycle.APPROVED)
    assert CHEMSEX.is_withdrawn(today) == (today >= WITHDRAWN)
    assert CHEMSEX.past_close_by(today) == (lifecycle is Lifecycle.WITHDRAWN_CLOSED)


@pytest.mark.parametrize("today", [DAY_BEFORE, WITHDRAWN, CLOSE_BY, NOW])
def test_the_other_toolkits_stay_approved(today: dt.date) -> None:
    for kit in CATALOGUE.toolkits:
        if kit is not CHEMSEX:
            assert kit.lifecycle(today) is Lifecycle.APPROVED


def test_chemsex_is_selectable_until_the_day_before_withdrawal() -> None:
    before = CATALOGUE.selectable(DAY_BEFORE)
    assert CHEMSEX in before and len(before) == 12
    assert CATALOGUE.withdrawn(DAY_BEFORE) == []


@pytest.mark.parametrize("today", [WITHDRAWN, MODULE_DAY, CLOSE_BY, DAY_AFTER_CLOSE_BY, NOW])
def test_selectable_never_includes_chemsex_from_1_june_2022(today: dt.date) -> None:
    offered = CATALOGUE.selectable(today)
    assert CHEMSEX not in offered
    assert "Chemsex" not in [k.name for k in offered]
    assert len(offered) == 11
    assert CATALOGUE.withdrawn(today) == [CHEMSEX]


def test_past_close_by_lists_chemsex_only_after_29_july_2022() -> None:
    assert CATALOGUE.past_close_by(CLOSE_BY) == []
    assert CATALOGUE.past_close_by(DAY_AFTER_CLOSE_BY) == [CHEMSEX]


def test_lookup_by_code_and_name() -> None:
    assert CATALOGUE.by_name("chemsex") is CHEMSEX
    assert CATALOGUE.by_name("  CHEMSEX ") is CHEMSEX
    assert CATALOGUE.by_name("new me mot") is NEW_ME_MOT
    err = refusal(CATALOGUE.get, "NOPE")
    assert (err.rule, err.field) == ("unknown-toolkit", "toolkit")
    assert "'NOPE'" in err.message
    assert refusal(CATALOGUE.by_name, "Nope").rule == "unknown-toolkit"


# ----------------------------------------------------------------------------- opening

@pytest.mark.parametrize("referral", [dt.date(2022, 5, 1), DAY_BEFORE])
def test_opening_chemsex_before_withdrawal_works(referral: dt.date) -> None:
    fields = NsiFields("CHEMSEX", referral_date=referral)
    checked = check_open(CHEMSEX, fields, DAY_BEFORE, open_of_same_toolkit=0)
    assert checked.is_open and checked.referral_date == referral


@pytest.mark.parametrize("today", [WITHDRAWN, MODULE_DAY, CLOSE_BY, DAY_AFTER_CLOSE_BY, NOW])
@pytest.mark.parametrize("referral", [dt.date(2022, 1, 4), DAY_BEFORE, WITHDRAWN, "today"])
def test_opening_chemsex_from_withdrawal_is_refused_whatever_the_referral_date(
        today: dt.date, referral: dt.date | str) -> None:
    day = today if referral == "today" else referral
    assert isinstance(day, dt.date)
    err = refusal(check_open, CHEMSEX, NsiFields("CHEMSEX", referral_date=day), today,
                  open_of_same_toolkit=0)
    assert (err.rule, err.field) == ("toolkit-withdrawn", "toolkit")
    assert "Chemsex" in err.message
    assert "1 Jun 2022" in err.message
    assert "switch" in err.message
    assert "resource pack" in err.message


def test_recording_finished_chemsex_work_as_new_is_refused_too() -> None:
    done = NsiFields("CHEMSEX", Status.COMPLETED, dt.date(2022, 4, 1),
                     actual_start=dt.date(2022, 4, 8), actual_end=dt.date(2022, 5, 27),
                     outcome=Outcome.COMPLETED)
    assert refusal(check_open, CHEMSEX, done, MODULE_DAY,
                   open_of_same_toolkit=0).rule == "toolkit-withdrawn"


@pytest.mark.parametrize("today", [WITHDRAWN, MODULE_DAY, CLOSE_BY, NOW])
def test_history_referred_before_withdrawal_is_accepted(today: dt.date) -> None:
    open_one = NsiFields("CHEMSEX", referral_date=DAY_BEFORE)
    assert check_open(CHEMSEX, open_one, today, open_of_same_toolkit=0, historical=True).is_open
    closed = NsiFields("CHEMSEX", Status.ENDED, dt.date(2022, 5, 2),
                       actual_start=dt.date(2022, 5, 9), actual_end=CLOSE_BY,
                       outcome=Outcome.TOOLKIT_WITHDRAWN)
    if today >= CLOSE_BY:
        assert not check_open(CHEMSEX, closed, today, open_of_same_toolkit=0,
                              historical=True).is_open


@pytest.mark.parametrize("referral", [WITHDRAWN, MODULE_DAY])
def test_history_referred_on_or_after_withdrawal_is_refused(referral: dt.date) -> None:
    err = refusal(check_open, CHEMSEX, NsiFields("CHEMSEX", referral_date=referral), NOW,
                  open_of_same_toolkit=0, historical=True)
    assert err.rule == "toolkit-withdrawn" and "1 Jun 2022" in err.message


def test_imported_open_chemsex_nsi_is_overdue_and_swept_today() -> None:
    imported = check_open(CHEMSEX, NsiFields("CHEMSEX", referral_date=dt.date(2022, 5, 2)),
                          NOW, open_of_same_toolkit=0, historical=True)
    assert is_overdue(CHEMSEX, imported.is_open, NOW)
    assert sweep_due(CHEMSEX, imported, NOW)


@pytest.mark.parametrize("today", [MODULE_DAY, NOW])
def test_other_toolkits_open_normally_after_the_withdrawal(today: dt.date) -> None:
    fields = NsiFields("NMMOT", referral_date=today)
    assert check_open(NEW_ME_MOT, fields, today, open_of_same_toolkit=0) == fields


def test_history_before_a_toolkit_existed_is_refused() -> None:
    err = refusal(check_open, NEW_ME_MOT, NsiFields("NMMOT", referral_date=dt.date(2018, 6, 1)),
                  NOW, open_of_same_toolkit=0, historical=True)
    assert (err.rule, err.field) == ("toolkit-not-available", "referral_date")
    assert "1 Jan 2019" in err.message


def test_field_rules_are_applied_when_opening() -> None:
    err = refusal(check_open, NEW_ME_MOT, NsiFields("NMMOT", referral_date=dt.date(2026, 12, 1)),
                  NOW, open_of_same_toolkit=0)
    assert (err.rule, err.field) == ("future-date", "referral_date")


# ----------------------------------------------------------------------------- duplicates

@pytest.mark.parametrize(("kit", "today"), [(NEW_ME_MOT, NOW), (CHEMSEX, DAY_BEFORE)])
def test_second_open_nsi_of_the_same_toolkit_is_refused(kit: Toolkit, today: dt.date) -> None:
    fields = NsiFields(kit.code, referral_date=today)
    err = refusal(check_open, kit, fields, today, open_of_same_toolkit=1)
    assert (err.rule, err.field) == ("duplicate-open-nsi", "toolkit")
    assert f"already has an open {kit.name} NSI" in err.message
    assert check_open(kit, fields, today, open_of_same_toolkit=0).is_open


def test_a_closed_nsi_of_the_same_toolkit_may_be_added() -> None:
    closed = NsiFields("NMMOT", Status.COMPLETED, dt.date(2026, 1, 5),
                       actual_start=dt.date(2026, 1, 12), actual_end=dt.date(2026, 3, 2),
                       outcome=Outcome.COMPLETED)
    assert not check_open(NEW_ME_MOT, closed, NOW, open_of_same_toolkit=1).is_open
    assert not check_open(NEW_ME_MOT, closed, NOW, open_of_same_toolkit=3,
                          historical=True).is_open


def test_a_catalogue_promising_two_open_nsis_of_a_toolkit_is_refused() -> None:
    # The database allows one open NSI per person and toolkit (a partial unique index):
    # a toolkit marked allow_duplicates would pass the check and then be refused by the
    # database with a false "opened a moment ago, perhaps by someone else".
    with pytest.raises(ValueError, match="allow_duplicates is not supported"):
        Catalogue.from_dict({"toolkits": [{"code": "A", "name": "Alpha",
                                           "allow_duplicates": True}]})
    assert Catalogue.from_dict({"toolkits": [{"code": "A", "name": "Alpha",
                                              "allow_duplicates": False}]}).get("A")
    with pytest.raises(RuleViolation, match="already has an open"):
        check_open(NEW_ME_MOT, NsiFields("NMMOT", referral_date=NOW), NOW,
                   open_of_same_toolkit=1)


# ----------------------------------------------------------------------------- in-flight NSIs

@pytest.mark.parametrize("today", [DAY_BEFORE, WITHDRAWN, MODULE_DAY, CLOSE_BY])
def test_in_flight_chemsex_nsi_may_be_updated_until_29_july_2022(today: dt.date) -> None:
    after = replace(IN_FLIGHT, status=Status.IN_PROGRESS, actual_start=dt.date(2022, 5, 27),
                    notes="Session 2 done")
    checked = check_update(CHEMSEX, IN_FLIGHT, after, today)
    assert checked.status is Status.IN_PROGRESS and checked.notes == "Session 2 done"


@pytest.mark.parametrize("today", [DAY_AFTER_CLOSE_BY, dt.date(2022, 9, 1), NOW])
@pytest.mark.parametrize(("before", "after"), [
    (IN_FLIGHT, replace(IN_FLIGHT, notes="one more note")),
    (IN_FLIGHT, replace(IN_FLIGHT, status=Status.IN_PROGRESS, actual_start=CLOSE_BY)),
    (STARTED, replace(STARTED, expected_end=dt.date(2022, 8, 31))),
    (STARTED, STARTED),
], ids=["notes", "start", "expected-end", "unchanged"])
def test_after_29_july_2022_an_open_chemsex_nsi_cannot_stay_open(
        today: dt.date, before: NsiFields, after: NsiFields) -> None:
    err = refusal(check_update, CHEMSEX, before, after, today)
    assert (err.rule, err.field) == ("toolkit-close-by-passed", "status")
    assert "Chemsex" in err.message
    assert "29 Jul 2022" in err.message
    assert "close this NSI" in err.message and "switch" in err.message


@pytest.mark.parametrize("today", [MODULE_DAY, CLOSE_BY, DAY_AFTER_CLOSE_BY, NOW])
@pytest.mark.parametrize("outcome", MANUAL_OUTCOMES)
@pytest.mark.parametrize("before", [IN_FLIGHT, STARTED], ids=["referred", "in-progress"])
def test_closing_an_in_flight_chemsex_nsi_is_always_allowed(
        today: dt.date, outcome: Outcome, before: NsiFields) -> None:
    end = min(today, CLOSE_BY)
    closed = check_update(CHEMSEX, before, closed_fields(before, outcome, end), today)
    assert not closed.is_open
    assert closed.outcome is outcome
    assert closed.actual_end == end
    assert closed.status is (Status.COMPLETED if outcome is Outcome.COMPLETED else Status.ENDED)
    assert not sweep_due(CHEMSEX, closed, today)
    assert not is_overdue(CHEMSEX, closed.is_open, today)


@pytest.mark.parametrize(
    ("today", "due"),
    [(DAY_BEFORE, False), (WITHDRAWN, False), (MODULE_DAY, False), (CLOSE_BY, False),
     (DAY_AFTER_CLOSE_BY, True), (NOW, True)],
)
def test_sweep_is_due_only_after_29_july_2022_and_only_for_open_nsis(
        today: dt.date, due: bool) -> None:
    for fields in (IN_FLIGHT, STARTED):
        assert sweep_due(CHEMSEX, fields, today) is due
        assert is_overdue(CHEMSEX, True, today) is due
    closed = closed_fields(STARTED, Outcome.TOOLKIT_WITHDRAWN, dt.date(2022, 5, 31))
    assert sweep_due(CHEMSEX, closed, today) is False
    assert is_overdue(CHEMSEX, False, today) is False
    assert sweep_due(NEW_ME_MOT, replace(IN_FLIGHT, toolkit="NMMOT"), today) is False


def test_sweep_closes_on_the_close_by_date_but_never_before_the_nsi_began() -> None:
    assert sweep_close_date(CHEMSEX, IN_FLIGHT, NOW) == CLOSE_BY
    assert sweep_close_date(CHEMSEX, STARTED, NOW) == CLOSE_BY
    late_start = replace(STARTED, actual_start=dt.date(2022, 8, 15))
    assert sweep_close_date(CHEMSEX, late_start, NOW) == dt.date(2022, 8, 15)
    swept = closed_fields(STARTED, Outcome.AUTO_CLOSED, sweep_close_date(CHEMSEX, STARTED, NOW))
    assert check_update(CHEMSEX, STARTED, swept, NOW).outcome is Outcome.AUTO_CLOSED


def test_a_closed_nsi_cannot_be_changed() -> None:
    closed = closed_fields(STARTED, Outcome.NOT_SUITABLE, dt.date(2022, 6, 20))
    err = refusal(check_update, NEW_ME_MOT, closed, replace(closed, notes="late note"), NOW)
    assert err.rule == "nsi-closed" and "20/06/2022" in err.message


def test_an_nsis_toolkit_cannot_be_changed_by_update() -> None:
    err = refusal(check_update, CHEMSEX, IN_FLIGHT, replace(IN_FLIGHT, toolkit="NMMOT"),
                  MODULE_DAY)
    assert (err.rule, err.field) == ("toolkit-change", "toolkit")
    assert "Switch toolkit" in err.message


def test_status_cannot_go_backwards() -> None:
    err = refusal(check_update, NEW_ME_MOT, replace(STARTED, toolkit="NMMOT"),
                  replace(STARTED, toolkit="NMMOT", status=Status.REFERRED), MODULE_DAY)
    assert (err.rule, err.field) == ("status-backwards", "status")
    assert "'In progress' to 'Referred'" in err.message


def test_update_applies_the_field_rules() -> None:
    err = refusal(check_update, CHEMSEX, IN_FLIGHT,
                  replace(IN_FLIGHT, status=Status.IN_PROGRESS), MODULE_DAY)
    assert err.rule == "in-progress-needs-start"


# ----------------------------------------------------------------------------- closing helper

def test_closing_a_never_started_nsi_starts_it_on_the_end_date() -> None:
    closed = closed_fields(IN_FLIGHT, Outcome.NOT_COMPLETED, dt.date(2022, 6, 10))
    assert closed.actual_start == closed.actual_end == dt.date(2022, 6, 10)
    assert closed.status is Status.ENDED and closed.notes == IN_FLIGHT.notes


def test_closing_before_the_referral_date_is_refused_naming_both_dates() -> None:
    """Issue 8: the end date used to be moved to the referral date without a word."""
    err = refusal(check_close, CHEMSEX, IN_FLIGHT, Outcome.NOT_COMPLETED,
                  dt.date(2022, 5, 1), MODULE_DAY)
    assert (err.rule, err.field) == ("dates-out-of-order", "actual_end")
    assert "01/05/2022" in err.message and "20/05/2022" in err.message
    assert closed_fields(IN_FLIGHT, Outcome.NOT_COMPLETED, dt.date(2022, 5, 1)).actual_end \
        == dt.date(2022, 5, 1)  # the helper never moves a date either


def test_closing_before_the_start_date_is_refused_with_every_other_reason_at_once() -> None:
    err = refusal(check_close, CHEMSEX, STARTED, Outcome.COMPLETED, dt.date(2022, 5, 20),
                  MODULE_DAY, notes="bad\x00note")
    assert isinstance(err, Refusals)
    assert [(r.rule, r.field) for r in err.refusals] == [
        ("dates-out-of-order", "actual_end"), ("control-characters", "notes")]
    assert "20/05/2022" in err.message and "27/05/2022" in err.message


def test_closing_a_started_nsi_keeps_its_start_and_takes_new_notes() -> None:
    closed = closed_fields(STARTED, Outcome.COMPLETED, dt.date(2022, 7, 1), notes="All done")
    assert closed.actual_start == STARTED.actual_start
    assert closed.actual_end == dt.date(2022, 7, 1)
    assert closed.status is Status.COMPLETED and closed.notes == "All done"


# ----------------------------------------------------------------------------- messages

def test_withdrawn_message_points_to_switching() -> None:
    message = withdrawn_message(CHEMSEX)
    assert message.startswith("The Chemsex toolkit was withdrawn on 1 Jun 2022")
    assert "Choose an approved toolkit, or switch" in message
    assert "resource pack" in message
    assert "resource pack" not in withdrawn_message(replace(CHEMSEX, resource_pack=False))


@pytest.mark.parametrize(
    ("today", "text"),
    [
        (dt.date(2022, 5, 15), "Chemsex toolkit will be withdrawn on 1 Jun 2022; "
                               "open NSIs must be closed by 29 Jul 2022"),
        (MODULE_DAY, "Chemsex toolkit withdrawn 1 Jun 2022; "
                     "open NSIs must be closed by 29 Jul 2022"),
        (CLOSE_BY, "Chemsex toolkit withdrawn 1 Jun 2022; "
                   "open NSIs must be closed by 29 Jul 2022"),
        (DAY_AFTER_CLOSE_BY, "Chemsex toolkit withdrawn 1 Jun 2022; "
                             "open NSIs had to close by 29 Jul 2022"),
    ],
)
def test_banner_line_changes_tense_around_the_dates(today: dt.date, text: str) -> None:
    assert CHEMSEX.withdrawal_summary(today) == text


def test_banner_line_for_an_approved_toolkit() -> None:
    assert NEW_ME_MOT.withdrawal_summary(NOW) == "New Me MOT toolkit is approved"


# ----------------------------------------------------------------------------- switching

def test_switch_target_must_be_approved_today() -> None:
    check_switch_target(NEW_ME_MOT, NOW)
    check_switch_target(CHEMSEX, DAY_BEFORE)
    err = refusal(check_switch_target, CHEMSEX, MODULE_DAY)
    assert err.rule == "toolkit-withdrawn" and "Chemsex" in err.message
    future = replace(NEW_ME_MOT, available_from=dt.date(2030, 1, 1))
    assert refusal(check_switch_target, future, NOW).rule == "toolkit-not-available"


def test_switch_notes_carry_the_old_notes_with_where_they_came_from() -> None:
    text = switch_notes(CHEMSEX, NEW_ME_MOT, "Talked about <triggers> & plans", MODULE_DAY)
    assert text == ("Switched from the Chemsex toolkit to the New Me MOT toolkit on 06/06/2022. "
                    "Notes carried over:\nTalked about <triggers> & plans")
    assert switch_notes(CHEMSEX, NEW_ME_MOT, None, MODULE_DAY).endswith("\n(no notes)")


def test_switch_notes_name_a_toolkit_called_toolkit_once() -> None:
    """Issue 8: it read 'Switched from the Skills for Relationships Toolkit toolkit'."""
    skills = Toolkit("SKREL", "Skills for Relationships Toolkit", dt.date(2019, 1, 1))
    text = switch_notes(skills, NEW_ME_MOT, None, MODULE_DAY)
    assert text.startswith("Switched from the Skills for Relationships Toolkit to the New Me "
                           "MOT toolkit on 06/06/2022.")
    assert "Toolkit toolkit" not in text


def test_switch_notes_over_4000_characters_are_refused_not_cut() -> None:
    err = refusal(switch_notes, CHEMSEX, NEW_ME_MOT, "n" * 4000, MODULE_DAY)
    assert err.rule == "too-long" and "4,000" in err.message and "Shorten" in err.message


# ----------------------------------------------------------------------------- data, not code

def made_up(**chemsex: Any) -> Catalogue:
    rows: list[dict[str, Any]] = [
        {"code": "NMMOT", "name": "New Me MOT", "available_from": "2019-01-01"},
        {"code": "FUTKIT", "name": "Future Steps", "available_from": "2019-01-01",
         "withdrawn_from": "2031-03-01", "close_by": "2031-04-30"},
        {"code": "CHEMSEX", "name": "Chemsex", "available_from": "2019-01-01", **chemsex},
    ]
    return Catalogue.from_dict({"toolkits": rows})


def test_a_future_withdrawal_is_a_change_to_data() -> None:
    kit = made_up().get("FUTKIT")
    on_the_day = dt.date(2031, 3, 1)
    fields = NsiFields("FUTKIT", referral_date=dt.date(2031, 2, 28))
    assert check_open(kit, fields, dt.date(2031, 2, 28), open_of_same_toolkit=0).is_open
    assert kit.withdrawal_summary(NOW).startswith("Future Steps toolkit will be withdrawn on "
                                                  "1 Mar 2031")
    err = refusal(check_open, kit, fields, on_the_day, open_of_same_toolkit=0)
    assert err.rule == "toolkit-withdrawn"
    assert "Future Steps" in err.message and "1 Mar 2031" in err.message
    assert "resource pack" not in err.message
    progressed = replace(fields, status=Status.IN_PROGRESS, actual_start=dt.date(2031, 3, 3))
    assert check_update(kit, fields, progressed, dt.date(2031, 4, 30)).is_open
    assert refusal(check_update, kit, fields, progressed,
                   dt.date(2031, 5, 1)).rule == "toolkit-close-by-passed"
    assert not sweep_due(kit, fields, dt.date(2031, 4, 30))
    assert sweep_due(kit, fields, dt.date(2031, 5, 1))


def test_without_the_withdrawal_in_the_data_chemsex_would_open_today() -> None:
    kit = made_up().get("CHEMSEX")
    assert kit.lifecycle(NOW) is Lifecycle.APPROVED
    assert check_open(kit, NsiFields("CHEMSEX", referral_date=NOW), NOW,
                      open_of_same_toolkit=0).is_open
    assert kit in made_up().selectable(NOW)


def test_catalogue_defaults() -> None:
    cat = Catalogue.from_dict({"toolkits": [{"code": "A", "name": "Alpha"}]})
    kit = cat.get("A")
    assert cat.nsi_type == "Toolkit"
    assert kit.available_from == dt.date(2000, 1, 1)
    assert kit.withdrawn_from is None and kit.close_by is None
    assert not kit.resource_pack
    assert kit.lifecycle(NOW) is Lifecycle.APPROVED


def test_catalogue_rejects_close_by_before_withdrawn_from() -> None:
    with pytest.raises(ValueError, match="CHEMSEX: close_by must follow withdrawn_from"):
        made_up(withdrawn_from="2022-06-01", close_by="2022-05-31")


def test_catalogue_rejects_close_by_without_a_withdrawal() -> None:
    with pytest.raises(ValueError, match="close_by must follow withdrawn_from"):
        made_up(close_by="2022-07-29")


def test_catalogue_accepts_close_by_on_the_withdrawal_day() -> None:
    kit = made_up(withdrawn_from="2022-06-01", close_by="2022-06-01").get("CHEMSEX")
    assert kit.lifecycle(WITHDRAWN) is Lifecycle.WITHDRAWN_CLOSING
    assert kit.lifecycle(dt.date(2022, 6, 2)) is Lifecycle.WITHDRAWN_CLOSED


def test_a_withdrawal_without_close_by_never_passes_close_by() -> None:
    kit = made_up(withdrawn_from="2022-06-01").get("CHEMSEX")
    assert kit.lifecycle(NOW) is Lifecycle.WITHDRAWN_CLOSING
    assert not kit.past_close_by(NOW) and not kit.is_selectable(NOW)


def test_catalogue_rejects_duplicate_codes() -> None:
    with pytest.raises(ValueError, match="unique"):
        Catalogue.from_dict({"toolkits": [{"code": "A", "name": "Alpha"},
                                          {"code": "A", "name": "Again"}]})


def test_a_toolkit_not_yet_available_cannot_be_opened() -> None:
    kit = replace(NEW_ME_MOT, available_from=dt.date(2030, 1, 1))
    assert kit.lifecycle(NOW) is Lifecycle.NOT_YET_AVAILABLE and not kit.is_selectable(NOW)
    err = refusal(check_open, kit, NsiFields("NMMOT", referral_date=NOW), NOW,
                  open_of_same_toolkit=0)
    assert err.rule == "toolkit-not-available" and "1 Jan 2030" in err.message


# ------------------------------------------------ referral dates changed by an update

def _reimportable(kit: Toolkit, fields: NsiFields, today: dt.date) -> None:
    """Raise unless ``fields`` would be accepted by an import of history."""
    check_open(kit, fields, today, open_of_same_toolkit=0, historical=True)


def test_an_update_cannot_move_a_referral_past_the_withdrawal() -> None:
    """Once found as a bug (an update saved what an import then refused); now refused."""
    after = replace(IN_FLIGHT, referral_date=dt.date(2022, 6, 2))
    with pytest.raises(RuleViolation) as exc:
        check_update(CHEMSEX, IN_FLIGHT, after, MODULE_DAY)
    assert exc.value.rule == "toolkit-withdrawn" and exc.value.field == "referral_date"
    assert "1 Jun 2022" in exc.value.message
    moved_earlier = replace(IN_FLIGHT, referral_date=dt.date(2022, 5, 10))
    _reimportable(CHEMSEX, check_update(CHEMSEX, IN_FLIGHT, moved_earlier, MODULE_DAY), NOW)


def test_an_update_cannot_move_a_referral_before_the_toolkit_existed() -> None:
    before = NsiFields("NMMOT", referral_date=dt.date(2026, 1, 5))
    after = replace(before, referral_date=dt.date(2018, 12, 31))
    with pytest.raises(RuleViolation) as exc:
        check_update(NEW_ME_MOT, before, after, NOW)
    assert exc.value.rule == "toolkit-not-available"
