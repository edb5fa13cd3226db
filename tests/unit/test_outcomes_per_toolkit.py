"""Issue 8: each toolkit allows only its own outcomes, as data in the catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from probation_desk.domain.catalogue import Catalogue, load_catalogue
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.nsi import (
    NsiFields,
    Outcome,
    Status,
    check_open,
    check_update,
    closed_fields,
    outcomes_for,
)

NOW = dt.date(2026, 11, 22)


def test_the_catalogue_file_lists_the_outcomes_and_which_need_a_withdrawn_toolkit() -> None:
    cat = load_catalogue()
    maps, chemsex = cat.get("MAPS"), cat.get("CHEMSEX")
    assert Outcome.TOOLKIT_WITHDRAWN not in outcomes_for(maps, NOW)
    assert Outcome.AUTO_CLOSED not in outcomes_for(maps, NOW)
    assert Outcome.TOOLKIT_WITHDRAWN in outcomes_for(chemsex, NOW, manual_only=True)
    assert Outcome.TRANSFERRED not in outcomes_for(chemsex, NOW, manual_only=True)
    # Before its withdrawal Chemsex was an approved toolkit like the others.
    assert Outcome.TOOLKIT_WITHDRAWN not in outcomes_for(chemsex, dt.date(2022, 5, 1))


def test_an_approved_toolkit_refuses_the_withdrawn_outcome_in_update_and_import() -> None:
    maps = load_catalogue().get("MAPS")
    before = NsiFields("MAPS", Status.IN_PROGRESS, dt.date(2026, 9, 1),
                       actual_start=dt.date(2026, 9, 2))
    after = closed_fields(before, Outcome.TOOLKIT_WITHDRAWN, dt.date(2026, 9, 20))
    for call in (lambda: check_update(maps, before, after, NOW),
                 lambda: check_open(maps, after, NOW, open_of_same_toolkit=0,
                                    historical=True)):
        with pytest.raises(RuleViolation) as exc:
            call()
        assert exc.value.rule == "outcome-not-allowed" and exc.value.field == "outcome"


def test_a_toolkit_may_allow_only_some_outcomes_of_its_type() -> None:
    cat = Catalogue.from_dict({"outcomes": [{"code": "COMPLETED"}, {"code": "NOT_SUITABLE"}],
                               "toolkits": [{"code": "A", "name": "A"},
                                            {"code": "B", "name": "B",
                                             "outcomes": ["COMPLETED"]}]})
    assert outcomes_for(cat.get("A"), NOW) == (Outcome.COMPLETED, Outcome.NOT_SUITABLE)
    assert outcomes_for(cat.get("B"), NOW) == (Outcome.COMPLETED,)
    with pytest.raises(ValueError, match="NOPE"):
        Catalogue.from_dict({"outcomes": [{"code": "NOPE"}], "toolkits": []})
