"""Committing with optimistic locking: a concurrent change becomes a clear `Conflict`, never a 500."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import Conflict


def commit_or_conflict(session: Session, message: str, *, unique_clash: bool = False) -> None:
    """Commit; a stale version (and, with `unique_clash`, a duplicate key) rolls back and raises Conflict."""
    caught: tuple[type[Exception], ...] = (StaleDataError, IntegrityError) if unique_clash else (StaleDataError,)
    try:
        session.commit()
    except caught:
        session.rollback()
        raise Conflict(message) from None
