"""What the desk plugs into the clients workstation: bookings on the timeline, «записан на сегодня» and
«мои клиенты»."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from app.domain.i18n import N_, Message
from clients.timeline import TimelineItem
from desk.labels import BOOKING_STATUS_LABELS, OUTCOME_LABELS, REASON_LABELS, STATE_LABELS
from desk.models import Booking, ConfirmationAttempt
from documents.rules import document_number


def _bookings(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(select(Booking.id, Booking.created_at, Booking.start_at, Booking.status)
                           .where(Booking.client_id == client_id)
                           .order_by(Booking.created_at.desc(), Booking.id.desc()).limit(limit))
    return [TimelineItem(created, "booking", Message(N_("Booking %(number)s for %(start)s: %(status)s"), {
        "number": document_number(Booking.number_prefix, id_), "start": start,
        "status": Message(BOOKING_STATUS_LABELS[status])}), document=("booking", id_))
            for id_, created, start, status in rows]


def _confirmation_calls(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    """The desk's calls about the client's bookings (and the cancellations), linked to the booking card."""
    rows = session.execute(
        select(ConfirmationAttempt.at, ConfirmationAttempt.booking_id, ConfirmationAttempt.outcome,
               ConfirmationAttempt.reason, ConfirmationAttempt.state_after)
        .join(Booking, Booking.id == ConfirmationAttempt.booking_id).where(Booking.client_id == client_id)
        .order_by(ConfirmationAttempt.at.desc(), ConfirmationAttempt.id.desc()).limit(limit))
    items = []
    for at, booking_id, outcome, reason, state in rows:
        outcome_label = Message(OUTCOME_LABELS.get(outcome, outcome))
        if reason in REASON_LABELS:
            outcome_label = Message(N_("%(outcome)s (%(reason)s)"), {"outcome": outcome_label,
                                                                       "reason": Message(REASON_LABELS[reason])})
        items.append(TimelineItem(at, "confirmation_call", Message(
            N_("Confirmation call, booking %(number)s: %(outcome)s → %(state)s"),
            {"number": document_number(Booking.number_prefix, booking_id), "outcome": outcome_label,
             "state": Message(STATE_LABELS.get(state, state))}), document=("desk", booking_id)))
    return items


TIMELINE_SOURCES = {"booking": _bookings, "confirmation_call": _confirmation_calls}


def _booked_on(day) -> Select:
    start, end = day
    return select(Booking.client_id).where(Booking.start_at >= start, Booking.start_at < end,
                                           Booking.status != "cancelled")


def _bookings_of(user_id: int) -> Select:
    return select(Booking.client_id).where(or_(Booking.advisor_id == user_id, Booking.created_by_id == user_id))


CLIENT_FILTERS = {"booked_today": _booked_on}
CLIENT_OWNERS = (_bookings_of,)
