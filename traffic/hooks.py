"""What traffic plugs into other wings: timeline items, «Текущий звонок», documents made from a traffic card."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.domain.i18n import N_, Message
from clients.timeline import TimelineItem
from documents.origins import DocumentOrigin
from documents.rules import document_number
from traffic.models import Traffic

STATUS_LABELS = {
    "new": N_("New"),
    "waiting": N_("Waiting"),
    "in_processing": N_("In processing"),
    "processed": N_("Processed"),
    "ignored": N_("Ignored"),
}


def _traffic(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(
        select(Traffic.id, Traffic.registered_at, Traffic.channel, Traffic.status, Traffic.recording_url,
               Traffic.phone)
        .where(Traffic.client_id == client_id)
        .order_by(Traffic.registered_at.desc(), Traffic.id.desc()).limit(limit))
    return [TimelineItem(at, "traffic", Message(N_("%(channel)s %(number)s: %(status)s"), {
        "channel": Message(N_("Incoming call") if channel == "call" else N_("Visit")),
        "number": document_number(Traffic.number_prefix, id_), "status": Message(STATUS_LABELS[status])}),
        document=("traffic", id_), details={"recording_url": recording, "phone": phone})
        for id_, at, channel, status, recording, phone in rows]


def latest_call(session: Session, user_id: int) -> str | None:
    """The user's latest incoming call not processed yet: addressed to them, or taken by them."""
    return session.scalar(
        select(Traffic.phone).where(
            Traffic.channel == "call", Traffic.status.in_(("new", "waiting", "in_processing")),
            or_(Traffic.responsible_id == user_id, Traffic.taken_by_id == user_id), Traffic.phone != "")
        .order_by(Traffic.registered_at.desc()).limit(1))


TIMELINE_SOURCES = {"traffic": _traffic}


def _car_noted(session: Session, traffic_id: int, client):
    row = session.get(Traffic, traffic_id)
    return row.car if row is not None and row.car is not None and row.car.client_id == client.id else None


def _attach(session: Session, traffic_id: int, **kwargs):
    from traffic.service import attach_without_commit

    return attach_without_commit(session, traffic_id, **kwargs)


TRAFFIC_ORIGIN = DocumentOrigin(param="traffic_id", car_for=_car_noted, attach=_attach,
                                number_of=lambda row: row.number)
