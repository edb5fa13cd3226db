"""The sweep's fast writes (store.sweep_sql) keep every rule, chunk and refusal.

On SQLite the sweep writes plain tuples with executemany; on PostgreSQL one set-based
statement per chunk. Both must leave exactly what the rules say: each NSI ended on the
close-by date (never before it began), its history and audit rows, the person's open
count, the version moved on; chunks saved whole or not at all; Cancel between chunks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, text

from probation_desk.domain.errors import ConflictError
from probation_desk.domain.nsi import NsiFields, Outcome, Status
from probation_desk.store.models import AuditEntry, NsiStatusHistory
from tests.services.conftest import make_person

D = dt.date
CLOSE_BY = D(2022, 7, 29)


def _in_flight(desk: Any, n: int) -> list[tuple[Any, Any]]:
    """n people, each with one in-flight Chemsex NSI of a different shape."""
    made = []
    for i in range(n):
        person = make_person(desk, crn=f"S{i:06d}", name=f"Sweep Person {i}")
        shape = i % 3
        if shape == 0:  # started before the close-by date
            f = NsiFields("CHEMSEX", Status.IN_PROGRESS, D(2022, 5, 2),
                          actual_start=D(2022, 5, 9))
        elif shape == 1:  # referred, never started
            f = NsiFields("CHEMSEX", Status.REFERRED, D(2022, 5, 20))
        else:  # began after the close-by date: closed on its start, not before it
            f = NsiFields("CHEMSEX", Status.IN_PROGRESS, D(2022, 5, 25),
                          actual_start=D(2022, 8, 15))
        made.append((person, desk.open_nsi(person.id, f, historical=True)))
    return made


def _count(desk: Any, model: Any) -> int:
    with desk.engine.connect() as con:
        return int(con.execute(select(func.count()).select_from(model)).scalar() or 0)


def test_sweep_writes_what_the_rules_say_in_chunks(desk: Any) -> None:
    made = _in_flight(desk, 7)
    history, audit = _count(desk, NsiStatusHistory), _count(desk, AuditEntry)
    result = desk.sweep(chunk=3)
    assert result.closed == 7 and not result.cancelled
    assert [i.nsi_id for i in result.items] == [n.id for _, n in made]
    for (person, before), item in zip(made, result.items, strict=True):
        after = desk.nsi(before.id)
        assert after.status is Status.ENDED and after.outcome is Outcome.AUTO_CLOSED
        assert not after.is_open and after.version == before.version + 1
        start = before.fields.actual_start
        end = max(CLOSE_BY, start) if start else CLOSE_BY
        assert item.close_date == end == after.fields.actual_end == after.status_date
        assert after.fields.actual_start == (start or CLOSE_BY)
        assert after.history[-1].status is Status.ENDED
        assert desk.person(person.id).open_nsis == 0
        entry = next(a for a in desk.audit(person.id) if a.action == "sweep close nsi")
        assert entry.entity_id == before.id
        assert entry.before == {"status": before.status.name, "active": True}
        assert entry.after == {"status": "ENDED", "outcome": "AUTO_CLOSED",
                               "actual_end": end.isoformat()}
    assert _count(desk, NsiStatusHistory) == history + 7
    assert _count(desk, AuditEntry) == audit + 7
    assert desk.sweep().closed == 0  # idempotent


def test_cancel_between_chunks_leaves_the_rest_open(desk: Any) -> None:
    made = _in_flight(desk, 5)
    result = desk.sweep(chunk=2, progress=lambda done, total: done < 2)
    assert result.cancelled and result.closed == 2
    assert [desk.nsi(n.id).is_open for _, n in made] == [False, False, True, True, True]
    assert desk.sweep().closed == 3


def test_a_chunk_changed_meanwhile_is_saved_not_at_all(desk: Any) -> None:
    made = _in_flight(desk, 4)
    audit = _count(desk, AuditEntry)

    def someone_else_saves(done: int, total: int) -> bool:
        if done == 2:  # after the first chunk: another person saves an NSI of the second
            with desk.engine.begin() as con:
                con.execute(text("UPDATE nsi SET version = version + 1 WHERE id = :id"),
                            {"id": made[3][1].id})
        return True

    with pytest.raises(ConflictError):
        desk.sweep(chunk=2, progress=someone_else_saves)
    assert [desk.nsi(n.id).is_open for _, n in made] == [False, False, True, True]
    assert _count(desk, AuditEntry) == audit + 2
    assert desk.person(made[2][0].id).open_nsis == 1
