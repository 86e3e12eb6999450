"""List filters for aware (UTC-stored) timestamps, in the dealership's days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
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


class IdChoiceFilter(FilterEqual):
    """A choice of rows (goals, users, reasons) read on each request; the value is their integer id."""

    def get_options(self, view):
        from flask import has_app_context

        return super().get_options(view) if has_app_context() else []

    def validate(self, value) -> bool:
        return str(value).isdigit() and int(value) < 2**63

    def clean(self, value) -> int:
        return int(value)


class ConditionFilter(BaseSQLAFilter):
    """«yes» / «no» for a condition on the row (`condition(column)` is an SQL expression): escalated, not taken."""

    def __init__(self, column, name, condition):
        super().__init__(column, name, options=(("1", _l("yes")), ("0", _l("no"))))
        self.condition = condition

    def validate(self, value) -> bool:
        return value in ("0", "1")

    def apply(self, query, value, alias=None):
        condition = self.condition(self.get_column(alias))
        return query.filter(condition if value == "1" else ~condition)

    def operation(self):
        from flask_admin.babel import lazy_gettext as flask_admin_word

        return flask_admin_word("equals")  # in Flask-Admin's catalog, as its other filters read


def staff_options():
    """Employees for the user filters (ids and names only), read once per request."""
    from flask import g
    from sqlalchemy import select

    from app.extensions import db
    from app.models.user import User

    if "staff_filter_options" not in g:
        rows = db.session.execute(select(User.id, User.full_name, User.username).order_by(User.username))
        g.staff_filter_options = [(str(id_), full_name or username) for id_, full_name, username in rows]
    return g.staff_filter_options


def day_filters(column, name) -> list:
    return [LocalDayFilter(column, name), LocalSinceFilter(column, name), LocalUntilFilter(column, name)]


def filtered_list_url(endpoint: str, wanted) -> str | None:
    """The URL of the admin list `endpoint` with its own filters set: `wanted` is (column, filter class, value)
    triples. Flask-Admin names a filter in the URL by its position (`flt0_12=…`), which only the view knows, so
    the position is looked up on the registered view (once per view and filter); None when that list is not
    installed."""
    from urllib.parse import urlencode

    from flask import current_app, g, url_for

    views = current_app.extensions.setdefault("admin_views_by_endpoint", {})
    if endpoint not in views:
        views[endpoint] = next((v for admin in current_app.extensions.get("admin", []) for v in admin._views
                                if v.endpoint == endpoint), None)
    view = views[endpoint]
    if view is None or not view._filters:
        return None
    arguments = view.__dict__.setdefault("_filter_arguments", {})  # (table, column, filter class) → its URL name
    args = {}
    for n, (column, kind, value) in enumerate(wanted):
        key = (column.table.name, column.key, kind)
        if key not in arguments:
            index = next((i for i, flt in enumerate(view._filters)
                          if type(flt) is kind and getattr(flt.column, "key", None) == column.key
                          and flt.column.table is column.table), None)
            if index is None:
                raise LookupError(f"{endpoint} has no {kind.__name__} on {column}")
            arguments[key] = view.get_filter_arg(index, view._filters[index])
        args[f"flt{n}_{arguments[key]}"] = value
    bases = g.setdefault("admin_list_urls", {})  # a page of KPIs links the same lists a hundred times
    if endpoint not in bases:
        bases[endpoint] = url_for(f"{endpoint}.index_view")
    return f"{bases[endpoint]}?{urlencode(args)}"
