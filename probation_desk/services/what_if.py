"""What a withdrawal would touch, asked before it happens: the open NSIs on a toolkit that
would need closing or switching if it were withdrawn on one date with a close-by date,
counted by region and practitioner, listable and exportable as CSV.

It only reads (one read transaction): nothing is changed, not even a counter. The rules are
the domain's (``domain.catalogue.proposed_withdrawal`` and ``finishes_by``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from probation_desk.domain.catalogue import Toolkit, finishes_by, proposed_withdrawal
from probation_desk.domain.dates import uk
from probation_desk.domain.nsi import Status
from probation_desk.services.desk import Desk
from probation_desk.services.review import neutralise
from probation_desk.store.models import Nsi, Person


@dataclass(frozen=True)
class WhatIfRow:
    """One open NSI on the toolkit."""

    nsi_id: int
    crn: str
    name: str
    region: str
    practitioner: str
    status: Status
    referral_date: dt.date | None
    expected_end: dt.date | None
    needs_action: bool
    """True when it is not expected to end by the close-by date: it would need closing,
    or switching to an approved toolkit."""

    @property
    def ref(self) -> str:
        """The NSI's reference."""
        return f"N{self.nsi_id}"


@dataclass(frozen=True)
class WhatIf:
    """The answer: every open NSI on the toolkit, and the counts of those needing action."""

    toolkit: Toolkit
    rows: list[WhatIfRow]
    by_region: Counter[str] = field(default_factory=Counter)
    by_practitioner: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def needing_action(self) -> int:
        """How many would need closing or switching."""
        return sum(1 for r in self.rows if r.needs_action)

    def summary(self) -> str:
        """One sentence for the window and the command line."""
        kit = self.toolkit
        assert kit.withdrawn_from is not None and kit.close_by is not None
        return (f"If the {kit.titled} were withdrawn on {uk(kit.withdrawn_from)} with a "
                f"close-by date of {uk(kit.close_by)}: {len(self.rows):,} open NSI(s) on it, "
                f"{self.needing_action:,} of them not expected to end by then (they would "
                "need closing or switching to an approved toolkit). Nothing was changed.")


def what_if(desk: Desk, toolkit: str, withdrawn_on: dt.date, close_by: dt.date, *,
            region: str = "") -> WhatIf:
    """The open NSIs on ``toolkit`` a withdrawal on ``withdrawn_on`` would touch."""
    kit = proposed_withdrawal(desk.toolkit(toolkit.upper()), withdrawn_on, close_by,
                              desk.today)
    assert kit.close_by is not None
    q = (select(Nsi.id, Person.crn, Person.name, Person.region, Person.practitioner,
                Nsi.status, Nsi.referral_date, Nsi.expected_end)
         .join(Person, Person.id == Nsi.person_id)
         .where(Nsi.active.is_(True), Nsi.toolkit == kit.code)
         .order_by(Person.region, Person.practitioner, Person.crn, Nsi.id))
    if region:
        q = q.where(Person.region == region)
    with desk._read() as s:
        found = s.execute(q).all()
    rows = [WhatIfRow(r.id, r.crn, r.name, r.region, r.practitioner, Status[r.status],
                      r.referral_date, r.expected_end,
                      not finishes_by(r.expected_end, kit.close_by)) for r in found]
    result = WhatIf(kit, rows)
    for r in rows:
        if r.needs_action:
            result.by_region[r.region] += 1
            result.by_practitioner[r.region, r.practitioner] += 1
    return result


COLUMNS = ("NSI", "CRN", "Name", "Region", "Practitioner", "Status", "Referred",
           "Expected end", "Needs closing or switching")


def write_csv(result: WhatIf, out: str | Path) -> None:
    """The list as CSV (UTF-8 with a byte order mark, formula cells neutralised, owner-only)."""
    from probation_desk.private_files import private_file

    with private_file(out, text=True, encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in result.rows:
            w.writerow([neutralise(c) for c in (
                r.ref, r.crn, r.name, r.region, r.practitioner, r.status.value,
                uk(r.referral_date) if r.referral_date else "",
                uk(r.expected_end) if r.expected_end else "",
                "Yes" if r.needs_action else "No")])
