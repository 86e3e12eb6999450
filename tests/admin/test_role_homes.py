"""Each role's home shows its day (issue 14 point 4): reception the waiting list and today's traffic, employees
their own traffic, the service administrator the confirmation progress, an advisor today's visits, the call
centre today's calls and meetings, the supervisor the KPI tiles; the panels refresh live."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.timers.service import reconcile, run_due
from catalogs.models import ContactGoal
from desk import service as desk
from desk.rules import WorkLine
from leads import service as leads
from tests import factories as f
from tests.desk.calls import call
from tests.factories import msk
from traffic import service as traffic

MONDAY_NOON = msk(2026, 11, 23, 12, 0)


@pytest.fixture
def people(make_user):
    return {"reception": make_user("reception", username="anna", full_name="Анна Ресепшн"),
            "sales": make_user("sales_manager", username="sales", full_name="Владимир Петухов"),
            "sales2": make_user("sales_manager", username="sales2", full_name="Ирина Кузнецова"),
            "service": make_user("service_admin", username="service", full_name="Мария Оператор"),
            "advisor": make_user("service_advisor", username="advisor", full_name="Сергей Смирнов"),
            "cc": make_user("call_center", username="olga", full_name="Ольга КЦ"),
            "boss": make_user("supervisor", username="boss", full_name="Михаил Николаевич")}


@pytest.fixture
def day(session, clock, dispatcher, people):
    """Monday noon: two visitors wait (one for 25 minutes), one is taken; bookings today and tomorrow; a lead."""
    clock.set(MONDAY_NOON - timedelta(minutes=25))
    goal = session.scalar(select(ContactGoal).where(ContactGoal.code == "visit_showroom_new_car"))
    goal.specialists = [people["sales"]]
    session.commit()

    def visitor(text):
        return traffic.register(session, traffic.TrafficDraft(channel="visit", goal_id=goal.id, description=text,
                                                              queue=True), actor_id=people["reception"].id,
                                clock=clock)[0]

    long_wait = visitor("Мужчина в синей куртке")
    clock.set(MONDAY_NOON - timedelta(minutes=3))
    short_wait = visitor("Пара у витрины")
    taken = visitor("Женщина с ребёнком")
    traffic.take(session, taken.id, user_id=people["sales2"].id, clock=clock)
    owner = f.client(session, clock, "Зубков Алексей", phones=["+7 (908) 4944434"])
    today = desk.create_booking(session, desk.BookingDraft(
        client_id=owner.id, start_at=msk(2026, 11, 23, 15, 0), advisor_id=people["advisor"].id,
        works=[WorkLine("ТО-1", Decimal("1.5"), Decimal("6500"))]), actor_id=None, clock=clock)
    tomorrow = [desk.create_booking(session, desk.BookingDraft(
        client_id=f.client(session, clock, name).id, start_at=msk(2026, 11, 24, hour, 0),
        advisor_id=people["advisor"].id, works=[WorkLine("ТО-1", Decimal("1"), Decimal("5000"))]), actor_id=None,
        clock=clock) for name, hour in (("Иванова Мария", 10), ("Петров Сергей", 12), ("ООО «Автотранс»", 14))]
    clock.set(MONDAY_NOON)
    reconcile(session, clock=clock, dispatcher=dispatcher)
    run_due(session, clock=clock, dispatcher=dispatcher)  # 12:00: the desk's list for tomorrow is prepared
    call(session, clock, tomorrow[0], people["service"], outcome="confirmed")
    lead = leads.create_lead(session, leads.LeadDraft(client_id=owner.id, interest="Kia Sportage",
                                                      responsible_id=people["cc"].id), actor_id=people["cc"].id,
                             clock=clock)
    leads.record_event(session, lead.id, "meeting_set", actor_id=people["cc"].id, clock=clock,
                       at=msk(2026, 11, 23, 17, 0), employee_id=people["sales"].id)
    return {"long": long_wait, "short": short_wait, "taken": taken, "today": today, "tomorrow": tomorrow,
            "lead": lead}


def home(login, user) -> str:
    return html.unescape(login(user).get("/admin/").get_data(as_text=True))


def panels(page: str) -> list[str]:
    return re.findall(r'class="(?:card mb-3|mb-2) home-panel" id="home-([a-z-]+)"', page)


def reception_day(page):
    block = page[page.index('id="home-reception-day"'):]
    assert block.index("Мужчина в синей куртке") < block.index("Пара у витрины")  # the longest wait first
    assert "25 мин" in block and "3 мин" in block
    assert "Женщина с ребёнком" not in block  # taken
    assert 'id="home-untaken">2<' in page.replace("\n", "")
    assert "Сегодня звонков и визитов: 3" in block


def sales_day(page):
    assert "Мужчина в синей куртке" in page and "Пара у витрины" in page  # their goal's untaken visitors
    assert "Встречи сегодня" in page and "17:00" in page  # the meeting they hold


def service_day(page):
    assert "Подтверждение визитов на 24.11.2026" in page
    assert re.search(r'id="home-due">\s*2<', page) and re.search(r'id="home-confirmed">\s*1 из 3<', page)
    assert 'href="/admin/desk/?day=2026-11-24"' in page


def advisor_day(page):
    block = page[page.index('id="home-my-visits"'):]
    assert "15:00" in block and "Зубков Алексей" in block and "Иванова Мария" not in block


def call_centre_day(page):
    assert "Встречи сегодня" in page and "17:00" in page and "Kia Sportage" in page


def supervisor_day(page):
    assert 'id="home-tile-today-total"' in page and 'id="home-tile-week-confirmation_rate"' in page
    assert re.search(r'id="home-tile-today-total".*?>3</a>', page, re.S)


@pytest.mark.parametrize(("role", "expected", "check"), [
    ("reception", ["reception-day"], reception_day), ("sales", ["my-traffic", "meetings-today"], sales_day),
    ("service", ["confirmation-progress"], service_day), ("advisor", ["my-traffic", "my-visits"], advisor_day),
    ("cc", ["calls-today", "meetings-today"], call_centre_day), ("boss", ["kpi-tiles", "reception-day"], supervisor_day)])
def test_each_role_sees_the_panels_of_its_day_and_no_other(session, day, people, login, role, expected, check):
    page = home(login, people[role])
    assert panels(page) == expected
    check(page)
    if role == "sales":  # what another employee took is theirs, not this one's
        other = home(login, people["sales2"])
        assert "Мужчина в синей куртке" not in other and "Женщина с ребёнком" in other


def test_the_panels_refresh_live_and_change_when_the_day_does(session, clock, day, people, login):
    browser = login(people["reception"])
    page = browser.get("/admin/").get_data(as_text=True)
    version = re.search(r'id="home-panels"[^>]*data-version="([0-9a-f]+)"', page).group(1)
    again = browser.get("/admin/home/panels").get_json()
    assert again["version"] == version
    traffic.take(session, day["long"].id, user_id=people["sales"].id, clock=clock)
    fresh = browser.get("/admin/home/panels").get_json()
    assert fresh["version"] != version and "Мужчина в синей куртке" not in fresh["html"]
    assert login().get("/admin/home/panels").status_code in (302, 401)  # not logged in: nothing


def test_a_panel_escapes_what_people_typed(session, clock, people, login):
    goal = session.scalar(select(ContactGoal).where(ContactGoal.code == "visit_showroom_new_car"))
    traffic.register(session, traffic.TrafficDraft(channel="visit", goal_id=goal.id,
                                                   description="<img src=x onerror=alert(1)>"),
                     actor_id=people["reception"].id, clock=clock)
    page = login(people["reception"]).get("/admin/").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
