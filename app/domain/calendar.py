"""The dealership's working calendar: working weekdays and hours in its zone, Russian public holidays
(the `holidays` package) and the exceptions an admin sets (a working Saturday, a day off)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

MAX_SEARCH_DAYS = 400


def parse_local(value: str | None, zone: ZoneInfo) -> datetime | None:
    """A datetime-local input (`2026-11-24T10:00`) on the wall clock of `zone` → aware UTC.

    An aware value passes through; empty or not a date → None. Gaps and folds resolve as
    `WorkingCalendar.at` does (fold=0)."""
    try:
        parsed = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        return parsed
    return datetime.combine(parsed.date(), parsed.time(), tzinfo=zone).astimezone(UTC)


def russian_holidays(years: range | list[int]) -> frozenset[date]:
    return frozenset(holidays.country_holidays("RU", years=list(years)))


@dataclass(frozen=True)
class WorkingCalendar:
    zone: ZoneInfo
    weekdays: frozenset[int]  # ISO, 1 = Monday
    day_start: time
    day_end: time
    days_off: frozenset[date] = frozenset()  # public holidays and admin-set days off
    working_days: frozenset[date] = frozenset()  # admin-set working days that override the rest

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return day.isoweekday() in self.weekdays

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        candidate = day
        for _ in range(MAX_SEARCH_DAYS):
            candidate += timedelta(days=1)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("no working day within a year")

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def at(self, day: date, clock_time: time) -> datetime:
        """`day` at `clock_time` on the wall clock of the zone, as an aware UTC datetime.

        A wall time that does not exist (spring forward) moves on by the gap; an ambiguous one
        (autumn back) is its first occurrence: both as `zoneinfo` resolves them with fold=0."""
        return datetime.combine(day, clock_time, tzinfo=self.zone).astimezone(UTC)

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        """[midnight, next midnight) of a local day, in UTC."""
        return self.at(day, time(0)), self.at(day + timedelta(days=1), time(0))

    def within_working_hours(self, moment: datetime) -> bool:
        local = self.local(moment)
        return self.is_working_day(local.date()) and self.day_start <= local.timetz().replace(tzinfo=None) <= self.day_end
