"""The report as people read it: tiles (a figure, what it is made of, the change, the list behind it) and
tables (each drawn as a chart, printed as a table, exported to XLSX). Russian number formats throughout."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from app.i18n import label_of
from catalogs.labels import CHANNEL_LABELS, DEPARTMENT_LABELS
from desk.admin import bookings_url
from kpis.rules import Ratio, change
from kpis.service import DESK_DEPARTMENT, Report
from traffic.admin import journal_url

STAGE_LABELS = {"started": _l("Cadences started"), "contact_made": _l("Contact made"),
                "meeting_set": _l("Meeting set"), "closed_no_contact": _l("Closed without contact")}


def number(value: float, places: int = 1) -> str:
    """`1.55` → «1,6»; whole numbers without decimals."""
    text = f"{value:,.{places}f}" if value != int(value) else f"{int(value):,}"
    return text.replace(",", "\u00a0").replace(".", ",")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{number(value * 100)}\u00a0%"


def minutes(value: int | None) -> str:
    return "—" if value is None else gettext("%(minutes)s min", minutes=value)


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    shown: str  # the figure as read
    detail: str = ""  # «29 из 40»
    previous: str = ""  # the previous period's figure, as read
    trend: str = ""  # «▲ 5,0 п.п.», «▼ 12 %»
    trend_good: bool | None = None  # green or red; None: neutral
    url: str | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # cells: numbers stay numbers (the chart and the XLSX read them)
    links: list[str | None] = field(default_factory=list)  # per row: the list behind it
    chart: str = "bar"  # bar, line, hbar, none

    def chart_json(self) -> dict:
        return {"type": self.chart, "labels": [str(row[0]) for row in self.rows],
                "series": [{"label": str(name), "data": [row[i + 1] for row in self.rows]}
                           for i, name in enumerate(self.columns[1:])]}


def _rate_tile(key, label, ratio: Ratio, before: Ratio, *, url=None, higher_is_better=True) -> Tile:
    trend, good = "", None
    if ratio.value is not None and before.value is not None:
        points = (ratio.value - before.value) * 100
        unit = gettext("p.p.")  # percentage points
        trend = f"{'▲' if points > 0 else '▼' if points < 0 else '='} {number(abs(points))} {unit}"
        good = None if points == 0 else (points > 0) == higher_is_better
    return Tile(key=key, label=str(label), shown=percent(ratio.value),
                detail=gettext("%(numerator)s of %(denominator)s", numerator=ratio.numerator,
                               denominator=ratio.denominator),
                previous=percent(before.value), trend=trend, trend_good=good, url=url)


def _count_tile(key, label, value, before, *, url=None, shown=None, previous=None, higher_is_better=True) -> Tile:
    ratio = change(value, before)
    trend, good = "", None
    if ratio is not None:
        trend = f"{'▲' if ratio > 0 else '▼' if ratio < 0 else '='} {number(abs(ratio) * 100, 0)}\u00a0%"
        good = None if ratio == 0 else (ratio > 0) == higher_is_better
    return Tile(key=key, label=str(label), shown=shown if shown is not None else number(value or 0),
                previous=previous if previous is not None else ("—" if before is None else number(before)),
                trend=trend, trend_good=good, url=url)


class Links:
    """The lists behind the figures, with the report's filters (the employee is the booking's advisor and the
    one who took the traffic; the department is the goal's)."""

    def __init__(self, report: Report) -> None:
        self.first, self.last, self.filters = report.period.first, report.period.last, report.filters

    def bookings(self, first=None, last=None, **kwargs) -> str | None:
        if not self.filters.covers(DESK_DEPARTMENT):
            return None  # the desk is the service's: its figures are empty in another department
        return bookings_url(first or self.first, last or self.last, advisor_id=self.filters.employee_id, **kwargs)

    def journal(self, first=None, last=None, **kwargs) -> str | None:
        kwargs.setdefault("employee_id", self.filters.employee_id)
        if kwargs.get("goal_id") is None:
            kwargs.setdefault("department", self.filters.department)
        return journal_url(first or self.first, last or self.last, **kwargs)


