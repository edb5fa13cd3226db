"""One side of an import racing other writers: ``python -m tests.faults.import_racer MODE URL DIR``.

MODE ``import``: imports a synthetic caseload (``CASES`` people, a few thousand records)
in small batches through the normal import, then prints its result as JSON and leaves a
``done`` file in DIR. MODE ``writer``: until the import is done (and at least a few
rounds), adds a person of its own and opens an NSI for them, and every other round opens
an NSI for one of the people the import has already saved; prints the people and NSIs
it was told were saved and every refusal or error. MODE ``opener``: opens the database
again and again (as a second window would) and reads a count, printing every failure.
All three start together through files in DIR, as in :mod:`tests.faults.writer`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.nsi import NsiFields
from probation_desk.domain.people import PersonDetails

TODAY = dt.date(2026, 11, 22)
CASES = 150
BATCH = 60
MIN_ROUNDS = 20
MAX_ROUNDS = 3000
WRITER_KIT = "MAPS"
KITS = ("NMMOT", "CONCON", "STEPST", "MAPS", "PATHS", "MOVON")


def barrier(folder: Path, label: str, parties: int = 3) -> None:
    (folder / f"start.{label}").touch()
    deadline = time.monotonic() + 120
    while len(list(folder.glob("start.*"))) < parties:
        if time.monotonic() > deadline:
            raise SystemExit("the other processes never arrived")
        time.sleep(0.005)


def run_import(url: str, folder: Path) -> dict[str, Any]:
    from probation_desk.services.demo import demo_records
    from probation_desk.services.desk import Desk
    from probation_desk.services.lifecycle import open_database
    from probation_desk.services.transfer import import_records

    desk = Desk(open_database(url), actor="Importer", clock=fixed_clock(TODAY))
    barrier(folder, "import")
    batches = 0

    def progress(_line: int) -> bool:
        nonlocal batches
        batches += 1
        time.sleep(0.01)  # as a big file's reading would: the other writer gets turns
        return True

    try:
        result = import_records(desk, demo_records(CASES, 7, desk.catalogue),
                                source="race", batch_size=BATCH, progress=progress)
    finally:
        (folder / "done").touch()
    return {"accepted": result.accepted, "stopped": result.stopped, "batches": batches,
            "rechecked": result.rechecked,
            "refused": [{"line": r.line, "rule": r.rule, "reason": r.reason}
                        for r in result.refused],
            "counts": dict(result.counts)}


def run_writer(url: str, folder: Path) -> dict[str, Any]:
    from sqlalchemy import select

    from probation_desk.services.desk import Desk
    from probation_desk.services.lifecycle import open_database
    from probation_desk.store.models import Person

    desk = Desk(open_database(url), actor="Writer", clock=fixed_clock(TODAY))
    barrier(folder, "writer")
    people: dict[str, int] = {}
    nsis: list[int] = []
    errors: list[str] = []
    refusals: list[str] = []
    rounds = shared = conflicts = 0
    rng = random.Random(11)
    while rounds < MAX_ROUNDS and (rounds < MIN_ROUNDS or not (folder / "done").exists()):
        crn = f"Z{rounds:06d}"
        try:
            p = desk.add_person(PersonDetails(crn, "Race Writer Person", dt.date(1990, 1, 1),
                                              "Wales", "Cardiff", "PP"))
            people[crn] = p.id
            nsis.append(desk.open_nsi(p.id, NsiFields(
                WRITER_KIT, referral_date=dt.date(2026, 10, 1))).id)
            if rounds % 2:
                # An NSI for someone the import saved, of a toolkit the import may be
                # about to open for them too: one of the two must be refused, in words.
                with desk.engine.connect() as con:
                    imported = con.execute(select(Person.id)
                                           .where(~Person.crn.like("Z%"))).scalars().all()
                if imported:
                    other = rng.choice(imported)
                    try:
                        nsis.append(desk.open_nsi(other, NsiFields(
                            rng.choice(KITS), referral_date=dt.date(2026, 10, 1))).id)
                        shared += 1
                    except RuleViolation as exc:
                        if exc.rule != "duplicate-open-nsi":
                            raise
                        conflicts += 1
        except RuleViolation as exc:
            refusals.append(f"{exc.rule}: {exc.message}")
        except Exception as exc:  # anything else is what the test looks for
            errors.append(f"{type(exc).__name__}: {exc}")
        rounds += 1
    return {"people": people, "nsis": nsis, "errors": errors, "refusals": refusals,
            "rounds": rounds, "shared": shared, "conflicts": conflicts,
            "after_import": (folder / "done").exists()}


def run_opener(url: str, folder: Path) -> dict[str, Any]:
    from sqlalchemy import func, select

    from probation_desk.errors import DatabaseProblem
    from probation_desk.services.lifecycle import open_database
    from probation_desk.store.models import Person

    barrier(folder, "opener")
    opens = left_to_import = 0
    failures: list[str] = []
    while not (folder / "done").exists() and opens < MAX_ROUNDS:
        try:
            engine = open_database(url)
            try:
                with engine.connect() as con:
                    con.execute(select(func.count()).select_from(Person)).scalar()
                    if engine.dialect.name == "sqlite" and not (folder / "done").exists():
                        # Did opening leave the import's deferred indexes to it?
                        names = set(con.exec_driver_sql(
                            "SELECT name FROM sqlite_master WHERE type = 'index'")
                            .scalars())
                        left_to_import += "ix_nsi_person_active" not in names
            finally:
                engine.dispose()
        except DatabaseProblem as exc:
            failures.append(f"said: {exc}")
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
        opens += 1
    return {"opens": opens, "failures": failures, "left_to_import": left_to_import}


def main() -> None:
    mode, url, folder = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    run = {"import": run_import, "writer": run_writer, "opener": run_opener}[mode]
    print(json.dumps(run(url, folder)))


if __name__ == "__main__":
    main()
