"""The toolkit catalogue: which toolkits exist and their lifecycle dates.

The catalogue is data (``resources/toolkits.json``): withdrawing a toolkit on a date
is an edit to that file, never a code change.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from probation_desk.domain.dates import uk_long
from probation_desk.domain.errors import RuleViolation


def toolkit_words(name: str) -> str:
    """'Chemsex toolkit', but 'Skills for Relationships Toolkit' (never 'Toolkit toolkit')."""
    return name if name.casefold().endswith("toolkit") else f"{name} toolkit"


@dataclass(frozen=True)
class OutcomeRule:
    """An outcome an NSI type allows, as the catalogue file lists it.

    ``code`` is the outcome's name (``domain.nsi.Outcome``); ``manual`` is False for
    outcomes only Probation Desk sets (a switch, the sweep); ``withdrawn_only`` limits it
    to toolkits that have been withdrawn.
    """

    code: str
    manual: bool = True
    withdrawn_only: bool = False


DEFAULT_OUTCOMES = (
    OutcomeRule("COMPLETED"), OutcomeRule("NOT_COMPLETED"), OutcomeRule("NOT_SUITABLE"),
    OutcomeRule("ORDER_ENDED"), OutcomeRule("TOOLKIT_WITHDRAWN", withdrawn_only=True),
    OutcomeRule("TRANSFERRED", manual=False),
    OutcomeRule("AUTO_CLOSED", manual=False, withdrawn_only=True),
    OutcomeRule("DUPLICATE", manual=False),
)
"""The outcomes of a toolkit built in code (tests); the shipped catalogue lists its own."""


class Lifecycle(Enum):
    """Where a toolkit stands on a given day."""

    NOT_YET_AVAILABLE = "not yet available"
    APPROVED = "approved"
    WITHDRAWN_CLOSING = "withdrawn: in-flight NSIs may finish"
    WITHDRAWN_CLOSED = "withdrawn: close-by date passed"


@dataclass(frozen=True)
class Toolkit:
    """One toolkit of the Approved Suite, with its lifecycle dates."""

    code: str
    name: str
    available_from: dt.date
    withdrawn_from: dt.date | None = None
    close_by: dt.date | None = None
    resource_pack: bool = False
    assumptions: str = ""
    outcomes: tuple[OutcomeRule, ...] = DEFAULT_OUTCOMES

    @property
    def titled(self) -> str:
        """The toolkit named for a sentence: 'Chemsex toolkit'."""
        return toolkit_words(self.name)

    def allowed_outcomes(self, today: dt.date, *, manual_only: bool = False) -> tuple[str, ...]:
        """Codes of the outcomes an NSI of this toolkit may end with on ``today``.

        Outcomes marked ``withdrawn_only`` are offered only once the toolkit has been
        withdrawn; ``manual_only`` leaves out those only Probation Desk itself sets.
        """
        withdrawn = self.is_withdrawn(today)
        return tuple(o.code for o in self.outcomes
                     if (withdrawn or not o.withdrawn_only) and (o.manual or not manual_only))

    def lifecycle(self, today: dt.date) -> Lifecycle:
        """The toolkit's state on ``today``."""
        if today < self.available_from:
            return Lifecycle.NOT_YET_AVAILABLE
        if self.withdrawn_from is None or today < self.withdrawn_from:
            return Lifecycle.APPROVED
        if self.close_by is None or today <= self.close_by:
            return Lifecycle.WITHDRAWN_CLOSING
        return Lifecycle.WITHDRAWN_CLOSED

    def is_withdrawn(self, today: dt.date) -> bool:
        """True once the withdrawal date has come."""
        return self.withdrawn_from is not None and today >= self.withdrawn_from

    def is_selectable(self, today: dt.date) -> bool:
        """True when a new NSI may be opened on this toolkit today."""
        return self.lifecycle(today) is Lifecycle.APPROVED

    def past_close_by(self, today: dt.date) -> bool:
        """True when in-flight NSIs should already have been closed."""
        return self.lifecycle(today) is Lifecycle.WITHDRAWN_CLOSED

    def withdrawal_summary(self, today: dt.date | None = None) -> str:
        """One line for the banner: the toolkit, its withdrawal date and its close-by date.

        Worded in the future tense before the dates come, so practitioners are warned
        ahead of a withdrawal as well as after it.
        """
        if self.withdrawn_from is None:
            return f"{self.titled} is approved"
        ahead = today is not None and today < self.withdrawn_from
        verb = "will be withdrawn on" if ahead else "withdrawn"
        text = f"{self.titled} {verb} {uk_long(self.withdrawn_from)}"
        if self.close_by is not None:
            if today is not None and today <= self.close_by:
                text += f"; open NSIs must be closed by {uk_long(self.close_by)}"
            else:
                text += f"; open NSIs had to close by {uk_long(self.close_by)}"
        return text


def proposed_withdrawal(kit: Toolkit, withdrawn_on: dt.date, close_by: dt.date,
                        today: dt.date) -> Toolkit:
    """The toolkit as it would be if withdrawn on ``withdrawn_on`` with NSIs to close by
    ``close_by`` (a question about the future: nothing is changed); refused in words when
    the dates cannot be a withdrawal."""
    if kit.withdrawn_from is not None and kit.withdrawn_from <= today:
        raise RuleViolation(
            "already-withdrawn", f"The {kit.titled} was already withdrawn on "
            f"{uk_long(kit.withdrawn_from)}: the Worklist lists its open NSIs.", "toolkit")
    if withdrawn_on < kit.available_from:
        raise RuleViolation(
            "dates-out-of-order", f"The {kit.titled} is only available from "
            f"{uk_long(kit.available_from)}, so it cannot be withdrawn before then.",
            "withdrawn_on")
    if close_by < withdrawn_on:
        raise RuleViolation(
            "dates-out-of-order", f"The close-by date ({uk_long(close_by)}) is before the "
            f"withdrawal ({uk_long(withdrawn_on)}).", "close_by")
    return replace(kit, withdrawn_from=withdrawn_on, close_by=close_by)


