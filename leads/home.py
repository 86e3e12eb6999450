"""The leads' home panels: the call centre's calls due today and overdue; the meetings of today."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.domain.roles import Role
from app.home import HomePanel
from app.services.regulations import working_calendar
from leads.models import CallTask, Lead

LIMIT = 10


def calls_today(session, user, now: datetime) -> dict:
    """Open call tasks due by the end of today (mine or nobody's): the overdue first, and how many of each."""
    calendar = working_calendar(session, around=now.date())
    start, end = calendar.day_bounds(calendar.local(now).date())
    mine = (CallTask.status == "open", CallTask.due_at < end,
            or_(CallTask.assignee_id == user.id, CallTask.assignee_id.is_(None)))
    overdue, later = session.execute(select(
        func.count().filter(CallTask.due_at <= now), func.count().filter(CallTask.due_at > now)).where(*mine)).one()
    tasks = session.scalars(select(CallTask).options(joinedload(CallTask.lead).joinedload(Lead.client))
                            .where(*mine).order_by(CallTask.due_at, CallTask.id).limit(LIMIT))
    return {"overdue": overdue or 0, "later": later or 0, "tasks": list(tasks), "now": now, "start": start}


def meetings_today(session, user, now: datetime) -> dict:
    """Today's meetings: all of them for the call centre, one's own for a sales manager."""
    calendar = working_calendar(session, around=now.date())
    start, end = calendar.day_bounds(calendar.local(now).date())
    query = (select(Lead).options(joinedload(Lead.client), joinedload(Lead.meeting_employee))
             .where(Lead.meeting_at >= start, Lead.meeting_at < end).order_by(Lead.meeting_at).limit(LIMIT))
    if not user.has_any_role({Role.CALL_CENTER}):
        query = query.where(Lead.meeting_employee_id == user.id)
    return {"meetings": list(session.scalars(query)), "now": now}


HOME_PANELS = (
    HomePanel("calls-today", 30, frozenset({Role.CALL_CENTER}), "home/calls_today.html", calls_today),
    HomePanel("meetings-today", 35, frozenset({Role.CALL_CENTER, Role.SALES_MANAGER}), "home/meetings_today.html",
              meetings_today),
)
