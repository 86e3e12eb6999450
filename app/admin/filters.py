"""List filters for aware (UTC-stored) timestamps, in the dealership's days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.model.filters import BaseDateFilter
from flask_babel import lazy_gettext as _l


def _local_midnight(day: date) -> datetime:
    from app.i18n import dealership_timezone

    return datetime.combine(day, time(0), tzinfo=dealership_timezone())


class LocalDayFilter(BaseSQLAFilter, BaseDateFilter):
    """`column` falls on this day in the dealership's zone."""

    def __init__(self, column, name):
        BaseSQLAFilter.__init__(self, column, name, data_type="datepicker")

    def clean(self, value: str) -> date:
        return date.fromisoformat(value)

    def apply(self, query, value, alias=None):
        column = self.get_column(alias)
        start = _local_midnight(value)
        return query.filter(column >= start, column < _local_midnight(value + timedelta(days=1)))

    def operation(self):
        return _l("on the day")


class LocalSinceFilter(LocalDayFilter):
    """`column` is on or after this day."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) >= _local_midnight(value))

    def operation(self):
        return _l("from")


class LocalUntilFilter(LocalDayFilter):
    """`column` is on or before this day."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) < _local_midnight(value + timedelta(days=1)))

    def operation(self):
        return _l("to")


def day_filters(column, name) -> list:
    return [LocalDayFilter(column, name), LocalSinceFilter(column, name), LocalUntilFilter(column, name)]
