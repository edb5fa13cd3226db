"""One of two racing writers: ``python -m tests.faults.writer URL LABEL DIR ROUNDS``.

Three phases, each started together with the other writer through files in DIR:
``nsi`` (save the same NSI ROUNDS times), ``person`` (save the same person's details
ROUNDS times), ``toolkit`` (for each of ROUNDS people, open the same toolkit). Prints
one JSON object: successes, conflicts refused in words, and any other error text.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.errors import ConflictError, RuleViolation
from probation_desk.domain.nsi import NsiFields
from probation_desk.domain.people import PersonDetails
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database

TODAY = dt.date(2026, 11, 22)


def barrier(folder: Path, phase: str, label: str) -> None:
    (folder / f"{phase}.{label}").touch()
    deadline = time.monotonic() + 60
    while len(list(folder.glob(f"{phase}.*"))) < 2:
        if time.monotonic() > deadline:
            raise SystemExit("the other writer never arrived")
        time.sleep(0.005)


def main() -> None:
    url, label, folder, rounds = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    setup = json.loads((folder / "setup.json").read_text())
    desk = Desk(open_database(url), actor=f"Writer {label}", clock=fixed_clock(TODAY))
    out: dict[str, Any] = {"label": label}

    def attempt(phase: str, action: Any) -> None:
        stats = out.setdefault(phase, {"ok": 0, "conflicts": 0, "duplicates": 0,
                                       "messages": [], "errors": []})
        try:
            action()
            stats["ok"] += 1
        except ConflictError as exc:
            stats["conflicts"] += 1
            if len(stats["messages"]) < 3:
                stats["messages"].append(exc.message)
        except RuleViolation as exc:
            if exc.rule == "duplicate-open-nsi":
                stats["duplicates"] += 1
                if len(stats["messages"]) < 3:
                    stats["messages"].append(exc.message)
            else:
                stats["errors"].append(f"{exc.rule}: {exc.message}")
        except Exception as exc:  # anything else is a failure the test reports
            stats["errors"].append(f"{type(exc).__name__}: {exc}")

    barrier(folder, "nsi", label)
    nsi_id = setup["nsi_id"]
    for i in range(rounds):
        def save_nsi(i: int = i) -> None:
            n = desk.nsi(nsi_id)
            desk.update_nsi(nsi_id, NsiFields("MAPS", referral_date=dt.date(2026, 9, 1),
                                              notes=f"{label} {i}"), n.version)
        attempt("nsi", save_nsi)

    barrier(folder, "person", label)
    pid = setup["person_id"]
    for i in range(rounds):
        def save_person(i: int = i) -> None:
            p = desk.person(pid)
            desk.update_person(pid, PersonDetails(p.crn, p.name, p.date_of_birth, p.region,
                                                  p.pdu, f"PP {label} {i}"), p.version)
        attempt("person", save_person)

    barrier(folder, "toolkit", label)
    for person_id in setup["race_people"]:
        attempt("toolkit", lambda person_id=person_id: desk.open_nsi(
            person_id, NsiFields("NMMOT", referral_date=dt.date(2026, 10, 1))))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
