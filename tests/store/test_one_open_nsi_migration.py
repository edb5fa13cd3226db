"""Migration 0006: people get a version; twins of open NSIs left by the old race are ended."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from probation_desk.store.engine import make_engine
from probation_desk.store.migrate import upgrade

NSI = ("INSERT INTO nsi (id, person_id, toolkit, status, status_date, referral_date, "
       "active, version) VALUES (:id, 1, 'MAPS', 'REFERRED', '2026-09-01', '2026-09-01', "
       ":active, 1)")


def test_twins_are_ended_in_words_and_the_index_then_refuses_a_third(db_url: str) -> None:
    eng = make_engine(db_url)
    upgrade(eng, "0005")
    with eng.begin() as con:
        con.execute(text(
            "INSERT INTO person (id, crn, name, name_key, region, pdu, practitioner, "
            "language, print_needs, open_nsis, module_status) VALUES (1, 'X123456', "
            "'Test', 'test', 'Wales', 'Cardiff', 'PP', 'ENGLISH', 'STANDARD', 2, "
            "'NOT_STARTED')"))
        for i in (1, 2):
            con.execute(text(NSI), {"id": i, "active": True})
    upgrade(eng)
    with eng.connect() as con:
        rows = con.execute(text("SELECT id, active, status, outcome FROM nsi ORDER BY id")).all()
        assert [(r.id, bool(r.active), r.status, r.outcome) for r in rows] == [
            (1, True, "REFERRED", None), (2, False, "ENDED", "DUPLICATE")]
        assert con.execute(text("SELECT open_nsis, version FROM person")).one() == (1, 1)
        assert con.execute(text("SELECT action FROM audit WHERE entity_id = 2")).scalar() \
            == "close duplicate nsi"
        assert con.execute(text("SELECT note FROM nsi_status_history WHERE nsi_id = 2"))\
            .scalar().startswith("closed by the upgrade")
    with pytest.raises(IntegrityError), eng.begin() as con:
        con.execute(text(NSI), {"id": 3, "active": True})
    with eng.begin() as con:  # closed ones are not limited
        con.execute(text(NSI), {"id": 4, "active": False})
    eng.dispose()
