"""Admin-set exceptions to the working calendar: a day off on a weekday, a working Saturday.

Russian public holidays come from the `holidays` package; these rows override them and the weekdays."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.admin.base import ADMIN_ONLY, StaffModelView


class CalendarExceptionView(StaffModelView):
    allowed_roles = ADMIN_ONLY
    column_list = ("day", "working", "note")
    column_default_sort = ("day", True)
    form_columns = ("day", "working", "note")
    column_labels = {"day": _l("Day"), "working": _l("Working day"), "note": _l("Note")}
    column_descriptions = {"working": _l("Ticked: a working day (e.g. a transferred Saturday); "
                                         "not ticked: a day off.")}
    form_args = {"day": {"format": "%Y-%m-%d"}}
    form_widget_args = {"day": {"type": "date"}}
    column_formatters = {"day": lambda v, c, m, n: m.day.strftime("%d.%m.%Y")}
