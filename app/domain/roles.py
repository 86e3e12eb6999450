"""Staff roles. The codes are a public contract (CLI flags, API)."""

from __future__ import annotations

from enum import StrEnum

from app.domain.i18n import N_


class Role(StrEnum):
    ADMIN = "admin"
    RECEPTION = "reception"
    SALES_MANAGER = "sales_manager"
    SERVICE_ADVISOR = "service_advisor"
    SERVICE_ADMIN = "service_admin"
    CALL_CENTER = "call_center"
    SUPERVISOR = "supervisor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


# English msgids; the edges translate them (Russian by default).
ROLE_LABELS = {
    Role.ADMIN: N_("Administrator"),
    Role.RECEPTION: N_("Reception"),
    Role.SALES_MANAGER: N_("Sales manager"),
    Role.SERVICE_ADVISOR: N_("Service advisor"),
    Role.SERVICE_ADMIN: N_("Service administrator"),
    Role.CALL_CENTER: N_("Call-centre manager"),
    Role.SUPERVISOR: N_("Supervisor"),
}

ALL_ROLES = frozenset(Role)


def own_account_problem(*, editing_self: bool, active: bool, role_codes: frozenset[str]) -> str | None:
    """An admin must not lock themselves out: no self-disabling, no dropping one's own admin role."""
    if editing_self and (not active or Role.ADMIN.value not in role_codes):
        return N_("You cannot disable yourself or take away your own admin role.")
    return None
STAFF_ROLES = ALL_ROLES
