"""What an import reports (refusals, results) and what its parts share: the tables' column
order, the audit's action names, and the checks that refuse a value it would change.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select

from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import SupporterRole
from probation_desk.domain.nsi import Outcome, Status
from probation_desk.domain.people import (
    Language,
    OrderKind,
    PrintNeeds,
)
from probation_desk.domain.review import SignOffKind
from probation_desk.domain.text import clean_text
from probation_desk.services import import_format as fmt
from probation_desk.store.bulk import insert_sql
from probation_desk.store.models import (
    AuditEntry,
    Base,
    Contact,
    ContactCorrection,
    ModuleSessionRow,
    Nsi,
    NsiStatusHistory,
    Order,
    Person,
    SignOff,
    SiReferral,
    table_of,
)

FORMAT_VERSION = fmt.FORMAT_VERSION


RECORD_TYPES = ("header", *fmt.RECORD_TYPES)


logger = logging.getLogger("probation_desk")


MAX_LINE_BYTES = 1 << 20
"""The longest line read (1 MiB: far above the longest valid record); longer is refused."""


_COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("id", "crn", "name", "name_key", "date_of_birth", "region", "pdu",
               "practitioner", "language", "print_needs", "open_nsis", "module_status",
               "module_completed_on"),
    "sentence_order": ("id", "ref", "person_id", "kind", "start_date", "end_date",
                       "rar_max_days", "rar_terminated_on", "rar_termination_reason"),
    "nsi": ("id", "ref", "person_id", "order_id", "toolkit", "status", "status_date",
            "referral_date", "expected_start", "expected_end", "actual_start", "actual_end",
            "outcome", "notes", "practitioner", "active", "previous_nsi_id", "version"),
    "nsi_status_history": ("id", "nsi_id", "status", "status_date", "recorded_by",
                           "recorded_at", "note"),
    "module_session": ("id", "ref", "person_id", "session_date", "supporter_role",
                       "supporter_name", "completed", "notes", "withdrawn_on",
                       "withdrawn_reason"),
    "contact": ("id", "ref", "person_id", "order_id", "nsi_id", "contact_type", "at",
                "rar_activity", "notes", "outcome", "absence_reason", "cancelled_on",
                "cancel_reason", "created_by", "created_at", "version"),
    "contact_correction": ("id", "contact_id", "at", "by_name", "text"),
    "si_referral": ("id", "ref", "person_id", "need_area", "name", "referral_date",
                    "start_date"),
    "sign_off": ("id", "ref", "person_id", "kind", "on_date", "by_name", "comment",
                 "recorded_at"),
    "audit": ("at", "actor", "action", "entity", "entity_id", "person_id", "before",
              "after"),
}
"""Storage column order of the tuples the importer builds, per table (in write order)."""


_MODELS: dict[str, type[Base]] = {
    "person": Person, "sentence_order": Order, "nsi": Nsi,
    "nsi_status_history": NsiStatusHistory, "module_session": ModuleSessionRow,
    "contact": Contact, "contact_correction": ContactCorrection, "si_referral": SiReferral,
    "sign_off": SignOff,
    "audit": AuditEntry}


_INSERT_SQL = {name: insert_sql(table_of(model).name, _COLUMNS[name])
               for name, model in _MODELS.items()}
"""The SQLite driver's INSERT for each table's tuples (the same as insert_tuples runs)."""


class BatchFailed(RuntimeError):
    """A batch of accepted records could not be written; nothing of it was saved."""

    def __init__(self, first_line: int, cause: Exception) -> None:
        super().__init__(f"batch from line {first_line} failed: {cause}")
        self.first_line = first_line


@dataclass
class Refusal:
    """One record that was not imported: its line, the field and the reason in words."""

    line: int
    rule: str
    reason: str
    field: str | None = None


@dataclass
class ImportResult:
    """What an import did."""

    accepted: int = 0
    refused: list[Refusal] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    present: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    """Records already in the database, identical to the file's (not added again)."""
    stopped: str | None = None
    cancelled: bool = False
    rechecked: int = 0
    """Batches checked again because another writer committed while they were read."""

    @property
    def already_present(self) -> int:
        """How many records were already in the database, identical."""
        return sum(self.present.values())

    def as_json(self) -> dict[str, Any]:
        """The result for ``--json`` output."""
        return {"accepted": self.accepted, "already_present": self.already_present,
                "refused": len(self.refused), "counts": dict(self.counts),
                "present": dict(self.present), "stopped": self.stopped,
                "cancelled": self.cancelled,
                "refusals": [{"line": r.line, "field": r.field, "rule": r.rule,
                              "reason": r.reason} for r in self.refused]}


