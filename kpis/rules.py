"""The front office's KPIs as pure functions over counted facts (SPEC §3.5, issue 14).

The queries (`kpis/service.py`) count rows in groups — bookings by visit day, state and how their calls went;
traffic by day, channel, goal and status; waits as minute histograms — and hand the groups here. Everything
below is arithmetic on those counts: no clock, no database, the same on SQLite and PostgreSQL, and as fast for
a month of 250 000 traffic records as for a day. Every rate keeps its numerator and denominator.
"""

from __future__ import annotations

import calendar as _calendar
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.domain.i18n import N_

PERIODS = ("today", "week", "month", "custom")
MAX_PERIOD_DAYS = 366  # a year at most: the page and the API stay answerable
WAIT_CAP_MINUTES = 24 * 60  # longer waits count as a day in the histograms (the percentile is "a day or more")


@dataclass(frozen=True)
class Ratio:
    """A rate with what it is made of; `value` is None when nothing could be counted (0 of 0 is not 0 %)."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return None if self.denominator == 0 else self.numerator / self.denominator

    def as_json(self) -> dict:
        value = self.value
        return {"value": None if value is None else round(value, 4), "numerator": self.numerator,
                "denominator": self.denominator}


# ----- periods


@dataclass(frozen=True)
class Period:
    """Dealership days, both ends included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period ends on or after its first day")

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1


BACKWARDS = N_("The period ends on or after its first day.")
TOO_LONG = N_("A period is at most %(days)s days.")


def period_problem(first: date, last: date) -> str | None:
    """Why `first`…`last` is not a period one may ask for (a msgid with %(days)s), None when it is."""
    if last < first:
        return BACKWARDS
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        return TOO_LONG
    return None


def named_period(name: str, today: date) -> Period:
    """«Сегодня», «Неделя» (Monday to today), «Месяц» (the 1st to today)."""
    if name == "today":
        return Period(today, today)
    if name == "week":
        return Period(today - timedelta(days=today.weekday()), today)
    if name == "month":
        return Period(today.replace(day=1), today)
    raise ValueError(f"unknown period {name!r}")


def previous_period(name: str, period: Period) -> Period:
    """What a period is compared with: yesterday; the same weekdays of last week; the same days of last month
    (the 1st to the 31st of a shorter month stops at its last day); before a custom period, as many days."""
    if name == "week":
        return Period(period.first - timedelta(days=7), period.last - timedelta(days=7))
    if name == "month":
        first = (period.first.replace(day=1) - timedelta(days=1)).replace(day=1)
        last_day = min(period.last.day, _calendar.monthrange(first.year, first.month)[1])
        return Period(first, first.replace(day=last_day))
    return Period(period.first - timedelta(days=period.length), period.first - timedelta(days=1))


def change(current: float | int | None, previous: float | int | None) -> float | None:
    """The change against the previous period as a fraction (+0.25 = 25 % more); None when it cannot be said."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous


# ----- percentiles over minute histograms


def percentile(histogram: Mapping[int, int], p: float) -> int | None:
    """The nearest-rank p-th percentile of minutes counted as {minute: how many}; None when nothing was counted.

    The p50 of waits 1, 2, 3, 10 minutes is 2; the p90 is 10: at least p % of the values are at or below it."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(p / 100 * total))
    seen = 0
    for minute in sorted(histogram):
        seen += histogram[minute]
        if seen >= rank:
            return minute
    return max(histogram)  # unreachable: the ranks stop at the total


def merge_histograms(histograms: Iterable[Mapping[int, int]]) -> dict[int, int]:
    merged: Counter[int] = Counter()
    for histogram in histograms:
        merged.update(histogram)
    return dict(merged)


# ----- the confirmation desk


@dataclass(frozen=True)
class BookingGroup:
    """Bookings of one visit day alike in what the desk cares about, and how many."""

    day: date
    status: str  # planned, confirmed, cancelled, arrived, no_show
    confirmed_before_visit: bool  # the desk confirmed it (its confirmation state is «подтверждён»)
    called: bool  # the desk made at least one call
    reached_first: bool  # the first call reached the client
    auto_cancelled: bool  # the regulation cancelled it (too many failed calls)
    attempts: int  # the desk's calls, all bookings of the group together
    count: int = 1


