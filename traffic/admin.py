"""«Журнал входящего трафика»: every call and visit with wait and processing times; filters; CSV/XLSX export."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.admin.base import JournalView
from app.admin.filters import (
    ConditionFilter,
    IdChoiceFilter,
    LocalSinceFilter,
    LocalUntilFilter,
    day_filters,
    filtered_list_url,
    staff_options,
)
from app.domain.roles import Role
from app.i18n import format_local
from app.models.user import User
from catalogs.labels import DEPARTMENT_LABELS, DOCUMENT_KIND_LABELS
from traffic.hooks import STATUS_LABELS
from traffic.models import OPEN_STATUSES, Traffic


def _visible(model_name: str):
    """The choices of a filter over a catalog (goals, ignore reasons): its visible rows, read on each request."""
    def options():
        import catalogs.models
        from app.extensions import db
        from app.services.catalogs import visible_rows

        return [(str(row.id), row.name) for row in visible_rows(db.session, getattr(catalogs.models, model_name))]
    return options


_goal_options = _visible("ContactGoal")
_reason_options = _visible("IgnoreReason")


class DepartmentFilter(FilterEqual):
    """The goal's department («Отдел»): the records whose goal belongs to it."""

    def apply(self, query, value, alias=None):
        from sqlalchemy import select

        from catalogs.models import ContactGoal

        return query.filter(self.get_column(alias).in_(select(ContactGoal.id)
                                                       .where(ContactGoal.department == value)))


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
        IdChoiceFilter(Traffic.taken_by_id, _l("Employee"), options=staff_options),
        IdChoiceFilter(Traffic.registered_by_id, _l("Reception operator"), options=staff_options),
        # added later, so the positions above (in bookmarked URLs: `flt0_5=…`) stay
        DepartmentFilter(Traffic.goal_id, _l("Department"), options=tuple(DEPARTMENT_LABELS.items())),
        ConditionFilter(Traffic.status, _l("Not taken yet"), lambda status: status.in_(OPEN_STATUSES)),
        ConditionFilter(Traffic.escalated_at, _l("Escalated to supervisors"), lambda at: at.is_not(None)),
        IdChoiceFilter(Traffic.ignore_reason_id, _l("Ignore reason"), options=_reason_options),
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
                employee_id: int | None = None, department: str | None = None, untaken: bool = False,
                escalated: bool = False, ignore_reason_id: int | None = None) -> str | None:
    """The journal of the local days `first`…`last` with the other filters given: where a KPI's count comes from."""
    wanted = [(Traffic.registered_at, LocalSinceFilter, first.isoformat()),
              (Traffic.registered_at, LocalUntilFilter, last.isoformat())]
    for column, kind, value in ((Traffic.channel, FilterEqual, channel), (Traffic.status, FilterEqual, status),
                                (Traffic.goal_id, IdChoiceFilter, goal_id),
                                (Traffic.goal_id, DepartmentFilter, department),
                                (Traffic.taken_by_id, IdChoiceFilter, employee_id),
                                (Traffic.status, ConditionFilter, "1" if untaken else None),
                                (Traffic.escalated_at, ConditionFilter, "1" if escalated else None),
                                (Traffic.ignore_reason_id, IdChoiceFilter, ignore_reason_id)):
        if value is not None:
            wanted.append((column, kind, str(value)))
    return filtered_list_url("trafficjournal", wanted)
