"""A scripted stretch of a week on the clock — bookings, calls, arrivals, traffic, leads — and the figures the
KPI page and the API give for it, on SQLite and PostgreSQL; the lists the numbers link to hold those rows."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.timers.service import reconcile
from catalogs.models import CancellationReason, ContactGoal, IgnoreReason
from desk import service as desk
from desk.rules import WorkLine
from kpis import service as kpis
from kpis.models import RolledDay, TrafficDay
from kpis.rules import Period
from leads import service as leads
from tests import factories as f
from tests.desk.calls import call
from tests.factories import msk
from tests.leads.clock import tick
from traffic import service as traffic

MONDAY, TUESDAY, WEDNESDAY = (msk(2026, 11, d, 0).date() for d in (23, 24, 25))


@pytest.fixture
def people(make_user):
    return {"operator": make_user("service_admin", username="operator"),
            "advisor": make_user("service_advisor", username="advisor", full_name="Сергей Смирнов"),
            "boss": make_user("supervisor", username="boss"),
            "reception": make_user("reception", username="anna"),
            "sales1": make_user("sales_manager", username="sales1", full_name="Владимир Петухов"),
            "sales2": make_user("sales_manager", username="sales2", full_name="Ирина Кузнецова"),
            "cc": make_user("call_center", username="olga", full_name="Ольга КЦ")}


@pytest.fixture
def week(session, clock, dispatcher, people):
    """Monday to Wednesday, 23–25 November 2026 (Moscow)."""
    # ----- the desk: four bookings for Tuesday, called on Monday
    clock.set(msk(2026, 11, 23, 9, 0))
    made = {}
    for key, name, hour in (("a", "Зубков Алексей", 10), ("b", "Иванова Мария", 12), ("c", "Петров Сергей", 14),
                            ("d", "ООО «Автотранс»", 16)):
        owner = f.client(session, clock, name, phones=["+7 (908) 4944434"])
        made[key] = desk.create_booking(session, desk.BookingDraft(
            client_id=owner.id, start_at=msk(2026, 11, 24, hour), advisor_id=people["advisor"].id,
            works=[WorkLine("ТО-1", Decimal("1.5"), Decimal("6500"))]), actor_id=None, clock=clock)
    refusal = session.scalar(select(CancellationReason).where(CancellationReason.code != "client_unreachable"))
    clock.set(msk(2026, 11, 23, 12, 5))
    call(session, clock, made["a"], people["operator"], outcome="confirmed")
    call(session, clock, made["b"], people["operator"], outcome="not_reached", reason="busy")
    call(session, clock, made["c"], people["operator"], outcome="refused", cancel_reason_id=refusal.id)
    clock.set(msk(2026, 11, 23, 13, 30))
    call(session, clock, made["b"], people["operator"], outcome="confirmed")

    # ----- traffic on Monday: one processed, one ignored, one nobody takes (escalated after 15 minutes)
    goal = session.scalar(select(ContactGoal).where(ContactGoal.code == "visit_showroom_new_car"))
    goal.specialists = [people["sales1"], people["sales2"]]
    session.commit()
    clock.set(msk(2026, 11, 23, 14, 0))
    rows = [traffic.register(session, traffic.TrafficDraft(channel="visit", goal_id=goal.id, description=text),
                             actor_id=people["reception"].id, clock=clock)[0]
            for text in ("Мужчина в синей куртке", "Женщина с ребёнком", "Пара у Sportage")]
    clock.set(msk(2026, 11, 23, 14, 3))
    traffic.take(session, rows[0].id, user_id=people["sales1"].id, clock=clock)
    clock.set(msk(2026, 11, 23, 14, 10))
    traffic.take(session, rows[1].id, user_id=people["sales2"].id, clock=clock)
    clock.set(msk(2026, 11, 23, 14, 15))
    reason = session.scalar(select(IgnoreReason).where(IgnoreReason.requires_comment.is_(False)))
    traffic.ignore(session, rows[1].id, reason_id=reason.id, comment="", user_id=people["sales2"].id, clock=clock)
    sheet = f.work_sheet(session, clock, f.client(session, clock, "Кузьмин Пётр"), manager_id=people["sales1"].id)
    clock.set(msk(2026, 11, 23, 14, 25))
    traffic.attach(session, rows[0].id, document_type="work_sheet", document_id=sheet.id,
                   user_id=people["sales1"].id, clock=clock)
    tick(session, clock, dispatcher, msk(2026, 11, 23, 14, 16))  # rows[2] untaken for 16 minutes: escalated

    # ----- leads: two cadences; one ends in a contact, the other in a meeting that is held
    clock.set(msk(2026, 11, 23, 15, 0))
    lead_ids = []
    for name in ("Виктор Иванов", "Анна Смирнова"):
        client = f.client(session, clock, name, phones=["+7 912 000-11-22"])
        lead = leads.create_lead(session, leads.LeadDraft(client_id=client.id, interest="Kia Sportage",
                                                          responsible_id=people["cc"].id),
                                 actor_id=people["cc"].id, clock=clock)
        leads.record_event(session, lead.id, "no_meeting_set", actor_id=people["cc"].id, clock=clock)
        lead_ids.append(lead.id)

    # ----- Tuesday: A and D come, B does not; the first lead is reached, the second sets a meeting
    clock.set(msk(2026, 11, 24, 8, 0))
    reconcile(session, clock=clock, dispatcher=dispatcher)
    tick(session, clock, dispatcher, msk(2026, 11, 24, 9, 0))
    clock.set(msk(2026, 11, 24, 9, 30))
    [task] = leads.open_tasks(session, lead_ids[0])
    leads.complete_call_task(session, task.id, outcome="reached", actor_id=people["cc"].id, clock=clock)
    leads.record_event(session, lead_ids[1], "meeting_set", actor_id=people["cc"].id, clock=clock,
                       at=msk(2026, 11, 25, 12, 0), employee_id=people["sales1"].id)
    clock.set(msk(2026, 11, 24, 10, 5))
    desk.mark_arrived(session, made["a"].id, expected_version=None, clock=clock)
    clock.set(msk(2026, 11, 24, 15, 55))
    desk.mark_arrived(session, made["d"].id, expected_version=None, clock=clock)
    calendar = desk.working_calendar(session)
    tick(session, clock, dispatcher, calendar.at(TUESDAY, calendar.day_end))  # B becomes a no-show

    # ----- Wednesday: the meeting is held
    clock.set(msk(2026, 11, 25, 12, 10))
    leads.record_event(session, lead_ids[1], "meeting_held", actor_id=people["sales1"].id, clock=clock)
    session.expire_all()
    return {"bookings": made, "traffic": rows, "goal": goal, "reason": reason, "leads": lead_ids}


def figures(session, first, last, **filters):
    return kpis.report(session, Period(first, last), zone=f.MSK, filters=kpis.Filters(**filters))


def test_the_figures_of_the_week_on_the_page_the_api_and_the_lists_behind_them(session, week, people, api,
                                                                              token_for, login, tmp_path):
    """One scripted week, every way it is read (the fixture is built once: the checks below share it)."""
    check_desk(session)
    check_traffic(session, week, people)
    check_leads(session, people)
    check_api(api, token_for, week)
    check_page(login, people)
    check_xlsx(login, people, week, tmp_path)


def check_desk(session):
    d = figures(session, MONDAY, WEDNESDAY).desk
    assert d.bookings == 4
    assert (d.confirmation_rate.numerator, d.confirmation_rate.denominator) == (2, 4)  # A and B; C refused
    assert (d.first_call_reach_rate.numerator, d.first_call_reach_rate.denominator) == (2, 3)  # B's first failed
    assert (d.average_attempts.numerator, d.average_attempts.denominator) == (4, 3)
    assert d.auto_cancelled == 0 and d.cancelled == 1
    assert (d.show_rate.numerator, d.show_rate.denominator) == (2, 3)  # A and D of A, B, D; C was cancelled
    assert (d.no_show_rate.numerator, d.no_show_rate.denominator) == (1, 3)
    assert (d.show_rate_confirmed.numerator, d.show_rate_confirmed.denominator) == (1, 2)
    assert (d.show_rate_unconfirmed.numerator, d.show_rate_unconfirmed.denominator) == (1, 1)
    assert d.per_day[TUESDAY] == {"bookings": 4, "confirmed": 2, "arrived": 2, "no_show": 1, "cancelled": 1}
    assert figures(session, MONDAY, MONDAY).desk.bookings == 0  # counted on the visit day, not the call's


def check_traffic(session, week, people):
    t = figures(session, MONDAY, WEDNESDAY).traffic
    assert t.total == 3 and t.by_channel == {"visit": 3} and t.by_goal == {week["goal"].id: 3}
    assert t.by_department == {"showroom": 3}
    assert (t.wait_minutes_p50, t.wait_minutes_p90) == (3, 10)
    assert (t.processing_minutes_p50, t.processing_minutes_p90) == (5, 22)  # ignored 5 min after, attached 22
    assert t.untaken == 1 and t.escalated == 1 and t.ignored == 1
    assert t.ignored_by_reason == {week["reason"].id: 1}
    assert [(row["user_id"], row["taken"], row["processed"]) for row in t.per_employee] == [
        (people["sales1"].id, 1, 1), (people["sales2"].id, 1, 0)]
    assert figures(session, TUESDAY, WEDNESDAY).traffic.total == 0
    assert figures(session, MONDAY, MONDAY, department="service").traffic.total == 0
    assert figures(session, MONDAY, MONDAY, employee_id=people["sales2"].id).traffic.total == 1


def check_leads(session, people):
    leads_ = figures(session, MONDAY, WEDNESDAY).leads
    assert leads_.cadences_started == 2 and leads_.contact_made == 1 and leads_.meetings_set == 1
    assert leads_.closed_no_contact == 0 and leads_.running == 0
    assert (leads_.meeting_show_rate.numerator, leads_.meeting_show_rate.denominator) == (1, 1)
    assert [(row["user_id"], row["calls"], row["reached"]) for row in leads_.per_manager] == [(people["cc"].id, 1, 1)]
    assert figures(session, MONDAY, WEDNESDAY, department="service").leads.cadences_started == 0


def check_api(api, token_for, week):
    token = token_for("supervisor")
    answer = api("GET", "/api/v1/kpis?from=2026-11-23&to=2026-11-25", token)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["from"] == "2026-11-23" and body["to"] == "2026-11-25"
    assert body["desk"]["confirmation_rate"] == {"value": 0.5, "numerator": 2, "denominator": 4}
    assert body["desk"]["show_rate"] == {"value": 0.6667, "numerator": 2, "denominator": 3}
    assert body["desk"]["auto_cancelled"] == 0
    assert body["traffic"]["total"] == 3 and body["traffic"]["by_channel"] == {"visit": 3}
    assert body["traffic"]["by_goal"] == [{"goal_id": week["goal"].id, "name": week["goal"].name, "count": 3}]
    assert (body["traffic"]["wait_minutes_p50"], body["traffic"]["wait_minutes_p90"]) == (3, 10)
    assert body["traffic"]["untaken"] == 1 and body["traffic"]["escalated"] == 1 and body["traffic"]["ignored"] == 1
    assert body["leads"]["cadences_started"] == 2 and body["leads"]["meeting_show_rate"]["value"] == 1.0
    empty = api("GET", "/api/v1/kpis?from=2026-11-26&to=2026-11-26", token).get_json()
    assert empty["desk"]["show_rate"] == {"value": None, "numerator": 0, "denominator": 0}


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-11-25&to=2026-11-23", "to"), ("from=1700-01-01&to=2026-11-23", "from"),
    ("from=2020-01-01&to=2026-11-23", "from"), ("department=garage", "department"), ("employee_id=0", "employee_id"),
    ("employee_id=99999999999", "employee_id"), ("from=2026-13-01", "from")])
def test_the_api_refuses_a_bad_period_naming_the_field(session, api, token_for, query, field):
    answer = api("GET", f"/api/v1/kpis?{query}", token_for("supervisor"))
    assert answer.status_code == 400, answer.get_json()
    assert field in str(answer.get_json())


@pytest.mark.parametrize(("role", "status"), [("supervisor", 200), ("admin", 200), ("reception", 403),
                                              ("service_admin", 403), ("call_center", 403), ("sales_manager", 403)])
def test_the_kpis_are_the_supervisors_and_the_admins(session, api, token_for, make_user, login, role, status):
    assert api("GET", "/api/v1/kpis", token_for(role)).status_code == status
    assert login(make_user(role)).get("/admin/kpis/").status_code == status


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def check_page(login, people):
    browser = login(people["boss"])
    page = text(browser.get("/admin/kpis/?period=custom&from=2026-11-23&to=2026-11-25"))
    assert "23.11.2026–25.11.2026 (3 дня)" in page
    assert re.search(r'id="tile-confirmation_rate".*?>50\u00a0%</a>.*?2 из 4', page, re.S)
    assert re.search(r'id="tile-show_rate".*?>66,7\u00a0%</a>', page, re.S)
    assert re.search(r'id="tile-wait_p90".*?10 мин', page, re.S)
    # the number links to the list behind it, which holds exactly those rows
    link = re.search(r'id="tile-no_show_rate".*?href="([^"]+)"', page, re.S).group(1)
    listed = text(browser.get(link))
    assert "Иванова Мария" in listed and "Зубков Алексей" not in listed and "Петров Сергей" not in listed
    journal = re.search(r'id="tile-ignored".*?href="([^"]+)"', page, re.S).group(1)
    listed = text(browser.get(journal))
    assert "Женщина с ребёнком" in listed and "Кузьмин Пётр" not in listed
    assert '<script type="application/json" id="kpi-charts">' in page and "vendor/chartjs/chart.umd.min.js" in page
    for tile, shown, hidden in (
            ("show_rate_confirmed", {"Зубков Алексей"}, {"Иванова Мария", "ООО «Автотранс»"}),  # B was not there
            ("show_rate_unconfirmed", {"ООО «Автотранс»"}, {"Зубков Алексей", "Иванова Мария"}),  # D never called
            ("untaken", {"Пара у Sportage"}, {"Кузьмин Пётр", "Женщина с ребёнком"}),
            ("escalated", {"Пара у Sportage"}, {"Кузьмин Пётр", "Женщина с ребёнком"})):
        assert_lists(browser, tile_link(page, tile), shown, hidden)
    showroom = html.unescape(re.search(r'<a href="([^"]+)">Автосалон</a>', page).group(1))  # «by department» → that journal
    assert_lists(browser, showroom, {"Кузьмин Пётр", "Женщина с ребёнком", "Пара у Sportage"}, set())
    by_reason = re.search(r'id="table-traffic_ignored".*?<tbody>.*?<a href="([^"]+)">', page, re.S).group(1)
    assert_lists(browser, html.unescape(by_reason), {"Женщина с ребёнком"}, {"Кузьмин Пётр", "Пара у Sportage"})
    # with the report's filters, the lists behind the numbers apply them too
    advisor_page = text(browser.get(f"/admin/kpis/?period=custom&from=2026-11-23&to=2026-11-25"
                                    f"&employee_id={people['advisor'].id}"))
    assert_lists(browser, tile_link(advisor_page, "no_show_rate"), {"Иванова Мария"}, {"Зубков Алексей"})
    other = login(people["boss"]).get(tile_link(advisor_page, "no_show_rate").replace(
        f"={people['advisor'].id}", f"={people['sales1'].id}"))
    assert "Иванова Мария" not in text(other)  # the advisor filter is applied, not ignored
    service_page = text(browser.get("/admin/kpis/?period=custom&from=2026-11-23&to=2026-11-25&department=service"))
    assert_lists(browser, tile_link(service_page, "total"), set(), {"Кузьмин Пётр", "Пара у Sportage"})
    showroom_page = text(browser.get("/admin/kpis/?period=custom&from=2026-11-23&to=2026-11-25&department=showroom"))
    assert_lists(browser, tile_link(showroom_page, "total"), {"Кузьмин Пётр", "Пара у Sportage"}, set())
    if 'id="tile-no_show_rate"' in showroom_page:
        assert tile_link(showroom_page, "no_show_rate") is None  # the desk is the service's: no list of others


def tile_link(page: str, key: str) -> str | None:
    tile = re.split(r'id="tile-|</section>', page.split(f'id="tile-{key}"', 1)[1], maxsplit=1)[0]
    found = re.search(r'href="([^"]+)"', tile)
    return html.unescape(found.group(1)) if found else None


def assert_lists(browser, link: str, shown: set[str], hidden: set[str]) -> None:
    listed = text(browser.get(link))
    assert all(name in listed for name in shown), (link, shown)
    assert not any(name in listed for name in hidden), (link, hidden)


def check_xlsx(login, people, week, tmp_path):
    browser = login(people["boss"])
    answer = browser.get("/admin/kpis/export/traffic_goals.xlsx?period=custom&from=2026-11-23&to=2026-11-25")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    (tmp_path / "goals.xlsx").write_bytes(answer.data)
    rows = list(load_workbook(tmp_path / "goals.xlsx").active.iter_rows(values_only=True))
    assert rows == [("Цель", "Записей"), (week["goal"].name, 3)]
    assert browser.get("/admin/kpis/export/nothing.xlsx").status_code == 404


@pytest.mark.parametrize(("query", "field"), [
    ("period=year", "period"), ("period=custom&from=2026-11-25&to=2026-11-23", "to"),
    ("period=custom&from=nonsense&to=2026-11-23", "from"), ("period=custom&from=2026-11-23", "to"),
    ("department=garage", "department"), ("employee_id=abc", "employee_id"),
    ("period=custom&from=2020-01-01&to=2026-11-23", "to")])
def test_bad_filters_are_named_next_to_their_field_and_the_page_still_shows(session, login, make_user, query, field):
    answer = login(make_user("supervisor")).get(f"/admin/kpis/?{query}")
    assert answer.status_code == 200
    page = text(answer)
    assert re.search(rf'name="{field}"[^>]*is-invalid|is-invalid[^>]*name="{field}"|id="f-{field}"[^>]*is-invalid',
                     page.replace("employee_id", "employee_id")) or f'name="{field}"' in page
    assert 'class="invalid-feedback d-block"' in page


def test_a_day_in_moscow_is_not_a_day_in_utc(session, clock, people):
    """Traffic at 00:30 Moscow on Tuesday is Monday 21:30 UTC: it counts on Tuesday."""
    goal = session.scalar(select(ContactGoal).where(ContactGoal.code == "visit_showroom_new_car"))
    clock.set(msk(2026, 11, 24, 0, 30))
    traffic.register(session, traffic.TrafficDraft(channel="call", goal_id=goal.id, description="Ночной звонок"),
                     actor_id=people["reception"].id, clock=clock)
    clock.set(msk(2026, 11, 23, 23, 59))
    traffic.register(session, traffic.TrafficDraft(channel="call", goal_id=goal.id, description="Поздний звонок"),
                     actor_id=people["reception"].id, clock=clock)
    t = figures(session, MONDAY, TUESDAY).traffic
    assert t.per_day == {MONDAY: {"call": 1}, TUESDAY: {"call": 1}}
    assert figures(session, TUESDAY, TUESDAY).traffic.total == 1
    assert clock.now() + timedelta(minutes=31) == msk(2026, 11, 24, 0, 30)


def test_the_roll_ups_give_the_same_figures_as_the_facts(session, week, people):
    """Settled days are read from the nightly roll-ups: every figure, with every filter, is what the facts say."""
    filters = ({}, {"department": "showroom"}, {"department": "service"}, {"employee_id": people["sales1"].id},
               {"employee_id": people["sales2"].id, "department": "showroom"})
    live = [figures(session, MONDAY, WEDNESDAY, **given) for given in filters]
    for day in (MONDAY, TUESDAY):  # Wednesday stays live: the report joins both
        kpis.roll_up_day(session, day, zone=f.MSK, now=msk(2026, 11, 27, 3, 0))
    session.commit()
    assert kpis._live_from(session, Period(MONDAY, WEDNESDAY)) == WEDNESDAY
    assert [figures(session, MONDAY, WEDNESDAY, **given) for given in filters] == live
    assert session.scalar(select(func.count()).select_from(TrafficDay)) > 0
    # the home's tile reports (sharing today's live traffic) and the page's compared period give the figures the
    # tiles show of the full report
    memo = {}
    for first in (MONDAY, TUESDAY, WEDNESDAY):
        tiles = kpis.report(session, Period(first, WEDNESDAY), zone=f.MSK, parts=kpis.TILES, memo=memo)
        compared = kpis.report(session, Period(first, WEDNESDAY), zone=f.MSK, parts=kpis.COMPARED)
        full = figures(session, first, WEDNESDAY)
        assert (tiles.desk, tiles.leads.cadences_started) == (full.desk, full.leads.cadences_started)
        assert (tiles.traffic.total, tiles.traffic.wait_minutes_p50, tiles.traffic.untaken, tiles.traffic.escalated) == (
            full.traffic.total, full.traffic.wait_minutes_p50, full.traffic.untaken, full.traffic.escalated)
        assert (compared.desk, compared.traffic, compared.appeals) == (full.desk, full.traffic, full.appeals)
        assert compared.leads.meeting_show_rate == full.leads.meeting_show_rate
        if first == MONDAY:  # the week's calls: what the compared period leaves out
            assert full.leads.per_manager and full.names["user"]
        assert compared.leads.per_manager == [] and compared.names["user"] == {}
    assert len(memo) == 1  # Wednesday's live traffic, counted once for the three


def test_the_nightly_timer_counts_settled_days_and_counts_a_late_change_again(session, clock, dispatcher, week,
                                                                               people):
    night(session, clock, dispatcher, msk(2026, 11, 26, 3, 0))  # Thursday night: Wednesday is over
    assert set(session.scalars(select(RolledDay.day))) == {MONDAY, TUESDAY, WEDNESDAY}  # from the first traffic
    assert figures(session, MONDAY, MONDAY).traffic.untaken == 1
    # the record nobody took is taken on Thursday: the report reads the roll-up, recounted the next night
    clock.set(msk(2026, 11, 26, 10, 0))
    traffic.take(session, week["traffic"][2].id, user_id=people["sales1"].id, clock=clock)
    assert figures(session, MONDAY, MONDAY).traffic.untaken == 1  # the roll-up is a night behind
    night(session, clock, dispatcher, msk(2026, 11, 27, 3, 0))
    session.expire_all()
    assert figures(session, MONDAY, MONDAY).traffic.untaken == 0
    later = kpis.days_to_roll_up(session, today=WEDNESDAY + timedelta(days=30), zone=f.MSK)
    assert later[-1] == WEDNESDAY + timedelta(days=30 - kpis.SETTLED_AFTER_DAYS)  # up to the last settled day
    assert MONDAY not in later and WEDNESDAY not in later  # older days, once counted, are left as they are
    assert later[0] == max(session.scalars(select(RolledDay.day))) + timedelta(days=1)  # never counted: counted


def night(session, clock, dispatcher, at) -> None:
    clock.set(at)
    reconcile(session, clock=clock, dispatcher=dispatcher)  # tonight's timer exists, as the reconciler makes it
    tick(session, clock, dispatcher, at)
