"""`GET /api/v1/kpis` (SPEC §5.1): the figures of «Показатели» for BI tools, each rate with what it is made of."""

from __future__ import annotations

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.api.auth import api_roles
from app.api.blueprint import ApiBlueprint as Blueprint
from app.api.fields import Day, Id
from app.clock import get_clock
from app.domain.errors import ValidationFailed
from app.extensions import db
from catalogs.models import DEPARTMENTS
from kpis import rules, service
from kpis.rules import Period

blp = Blueprint("api_kpis", __name__, description="KPIs of the front office")
blp.url_prefix_suffix = ""

KPI_ROLES = ("admin", "supervisor")


class KpiArgsSchema(Schema):
    from_ = Day(load_default=None, data_key="from")
    to = Day(load_default=None)
    department = fields.Str(load_default=None, validate=validate.OneOf(DEPARTMENTS))
    employee_id = Id(load_default=None)

    @validates_schema
    def _period(self, data, **kwargs) -> None:
        first, last = data.get("from_"), data.get("to")
        if first is not None and last is not None and rules.period_problem(first, last) == rules.BACKWARDS:
            raise ValidationError({"to": [gettext(rules.BACKWARDS)]})


class KpiSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    department = fields.Str(allow_none=True)
    employee_id = fields.Int(allow_none=True)
    desk = fields.Dict()
    traffic = fields.Dict()
    appeals = fields.Dict()
    leads = fields.Dict()


def report_json(report: service.Report) -> dict:
    """The report as SPEC §5.1 names it; rates are `{value, numerator, denominator}` (value null of 0)."""
    desk, traffic, appeals, leads, names = report.desk, report.traffic, report.appeals, report.leads, report.names
    return {
        "from_": report.period.first, "to": report.period.last,
        "department": report.filters.department, "employee_id": report.filters.employee_id,
        "desk": {
            "bookings": desk.bookings, "confirmation_rate": desk.confirmation_rate.as_json(),
            "show_rate": desk.show_rate.as_json(), "no_show_rate": desk.no_show_rate.as_json(),
            "show_rate_confirmed": desk.show_rate_confirmed.as_json(),
            "show_rate_unconfirmed": desk.show_rate_unconfirmed.as_json(),
            "first_call_reach_rate": desk.first_call_reach_rate.as_json(),
            "average_attempts": desk.average_attempts.as_json(), "auto_cancelled": desk.auto_cancelled,
            "cancelled": desk.cancelled,
        },
        "traffic": {
            "total": traffic.total, "by_channel": traffic.by_channel,
            "by_goal": [{"goal_id": goal_id, "name": names["goal"].get(goal_id, ""), "count": count}
                        for goal_id, count in sorted(traffic.by_goal.items(), key=lambda item: -item[1])],
            "by_department": {department or "": count for department, count in traffic.by_department.items()},
            "wait_minutes_p50": traffic.wait_minutes_p50, "wait_minutes_p90": traffic.wait_minutes_p90,
            "processing_minutes_p50": traffic.processing_minutes_p50,
            "processing_minutes_p90": traffic.processing_minutes_p90,
            "untaken": traffic.untaken, "escalated": traffic.escalated, "ignored": traffic.ignored,
            "ignored_by_reason": [{"reason_id": reason_id, "name": names["ignore_reason"].get(reason_id, ""),
                                   "count": count} for reason_id, count in traffic.ignored_by_reason.items()],
            "per_employee": [{**row, "name": names["user"].get(row["user_id"], "")} for row in traffic.per_employee],
        },
        "appeals": {
            "total": appeals.total, "automatic_share": appeals.automatic_share.as_json(),
            "by_category": [{"category_id": category_id, "name": names["category"].get(category_id, ""),
                             "count": count} for category_id, count in appeals.by_category.items()],
        },
        "leads": {
            "cadences_started": leads.cadences_started, "contact_made": leads.contact_made,
            "meetings_set": leads.meetings_set, "closed_no_contact": leads.closed_no_contact,
            "running": leads.running, "meeting_show_rate": leads.meeting_show_rate.as_json(),
            "funnel": {name: [{"stage": stage, "count": count} for stage, count in stages]
                       for name, stages in leads.funnel.items()},
            "per_manager": [{"user_id": row["user_id"], "name": names["user"].get(row["user_id"], ""),
                             "calls": row["calls"], "reached": row["reached"],
                             "reach_rate": row["reach_rate"].as_json()} for row in leads.per_manager],
        },
    }


@blp.route("/kpis")
@api_roles(*KPI_ROLES)
@blp.arguments(KpiArgsSchema, location="query")
@blp.response(200, KpiSchema)
def kpis(args):
    """The period's KPIs (dealership days, both ends included; one day, today, when not given)."""
    session = db.session
    zone = service.dealership_zone(session)
    first, last = args["from_"], args["to"]
    if last is None:
        today = get_clock().now().astimezone(zone).date()
        last = today if first is None or first <= today else first
    first = first or last
    if rules.period_problem(first, last) == rules.TOO_LONG:  # reachable only with a day defaulted to today
        raise ValidationFailed(rules.TOO_LONG, fields={"from": rules.TOO_LONG}, days=rules.MAX_PERIOD_DAYS)
    return report_json(service.report(session, Period(first, last), zone=zone, filters=service.Filters(
        department=args["department"], employee_id=args["employee_id"])))
