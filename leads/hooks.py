"""What leads add to the client timeline: the events of the client's leads (contacts, meetings, cadences)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.i18n import N_, Message
from clients.timeline import TimelineItem
from leads.labels import EVENT_LABELS
from leads.models import Lead, LeadEvent

SHOWN = ("created", "no_meeting_set", "meeting_set", "contact_made", "not_reached", "no_show", "meeting_held",
         "message_reply", "closed", "cadence_started", "cadence_stopped")


def _lead_events(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(
        select(LeadEvent.at, LeadEvent.type, LeadEvent.lead_id)
        .join(Lead, Lead.id == LeadEvent.lead_id)
        .where(Lead.client_id == client_id, LeadEvent.type.in_(SHOWN))
        .order_by(LeadEvent.at.desc(), LeadEvent.id.desc()).limit(limit))
    return [TimelineItem(at, "lead", Message(N_("Lead %(number)s: %(event)s"), {
        "number": f"ЛД-{lead_id:06d}", "event": Message(EVENT_LABELS[kind])}), document=("leads", lead_id))
        for at, kind, lead_id in rows]


TIMELINE_SOURCES = {"lead": _lead_events}


def on_client_reply(session: Session, *, client_id: int, inbound_id: int, clock) -> int:
    """The messaging webhook's reply listener: a client's reply is a contact (looked up at call time, so the
    service function stays the one place to change or observe)."""
    from leads import service

    return service.client_replied(session, client_id=client_id, inbound_id=inbound_id, clock=clock)


def on_client_contact(session: Session, client_id: int, *, at, source: str) -> int:
    """The `app.contacts` listener: the client's call, visit or appeal is a contact (looked up at call time)."""
    from leads import service

    return service.client_contacted(session, client_id, at=at, source=source)