def _as_given(field_name: str, label: str, given: str | None, saved: str | None) -> None:
    """Refuse a text the domain would save differently from the file (never change it)."""
    if given == saved:
        return
    if given is not None and given.strip() == "":
        why = "is empty or only spaces: leave the field out (or null) when there is none"
    elif given is not None and given != given.strip():
        why = "has spaces or line breaks at its start or end, which would not be kept"
    else:
        why = ("is not in Unicode normal form NFC, so it would be saved with different "
               "characters")
    raise RuleViolation("would-change", f"{label} {why}. Nothing was changed: correct the "
                        "file and import it again.", field_name)


_AS_GIVEN: set[tuple[str, int, bool]] = set()
"""Texts already found clean exactly as given (the check is pure: text, limit, multiline)."""


def _clean(value: str | None, field_name: str, label: str, max_len: int, *,
           multiline: bool = True, required: bool = False) -> str | None:
    if value is not None and (value, max_len, multiline) in _AS_GIVEN:
        return value
    cleaned = clean_text(value, field=field_name, label=label, max_len=max_len,
                         multiline=multiline, required=required)
    _as_given(field_name, label, value, cleaned)
    if cleaned is not None and len(cleaned) <= 300:
        if len(_AS_GIVEN) >= 50_000:
            _AS_GIVEN.clear()
        _AS_GIVEN.add((cleaned, max_len, multiline))
    return cleaned


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _differences(pairs: Iterable[tuple[str, Any, Any]]) -> list[str]:
    return [name for name, mine, theirs in pairs if mine != theirs]


_ACTIONS = {t: f"import {t}" for t in fmt.RECORD_TYPES}
# Enum members by name (the format has already checked the name is one of them): a dict
# lookup, where ``Status[name]`` goes through the enum class's Python __getitem__.


_STATUS: dict[str, Status] = dict(Status.__members__)


_OUTCOME: dict[str, Outcome] = dict(Outcome.__members__)


_LANGUAGE: dict[str, Language] = dict(Language.__members__)


_PRINT_NEEDS: dict[str, PrintNeeds] = dict(PrintNeeds.__members__)


_ORDER_KIND: dict[str, OrderKind] = dict(OrderKind.__members__)


_SUPPORTER_ROLE: dict[str, SupporterRole] = dict(SupporterRole.__members__)


_SIGN_OFF_KIND: dict[str, SignOffKind] = dict(SignOffKind.__members__)


_HISTORY_OF = (select(table_of(NsiStatusHistory))
               .where(NsiStatusHistory.nsi_id == bindparam("nsi_id"))
               .order_by(NsiStatusHistory.id))


@dataclass
class _Flight:
    """A batch handed to the writing process and not yet heard of: what it would add
    to the result, and how to check its records again if it must be."""

    first: int  # its first saved record's line
    last: int  # the last line read before it was handed over
    lines: int
    counts: dict[str, int]
    window: list[tuple[int, Any]]
    session_undo: list[int]
    marks: tuple[Any, ...]


_OPENED_SQL = 'UPDATE "person" SET open_nsis = open_nsis + ? WHERE id = ?'


_MODULE_SQL = 'UPDATE "person" SET module_status = ?, module_completed_on = ? WHERE id = ?'
