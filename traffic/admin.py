"""«Журнал входящего трафика»: every call and visit with wait and processing times; filters; CSV/XLSX export."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.admin.base import JournalView
from app.admin.filters import LocalSinceFilter, LocalUntilFilter, day_filters, filtered_list_url
from app.domain.roles import Role
from app.i18n import format_local
from app.models.user import User
from catalogs.labels import DOCUMENT_KIND_LABELS
from traffic.hooks import STATUS_LABELS
from traffic.models import Traffic


class IdChoiceFilter(FilterEqual):
    """A choice of rows (goals, users) read on each request; the value is their integer id."""

    def get_options(self, view):
        from flask import has_app_context

        return super().get_options(view) if has_app_context() else []

    def validate(self, value) -> bool:
        return str(value).isdigit()

    def clean(self, value) -> int:
        return int(value)


def _goal_options():
    from app.extensions import db
    from app.services.catalogs import visible_rows
    from catalogs.models import ContactGoal

    return [(str(goal.id), goal.name) for goal in visible_rows(db.session, ContactGoal)]


def _user_options():
    """Employees for the two user filters: ids and names only, read once per request."""
    from flask import g
    from sqlalchemy import select

    from app.extensions import db
    from app.models.user import User

    if "journal_user_options" not in g:
        rows = db.session.execute(select(User.id, User.full_name, User.username).order_by(User.username))
        g.journal_user_options = [(str(id_), full_name or username) for id_, full_name, username in rows]
    return g.journal_user_options


def minutes_between(start, end) -> str:
    if not start or not end:
        return ""
    seconds = int((end - start).total_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}"


class TrafficJournalView(JournalView):
    allowed_roles = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.RECEPTION, Role.SERVICE_ADMIN, Role.CALL_CENTER,
                               Role.SALES_MANAGER, Role.SERVICE_ADVISOR})
    can_export = True
    export_types = ["csv", "xlsx"]
    list_template = "traffic/journal.html"  # short codes on one line: the journal fits a 1366 px screen
    column_default_sort = ("registered_at", True)
    column_list = ("number", "registered_at", "channel", "goal", "who", "phone", "registered_by", "taken_by",
                   "status", "wait", "processing", "document")
    column_export_list = column_list
    column_labels = {
        "number": _l("No."), "registered_at": _l("Registered"), "channel": _l("Channel"), "goal": _l("Goal"),
        "who": _l("Client or visitor"), "phone": _l("Phone"), "registered_by": _l("Reception operator"),
        "taken_by": _l("Employee"), "status": _l("Status"), "wait": _l("Wait, min:s"),
        "processing": _l("Processing, min:s"), "document": _l("Document"),
    }
    column_filters = (
        *day_filters(Traffic.registered_at, _l("Registered")),
        FilterEqual(Traffic.channel, _l("Channel"), options=(("call", _l("Call")), ("visit", _l("Visit")))),
        FilterEqual(Traffic.status, _l("Status"), options=tuple((code, _l(label))
                                                               for code, label in STATUS_LABELS.items())),
        IdChoiceFilter(Traffic.goal_id, _l("Goal"), options=_goal_options),
        IdChoiceFilter(Traffic.taken_by_id, _l("Employee"), options=_user_options),
        IdChoiceFilter(Traffic.registered_by_id, _l("Reception operator"), options=_user_options),
    )
    column_formatters = {
        "number": lambda v, c, m, n: m.number,
        "registered_at": lambda v, c, m, n: format_local(m.registered_at),
        "channel": lambda v, c, m, n: gettext("Call") if m.channel == "call" else gettext("Visit"),
        "goal": lambda v, c, m, n: m.goal.name if m.goal else "",
        "who": lambda v, c, m, n: m.client.name if m.client else m.description,
        "registered_by": lambda v, c, m, n: str(m.registered_by or ""),
        "taken_by": lambda v, c, m, n: str(m.taken_by or ""),
        "status": lambda v, c, m, n: gettext(STATUS_LABELS[m.status]),
        "wait": lambda v, c, m, n: minutes_between(m.registered_at, m.taken_at),
        "processing": lambda v, c, m, n: minutes_between(m.taken_at, m.processed_at),
        "document": lambda v, c, m, n: (f"{DOCUMENT_KIND_LABELS[m.document_type]} №{m.document_id}"
                                        if m.document_type else (m.ignore_reason.name if m.ignore_reason else "")),
    }
    column_formatters_export = column_formatters

    def _handle_view(self, name, **kwargs):
        self._refresh_filters_cache()  # the goal and user choices of the filters, fresh
        return super()._handle_view(name, **kwargs)

    def get_query(self):
        return super().get_query().options(
            joinedload(Traffic.goal), joinedload(Traffic.client), joinedload(Traffic.registered_by).lazyload(User.roles),
            joinedload(Traffic.taken_by).lazyload(User.roles), joinedload(Traffic.ignore_reason))


def journal_url(first, last, *, channel: str | None = None, status: str | None = None, goal_id: int | None = None,
                employee_id: int | None = None) -> str | None:
    """The journal of the local days `first`…`last` with the other filters given: where a KPI's count comes from."""
    wanted = [(Traffic.registered_at, LocalSinceFilter, first.isoformat()),
              (Traffic.registered_at, LocalUntilFilter, last.isoformat())]
    for column, value in ((Traffic.channel, channel), (Traffic.status, status), (Traffic.goal_id, goal_id),
                          (Traffic.taken_by_id, employee_id)):
        if value is not None:
            wanted.append((column, IdChoiceFilter if column in (Traffic.goal_id, Traffic.taken_by_id) else FilterEqual,
                           str(value)))
    return filtered_list_url("trafficjournal", wanted)
