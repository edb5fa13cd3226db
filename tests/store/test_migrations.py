"""Alembic migrations: from empty and from every earlier revision, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from probation_desk.services import lifecycle
from probation_desk.store import engine as engine_mod
from probation_desk.store import schema_version, search_index
from probation_desk.store.migrate import all_revisions, downgrade, head_revision, upgrade
from probation_desk.store.models import Base


def test_schema_head_constant_matches_alembic() -> None:
    assert schema_version.SCHEMA_HEAD == head_revision()
    assert tuple(all_revisions()) == schema_version.KNOWN_REVISIONS


def test_upgrade_from_empty_matches_the_models(db_url: str) -> None:
    eng = engine_mod.make_engine(db_url)
    upgrade(eng)
    with eng.connect() as con:
        # The name search index (FTS5 table, pg_trgm index) is not a model.
        ctx = MigrationContext.configure(con, opts={"include_name": search_index.modelled})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    eng.dispose()


@pytest.mark.parametrize("start", all_revisions()[:-1] or ["base"])
def test_upgrade_from_every_earlier_revision_keeps_data(db_url: str, start: str) -> None:
    eng = engine_mod.make_engine(db_url)
    if start != "base":
        upgrade(eng, start)
        with eng.begin() as con:
            con.execute(text(
                "INSERT INTO person (id, crn, name, name_key, region, pdu, practitioner, "
                "language, print_needs, open_nsis, module_status) VALUES (1, 'X123456', "
                "'Siân', 'sian', 'Wales', 'Cardiff', 'PP', 'WELSH', 'STANDARD', 0, "
                "'NOT_STARTED')"))
    upgrade(eng)
    with eng.connect() as con:
        if start != "base":
            assert con.execute(text("SELECT name FROM person")).scalar() == "Siân"
        assert con.execute(text("SELECT version_num FROM alembic_version")).scalar() == \
            head_revision()
    eng.dispose()


def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    eng = engine_mod.make_engine(db_url)
    upgrade(eng)
    downgrade(eng, "base")
    assert "nsi" not in inspect(eng).get_table_names()
    upgrade(eng)
    assert "nsi" in inspect(eng).get_table_names()
    eng.dispose()


def test_audit_rows_cannot_be_changed_or_deleted(db_url: str) -> None:
    import datetime as dt

    from sqlalchemy.exc import DBAPIError

    eng = lifecycle.open_database(db_url)
    with eng.begin() as con:
        con.execute(text("INSERT INTO audit (at, actor, action, entity) VALUES "
                         "(:at, 'PP', 'open nsi', 'nsi')"), {"at": dt.datetime(2026, 1, 1)})
    for statement in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(DBAPIError) as exc, eng.begin() as con:
            con.execute(text(statement))
        assert "append-only" in str(exc.value)
    with eng.connect() as con:
        # PostgreSQL writes its own session_user whatever the client sends.
        expected = "postgres" if eng.dialect.name == "postgresql" else "PP"
        assert con.execute(text("SELECT actor FROM audit")).scalar() == expected
    eng.dispose()


def test_audit_rows_cannot_be_replaced_or_truncated(db_url: str) -> None:
    import datetime as dt

    from sqlalchemy.exc import DBAPIError

    eng = lifecycle.open_database(db_url)
    with eng.begin() as con:
        con.execute(text("INSERT INTO audit (id, at, actor, action, entity) VALUES "
                         "(1, :at, 'PP', 'open nsi', 'nsi')"), {"at": dt.datetime(2026, 1, 1)})
    statement = ("INSERT OR REPLACE INTO audit (id, at, actor, action, entity) VALUES "
                 "(1, '2026-01-02', 'someone else', 'nothing happened', 'nsi')"
                 if eng.dialect.name == "sqlite" else "TRUNCATE audit")
    with pytest.raises(DBAPIError) as exc, eng.begin() as con:
        con.execute(text(statement))
    assert "append-only" in str(exc.value)
    with eng.connect() as con:
        assert con.execute(text("SELECT action FROM audit")).scalars().all() == ["open nsi"]
    eng.dispose()


def test_activities_become_contacts_keeping_their_meaning(db_url: str) -> None:
    """0010 moves RAR activities into contacts: the RAR count is the same before and after."""
    import datetime as dt

    from probation_desk.domain.dates import fixed_clock
    from probation_desk.services.desk import Desk

    eng = engine_mod.make_engine(db_url)
    upgrade(eng, "0009")
    true, false = ("1", "0") if eng.dialect.name == "sqlite" else ("true", "false")
    with eng.begin() as con:
        con.execute(text(
            "INSERT INTO person (id, crn, name, name_key, region, pdu, practitioner, "
            "language, print_needs, open_nsis, module_status) VALUES (1, 'X123456', "
            "'Siân', 'sian', 'Wales', 'Cardiff', 'PP', 'WELSH', 'STANDARD', 0, "
            "'NOT_STARTED')"))
        con.execute(text("INSERT INTO sentence_order (id, person_id, kind, start_date, "
                         "end_date, rar_max_days) VALUES (1, 1, 'COMMUNITY_ORDER', "
                         "'2026-01-01', '2026-12-31', 20)"))
        for i, (day, rar, attended) in enumerate(
                [("2026-03-02", true, true), ("2026-03-02", true, true),
                 ("2026-03-03", true, false), ("2026-03-04", false, true),
                 ("2026-03-05", true, true)], start=1):
            con.execute(text(
                "INSERT INTO rar_activity (id, person_id, order_id, activity_date, "
                f"rar_activity, attended, description) VALUES ({i}, 1, 1, '{day}', {rar}, "
                f"{attended}, 'Group work')"))
    upgrade(eng)
    desk = Desk(eng, actor="PP", clock=fixed_clock(dt.date(2026, 11, 22)))
    (view,) = desk.rar(1)
    assert view.summary.days_completed == 2
    contacts = {c.id: c for c in desk.contacts(1)}
    assert len(contacts) == 5 and contacts[1].notes == "Group work"
    assert contacts[1].at == dt.datetime(2026, 3, 2, 0, 0)
    assert contacts[3].outcome_text == "Acceptable absence (other reason)"
    assert not desk.enforcement(1).failures  # not attending was never a failure to comply
    new = desk.record_activity(1, dt.date(2026, 3, 6), order_id=1)
    assert new == 6  # the id sequence continues after the moved rows
    eng.dispose()


def test_0013_gives_existing_rows_the_refs_the_export_used(db_url: str) -> None:
    eng = engine_mod.make_engine(db_url)
    upgrade(eng, "0012")
    with eng.begin() as con:
        for pid, crn in ((1, "X123456"), (2, "Y654321")):
            con.execute(text(
                "INSERT INTO person (id, crn, name, name_key, region, pdu, practitioner, "
                "language, print_needs, open_nsis, module_status) VALUES (:id, :crn, 'P', "
                "'p', 'Wales', 'Cardiff', 'PP', 'WELSH', 'STANDARD', 0, 'NOT_STARTED')"),
                {"id": pid, "crn": crn})
        for oid, pid in ((1, 2), (2, 1), (3, 2)):
            con.execute(text(
                "INSERT INTO sentence_order (id, person_id, kind, start_date, end_date) "
                "VALUES (:id, :pid, 'LICENCE', '2022-01-01', '2023-01-01')"),
                {"id": oid, "pid": pid})
        for nid, pid, kit in ((5, 1, "MAPS"), (6, 1, "CPC"), (7, 2, "MAPS")):
            con.execute(text(
                "INSERT INTO nsi (id, person_id, toolkit, status, status_date, referral_date, "
                "active, version) VALUES (:id, :pid, :kit, 'REFERRED', '2022-05-01', "
                "'2022-05-01', true, 1)"), {"id": nid, "pid": pid, "kit": kit})
        con.execute(text(
            "INSERT INTO contact (id, person_id, contact_type, at, rar_activity, created_by, "
            "created_at, version) VALUES (9, 2, 'OTHER', '2022-05-02 10:00:00', true, 'PP', "
            "'2022-05-02 10:00:00', 1)"))
    upgrade(eng)
    with eng.connect() as con:
        orders = con.execute(text("SELECT id, ref FROM sentence_order ORDER BY id")).all()
        nsis = con.execute(text("SELECT id, ref FROM nsi ORDER BY id")).all()
        acts = con.execute(text("SELECT ref FROM contact")).scalars().all()
    assert [tuple(r) for r in orders] == [(1, "Y654321/O1"), (2, "X123456/O1"),
                                          (3, "Y654321/O2")]
    assert [tuple(r) for r in nsis] == [(5, "X123456/N1"), (6, "X123456/N2"),
                                        (7, "Y654321/N1")]
    assert acts == ["Y654321/C1"]
    eng.dispose()


def test_0014_my_caseload_reads_a_practitioners_people_from_one_index(db_url: str) -> None:
    eng = engine_mod.make_engine(db_url)
    upgrade(eng, "0013")
    with eng.begin() as con:
        con.execute(text(
            "INSERT INTO person (id, crn, name, name_key, region, pdu, practitioner, "
            "language, print_needs, open_nsis, module_status) VALUES (1, 'X123456', 'P', "
            "'p', 'Wales', 'Cardiff', 'Nia Lloyd', 'WELSH', 'STANDARD', 0, 'NOT_STARTED')"))
    upgrade(eng)
    indexes = {i["name"]: i["column_names"] for i in inspect(eng).get_indexes("person")}
    assert indexes["ix_person_practitioner_crn_name_key"] == ["practitioner", "crn",
                                                              "name_key", "region"]
    assert "ix_person_practitioner" not in indexes  # the new one answers what it did
    with eng.connect() as con:
        assert con.execute(text("SELECT crn FROM person WHERE practitioner = 'Nia Lloyd'")
                           ).scalar() == "X123456"
        if eng.dialect.name == "sqlite":
            plan = " ".join(r[3] for r in con.execute(text(
                "EXPLAIN QUERY PLAN SELECT id FROM person WHERE practitioner = 'Nia Lloyd' "
                "ORDER BY crn LIMIT 200")))
            assert "ix_person_practitioner_crn_name_key" in plan and "TEMP B-TREE" not in plan
    downgrade(eng, "0013")
    assert "ix_person_practitioner" in {i["name"] for i in inspect(eng).get_indexes("person")}
    eng.dispose()


def _person_nsi_history(con: Any) -> None:
    con.execute(text(
        "INSERT INTO person (id, crn, name, name_key, region, pdu, practitioner, language, "
        "print_needs, open_nsis, module_status) VALUES (1, 'X123456', 'P', 'p', 'Wales', "
        "'Cardiff', 'PP', 'WELSH', 'STANDARD', 1, 'NOT_STARTED')"))
    con.execute(text(
        "INSERT INTO nsi (id, person_id, toolkit, status, status_date, referral_date, active, "
        "version) VALUES (1, 1, 'MAPS', 'REFERRED', '2022-05-01', '2022-05-01', true, 1)"))
    con.execute(text(
        "INSERT INTO nsi_status_history (id, nsi_id, status, status_date, recorded_by, "
        "recorded_at) VALUES (1, 1, 'REFERRED', '2022-05-01', 'PP', '2022-05-01 10:00:00')"))


def test_0015_nsi_history_rows_cannot_be_changed_or_deleted(db_url: str) -> None:
    from sqlalchemy.exc import DBAPIError

    eng = engine_mod.make_engine(db_url)
    upgrade(eng, "0014")
    with eng.begin() as con:
        _person_nsi_history(con)
    upgrade(eng)
    pg = eng.dialect.name == "postgresql"
    statements = [
        "UPDATE nsi_status_history SET recorded_by = 'Someone Else', "
        "recorded_at = '2020-01-01 00:00:00'",
        "DELETE FROM nsi_status_history",
        "DELETE FROM nsi",  # the history would go with it (ON DELETE CASCADE)
        "TRUNCATE nsi_status_history" if pg else
        "INSERT OR REPLACE INTO nsi_status_history (id, nsi_id, status, status_date, "
        "recorded_by, recorded_at) VALUES (1, 1, 'ENDED', '2020-01-01', 'x', '2020-01-01')"]
    for statement in statements:
        with pytest.raises(DBAPIError) as exc, eng.begin() as con:
            con.execute(text(statement))
        assert "append-only" in str(exc.value), statement
    with eng.begin() as con:  # adding to it is what every status change does
        con.execute(text(
            "INSERT INTO nsi_status_history (id, nsi_id, status, status_date, recorded_by, "
            "recorded_at) VALUES (2, 1, 'STARTED', '2022-05-02', 'PP', '2022-05-02 10:00:00')"))
        assert [tuple(r) for r in con.execute(text(
            "SELECT id, recorded_by FROM nsi_status_history ORDER BY id"))] == [
                (1, "PP"), (2, "PP")]
    downgrade(eng, "0014")  # and the way back leaves it as 0014 had it
    with eng.begin() as con:
        con.execute(text("UPDATE nsi_status_history SET note = 'x' WHERE id = 2"))
    eng.dispose()


@pytest.mark.postgres
def test_0015_the_server_stamps_the_audit_time_for_the_owner_too(pg_server: Any) -> None:
    eng = lifecycle.open_database(pg_server.create_db())
    with eng.begin() as con:
        at, now = con.execute(text(
            "INSERT INTO audit (at, actor, action, entity) VALUES "
            "(now() - interval '3 years', 'PP', 'open nsi', 'nsi') RETURNING at, now()")).one()
    assert at == now
    eng.dispose()
