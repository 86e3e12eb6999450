"""In-app notifications: one row per user and event, written in the caller's transaction.

The idempotency key makes a notification at most once per event, even when the code that sends it
runs twice (a timer fired again after a crash, two workers).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.clock import Clock
from app.domain.i18n import Message, plain_params, stored_message
from app.notifications.models import Notification


def notify(session: Session, user_ids: Iterable[int | None], *, kind: str, message: Message, key: str,
           clock: Clock, target: tuple[str, int] | None = None) -> list[Notification]:
    """Add a notification for each user unless one with the same key exists (flushed, not committed)."""
    made = []
    for user_id in dict.fromkeys(u for u in user_ids if u is not None):
        full_key = f"{key}:{user_id}"
        if session.scalar(select(Notification.id).where(Notification.idempotency_key == full_key)) is not None:
            continue
        note = Notification(user_id=user_id, kind=kind, text=message.text, params=plain_params(message.params),
                            target_type=target[0] if target else "", target_id=target[1] if target else None,
                            idempotency_key=full_key, created_at=clock.now())
        session.add(note)
        made.append(note)
    session.flush()
    return made


def message_of(note: Notification) -> Message:
    """The notification's text as a Message again (translated and zone-formatted where it is shown)."""
    return stored_message(note.text, note.params)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def recent(session: Session, user_id: int, limit: int = 50) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.id.desc()).limit(limit)))


def unread(session: Session, user_id: int, limit: int = 50) -> list[Notification]:
    """The user's unread notifications, newest first."""
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id,
                                                           Notification.read_at.is_(None))
                                .order_by(Notification.id.desc()).limit(limit)))


def mark_read(session: Session, user_id: int, notification_ids: Iterable[int] | None, *, clock: Clock) -> int:
    statement = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_ids is not None:
        statement = statement.where(Notification.id.in_(list(notification_ids)))
    done = session.execute(statement.values(read_at=clock.now()).execution_options(synchronize_session=False))
    session.commit()
    return done.rowcount
