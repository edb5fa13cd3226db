"""Fixtures for operation tests: a person with an order carrying a RAR requirement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from probation_desk.domain.people import OrderDetails, OrderKind, PersonDetails


def make_person(desk: Any, crn: str = "X123456", name: str = "Siân Llŷr-Ŵyn",
                region: str = "Wales", practitioner: str = "Test Practitioner") -> Any:
    return desk.add_person(PersonDetails(crn, name, dt.date(1990, 3, 4), region, "Cardiff",
                                         practitioner))


@pytest.fixture
def person(desk: Any) -> Any:
    return make_person(desk)


@pytest.fixture
def order(desk: Any, person: Any) -> Any:
    return desk.add_order(person.id, OrderDetails(OrderKind.COMMUNITY_ORDER,
                                                  dt.date(2022, 1, 10), dt.date(2027, 1, 9), 20))
