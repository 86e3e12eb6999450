"""Creating users and managing their roles and passwords."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, load_only

from app.clock import Clock
from app.domain.errors import Conflict, NotFound, ValidationFailed
from app.domain.i18n import N_
from app.domain.roles import Role as RoleCode
from app.models.user import Role, User

MIN_PASSWORD_LENGTH = 8


def ensure_roles(session: Session) -> None:
    existing = set(session.scalars(select(Role.code)))
    for code in RoleCode:
        if code.value not in existing:
            session.add(Role(code=code.value, name=code.label))
    session.flush()


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("The password must be at least 8 characters long.")
    return None


def roles_by_code(session: Session, codes: Iterable[str]) -> list[Role]:
    codes = list(dict.fromkeys(codes))
    unknown = [c for c in codes if c not in {r.value for r in RoleCode}]
    if unknown:
        raise ValidationFailed(N_("Unknown role: %(codes)s."), codes=", ".join(unknown))
    ensure_roles(session)
    return list(session.scalars(select(Role).where(Role.code.in_(codes)).order_by(Role.id)))


def create_user(session: Session, *, username: str, password: str, roles: Iterable[str], clock: Clock,
                full_name: str = "", email: str | None = None) -> User:
    username = username.strip()
    if not username:
        raise ValidationFailed(N_("Enter a login."))
    problem = password_problem(password)
    if problem:
        raise ValidationFailed(problem)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(N_("The login «%(username)s» is taken."), username=username)
    user = User(username=username, full_name=full_name, email=email, active=True, created_at=clock.now())
    user.set_password(password)
    user.roles = roles_by_code(session, roles)
    session.add(user)
    session.commit()
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(N_("No user «%(username)s»."), username=username)
    return user


def set_password(session: Session, username: str, password: str) -> User:
    problem = password_problem(password)
    if problem:
        raise ValidationFailed(problem)
    user = get_user(session, username)
    user.set_password(password)  # also rotates the session token: other sessions end
    session.commit()
    return user


def set_active(session: Session, username: str, active: bool) -> User:
    user = get_user(session, username)
    user.active = active
    if not active:
        user.rotate_session()
    session.commit()
    return user


NO_SUCH_EMPLOYEE = N_("Choose an active employee.")


def _active(roles: tuple[str, ...]):
    query = select(User).where(User.active.is_(True))
    return query.where(User.roles.any(Role.code.in_(roles))) if roles else query


def active_staff(session: Session, *roles: str) -> list[User]:
    """The active employees (with any of `roles`, when given) in the order pickers show them: by name.
    A pick-list shows an id and a name: only those columns are read, and nobody's roles (a dealer group has
    hundreds of employees; what else a page asks of one of them is read when asked)."""
    query = _active(roles).options(load_only(User.id, User.username, User.full_name, User.active),
                                   lazyload(User.roles))
    return list(session.scalars(query.order_by(User.full_name, User.username)))


def active_staff_ids(session: Session, *roles: str) -> list[int]:
    """The ids of the active employees with any of `roles` (everyone active when none), by id."""
    return list(session.scalars(_active(roles).with_only_columns(User.id).order_by(User.id)))


def active_employee(session: Session, user_id: int | None) -> User | None:
    """The active user a document points at (responsible, advisor…), or None when there is none such:
    a reference is checked here, never left for the database's foreign key to refuse."""
    user = session.get(User, user_id) if user_id else None
    return user if user is not None and user.active else None