def finishes_by(expected_end: dt.date | None, close_by: dt.date) -> bool:
    """Whether an open NSI is expected to end by the close-by date (it may finish as
    planned); any other open NSI would need closing or switching to an approved toolkit."""
    return expected_end is not None and expected_end <= close_by


def _outcome_rules(data: dict[str, Any]) -> tuple[OutcomeRule, ...]:
    rows = data.get("outcomes")
    if rows is None:
        return DEFAULT_OUTCOMES
    rules = tuple(OutcomeRule(code=str(r["code"]), manual=bool(r.get("manual", True)),
                              withdrawn_only=bool(r.get("withdrawn_only", False)))
                  for r in rows)
    known = {o.code for o in DEFAULT_OUTCOMES}
    unknown = [r.code for r in rules if r.code not in known]
    if unknown:
        raise ValueError(f"unknown outcome codes in the catalogue: {', '.join(unknown)}")
    return rules


def _date(value: Any) -> dt.date | None:
    return None if value in (None, "") else dt.date.fromisoformat(str(value))


@dataclass(frozen=True)
class Catalogue:
    """All toolkits, looked up by code."""

    nsi_type: str
    toolkits: tuple[Toolkit, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Catalogue:
        """Build from the JSON structure of ``resources/toolkits.json``."""
        kits = []
        type_outcomes = _outcome_rules(data)
        for row in data["toolkits"]:
            outcomes = type_outcomes
            if "outcomes" in row:  # a toolkit may allow only some of its type's outcomes
                wanted = set(row["outcomes"])
                missing = wanted - {o.code for o in type_outcomes}
                if missing:
                    raise ValueError(f"toolkit {row['code']}: outcomes not of its type: "
                                     f"{', '.join(sorted(missing))}")
                outcomes = tuple(o for o in type_outcomes if o.code in wanted)
            if row.get("allow_duplicates"):
                # The database keeps one open NSI per person and toolkit (a partial unique
                # index, on SQLite and PostgreSQL): a toolkit cannot promise a second one.
                raise ValueError(
                    f"toolkit {row['code']}: allow_duplicates is not supported. Probation "
                    "Desk keeps one open NSI per person and toolkit, and the database "
                    "enforces it; remove the option (close the open NSI before opening "
                    "another).")
            withdrawn = _date(row.get("withdrawn_from"))
            close_by = _date(row.get("close_by"))
            if close_by is not None and (withdrawn is None or close_by < withdrawn):
                raise ValueError(f"toolkit {row['code']}: close_by must follow withdrawn_from")
            kits.append(
                Toolkit(
                    code=row["code"],
                    name=row["name"],
                    available_from=_date(row.get("available_from")) or dt.date(2000, 1, 1),
                    withdrawn_from=withdrawn,
                    close_by=close_by,
                    resource_pack=bool(row.get("resource_pack", False)),
                    assumptions=str(row.get("assumptions", "")),
                    outcomes=outcomes,
                )
            )
        codes = [k.code for k in kits]
        if len(set(codes)) != len(codes):
            raise ValueError("toolkit codes must be unique")
        return cls(nsi_type=str(data.get("nsi_type", "Toolkit")), toolkits=tuple(kits))

    def get(self, code: str) -> Toolkit:
        """The toolkit with ``code``, or a refusal naming the unknown code."""
        for kit in self.toolkits:
            if kit.code == code:
                return kit
        raise RuleViolation(
            "unknown-toolkit",
            f"There is no toolkit with the code '{code}' in the Approved Suite.",
            "toolkit",
        )

    def by_name(self, name: str) -> Toolkit:
        """The toolkit whose name (or code) matches, ignoring case."""
        wanted = name.strip().casefold()
        for kit in self.toolkits:
            if wanted in (kit.name.casefold(), kit.code.casefold()):
                return kit
        return self.get(name)

    def selectable(self, today: dt.date) -> list[Toolkit]:
        """Toolkits a new NSI may be opened on today (withdrawn ones left out)."""
        return [k for k in self.toolkits if k.is_selectable(today)]

    def withdrawn(self, today: dt.date) -> list[Toolkit]:
        """Toolkits withdrawn on or before today."""
        return [k for k in self.toolkits if k.is_withdrawn(today)]

    def with_withdrawal(self) -> list[Toolkit]:
        """Toolkits that have a withdrawal date, past or coming."""
        return [k for k in self.toolkits if k.withdrawn_from is not None]

    def past_close_by(self, today: dt.date) -> list[Toolkit]:
        """Toolkits whose in-flight NSIs must now be closed by the sweep."""
        return [k for k in self.toolkits if k.past_close_by(today)]


def resources_dir() -> Path:
    """The folder shipped resources are read from (see :mod:`probation_desk.resources`)."""
    from probation_desk.resources import resource_path

    return resource_path("toolkits.json").parent


@cache
def load_catalogue(path: str | None = None) -> Catalogue:
    """Read the catalogue file (cached)."""
    file = Path(path) if path else resources_dir() / "toolkits.json"
    return Catalogue.from_dict(json.loads(file.read_text(encoding="utf-8")))