@dataclass(frozen=True)
class DeskFigures:
    bookings: int
    confirmation_rate: Ratio
    first_call_reach_rate: Ratio
    average_attempts: Ratio  # calls / bookings called
    auto_cancelled: int
    cancelled: int
    show_rate: Ratio  # arrived / (arrived + no-show): cancelled bookings are neither
    no_show_rate: Ratio
    show_rate_confirmed: Ratio  # the figure that proves the desk's worth
    show_rate_unconfirmed: Ratio
    per_day: dict[date, dict[str, int]] = field(default_factory=dict)


def desk_figures(groups: Iterable[BookingGroup], period: Period) -> DeskFigures:
    groups = [g for g in groups if period.first <= g.day <= period.last]
    total = sum(g.count for g in groups)

    def count(predicate) -> int:
        return sum(g.count for g in groups if predicate(g))

    called = count(lambda g: g.called)
    arrived, no_show = count(lambda g: g.status == "arrived"), count(lambda g: g.status == "no_show")
    per_day: dict[date, dict[str, int]] = {day: Counter() for day in period.days}
    for g in groups:
        day = per_day[g.day]
        day["bookings"] += g.count
        day["confirmed"] += g.count if g.confirmed_before_visit else 0
        day["arrived"] += g.count if g.status == "arrived" else 0
        day["no_show"] += g.count if g.status == "no_show" else 0
        day["cancelled"] += g.count if g.status == "cancelled" else 0
    return DeskFigures(
        bookings=total,
        confirmation_rate=Ratio(count(lambda g: g.confirmed_before_visit), total),
        first_call_reach_rate=Ratio(count(lambda g: g.called and g.reached_first), called),
        average_attempts=Ratio(sum(g.attempts for g in groups if g.called), called),
        auto_cancelled=count(lambda g: g.auto_cancelled),
        cancelled=count(lambda g: g.status == "cancelled"),
        show_rate=Ratio(arrived, arrived + no_show),
        no_show_rate=Ratio(no_show, arrived + no_show),
        show_rate_confirmed=Ratio(count(lambda g: g.confirmed_before_visit and g.status == "arrived"),
                                  count(lambda g: g.confirmed_before_visit and g.status in ("arrived", "no_show"))),
        show_rate_unconfirmed=Ratio(
            count(lambda g: not g.confirmed_before_visit and g.status == "arrived"),
            count(lambda g: not g.confirmed_before_visit and g.status in ("arrived", "no_show"))),
        per_day={day: dict(values) for day, values in per_day.items()},
    )


# ----- incoming traffic


@dataclass(frozen=True)
class TrafficGroup:
    """Traffic records of one day alike in channel, goal, department and status, and how many."""

    day: date
    channel: str
    goal_id: int | None
    department: str | None
    status: str  # new, waiting, in_processing, processed, ignored
    escalated: bool
    ignore_reason_id: int | None
    count: int = 1


@dataclass(frozen=True)
class EmployeeTraffic:
    """What one employee took in the period: how many, how many processed, and their waits."""

    user_id: int
    taken: int
    processed: int
    wait_minutes: Mapping[int, int]


@dataclass(frozen=True)
class TrafficFigures:
    total: int
    by_channel: dict[str, int]
    by_goal: dict[int | None, int]
    by_department: dict[str | None, int]
    per_day: dict[date, dict[str, int]]  # channel → count, per day
    wait_minutes_p50: int | None
    wait_minutes_p90: int | None
    processing_minutes_p50: int | None
    processing_minutes_p90: int | None
    untaken: int
    escalated: int
    ignored: int
    ignored_by_reason: dict[int | None, int]
    per_employee: list[dict]


OPEN = ("new", "waiting")


def traffic_figures(groups: Iterable[TrafficGroup], period: Period, *, waits: Mapping[int, int],
                    processing: Mapping[int, int], employees: Iterable[EmployeeTraffic] = ()) -> TrafficFigures:
    """`waits` (registered → taken) and `processing` (taken → processed) are minute histograms of the period's
    records; the employees' figures come sorted by how many they took."""
    groups = [g for g in groups if period.first <= g.day <= period.last]
    by_channel: Counter[str] = Counter()
    by_goal: Counter[int | None] = Counter()
    by_department: Counter[str | None] = Counter()
    ignored_by_reason: Counter[int | None] = Counter()
    per_day: dict[date, Counter[str]] = {day: Counter() for day in period.days}
    for g in groups:
        by_channel[g.channel] += g.count
        by_goal[g.goal_id] += g.count
        by_department[g.department] += g.count
        per_day[g.day][g.channel] += g.count
        if g.status == "ignored":
            ignored_by_reason[g.ignore_reason_id] += g.count
    people = [{"user_id": e.user_id, "taken": e.taken, "processed": e.processed,
               "wait_minutes_p50": percentile(e.wait_minutes, 50)}
              for e in sorted(employees, key=lambda e: (-e.taken, e.user_id))]
    return TrafficFigures(
        total=sum(by_channel.values()), by_channel=dict(by_channel), by_goal=dict(by_goal),
        by_department=dict(by_department), per_day={day: dict(c) for day, c in per_day.items()},
        wait_minutes_p50=percentile(waits, 50), wait_minutes_p90=percentile(waits, 90),
        processing_minutes_p50=percentile(processing, 50), processing_minutes_p90=percentile(processing, 90),
        untaken=sum(g.count for g in groups if g.status in OPEN),
        escalated=sum(g.count for g in groups if g.escalated),
        ignored=sum(ignored_by_reason.values()), ignored_by_reason=dict(ignored_by_reason), per_employee=people)


