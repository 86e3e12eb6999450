"""The KPI report: indexed aggregate queries count the period's facts in groups, `kpis/rules.py` does the rest.

Each query reads one period range of one indexed time column and groups in the database, so a page costs the
same handful of statements for a day as for a month (no query per row, no rows shipped to Python to be counted).
Days are the dealership's: PostgreSQL groups by the local day itself; SQLite, which knows no zones, groups by UTC
hour and the hours are put on their local day here, which is right in every zone whose offset is whole hours (all
of Russia's), across DST changes too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, case, cast, delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from app.models.user import User
from app.services.regulations import load_regulations
from app.timers.models import ScheduledAction
from app.timers.service import schedule
from appeals.models import Appeal
from catalogs.models import AppealCategory, ContactGoal, IgnoreReason
from desk.models import Booking, ConfirmationAttempt
from kpis import rules
from kpis.models import RolledDay, TrafficDay, TrafficMinutes
from kpis.rules import (
    AppealFigures,
    BookingGroup,
    DeskFigures,
    EmployeeTraffic,
    LeadFigures,
    Period,
    RunGroup,
    TrafficFigures,
    TrafficGroup,
)
from leads.models import CadenceRun, CallTask, Lead, LeadEvent
from traffic.models import Traffic

DESK_DEPARTMENT = "service"  # the confirmation desk and the appeals are the service's
LEADS_DEPARTMENT = "showroom"  # leads and their cadences are the showroom's


@dataclass(frozen=True)
class Filters:
    department: str | None = None
    employee_id: int | None = None

    def covers(self, department: str) -> bool:
        return self.department is None or self.department == department


@dataclass(frozen=True)
class Report:
    period: Period
    filters: Filters
    desk: DeskFigures
    traffic: TrafficFigures
    appeals: AppealFigures
    leads: LeadFigures
    names: dict[str, dict]  # goal / ignore reason / category / user id → its name, for what the figures name


def dealership_zone(session: Session) -> ZoneInfo:
    return ZoneInfo(load_regulations(session).timezone)


@dataclass(frozen=True)
class Parts:
    """What a report counts beyond the desk, the traffic totals, waits and the cadence runs."""

    processing: bool = True  # processing times
    appeals: bool = True
    meetings: bool = True
    calls: bool = True  # the leads' calls by manager and outcome
    names: bool = True  # the names of the goals, reasons, categories and people the figures are about


FULL = Parts()
COMPARED = Parts(calls=False, names=False)  # the previous period on «Показатели»: what its tiles compare
TILES = Parts(processing=False, appeals=False, meetings=False, calls=False, names=False)  # the home tiles


def report(session: Session, period: Period, *, zone: ZoneInfo, filters: Filters = Filters(), parts: Parts = FULL,
           memo: dict | None = None) -> Report:
    """Every figure of the period (or the `parts` asked for), filtered by department (the goal's; the desk and
    appeals are the service's, leads the showroom's) and employee (who took the traffic, the booking's advisor, the
    lead's manager).

    `memo`, shared by the reports of one page: the live traffic of the same days is counted once (today's, for
    today and the week).
    """
    start, end = _range(period, zone)
    day_of = _day_reader(session, zone)
    desk = rules.desk_figures(_booking_groups(session, start, end, filters, day_of), period)
    groups, wait_rows, processing_rows = [], [], []
    live_from = _live_from(session, period)
    if live_from > period.first:  # the settled days, from the roll-ups
        rolled = Period(period.first, live_from - timedelta(days=1))
        groups += _rolled_traffic_groups(session, rolled, filters)
        wait_rows += _rolled_waits(session, rolled, filters)
        if parts.processing:
            processing_rows += _rolled_processing(session, rolled, filters)
    if live_from <= period.last:  # the recent days (and any not rolled up), counted live
        live_start = _range(Period(live_from, period.last), zone)[0]
        memo = {} if memo is None else memo
        key = (live_start, end, filters, parts.processing)
        if key not in memo:
            memo[key] = (_traffic_groups(session, live_start, end, filters, day_of),
                         *_traffic_times(session, live_start, end, filters, processing=parts.processing))
        live_groups, waits_live, processing_live = memo[key]
        groups += live_groups
        wait_rows += waits_live
        processing_rows += processing_live
    waits, processing, employees = _fold_times(wait_rows, processing_rows)
    traffic = rules.traffic_figures(groups, period, waits=waits, processing=processing, employees=employees)
    appeals = rules.appeal_figures(_appeal_counts(session, start, end, filters) if parts.appeals else [])
    held, missed = _meetings(session, start, end, filters) if parts.meetings else (0, 0)
    leads = rules.lead_figures(_run_groups(session, start, end, filters), meetings_held=held, meetings_missed=missed,
                               calls=_calls(session, start, end, filters) if parts.calls else [])
    names = (_names(session, traffic, appeals, leads) if parts.names
             else {"goal": {}, "ignore_reason": {}, "category": {}, "user": {}})
    return Report(period=period, filters=filters, desk=desk, traffic=traffic, appeals=appeals, leads=leads,
                  names=names)


def _range(period: Period, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The period's local days as a UTC half-open range [first day 00:00, the day after the last 00:00)."""
    start = datetime.combine(period.first, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(period.last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


# ----- the dialects' time arithmetic


def _day_reader(session: Session, zone: ZoneInfo):
    """A column's local day as an SQL expression (on SQLite its UTC hour), and how to read the answer as a date."""
    if session.get_bind().dialect.name == "postgresql":
        def expression(column):
            return cast(func.timezone(zone.key, column), Date)

        def read(value) -> date:
            return value
    else:
        def expression(column):
            return func.strftime("%Y-%m-%d %H:00:00", column)

        days: dict[str, date] = {}  # the same hour comes back in many groups

        def read(value) -> date:
            if value not in days:
                days[value] = datetime.fromisoformat(value).replace(tzinfo=UTC).astimezone(zone).date()
            return days[value]
    return expression, read


def _minutes_between(session: Session, earlier, later):
    """Whole minutes from `earlier` to `later`, a day at most (the histograms' last bucket)."""
    if session.get_bind().dialect.name == "postgresql":
        seconds = func.extract("epoch", later - earlier)
    else:
        seconds = (func.julianday(later) - func.julianday(earlier)) * 86400
    minutes = cast(func.round(seconds), Integer) // 60  # whole seconds first: julianday's floats are a hair short
    return case((minutes > rules.WAIT_CAP_MINUTES, rules.WAIT_CAP_MINUTES), (minutes < 0, 0), else_=minutes)


# ----- the desk


def _booking_groups(session: Session, start: datetime, end: datetime, filters: Filters,
                    day_of) -> list[BookingGroup]:
    if not filters.covers(DESK_DEPARTMENT):
        return []
    attempt = ConfirmationAttempt
    by_desk = attempt.outcome != "system_cancel"
    calls = func.coalesce(func.sum(case((by_desk, 1), else_=0)), 0)
    first_call = func.min(case((by_desk, attempt.id)))  # the attempts' ids grow with time
    first_reach = func.min(case((by_desk & (attempt.outcome != "not_reached"), attempt.id)))
    per_booking = (
        select(day_of[0](Booking.start_at).label("day"), Booking.status.label("status"), calls.label("calls"),
               case((calls > 0, 1), else_=0).label("called"),
               case((first_call == first_reach, 1), else_=0).label("reached"),
               func.coalesce(func.max(case((attempt.outcome == "system_cancel", 1), else_=0)), 0).label("auto"),
               case((Booking.confirmation_state == "confirmed", 1), else_=0).label("confirmed"))
        .outerjoin(attempt, attempt.booking_id == Booking.id)
        .where(Booking.start_at >= start, Booking.start_at < end)
        .group_by(Booking.id, Booking.start_at, Booking.status, Booking.confirmation_state))
    if filters.employee_id is not None:
        per_booking = per_booking.where(Booking.advisor_id == filters.employee_id)
    flat = per_booking.subquery()
    keys = (flat.c.day, flat.c.status, flat.c.confirmed, flat.c.called, flat.c.reached, flat.c.auto)
    rows = session.execute(select(*keys, func.sum(flat.c.calls), func.count()).group_by(*keys))
    return [BookingGroup(day=day_of[1](day), status=status, confirmed_before_visit=bool(confirmed),
                         called=bool(called), reached_first=bool(reached_first), auto_cancelled=bool(auto),
                         attempts=int(calls or 0), count=count)
            for day, status, confirmed, called, reached_first, auto, calls, count in rows]


# ----- traffic


def _by_department_and_employee(query, source, filters: Filters):
    """The report's filters on traffic rows, or on their roll-ups (both have goal_id and taken_by_id)."""
    if filters.department is not None:
        query = query.join(ContactGoal, ContactGoal.id == source.goal_id).where(
            ContactGoal.department == filters.department)
    if filters.employee_id is not None:
        query = query.where(source.taken_by_id == filters.employee_id)
    return query


def _traffic_scope(query, start: datetime, end: datetime, filters: Filters):
    return _by_department_and_employee(query.where(Traffic.registered_at >= start, Traffic.registered_at < end),
                                       Traffic, filters)


def _traffic_groups(session: Session, start: datetime, end: datetime, filters: Filters,
                    day_of) -> list[TrafficGroup]:
    goal = aliased(ContactGoal)
    escalated = Traffic.escalated_at.is_not(None)
    columns = (day_of[0](Traffic.registered_at), Traffic.channel, Traffic.goal_id, goal.department, Traffic.status, escalated,
               Traffic.ignore_reason_id)
    query = _traffic_scope(select(*columns, func.count()).outerjoin(goal, goal.id == Traffic.goal_id), start, end,
                           filters).group_by(*columns)
    return [TrafficGroup(day=day_of[1](day), channel=channel, goal_id=goal_id, department=department,
                         status=status, escalated=bool(was_escalated), ignore_reason_id=reason_id, count=count)
            for day, channel, goal_id, department, status, was_escalated, reason_id, count in session.execute(query)]


def _traffic_times(session: Session, start: datetime, end: datetime, filters: Filters, *,
                   for_roll_up: bool = False, processing: bool = True):
    """(employee, wait minutes, taken, processed) and (processing minutes, count) rows of the range. For the
    roll-ups both start with the goal and the employee (the report's filters read them)."""
    wait = _minutes_between(session, Traffic.registered_at, Traffic.taken_at)
    done = case((Traffic.status == "processed", 1), else_=0)
    keys = (Traffic.goal_id, Traffic.taken_by_id) if for_roll_up else (Traffic.taken_by_id,)
    query = _traffic_scope(select(*keys, wait, func.count(), func.sum(done))
                           .where(Traffic.taken_at.is_not(None)), start, end, filters)
    waits = session.execute(query.group_by(*keys, wait)).all()
    if not processing:
        return waits, []
    keys = keys if for_roll_up else ()  # the report needs only the period's histogram of processing
    spent_minutes = _minutes_between(session, Traffic.taken_at, Traffic.processed_at)
    query = _traffic_scope(select(*keys, spent_minutes, func.count())
                           .where(Traffic.taken_at.is_not(None), Traffic.processed_at.is_not(None)),
                           start, end, filters)
    spent = session.execute(query.group_by(*keys, spent_minutes)).all()
    return waits, spent


def _fold_times(wait_rows, processing_rows):
    """The minute histograms of waits and processing, and each employee's taken / processed / waits."""
    waits: dict[int, int] = {}
    people: dict[int, dict] = defaultdict(lambda: {"taken": 0, "processed": 0, "waits": {}})
    for user_id, minutes, count, processed in wait_rows:
        waits[minutes] = waits.get(minutes, 0) + count
        if user_id is not None:
            person = people[user_id]
            person["taken"] += count
            person["processed"] += processed or 0
            person["waits"][minutes] = person["waits"].get(minutes, 0) + count
    spent: dict[int, int] = {}
    for minutes, count in processing_rows:
        spent[minutes] = spent.get(minutes, 0) + count
    employees = [EmployeeTraffic(user_id=user_id, taken=p["taken"], processed=p["processed"], wait_minutes=p["waits"])
                 for user_id, p in sorted(people.items())]
    return waits, spent, employees


# ----- the roll-ups of settled days (kpis/models.py)

SETTLED_AFTER_DAYS = 1  # a day is read from the roll-ups from the night after it (late changes: RECOUNT_DAYS)
RECOUNT_DAYS = 14  # each night the last two weeks are counted again: a late take or processing still shows


def _live_from(session: Session, period: Period) -> date:
    """The first day of the period not in the roll-ups: days before it are read from them, the rest live."""
    rolled = set(session.scalars(select(RolledDay.day).where(RolledDay.day >= period.first,
                                                             RolledDay.day <= period.last)))
    day = period.first
    while day <= period.last and day in rolled:
        day += timedelta(days=1)
    return day


def _rolled_scope(query, model, period: Period, filters: Filters, *, by_employee: bool | None = None):
    """The roll-ups of the period with the report's filters: the rows counted per employee when one is asked for
    (or `by_employee` says so), else the rows across employees."""
    by_employee = filters.employee_id is not None if by_employee is None else by_employee
    query = query.where(model.day >= period.first, model.day <= period.last, model.by_employee.is_(by_employee))
    return _by_department_and_employee(query, model, filters)


def _rolled_traffic_groups(session: Session, period: Period, filters: Filters) -> list[TrafficGroup]:
    goal = aliased(ContactGoal)
    r = TrafficDay
    columns = (r.day, r.channel, r.goal_id, goal.department, r.status, r.escalated, r.ignore_reason_id)
    query = _rolled_scope(select(*columns, func.sum(r.count)).outerjoin(goal, goal.id == r.goal_id), r, period,
                          filters).group_by(*columns)
    return [TrafficGroup(day=day, channel=channel, goal_id=goal_id, department=department, status=status,
                         escalated=escalated, ignore_reason_id=reason_id, count=count)
            for day, channel, goal_id, department, status, escalated, reason_id, count in session.execute(query)]


def _rolled_waits(session: Session, period: Period, filters: Filters) -> list[tuple]:
    m = TrafficMinutes  # waits are kept per employee only: the report's employees' table reads them
    query = _rolled_scope(select(m.taken_by_id, m.minutes, func.sum(m.count), func.sum(m.processed))
                          .where(m.kind == "wait"), m, period, filters, by_employee=True)
    return session.execute(query.group_by(m.taken_by_id, m.minutes)).all()


def _rolled_processing(session: Session, period: Period, filters: Filters) -> list[tuple]:
    m = TrafficMinutes
    query = _rolled_scope(select(m.minutes, func.sum(m.count)).where(m.kind == "processing"), m, period, filters)
    return session.execute(query.group_by(m.minutes)).all()


def roll_up_day(session: Session, day: date, *, zone: ZoneInfo, now: datetime) -> None:
    """Count the local day's traffic into the roll-ups (replacing what was there). Not committed here."""
    start, end = _range(Period(day, day), zone)
    session.execute(delete(TrafficDay).where(TrafficDay.day == day))
    session.execute(delete(TrafficMinutes).where(TrafficMinutes.day == day))
    columns = (Traffic.channel, Traffic.goal_id, Traffic.status, Traffic.escalated_at.is_not(None),
               Traffic.ignore_reason_id, Traffic.taken_by_id)
    groups = session.execute(select(*columns, func.count()).where(Traffic.registered_at >= start,
                                                                  Traffic.registered_at < end).group_by(*columns))
    rows = [{"day": day, "channel": channel, "goal_id": goal_id, "status": status, "escalated": bool(escalated),
             "ignore_reason_id": reason_id, "taken_by_id": user_id, "count": count}
            for channel, goal_id, status, escalated, reason_id, user_id, count in groups]
    if rows:
        session.execute(insert(TrafficDay), _and_across_employees(rows))
    waits, spent = _traffic_times(session, start, end, Filters(), for_roll_up=True)
    minutes = [{"day": day, "kind": "wait", "goal_id": goal_id, "taken_by_id": user_id, "minutes": value,
                "count": count, "processed": processed or 0, "by_employee": True}
               for goal_id, user_id, value, count, processed in waits]
    minutes += _and_across_employees([{"day": day, "kind": "processing", "goal_id": goal_id, "taken_by_id": user_id,
                                       "minutes": value, "count": count, "processed": 0}
                                      for goal_id, user_id, value, count in spent])
    if minutes:
        session.execute(insert(TrafficMinutes), minutes)
    rolled = session.get(RolledDay, day)
    if rolled is None:
        session.add(RolledDay(day=day, rolled_at=now))
    else:
        rolled.rolled_at = now


def _and_across_employees(rows: list[dict]) -> list[dict]:
    """Per-employee roll-up rows, and the same rows summed over the employees (`taken_by_id` left empty)."""
    totals: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(value for name, value in row.items() if name not in ("taken_by_id", "count"))
        total = totals.setdefault(key, {**row, "taken_by_id": None, "count": 0, "by_employee": False})
        total["count"] += row["count"]
    return [{**row, "by_employee": True} for row in rows] + list(totals.values())


def days_to_roll_up(session: Session, *, today: date, zone: ZoneInfo) -> list[date]:
    """The settled days the nightly run counts: the last RECOUNT_DAYS again, and any older day with traffic that
    was never rolled up (the first run after an install counts the whole history)."""
    last = today - timedelta(days=SETTLED_AFTER_DAYS)
    recent = [last - timedelta(days=n) for n in range(RECOUNT_DAYS - SETTLED_AFTER_DAYS + 1)]
    first_at = session.scalar(select(func.min(Traffic.registered_at)))
    if first_at is None:
        return []
    first = first_at.astimezone(zone).date()
    rolled = set(session.scalars(select(RolledDay.day).where(RolledDay.day >= first)))
    older, day = [], first
    while day < recent[-1]:
        if day not in rolled:
            older.append(day)
        day += timedelta(days=1)
    return older + [day for day in reversed(recent) if day >= first]


def roll_up(session: Session, *, clock) -> int:
    """The nightly roll-up (the `kpi_rollup` timer's work): how many days were counted."""
    zone = dealership_zone(session)
    now = clock.now()
    days = days_to_roll_up(session, today=now.astimezone(zone).date(), zone=zone)
    for day in days:
        roll_up_day(session, day, zone=zone, now=now)
    return len(days)


ROLLUP_HOUR = 3  # local time: the night, when nobody reads the report


def ensure_rollup_timer(session: Session, *, clock) -> int:
    """Tonight's roll-up timer (idempotent): 03:00 in the dealership's zone."""
    zone = dealership_zone(session)
    today = clock.now().astimezone(zone).date()
    key = f"kpi_rollup:{today.isoformat()}"
    if session.scalar(select(ScheduledAction.id).where(ScheduledAction.idempotency_key == key)) is not None:
        return 0
    due = datetime.combine(today, time(ROLLUP_HOUR), tzinfo=zone).astimezone(UTC)
    schedule(session, kind="kpi_rollup", due_at=due, key=key, clock=clock, payload={"day": today.isoformat()})
    return 1


def _rollup_due(session: Session, action: ScheduledAction, clock) -> None:
    roll_up(session, clock=clock)


TIMER_HANDLERS = {"kpi_rollup": _rollup_due}


# ----- appeals and leads


def _appeal_counts(session: Session, start: datetime, end: datetime, filters: Filters):
    if not filters.covers(DESK_DEPARTMENT):
        return []
    query = (select(Appeal.category_id, Appeal.assigned_automatically, func.count())
             .where(Appeal.registered_at >= start, Appeal.registered_at < end)
             .group_by(Appeal.category_id, Appeal.assigned_automatically))
    if filters.employee_id is not None:
        query = query.where(Appeal.registered_by_id == filters.employee_id)
    return [(category_id, bool(automatic), count) for category_id, automatic, count in session.execute(query)]


def _lead_scope(query, filters: Filters, lead_id_column):
    if filters.employee_id is not None:
        query = query.join(Lead, Lead.id == lead_id_column).where(Lead.responsible_id == filters.employee_id)
    return query


def _run_groups(session: Session, start: datetime, end: datetime, filters: Filters) -> list[RunGroup]:
    if not filters.covers(LEADS_DEPARTMENT):
        return []
    columns = (CadenceRun.cadence_name, CadenceRun.next_step, CadenceRun.status, CadenceRun.stop_reason)
    query = _lead_scope(select(*columns, func.count()).where(CadenceRun.started_at >= start, CadenceRun.started_at < end),
                        filters, CadenceRun.lead_id).group_by(*columns)
    return [RunGroup(cadence=name, steps_taken=steps, status=status, stop_reason=reason or "", count=count)
            for name, steps, status, reason, count in session.execute(query)]


def _meetings(session: Session, start: datetime, end: datetime, filters: Filters) -> tuple[int, int]:
    if not filters.covers(LEADS_DEPARTMENT):
        return 0, 0
    query = _lead_scope(select(LeadEvent.type, func.count())
                        .where(LeadEvent.type.in_(("meeting_held", "no_show")), LeadEvent.at >= start, LeadEvent.at < end),
                        filters, LeadEvent.lead_id).group_by(LeadEvent.type)
    counts = dict(session.execute(query).all())
    return counts.get("meeting_held", 0), counts.get("no_show", 0)


def _calls(session: Session, start: datetime, end: datetime, filters: Filters):
    if not filters.covers(LEADS_DEPARTMENT):
        return []
    query = (select(CallTask.done_by_id, CallTask.outcome, func.count())
             .where(CallTask.done_at >= start, CallTask.done_at < end, CallTask.done_by_id.is_not(None),
                    CallTask.outcome.is_not(None))
             .group_by(CallTask.done_by_id, CallTask.outcome))
    if filters.employee_id is not None:
        query = query.where(CallTask.done_by_id == filters.employee_id)
    return [(user_id, outcome, count) for user_id, outcome, count in session.execute(query)]


# ----- names for what the figures are about


def _names(session: Session, traffic: TrafficFigures, appeals: AppealFigures, leads: LeadFigures) -> dict[str, dict]:
    def named(model, ids, label=lambda row: row.name) -> dict:
        ids = {i for i in ids if i is not None}
        return {row.id: label(row) for row in session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}

    users = {row["user_id"] for row in traffic.per_employee} | {row["user_id"] for row in leads.per_manager}
    return {"goal": named(ContactGoal, traffic.by_goal), "ignore_reason": named(IgnoreReason, traffic.ignored_by_reason),
            "category": named(AppealCategory, appeals.by_category),
            "user": named(User, users, str)}


