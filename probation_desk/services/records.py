"""Plain read-only views returned by the operations (no SQLAlchemy objects leak out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from probation_desk.domain.nsi import NsiFields, Outcome, Status
from probation_desk.domain.people import Language, OrderKind, PrintNeeds
from probation_desk.domain.rar import RarSummary


@dataclass(frozen=True)
class PersonView:
    id: int
    crn: str
    name: str
    date_of_birth: dt.date | None
    region: str
    pdu: str
    practitioner: str
    language: Language
    print_needs: PrintNeeds
    open_nsis: int
    module_status: str
    module_completed_on: dt.date | None
    version: int = 1


@dataclass(frozen=True)
class OrderView:
    id: int
    person_id: int
    kind: OrderKind
    start: dt.date
    end: dt.date
    rar_max_days: int | None
    rar_terminated_on: dt.date | None = None
    rar_termination_reason: str | None = None

    @property
    def ref(self) -> str:
        """The reference the command line prints and takes (O and the id)."""
        return f"O{self.id}"


@dataclass(frozen=True)
class HistoryView:
    status: Status
    status_date: dt.date
    recorded_by: str
    recorded_at: dt.datetime
    note: str | None


@dataclass(frozen=True)
class NsiView:
    id: int
    person_id: int
    order_id: int | None
    fields: NsiFields
    status_date: dt.date
    version: int
    previous_nsi_id: int | None
    toolkit_name: str
    overdue: bool
    history: tuple[HistoryView, ...] = ()

    @property
    def status(self) -> Status:
        return self.fields.status

    @property
    def outcome(self) -> Outcome | None:
        return self.fields.outcome

    @property
    def is_open(self) -> bool:
        return self.fields.is_open


@dataclass(frozen=True)
class RarView:
    order: OrderView
    summary: RarSummary


class SweepItem(NamedTuple):
    """One NSI the sweep closes (a tuple: a sweep makes a hundred thousand of them)."""

    nsi_id: int
    person_id: int
    toolkit: str
    close_date: dt.date


@dataclass(frozen=True)
class SweepResult:
    closed: int
    dry_run: bool
    items: list[SweepItem] = field(default_factory=list)
    cancelled: bool = False


@dataclass(frozen=True)
class SiReferralView:
    id: int
    person_id: int
    need_area: str
    name: str
    referral_date: dt.date
    start_date: dt.date | None


@dataclass(frozen=True)
class AuditView:
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class TeamLogin:
    """Who the PostgreSQL server says is connected (a team database)."""

    login: str
    role: Any  # domain Role, or None when the login is in no Probation Desk role
    region: str | None
    read_all_regions: bool
    server: str
    database: str
    owner: bool  # the schema's owner or a superuser: IT, not a person's day-to-day login
    may_migrate: bool = False
    """May change the schema (so pg_dump can take the whole database): ``server.may_migrate``."""

    @property
    def enforced(self) -> bool:
        """True when the server holds this login to a role (grants and row-level security)."""
        return self.role is not None and not self.owner

    def signed_in_text(self) -> str:
        """'Signed in as NAME (ROLE) on SERVER/DB', from what the server says."""
        if self.role is not None:
            role = self.role.value
        elif self.owner:
            role = "database owner: IT, not for day-to-day work"
        else:
            role = "no Probation Desk role on this server"
        return f"Signed in as {self.login} ({role}) on {self.server}/{self.database}"
