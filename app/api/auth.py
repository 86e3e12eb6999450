"""Bearer tokens: a token acts as its user, with that user's roles. Cookies are never accepted here."""

from __future__ import annotations

import secrets
from functools import wraps

from flask import abort, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.models.user import ApiToken, User


def issue_token(session: Session, user: User, *, clock: Clock, name: str = "") -> str:
    """Create a token for the user; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=ApiToken.hash(token), name=name, created_at=clock.now()))
    session.commit()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    if row is None or row.revoked or not row.user.is_active:
        return None
    return row.user


def api_roles(*roles: str):
    """Deny by default: a valid token whose user holds one of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from app.extensions import db

            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            user = user_for_token(db.session, token.strip()) if scheme.lower() == "bearer" and token else None
            if user is None:
                abort(401)
            if not user.has_any_role(roles):
                abort(403)
            g.api_user = user
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped  # put directly under @blp.route: the token is checked before the input is parsed

    return decorator
