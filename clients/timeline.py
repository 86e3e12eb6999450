"""One timeline of everything that happened with a client.

Each kind of record contributes a source: a function (session, client_id, limit) → its newest items.
Every wing adds its own at start-up (`add_timeline_sources` from its `register(app)`); this module
imports none of them. The card and the API read the merged list. The cost is one statement per source.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.i18n import N_, Message
from app.registry import add_once
from clients.labels import EVENT_KIND_LABELS


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # a stable code: booking, work_order, repair_visit, work_sheet, reservation, event, message, …
    summary: Message
    document: tuple[str, int] | None = None  # (endpoint of its admin view, id) to link to
    details: dict[str, Any] = field(default_factory=dict)


TimelineSource = Callable[[Session, int, int], list[TimelineItem]]


def add_timeline_sources(app: Flask, sources: dict[str, TimelineSource]) -> None:
    """A wing's sources, in the order given; a kind belongs to one wing only."""
    add_once(app.extensions.setdefault("timeline_sources", {}), sources, what="timeline kind")


def client_timeline(session: Session, client_id: int, *, limit: int = 50, offset: int = 0) -> list[TimelineItem]:
    """The newest `limit` items after skipping `offset`, newest first, across every source."""
    wanted = offset + limit
    sources = current_app.extensions.get("timeline_sources", {}).values()
    streams = [source(session, client_id, wanted) for source in sources]
    merged = heapq.merge(*streams, key=lambda item: item.at, reverse=True)
    return list(merged)[offset:wanted]


def _events(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    from clients.models import ClientEvent

    rows = session.execute(
        select(ClientEvent.id, ClientEvent.at, ClientEvent.kind, ClientEvent.summary, ClientEvent.status)
        .where(ClientEvent.client_id == client_id).order_by(ClientEvent.at.desc(), ClientEvent.id.desc()).limit(limit))
    return [TimelineItem(at, "event", Message(N_("%(kind)s: %(summary)s"), {"kind": Message(EVENT_KIND_LABELS.get(
        kind, kind)), "summary": summary}), details={"id": id_, "status": status}) for id_, at, kind, summary, status
            in rows]


def _messages(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    from app.messaging.models import OutboxMessage

    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.created_at, OutboxMessage.channel, OutboxMessage.recipient,
               OutboxMessage.status, OutboxMessage.body)
        .where(OutboxMessage.client_id == client_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit))
    return [TimelineItem(at, "message", Message(N_("Message to %(recipient)s: %(body)s"),
                                                {"recipient": recipient, "body": body[:120]}),
                         document=("outboxmessage", id_), details={"channel": channel, "status": status})
            for id_, at, channel, recipient, status, body in rows]


TIMELINE_SOURCES = {"event": _events, "message": _messages}
