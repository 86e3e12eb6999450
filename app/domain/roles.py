"""Staff roles. The codes are a public contract (CLI flags, API)."""

from __future__ import annotations

from enum import StrEnum


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


# Russian names are the defaults shown when no translation is active; views translate via gettext.
ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.RECEPTION: "Reception",
    Role.SALES_MANAGER: "Sales manager",
    Role.SERVICE_ADVISOR: "Service advisor",
    Role.SERVICE_ADMIN: "Service administrator",
    Role.CALL_CENTER: "Call-centre manager",
    Role.SUPERVISOR: "Supervisor",
}

ALL_ROLES = frozenset(Role)
STAFF_ROLES = ALL_ROLES
