"""A writer racing a restore: ``python -m tests.faults.restore_racer URL DIR LETTER``.

Opens the database once (as a window does) and adds people with CRNs ``LETTER000000``,
``LETTER000001``, ... one transaction each, as fast as it can, until the test leaves a
``done`` file in DIR (and at least a few rounds after it). It touches ``ready.LETTER`` once
it has added its first few, so the test can start the restore while it is writing.
Prints one JSON object: the CRNs it was told were added, the words of every failure that
was explained (with its exit status), and anything unexpected.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.people import PersonDetails
from probation_desk.errors import explain

TODAY = dt.date(2026, 11, 22)
MAX_ROUNDS = 5000
AFTER_DONE = 5


def main() -> None:
    from probation_desk.services.desk import Desk
    from probation_desk.services.lifecycle import open_database

    url, folder, letter = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    desk = Desk(open_database(url), actor=f"Writer {letter}", clock=fixed_clock(TODAY))
    out: dict[str, Any] = {"added": [], "explained": [], "unexpected": []}
    after = 0
    started = time.monotonic()
    for i in range(MAX_ROUNDS):
        crn = f"{letter}{i:06d}"
        try:
            desk.add_person(PersonDetails(crn, "Restore Racer", dt.date(1990, 1, 1),
                                          "Wales", "Cardiff", "PP"))
            out["added"].append(crn)
        except Exception as exc:  # sorted below: words, or a bug
            why = explain(exc)
            (out["explained"] if why.expected else out["unexpected"]).append(
                f"{int(why.status)}: {why.text}" if why.expected
                else f"{type(exc).__name__}: {exc}")
        if i == 3:
            (folder / f"ready.{letter}").touch()
        if (folder / "done").exists():
            after += 1
            if after >= AFTER_DONE:
                break
        if time.monotonic() - started > 120:
            break
    desk.engine.dispose()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
