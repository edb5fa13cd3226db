"""Lines of an older format version, brought up to the current one before they are checked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import msgspec

from probation_desk.services import import_format as fmt
from probation_desk.services.transfer.common import (
    Refusal,
)
from probation_desk.services.transfer.keys import refuse_repeat, repeated_key

_LETTERS = {"module_session": "S", "contact": "C", "si_referral": "R", "sign_off": "SO"}


_MINUTES = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d$")


class _Upgrade:
    """Brings a line of an older format version (or a plain dict) to the current one."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], int] = defaultdict(int)

    def __call__(self, obj: Any) -> Any:
        if not isinstance(obj, dict):
            return obj
        kind = obj.get("type")
        if kind == "activity":  # version 1: a past contact, as migration 0010 maps it
            known = {"type", "crn", "order", "nsi", "date", "rar_activity", "attended",
                     "description"}
            attended = obj.get("attended", True)
            day = obj.get("date")
            obj = {"type": "contact", "crn": obj.get("crn"), "order": obj.get("order"),
                   "nsi": obj.get("nsi"),
                   "contact_type": "TOOLKIT_SESSION" if obj.get("nsi") else "OTHER",
                   "at": f"{day}T00:00:00" if isinstance(day, str) else day,
                   "rar_activity": obj.get("rar_activity", True),
                   "notes": obj.get("description"),
                   "outcome": ("ATTENDED_COMPLIED" if attended is True else
                               "ACCEPTABLE_ABSENCE" if attended is False else attended),
                   "absence_reason": None if attended is True else "OTHER",
                   **{k: v for k, v in obj.items() if k not in known}}
            kind = "contact"
        if kind == "contact" and isinstance(obj.get("at"), str) and _MINUTES.match(obj["at"]):
            obj = {**obj, "at": obj["at"] + ":00"}
        letter = _LETTERS.get(kind) if isinstance(kind, str) else None
        if letter is not None and "ref" not in obj:
            crn = str(obj.get("crn"))
            self.numbers[crn, letter] += 1
            obj = {**obj, "ref": f"{crn}/{letter}{self.numbers[crn, letter]}"}
        return obj


def upgrade(obj: Any) -> Any:
    """A plain dict record in the current format (refs it lacks are numbered from 1)."""
    return _Upgrade()(obj)


def _convert(number: int, obj: Any) -> Any:
    """Check a decoded value against the format strictly: a record or a Refusal."""
    try:
        return msgspec.convert(obj, fmt.Record, strict=True)
    except msgspec.ValidationError as exc:
        rule, where, reason = fmt.describe(exc, msgspec.json.encode(obj))
        return Refusal(number, rule, reason, where)


def _read_older(lines: Iterator[tuple[int, bytes | Refusal]]) -> Iterator[tuple[int, Any]]:
    """Lines of an older version: decoded, brought up to date, then checked as strictly."""
    upgrade_line = _Upgrade()
    for number, raw in lines:
        if isinstance(raw, Refusal):
            yield number, raw
            continue
        if not raw.strip():
            continue
        try:
            obj = msgspec.json.decode(raw)
        except msgspec.DecodeError as exc:
            rule, where, reason = fmt.describe(exc, raw)
            yield number, Refusal(number, rule, reason, where)
            continue
        key = repeated_key(raw)
        if key is not None:
            yield number, refuse_repeat(number, key)
            continue
        yield number, _convert(number, upgrade_line(obj))
