"""Who uses Probation Desk, and which actions each role may take."""

from __future__ import annotations

from enum import Enum

from probation_desk.domain.errors import PermissionRefused


class Role(Enum):
    """The roles a user can choose."""

    PRACTITIONER = "Probation practitioner"
    TREATMENT_MANAGER = "Treatment manager (Structured Interventions)"
    REGIONAL_LEAD = "Regional lead"
    ADMIN = "Administrator (all regions)"


PERSONAL_ROLES = (Role.PRACTITIONER, Role.TREATMENT_MANAGER, Role.REGIONAL_LEAD)
"""The roles offered in Settings for a personal (SQLite) database; admin is a team role."""


def require_role(role: Role, allowed: tuple[Role, ...], action: str) -> None:
    """Refuse ``action`` unless ``role`` is one of ``allowed``."""
    if role not in allowed:
        names = " or ".join(r.value.lower() for r in allowed)
        raise PermissionRefused(
            "role-not-allowed",
            f"Only a {names} can {action}. You are signed in as "
            f"{role.value.lower()}: change your role in Settings if that is wrong.",
        )