# ----- appeals


@dataclass(frozen=True)
class AppealFigures:
    total: int
    by_category: dict[int, int]
    automatic_share: Ratio


def appeal_figures(counts: Iterable[tuple[int, bool, int]]) -> AppealFigures:
    """`counts`: (category id, assigned automatically, how many) of the period's appeals."""
    by_category: Counter[int] = Counter()
    automatic = 0
    for category_id, assigned_automatically, count in counts:
        by_category[category_id] += count
        automatic += count if assigned_automatically else 0
    total = sum(by_category.values())
    return AppealFigures(total=total, by_category=dict(by_category), automatic_share=Ratio(automatic, total))


# ----- leads and their cadences

@dataclass(frozen=True)
class RunGroup:
    """Cadence runs started in the period alike in cadence, steps taken and how they ended, and how many."""

    cadence: str  # the cadence's name as the run copied it
    steps_taken: int  # steps run or skipped so far
    status: str  # running, stopped, completed
    stop_reason: str  # the contact that stopped it, "finished", "closed_lost"
    count: int = 1


@dataclass(frozen=True)
class LeadFigures:
    cadences_started: int
    contact_made: int
    meetings_set: int
    closed_no_contact: int
    running: int
    meeting_show_rate: Ratio
    funnel: dict[str, list[tuple[str, int]]]  # cadence → [(stage, how many reached it)]
    per_manager: list[dict]


def funnel_of(groups: list[RunGroup]) -> list[tuple[str, int]]:
    """Started → each step reached → how the runs ended: contact made, meeting set, closed without contact."""
    started = sum(g.count for g in groups)
    deepest = max((g.steps_taken for g in groups), default=0)
    stages = [("started", started)]
    stages += [(f"step:{n}", sum(g.count for g in groups if g.steps_taken >= n)) for n in range(1, deepest + 1)]
    return [*stages, *_endings(groups).items()]


def _endings(groups: list[RunGroup]) -> dict[str, int]:
    """How runs ended: stopped by a contact (other than a meeting set), by a meeting set, closed without contact."""
    return {"contact_made": sum(g.count for g in groups if g.status == "stopped" and g.stop_reason != "meeting_set"),
            "meeting_set": sum(g.count for g in groups if g.stop_reason == "meeting_set"),
            "closed_no_contact": sum(g.count for g in groups if g.stop_reason == "closed_lost")}


def lead_figures(groups: Iterable[RunGroup], *, meetings_held: int, meetings_missed: int,
                 calls: Iterable[tuple[int, str, int]] = ()) -> LeadFigures:
    """`calls`: (manager id, outcome, how many) of the call tasks done in the period."""
    groups = list(groups)
    by_cadence: dict[str, list[RunGroup]] = defaultdict(list)
    for g in groups:
        by_cadence[g.cadence].append(g)
    managers: dict[int, Counter[str]] = defaultdict(Counter)
    for user_id, outcome, count in calls:
        managers[user_id][outcome] += count
    per_manager = sorted(({"user_id": user_id, "calls": sum(c.values()), "reached": c["reached"],
                           "reach_rate": Ratio(c["reached"], sum(c.values()))} for user_id, c in managers.items()),
                         key=lambda row: (-row["calls"], row["user_id"]))
    endings = _endings(groups)
    return LeadFigures(
        cadences_started=sum(g.count for g in groups), contact_made=endings["contact_made"],
        meetings_set=endings["meeting_set"], closed_no_contact=endings["closed_no_contact"],
        running=sum(g.count for g in groups if g.status == "running"),
        meeting_show_rate=Ratio(meetings_held, meetings_held + meetings_missed),
        funnel={name: funnel_of(items) for name, items in sorted(by_cadence.items())},
        per_manager=per_manager)
