"""The traffic's home panels: reception's waiting visitors and today's traffic; an employee's own open traffic
and what waits for them to take."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, union_all
from sqlalchemy.orm import joinedload

from app.domain.roles import Role
from app.home import HomePanel
from app.services.regulations import working_calendar
from catalogs.models import ContactGoal
from traffic.admin import journal_url
from traffic.hooks import STATUS_LABELS
from traffic.models import OPEN_STATUSES, Traffic

LIMIT = 10


def _today(session, now: datetime) -> tuple[datetime, datetime]:
    calendar = working_calendar(session, around=now.date())
    return calendar.day_bounds(calendar.local(now).date())


def _elapsed(rows, now: datetime) -> list[tuple[Traffic, int]]:
    return [(row, int((now - row.registered_at).total_seconds() // 60)) for row in rows]


def _oldest_open(*conditions):
    """The ids of the oldest untaken records (with `conditions`), read status by status down the
    (status, registered_at) index: with `status IN (…)` the planner may walk the whole journal by date instead
    (a second at three million rows)."""
    parts = [select(Traffic.id, Traffic.registered_at).where(Traffic.status == status, *conditions)
             .order_by(Traffic.registered_at, Traffic.id).limit(LIMIT).subquery() for status in OPEN_STATUSES]
    return union_all(*(select(part.c.id) for part in parts))


def reception_day(session, user, now: datetime) -> dict:
    """Who waits to be taken (oldest first, with the minutes waited) and today's traffic by status."""
    start, end = _today(session, now)
    waiting = session.scalars(select(Traffic).options(joinedload(Traffic.goal), joinedload(Traffic.client),
                                                      joinedload(Traffic.responsible))
                              .where(Traffic.id.in_(_oldest_open())).order_by(Traffic.registered_at, Traffic.id)
                              .limit(LIMIT))
    counts = dict(session.execute(select(Traffic.status, func.count()).where(
        Traffic.registered_at >= start, Traffic.registered_at < end).group_by(Traffic.status)).all())
    untaken = session.scalar(select(func.count()).select_from(Traffic).where(Traffic.status.in_(OPEN_STATUSES)))
    day = working_calendar(session, around=now.date()).local(now).date()
    return {"waiting": _elapsed(waiting, now), "today": counts, "today_total": sum(counts.values()),
            "untaken": untaken or 0, "status_labels": STATUS_LABELS, "journal": journal_url(day, day)}


def my_traffic(session, user, now: datetime) -> dict:
    """What I took and still process, and the untaken traffic meant for me (to me, or to my goals)."""
    mine = session.scalars(select(Traffic).options(joinedload(Traffic.goal), joinedload(Traffic.client))
                           .where(Traffic.taken_by_id == user.id, Traffic.status == "in_processing")
                           .order_by(Traffic.taken_at).limit(LIMIT))
    my_goals = select(ContactGoal.id).where(ContactGoal.specialists.any(id=user.id))
    offered = session.scalars(select(Traffic).options(joinedload(Traffic.goal), joinedload(Traffic.client))
                              .where(Traffic.id.in_(_oldest_open(
                                  or_(Traffic.responsible_id == user.id,
                                      (Traffic.responsible_id.is_(None)) & Traffic.goal_id.in_(my_goals)))))
                              .order_by(Traffic.registered_at, Traffic.id).limit(LIMIT))
    return {"mine": _elapsed(mine, now), "offered": _elapsed(offered, now)}


HOME_PANELS = (
    HomePanel("reception-day", 10, frozenset({Role.RECEPTION, Role.SUPERVISOR}), "home/reception_day.html",
              reception_day),
    HomePanel("my-traffic", 20, frozenset({Role.SALES_MANAGER, Role.SERVICE_ADVISOR}), "home/my_traffic.html",
              my_traffic),
)
