"""Committing with optimistic locking: a concurrent change becomes a clear `Conflict`, never a 500."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import Conflict, NotFound


def commit_or_conflict(session: Session, message: str, *, unique_clash: bool = False) -> None:
    """Commit; a stale version (and, with `unique_clash`, a duplicate key) rolls back and raises Conflict."""
    caught: tuple[type[Exception], ...] = (StaleDataError, IntegrityError) if unique_clash else (StaleDataError,)
    try:
        session.commit()
    except caught:
        session.rollback()
        raise Conflict(message) from None


Row = TypeVar("Row")


def get_versioned(session: Session, model: type[Row], row_id: int, *, version: int | None, missing: str,
                  stale: str) -> Row:
    """The row the user saw: NotFound when gone, Conflict when someone changed it since (`version` given)."""
    row: Any = session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    if version is not None and version != row.version:
        raise Conflict(stale)
    return row
