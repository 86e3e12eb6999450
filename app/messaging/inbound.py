"""A client's reply through the provider's webhook: stored once per provider message id, then told to the wings
that listen (the leads stop their cadences). One use case, one commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import Clock
from app.messaging.models import InboundMessage
from app.messaging.service import find_message

SenderResolver = Callable[[Session, str, str], Any]  # (session, "phone" | "email", sender) -> the client or None
ReplyListener = Callable[..., Any]  # (session, *, client_id, inbound_id, clock); flushes, never commits


def set_sender_resolver(app: Flask, resolver: SenderResolver) -> None:
    """Who a phone or an e-mail address belongs to (the clients wing answers)."""
    app.extensions["messaging_sender_resolver"] = resolver


def add_reply_listener(app: Flask, listener: ReplyListener) -> None:
    app.extensions.setdefault("messaging_reply_listeners", []).append(listener)


def _client_of(session: Session, channel: str, sender: str):
    resolver = current_app.extensions.get("messaging_sender_resolver")
    if resolver is None:
        return None
    return resolver(session, "email" if channel == "email" else "phone", sender)


def record_reply(session: Session, *, provider_message_id: str, sender: str, body: str, clock: Clock,
                 channel: str | None = None, received_at: datetime | None = None,
                 in_reply_to_key: str | None = None) -> tuple[InboundMessage, bool]:
    """Store a client's reply from the provider (flushed, not committed). Returns (row, created): the same
    provider message id again returns the stored row. The client is the sender's (by phone or e-mail),
    else the client of the message replied to."""
    existing = session.scalar(select(InboundMessage).where(InboundMessage.provider_message_id == provider_message_id))
    if existing is not None:
        return existing, False
    replied = find_message(session, idempotency_key=in_reply_to_key) if in_reply_to_key else None
    channel = channel or (replied.channel if replied is not None else ("email" if "@" in sender else "sms"))
    client = _client_of(session, channel, sender)
    client_id = client.id if client is not None else (replied.client_id if replied is not None else None)
    row = InboundMessage(provider_message_id=provider_message_id, channel=channel, sender=sender.strip()[:200],
                         body=body, received_at=received_at or clock.now(), client_id=client_id,
                         in_reply_to_id=replied.id if replied is not None else None)
    session.add(row)
    session.flush()
    return row, True


def receive_reply(session: Session, *, clock: Clock, **fields) -> tuple[InboundMessage, bool]:
    """Store the reply and tell the listeners, in one commit. The same reply arriving twice at once: the loser
    of the unique key reads the winner's row."""
    try:
        reply, created = record_reply(session, clock=clock, **fields)
        if created and reply.client_id is not None:
            for listener in current_app.extensions.get("messaging_reply_listeners", []):
                listener(session, client_id=reply.client_id, inbound_id=reply.id, clock=clock)
        session.commit()
    except IntegrityError:
        session.rollback()  # the other request stored it
        reply, created = record_reply(session, clock=clock, **fields)
        if created:
            raise
    return reply, created
