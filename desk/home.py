"""The desk's home panels: the service administrator's confirmation progress for the day being confirmed, and
an advisor's visits of today."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.domain.roles import Role
from app.home import HomePanel
from app.services.regulations import load_regulations, working_calendar
from desk.labels import BOOKING_STATUS_LABELS
from desk.models import Booking
from desk.service import horizon_day

CALLABLE = ("to_call", "retry", "callback")
LIMIT = 20


def confirmation_progress(session, user, now: datetime) -> dict:
    """The day the desk confirms today: how many are confirmed of all, to call now, retries due, not reached."""
    regs = load_regulations(session)
    calendar = working_calendar(session, regs, around=now.date())
    day = horizon_day(calendar.local(now).date(), regs, calendar)
    start, end = calendar.day_bounds(day)
    in_day = (Booking.start_at >= start, Booking.start_at < end)
    states = dict(session.execute(select(Booking.confirmation_state, func.count()).where(*in_day)
                                  .group_by(Booking.confirmation_state)).all())
    due = dict(session.execute(select(Booking.confirmation_state, func.count()).where(
        *in_day, Booking.confirmation_state.in_(CALLABLE), Booking.next_contact_at <= now)
        .group_by(Booking.confirmation_state)).all())
    return {"day": day, "states": states, "total": sum(states.values()), "due": sum(due.values()),
            "retries_due": due.get("retry", 0) + due.get("callback", 0)}


def my_visits(session, user, now: datetime) -> dict:
    """The advisor's bookings of today, in time order, with whether the client came."""
    calendar = working_calendar(session, around=now.date())
    today = calendar.local(now).date()
    start, end = calendar.day_bounds(today)
    rows = session.scalars(select(Booking).options(joinedload(Booking.client), joinedload(Booking.car))
                           .where(Booking.advisor_id == user.id, Booking.start_at >= start, Booking.start_at < end)
                           .order_by(Booking.start_at).limit(LIMIT))
    return {"day": today, "bookings": list(rows), "status_labels": BOOKING_STATUS_LABELS}


HOME_PANELS = (
    HomePanel("confirmation-progress", 15, frozenset({Role.SERVICE_ADMIN}), "home/confirmation_progress.html",
              confirmation_progress),
    HomePanel("my-visits", 25, frozenset({Role.SERVICE_ADVISOR}), "home/my_visits.html", my_visits),
)