def tiles(now: Report, before: Report) -> dict[str, list[Tile]]:
    """The tiles of each section, each against the previous period."""
    d, bd, t, bt = now.desk, before.desk, now.traffic, before.traffic
    links = Links(now)

    return {
        "desk": [
            _rate_tile("confirmation_rate", _l("Confirmed by the desk"), d.confirmation_rate, bd.confirmation_rate,
                       url=links.bookings(confirmation_state="confirmed")),
            _rate_tile("show_rate", _l("Came"), d.show_rate, bd.show_rate, url=links.bookings(status="arrived")),
            _rate_tile("no_show_rate", _l("No-shows"), d.no_show_rate, bd.no_show_rate,
                       url=links.bookings(status="no_show"), higher_is_better=False),
            _rate_tile("show_rate_confirmed", _l("Came, of the confirmed"), d.show_rate_confirmed,
                       bd.show_rate_confirmed, url=links.bookings(status="arrived", confirmation_state="confirmed")),
            _rate_tile("show_rate_unconfirmed", _l("Came, of the not confirmed"), d.show_rate_unconfirmed,
                       bd.show_rate_unconfirmed, url=links.bookings(status="arrived", not_confirmed=True)),
            _rate_tile("first_call_reach_rate", _l("Reached on the first call"), d.first_call_reach_rate,
                       bd.first_call_reach_rate),
            _count_tile("average_attempts", _l("Calls per booking"), d.average_attempts.value, bd.average_attempts.value,
                        shown="—" if d.average_attempts.value is None else number(d.average_attempts.value),
                        previous="—" if bd.average_attempts.value is None else number(bd.average_attempts.value),
                        higher_is_better=False),
            _count_tile("auto_cancelled", _l("Cancelled by the regulation"), d.auto_cancelled, bd.auto_cancelled,
                        higher_is_better=False),  # no list: a refusal is cancelled with the same state
        ],
        "traffic": [
            _count_tile("total", _l("Calls and visits"), t.total, bt.total, url=links.journal()),
            _count_tile("wait_p50", _l("Wait until taken, median"), t.wait_minutes_p50, bt.wait_minutes_p50,
                        shown=minutes(t.wait_minutes_p50), previous=minutes(bt.wait_minutes_p50),
                        higher_is_better=False),
            _count_tile("wait_p90", _l("Wait until taken, 90 %"), t.wait_minutes_p90, bt.wait_minutes_p90,
                        shown=minutes(t.wait_minutes_p90), previous=minutes(bt.wait_minutes_p90),
                        higher_is_better=False),
            _count_tile("processing_p50", _l("Processing, median"), t.processing_minutes_p50,
                        bt.processing_minutes_p50, shown=minutes(t.processing_minutes_p50),
                        previous=minutes(bt.processing_minutes_p50), higher_is_better=False),
            _count_tile("untaken", _l("Not taken yet"), t.untaken, bt.untaken, url=links.journal(untaken=True),
                        higher_is_better=False),
            _count_tile("escalated", _l("Escalated to supervisors"), t.escalated, bt.escalated,
                        url=links.journal(escalated=True), higher_is_better=False),
            _count_tile("ignored", _l("Ignored"), t.ignored, bt.ignored, url=links.journal(status="ignored"),
                        higher_is_better=False),
        ],
        "appeals": [
            _count_tile("appeals", _l("Appeals"), now.appeals.total, before.appeals.total),
            _rate_tile("automatic_share", _l("Categorised automatically"), now.appeals.automatic_share,
                       before.appeals.automatic_share),
        ],
        "leads": [
            _count_tile("cadences_started", _l("Cadences started"), now.leads.cadences_started,
                        before.leads.cadences_started),
            _count_tile("contact_made", _l("Contact made"), now.leads.contact_made, before.leads.contact_made),
            _count_tile("meetings_set", _l("Meeting set"), now.leads.meetings_set, before.leads.meetings_set),
            _count_tile("closed_no_contact", _l("Closed without contact"), now.leads.closed_no_contact,
                        before.leads.closed_no_contact, higher_is_better=False),
            _rate_tile("meeting_show_rate", _l("Came to the meeting"), now.leads.meeting_show_rate,
                       before.leads.meeting_show_rate),
        ],
    }


