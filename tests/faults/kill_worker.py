"""A writer to be killed: ``python -m tests.faults.kill_worker MODE URL LOG RUN``.

MODE ``stream``: an endless stream of operations through the Desk (add a person, open,
update and close NSIs, record module sessions, change a person's details). MODE
``import``: a synthetic caseload imported through the normal import, in small batches.
After each operation the Desk reports as committed, one JSON line goes to LOG (flushed,
so it survives a SIGKILL), saying what must now be in the database. The test kills
this process at a random moment and checks every logged operation is there.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.nsi import NsiFields, Outcome
from probation_desk.domain.people import PersonDetails
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database

TODAY = dt.date(2026, 11, 22)
KITS = ("NMMOT", "MAPS", "CONCON", "STEPST")


def crn_for(run: int, i: int) -> str:
    return f"{chr(65 + run % 26)}{run // 26}{i:05d}"


def log(out: TextIO, **entry: Any) -> None:
    out.write(json.dumps(entry) + "\n")
    out.flush()


def stream(desk: Desk, out: TextIO, run: int) -> None:
    rng = random.Random(run)
    kits = [k for k in KITS if k in {t.code for t in desk.catalogue.toolkits}] or ["MAPS"]
    mine: list[int] = []
    nsis: dict[int, int] = {}  # open NSI id -> version
    print("ready", flush=True)
    i = 0
    while True:
        roll = rng.random()
        try:
            if not mine or roll < 0.2:
                p = desk.add_person(PersonDetails(crn_for(run, i), "Kill Test Person",
                                                  dt.date(1990, 1, 1), "Wales", "Cardiff",
                                                  "PP"))
                i += 1
                mine.append(p.id)
                log(out, op="person", crn=p.crn, id=p.id)
            elif roll < 0.45:
                n = desk.open_nsi(rng.choice(mine), NsiFields(
                    rng.choice(kits), referral_date=dt.date(2026, 10, 1),
                    notes=f"run {run}"))
                nsis[n.id] = n.version
                log(out, op="open", id=n.id)
            elif roll < 0.6 and nsis:
                nid = rng.choice(list(nsis))
                n = desk.update_nsi(nid, NsiFields(desk.nsi(nid).fields.toolkit,
                                                   referral_date=dt.date(2026, 10, 1),
                                                   notes=f"run {run} step {i}"), nsis[nid])
                nsis[nid] = n.version
                log(out, op="update", id=nid, version=n.version)
            elif roll < 0.7 and nsis:
                nid = rng.choice(list(nsis))
                desk.close_nsi(nid, Outcome.NOT_SUITABLE, dt.date(2026, 11, 1), nsis[nid])
                del nsis[nid]
                log(out, op="close", id=nid)
            elif roll < 0.85:
                pid = rng.choice(mine)
                desk.record_session(pid, ModuleSession(
                    dt.date(2026, 11, 2), SupporterRole.PP, "PP",
                    completed=rng.random() < 0.5))
                log(out, op="session", person=pid)
            else:
                pid = rng.choice(mine)
                p = desk.person(pid)
                p2 = desk.update_person(pid, PersonDetails(p.crn, p.name, p.date_of_birth,
                                                           p.region, p.pdu, f"PP {i}"),
                                        p.version)
                log(out, op="person-update", id=pid, version=p2.version)
        except RuleViolation:
            pass  # e.g. a second open NSI of a toolkit: refused, nothing saved


def renamed(records: Iterator[tuple[int, Any]], run: int,
            out: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    """The demo caseload with CRNs unique to this run (refs follow their CRN)."""
    import msgspec

    names: dict[str, str] = {}
    for line, struct in records:
        rec = msgspec.to_builtins(struct)
        old = rec.get("crn")
        if rec.get("type") == "person" and isinstance(old, str):
            names[old] = crn_for(run, len(names))
            log(out, op="import-person", run=run, line=line, crn=names[old])
        for key in ("crn", "ref", "order", "nsi", "previous"):
            value = rec.get(key)
            if isinstance(value, str):
                head, sep, tail = value.partition("/")
                if head in names:
                    rec[key] = names[head] + sep + tail
        yield line, rec


def run_import(desk: Desk, out: TextIO, run: int) -> None:
    from probation_desk.services.demo import demo_records
    from probation_desk.services.transfer import import_records

    def progress(line: int) -> bool:
        log(out, op="import-committed", run=run, line=line)
        return True

    print("ready", flush=True)
    result = import_records(desk, renamed(demo_records(400, run, desk.catalogue), run, out),
                            source="kill test", batch_size=300, progress=progress)
    log(out, op="import-done", accepted=result.accepted, stopped=result.stopped)


def main() -> None:
    mode, url, log_path, run = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    desk = Desk(open_database(url), actor="Kill Test", clock=fixed_clock(TODAY))
    with open(log_path, "a", encoding="utf-8") as out:
        if mode == "stream":
            stream(desk, out, run)
        else:
            run_import(desk, out, run)


if __name__ == "__main__":
    main()
