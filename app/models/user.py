"""Staff users, their roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain.roles import Role as RoleCode
from app.extensions import db
from app.models.base import UTCDateTime

user_roles = Table(
    "user_role",
    db.metadata,
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", Integer, ForeignKey("role.id", ondelete="RESTRICT"), primary_key=True),
)


class Role(db.Model):
    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))

    def __str__(self) -> str:
        try:
            return gettext(RoleCode(self.code).label)
        except ValueError:
            return self.name


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __audited__ = True
    __audit_exclude__ = ("password_hash", "session_token", "totp_secret", "totp_last_step")

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The second factor: the TOTP secret (set at enrolment, active once confirmed with a code) and the last
    # 30-second step whose code was accepted (a code is good once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin", order_by=Role.id)

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled users cannot log in or keep a session
        return bool(self.active)

    def get_id(self) -> str:
        # The session token rotates on password change and disabling, which logs out other sessions.
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.rotate_session()

    def rotate_session(self) -> None:
        """Invalidate every existing session of this user (they carry the old token)."""
        self.session_token = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_codes(self) -> frozenset[str]:
        return frozenset(role.code for role in self.roles)

    def has_any_role(self, roles) -> bool:
        return bool(self.role_codes & {str(r) for r in roles})


class RecoveryCode(db.Model):
    """One unused recovery code of a user's second factor (only its SHA-256); using it deletes the row."""

    __tablename__ = "user_recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash", name="uq_user_recovery_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