def tables(report: Report) -> list[Table]:
    """The tables behind the charts, in the page's order."""
    names, d, t, links = report.names, report.desk, report.traffic, Links(report)
    desk_days = Table("desk_days", gettext("Bookings by visit day"),
                      [gettext("Day"), gettext("Bookings"), gettext("Confirmed"), gettext("Came"),
                       gettext("No-shows"), gettext("Cancelled")], chart="bar")
    for day, values in d.per_day.items():
        desk_days.rows.append([day.strftime("%d.%m"), values.get("bookings", 0), values.get("confirmed", 0),
                               values.get("arrived", 0), values.get("no_show", 0), values.get("cancelled", 0)])
        desk_days.links.append(links.bookings(day, day))
    channels = sorted({channel for values in t.per_day.values() for channel in values} | set(CHANNEL_LABELS))
    traffic_days = Table("traffic_days", gettext("Calls and visits by day"),
                         [gettext("Day"), *(label_of(CHANNEL_LABELS, c) for c in channels)], chart="line")
    for day, values in t.per_day.items():
        traffic_days.rows.append([day.strftime("%d.%m"), *(values.get(c, 0) for c in channels)])
        traffic_days.links.append(links.journal(day, day))
    by_channel = Table("traffic_channels", gettext("By channel"), [gettext("Channel"), gettext("Records")])
    for channel, count in sorted(t.by_channel.items(), key=lambda item: -item[1]):
        by_channel.rows.append([label_of(CHANNEL_LABELS, channel), count])
        by_channel.links.append(links.journal(channel=channel))
    by_goal = Table("traffic_goals", gettext("By goal"), [gettext("Goal"), gettext("Records")], chart="hbar")
    for goal_id, count in sorted(t.by_goal.items(), key=lambda item: -item[1]):
        by_goal.rows.append([names["goal"].get(goal_id) or gettext("No goal"), count])
        by_goal.links.append(links.journal(goal_id=goal_id) if goal_id else None)
    by_department = Table("traffic_departments", gettext("By department"), [gettext("Department"), gettext("Records")])
    for department, count in sorted(t.by_department.items(), key=lambda item: -item[1]):
        by_department.rows.append([label_of(DEPARTMENT_LABELS, department) if department else gettext("No goal"),
                                   count])
        by_department.links.append(links.journal(department=department) if department else None)
    ignored = Table("traffic_ignored", gettext("Ignored, by reason"), [gettext("Reason"), gettext("Records")],
                    chart="hbar")
    for reason_id, count in sorted(t.ignored_by_reason.items(), key=lambda item: -item[1]):
        ignored.rows.append([names["ignore_reason"].get(reason_id) or gettext("No reason"), count])
        ignored.links.append(links.journal(status="ignored", ignore_reason_id=reason_id) if reason_id else None)
    people = Table("traffic_employees", gettext("By employee"),
                   [gettext("Employee"), gettext("Taken"), gettext("Processed"), gettext("Wait until taken, median, min")],
                   chart="none")
    for row in t.per_employee:
        people.rows.append([names["user"].get(row["user_id"], ""), row["taken"], row["processed"],
                            row["wait_minutes_p50"]])
        people.links.append(links.journal(employee_id=row["user_id"]))
    appeals = Table("appeals_categories", gettext("Appeals by category"), [gettext("Category"), gettext("Appeals")],
                    chart="hbar")
    for category_id, count in sorted(report.appeals.by_category.items(), key=lambda item: -item[1]):
        appeals.rows.append([names["category"].get(category_id, ""), count])
        appeals.links.append(None)
    result = [desk_days, traffic_days, by_channel, by_goal, by_department, ignored, people, appeals]
    for n, (cadence, stages) in enumerate(report.leads.funnel.items()):
        funnel = Table(f"funnel_{n}", gettext("Cadence funnel: %(cadence)s", cadence=cadence),
                       [gettext("Stage"), gettext("Runs")], chart="hbar")
        for stage, count in stages:
            funnel.rows.append([gettext("Step %(n)s reached", n=stage[5:]) if stage.startswith("step:")
                                else str(STAGE_LABELS[stage]), count])
            funnel.links.append(None)
        result.append(funnel)
    managers = Table("lead_managers", gettext("Calls by call-centre manager"),
                     [gettext("Manager"), gettext("Calls"), gettext("Reached"), gettext("Reached, %")], chart="none")
    for row in report.leads.per_manager:
        rate = row["reach_rate"].value
        managers.rows.append([names["user"].get(row["user_id"], ""), row["calls"], row["reached"],
                              None if rate is None else round(rate * 100, 1)])
        managers.links.append(None)
    result.append(managers)
    return result


def period_label(report: Report) -> str:
    first, last = report.period.first, report.period.last
    days = report.period.length
    span = first.strftime("%d.%m.%Y") if first == last else f"{first:%d.%m.%Y}–{last:%d.%m.%Y}"
    length = ngettext("%(num)s day", "%(num)s days", days)
    return f"{span} ({length})"
