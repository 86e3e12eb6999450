"""The reception's day in the browser (issue 13, points 8, 9, 12): an unknown caller shows up on the open panel
without a reload, becomes a client through «Новый клиент» (the form comes prefilled) and the traffic is identified;
an advisor attaches a visitor's traffic to a work order found by its number; the journal fits a 1366 px screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.test_traffic import sign_in

pytestmark = pytest.mark.browser
SMALL_LAPTOP = {"width": 1366, "height": 768}


def _goal(session, code):
    from catalogs.models import ContactGoal

    return session.scalar(select(ContactGoal).where(ContactGoal.code == code))


def _user(session, username):
    from app.models.user import User

    return session.scalar(select(User).where(User.username == username))


def test_an_unknown_caller_becomes_a_client_from_the_panel(browser, live_server, db_session, screenshot):
    from app.clock import SystemClock
    from traffic import service
    from traffic.models import Traffic

    context = browser.new_context(locale="ru-RU", viewport=SMALL_LAPTOP)
    try:
        reception = sign_in(context, live_server, "reception")
        reception.goto(live_server + "/admin/traffic/")
        expect(reception.locator("#reception-script")).to_contain_text("чем я могу помочь")
        expect(reception.locator("#open-traffic tr.traffic-row")).to_have_count(0)

        # the call is registered elsewhere (a colleague, the API): the open panel shows it by itself
        row, _ = service.register(db_session, service.TrafficDraft(
            channel="call", goal_id=_goal(db_session, "call_showroom_new_car").id, phone="+7 912 345-67-89",
            description="Виктор, Мерседес A класс"), actor_id=_user(db_session, "reception").id, clock=SystemClock())
        traffic_id, number = row.id, row.number
        waiting = reception.locator(f"#open-traffic tr[data-traffic-id='{traffic_id}']")
        expect(waiting).to_contain_text("Виктор, Мерседес A класс", timeout=10_000)
        screenshot(reception, "traffic-reception-live.png")

        with reception.expect_navigation():
            waiting.locator("a.new-client-link").click()
        expect(reception.locator("#f-phone")).to_have_value("+7 912 345-67-89")
        expect(reception.locator("#f-note")).to_have_value("Виктор, Мерседес A класс")
        expect(reception.locator("#back-to-traffic")).to_contain_text(number)
        reception.fill("#f-name", "Виктор Иванов")
        screenshot(reception, "traffic-new-client.png")
        with reception.expect_navigation():
            reception.click("#new-client-form button[type=submit]")

        expect(reception.locator("div.alert-success")).to_contain_text("Виктор Иванов")
        expect(reception.locator("#traffic-client")).to_have_text("Виктор Иванов")
        expect(reception.locator("#traffic-new-client")).to_have_count(0)
        db_session.expire_all()
        assert db_session.get(Traffic, traffic_id).client.name == "Виктор Иванов"

        reception.goto(live_server + "/admin/traffic/")
        expect(reception.locator(f"#open-traffic tr[data-traffic-id='{traffic_id}']")).to_contain_text("Виктор Иванов")
        expect(reception.locator(f"#open-traffic tr[data-traffic-id='{traffic_id}'] a.new-client-link")).to_have_count(0)
    finally:
        context.close()


def test_a_visitors_traffic_is_attached_to_a_work_order_found_by_number(browser, live_server, db_session, screenshot):
    from app.clock import SystemClock
    from tests import factories as f
    from traffic import service
    from traffic.models import Traffic

    clock = SystemClock()
    ivanov = f.client(db_session, clock, "Иванов Дмитрий", phones=["+7 912 000-11-22"])
    order = f.work_order(db_session, clock, ivanov)
    order_id, order_number = order.id, order.number
    advisor_user = _user(db_session, "advisor")
    row, _ = service.register(db_session, service.TrafficDraft(
        channel="visit", goal_id=_goal(db_session, "visit_service_repair").id,
        description="Мужчина в синей куртке, к мастерам", responsible_id=advisor_user.id),
        actor_id=_user(db_session, "reception").id, clock=clock)
    traffic_id = row.id
    service.take(db_session, traffic_id, user_id=advisor_user.id, clock=clock)

    context = browser.new_context(locale="ru-RU", viewport=SMALL_LAPTOP)
    try:
        advisor = sign_in(context, live_server, "advisor")
        advisor.goto(f"{live_server}/admin/traffic/{traffic_id}")
        advisor.fill("#f-find", order_number)
        with advisor.expect_navigation():
            advisor.click("#find")
        picked = advisor.locator("#f-document option:checked")
        expect(picked).to_have_attribute("value", f"work_order:{order_id}")
        expect(picked).to_contain_text(re.compile(rf"Заказ-наряд {re.escape(order_number)} · \d\d\.\d\d\.\d{{4}}"))
        expect(picked).to_contain_text("Иванов Дмитрий")
        screenshot(advisor, "traffic-attach-search.png")
        with advisor.expect_navigation():
            advisor.click("#attach")
        expect(advisor.locator("#traffic-status")).to_have_text("Обработано")
        expect(advisor.locator("#traffic-client")).to_have_text("Иванов Дмитрий")
        db_session.expire_all()
        assert db_session.get(Traffic, traffic_id).document_id == order_id
    finally:
        context.close()


def test_the_traffic_journal_fits_a_1366_screen(browser, live_server, db_session, screenshot):
    from app.clock import SystemClock
    from seed.bulk_traffic import install_bulk_traffic
    from tests import factories as f

    for n in range(5):
        f.client(db_session, SystemClock(), f"Клиентов Клиент Клиентович-{n}", phones=[f"+7 912 000-00-0{n}"])
    install_bulk_traffic(db_session, count=60, clock=SystemClock())
    db_session.commit()
    context = browser.new_context(locale="ru-RU", viewport=SMALL_LAPTOP)
    try:
        page = sign_in(context, live_server, "supervisor")
        page.goto(live_server + "/admin/trafficjournal/")
        expect(page.locator("table.model-list tbody tr").first).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        # nor a scroll inside the list (Flask-Admin may wrap it in a scrolling box), nor a table past the edge
        wider = page.evaluate("""() => {
            const table = document.querySelector("table.model-list");
            for (let box = table; box; box = box.parentElement) {
                if (box.scrollWidth > box.clientWidth + 1) { return box.tagName + "." + box.className; }
            }
            return table.getBoundingClientRect().right <= window.innerWidth ? "" : "table";
        }""")
        screenshot(page, "traffic-journal-1366.png")
        assert overflow <= 0, f"the journal is {overflow} px wider than a 1366 px screen"
        assert wider == "", f"{wider} scrolls sideways at 1366 px"
    finally:
        context.close()
