"""Who takes incoming traffic, and who is told when a goal names no specialist (pure: roles and codes only)."""

from __future__ import annotations

from app.domain.roles import Role

# The roles whose people take a traffic record and work on it: they are the «Ответственный» the reception may
# pick. Administrators and the reception herself register traffic, they do not take it.
TAKE_ROLES: tuple[Role, ...] = (Role.SALES_MANAGER, Role.SERVICE_ADVISOR, Role.SERVICE_ADMIN, Role.CALL_CENTER)

# A goal's department → the roles of that department's staff (catalogs.models.DEPARTMENTS): a goal without an
# active specialist is announced to them, so a visitor is never announced to nobody.
DEPARTMENT_ROLES: dict[str, tuple[Role, ...]] = {
    "showroom": (Role.SALES_MANAGER,),
    "service": (Role.SERVICE_ADVISOR, Role.SERVICE_ADMIN),
    "parts": (Role.SERVICE_ADVISOR, Role.SERVICE_ADMIN),
    "other": TAKE_ROLES,
}


def department_roles(department: str | None) -> tuple[Role, ...]:
    """The roles told about a goal of `department` that has no specialist; every taking role for an unknown one."""
    return DEPARTMENT_ROLES.get(department or "", TAKE_ROLES)


def can_take(role_codes) -> bool:
    """Whether an employee with these role codes is one who takes traffic (a valid «Ответственный»)."""
    return any(role.value in role_codes for role in TAKE_ROLES)
