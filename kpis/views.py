"""«Показатели»: the supervisor's KPIs for a period, against the previous one, with the lists behind them."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, request
from flask_admin import expose
from flask_babel import gettext

from app.admin.base import StaffBaseView, xlsx_bytes
from app.clock import get_clock
from app.domain.roles import Role
from app.services.users import active_staff
from catalogs.labels import DEPARTMENT_LABELS
from catalogs.models import DEPARTMENTS
from kpis import present, rules, service
from kpis.rules import Period


class KpiView(StaffBaseView):
    allowed_roles = frozenset({Role.SUPERVISOR, Role.ADMIN})

    def _choice(self, today: date) -> tuple[str, Period, service.Filters, dict[str, str]]:
        """The period and filters asked for; a bad value is named next to its field and the default is shown."""
        args, errors = request.args, {}
        name = args.get("period") or "week"
        if name not in rules.PERIODS:
            errors["period"], name = gettext("Choose a period from the list."), "week"
        period = rules.named_period(name if name != "custom" else "week", today)
        if name == "custom":
            first, last = _day(args.get("from"), errors, "from"), _day(args.get("to"), errors, "to")
            problem = rules.period_problem(first, last) if first and last else None
            if problem is not None:
                errors["to"] = gettext(problem, days=rules.MAX_PERIOD_DAYS)
            elif first and last:
                period = Period(first, last)
            elif not errors:
                errors["from" if not first else "to"] = gettext("Enter both days of the period.")
        department = args.get("department") or None
        if department is not None and department not in DEPARTMENTS:
            errors["department"], department = gettext("Choose a department from the list."), None
        employee_id = None
        if args.get("employee_id"):
            raw = args["employee_id"]
            employee_id = int(raw) if raw.isdigit() and len(raw) <= 9 else None
            if employee_id is None:
                errors["employee_id"] = gettext("Choose an employee from the list.")
        return name, period, service.Filters(department=department, employee_id=employee_id), errors

    def _reports(self):
        session = self.db_session
        zone = service.dealership_zone(session)
        today = get_clock().now().astimezone(zone).date()
        name, period, filters, errors = self._choice(today)
        now = service.report(session, period, zone=zone, filters=filters)
        return name, now, zone, today, errors

    @expose("/")
    def index(self):
        name, now, zone, today, errors = self._reports()
        before = service.report(self.db_session, rules.previous_period(name, now.period), zone=zone,
                                filters=now.filters, parts=service.COMPARED)
        tables = present.tables(now)
        return self.render(
            "kpis/index.html", report=now, previous=before, period_name=name, periods=rules.PERIODS, errors=errors,
            tiles=present.tiles(now, before), tables=tables, charts={t.key: t.chart_json() for t in tables},
            period_label=present.period_label(now), previous_label=present.period_label(before),
            departments=[(code, DEPARTMENT_LABELS[code]) for code in DEPARTMENTS],
            employees=active_staff(self.db_session), today=today, args=_query())

    @expose("/export/<key>.xlsx")
    def export(self, key: str):
        """The table behind one chart, as a workbook (the same period and filters as the page)."""
        _name, now, _zone, _today, _errors = self._reports()
        table = next((t for t in present.tables(now) if t.key == key), None)
        if table is None:
            abort(404)
        filename = f"kpi-{key}-{now.period.first.isoformat()}-{now.period.last.isoformat()}.xlsx"
        return Response(xlsx_bytes(table.columns, table.rows), headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


QUERY = ("period", "from", "to", "department", "employee_id")


def _query() -> dict[str, str]:
    """The page's own query arguments (for the export links), nothing else the address may carry."""
    return {key: request.args[key][:40] for key in QUERY if request.args.get(key)}


def _day(raw: str | None, errors: dict[str, str], field: str) -> date | None:
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        errors[field] = gettext("Enter a date as dd.mm.yyyy.")
        return None
    if not 1900 <= day.year < 2200:
        errors[field] = gettext("The date must be between %(min)s and %(max)s.", min=1900, max=2199)
        return None
    return day


