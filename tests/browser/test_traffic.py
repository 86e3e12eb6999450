"""Seed 001, situation 1.1 in two browsers: reception registers a walk-in for a new car; every sales manager is
notified on the open page without reloading; one takes it; the other sees who took it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (same browser settings)

pytestmark = pytest.mark.browser


def sign_in(context, base_url, username):
    from seed.demo import DEMO_PASSWORD

    page = context.new_page()
    page.route(re.compile(r"^(?!" + re.escape(base_url) + r"/)"), lambda route: route.abort())
    page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    return page


def test_walk_in_reaches_every_specialist_live_and_one_takes_it(browser, live_server, screenshot):
    contexts = [browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800}) for _ in range(3)]
    try:
        reception, sales, sales2 = (sign_in(c, live_server, name)
                                    for c, name in zip(contexts, ("reception", "sales", "sales2"), strict=True))
        sales.goto(live_server + "/admin/")
        sales2.goto(live_server + "/admin/traffic/")
        expect(sales.locator("#unread-badge")).to_have_count(0)

        reception.goto(live_server + "/admin/traffic/")
        reception.check("input[name=channel][value=visit]", force=True)
        reception.select_option("#f-goal_id", label="Визит. Автосалон. Покупка нового автомобиля")
        reception.fill("#f-description", "Мужчина, интересуется Kia Sportage")
        with reception.expect_navigation():
            reception.click("#queue")
        expect(reception.locator("div.alert-success")).to_contain_text("оповещено сотрудников: 2")
        row = reception.locator("#open-traffic tr.traffic-row").first
        expect(row).to_contain_text("Мужчина, интересуется Kia Sportage")
        expect(row).to_contain_text("В очереди")
        screenshot(reception, "traffic-reception.png")

        # no reload on the manager's pages: the poll brings the badge and the message within 10 s
        expect(sales.locator("#unread-badge")).to_have_text("1", timeout=10_000)
        expect(sales.locator("#live-notification")).to_contain_text("Посетитель", timeout=10_000)
        expect(sales2.locator("#unread-badge")).to_have_text("1", timeout=10_000)

        with sales.expect_navigation():
            sales.locator("#live-notification a").click()
        with sales.expect_navigation():
            sales.click("#take")
        expect(sales.locator("#traffic-status")).to_have_text("В работе")
        screenshot(sales, "traffic-card.png")

        sales2.reload()
        expect(sales2.locator("#open-traffic tr.traffic-row")).to_have_count(0)
        sales2.goto(sales.url)
        expect(sales2.locator("#traffic-taken-by")).to_contain_text("Владимир Петухов")
        expect(sales2.locator("#take")).to_have_count(0)
    finally:
        for context in contexts:
            context.close()


def _contexts(browser, count):
    return [browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900}) for _ in range(count)]


def _register(reception, base_url, *, goal, client_search=None, description=None, responsible=None):
    reception.goto(base_url + "/admin/traffic/")
    reception.check("input[name=channel][value=visit]", force=True)
    reception.select_option("#f-goal_id", label=goal)
    if client_search:
        reception.fill("#f-client", client_search)
        reception.locator(".client-suggestion").first.click()
        expect(reception.locator("#f-car_id")).to_be_enabled()
    if description:
        reception.fill("#f-description", description)
    if responsible:
        reception.select_option("#f-responsible_id", label=responsible)
    with reception.expect_navigation():
        reception.click("#transfer")
    expect(reception.locator("div.alert-success")).to_be_visible()


def test_2_3_client_arrives_by_booking_advisor_opens_a_repair_visit(browser, live_server, db_session, screenshot):
    """Reception picks the client (his car comes with him) and the advisor; the advisor, notified live,
    takes it and creates the repair visit from the card: the traffic is processed and shows the work order."""
    from tests import factories as f

    clock = __import__("app.clock", fromlist=["SystemClock"]).SystemClock()
    f.client(db_session, clock, "Иванов Дмитрий", phones=["+7 912 000-11-22"],
             cars=[{"make_model": "Kia Rio", "plate": "А777ВС77"}])
    contexts = _contexts(browser, 2)
    try:
        reception, advisor = (sign_in(c, live_server, name)
                              for c, name in zip(contexts, ("reception", "advisor"), strict=True))
        advisor.goto(live_server + "/admin/")
        _register(reception, live_server, goal="Визит. Сервис. Ремонт автомобиля", client_search="Иванов Д",
                  responsible="Сергей Смирнов")

        expect(advisor.locator("#unread-badge")).to_have_text("1", timeout=10_000)
        expect(advisor.locator("#live-notification")).to_contain_text("Иванов Дмитрий", timeout=10_000)
        with advisor.expect_navigation():
            advisor.locator("#live-notification a").click()
        expect(advisor.locator("#traffic-car")).to_contain_text("Kia Rio")
        with advisor.expect_navigation():
            advisor.click("#take")
        with advisor.expect_navigation():
            advisor.locator("#attach-form a.btn-primary", has_text="Машинозаезд").click()
        expect(advisor.locator("#car")).to_have_value(re.compile(r"\d+"))  # the car reception noted
        advisor.fill("#arrived_at", "2026-11-23T12:05")
        advisor.fill("#mileage", "41000")
        with advisor.expect_navigation():
            advisor.locator("input[type=submit].btn-primary").first.click()
        expect(advisor.locator("#traffic-status")).to_have_text("Обработано")
        expect(advisor.locator("#traffic-document")).to_contain_text("МЗ-")
        expect(advisor.locator("#traffic-work-order")).to_contain_text("Открыт")
        screenshot(advisor, "traffic-card-processed.png")

        # the next contact of this client: the open work order gives the category automatically
        with advisor.expect_navigation():
            advisor.click("#traffic-appeal")
        expect(advisor.locator("#automatic-category")).to_contain_text("По статусу ремонта/заказа")
        expect(advisor.locator("#automatic-reason")).to_contain_text("открытый заказ-наряд")
        screenshot(advisor, "appeal-automatic.png")
        with advisor.expect_navigation():
            advisor.click("#save-appeal")
        expect(advisor.locator("div.alert-success")).to_contain_text("По статусу ремонта/заказа")
    finally:
        for context in contexts:
            context.close()


def test_3_1_a_friend_walks_past_every_advisor_is_told_one_ignores_it(browser, live_server, screenshot):
    contexts = _contexts(browser, 3)
    try:
        reception, advisor, advisor2 = (sign_in(c, live_server, name) for c, name in zip(
            contexts, ("reception", "advisor", "advisor2"), strict=True))
        advisor.goto(live_server + "/admin/traffic/")
        advisor2.goto(live_server + "/admin/")
        _register(reception, live_server, goal="Визит. Сервис. Ремонт автомобиля",
                  description="Молодой человек в спортивном костюме, прошёл к сервису")

        for page in (advisor, advisor2):
            expect(page.locator("#unread-badge")).to_have_text("1", timeout=10_000)
        with advisor2.expect_navigation():
            advisor2.locator("#live-notification a").click()
        with advisor2.expect_navigation():
            advisor2.click("#take")
        advisor2.select_option("#f-reason_id", label="Личный визит к сотруднику")
        advisor2.fill("#f-comment", "Друг консультанта")
        with advisor2.expect_navigation():
            advisor2.click("#ignore-form button[type=submit]")
        expect(advisor2.locator("#traffic-status")).to_have_text("Проигнорировано")
        screenshot(advisor2, "traffic-ignored.png")

        advisor.reload()
        expect(advisor.locator("#open-traffic tr.traffic-row")).to_have_count(0)
        expect(advisor.locator("#unread-badge")).to_have_count(0)  # gone for everyone once taken
    finally:
        for context in contexts:
            context.close()


def test_a_repair_visit_from_a_card_processed_meanwhile_is_not_saved_and_the_form_keeps_its_values(
        browser, live_server, db_session, screenshot):
    """«Создать на основании» is one transaction: while the advisor fills the repair visit, the traffic is
    attached to another document; saving leaves nothing half-done, says why and keeps the typed mileage."""
    from sqlalchemy import select

    from app.clock import SystemClock
    from app.models.user import User
    from tests import factories as f
    from traffic import service
    from traffic.models import Traffic

    clock = SystemClock()
    client = f.client(db_session, clock, "Иванов Дмитрий", phones=["+7 912 000-11-22"],
                      cars=[{"make_model": "Kia Rio", "plate": "А777ВС77"}])
    contexts = _contexts(browser, 2)
    try:
        reception, advisor = (sign_in(c, live_server, name)
                              for c, name in zip(contexts, ("reception", "advisor"), strict=True))
        _register(reception, live_server, goal="Визит. Сервис. Ремонт автомобиля", client_search="Иванов Д",
                  responsible="Сергей Смирнов")
        row = db_session.scalar(select(Traffic).order_by(Traffic.id.desc()).limit(1))
        advisor.goto(f"{live_server}/admin/traffic/{row.id}")
        with advisor.expect_navigation():
            advisor.click("#take")
        with advisor.expect_navigation():
            advisor.locator("#attach-form a.btn-primary", has_text="Машинозаезд").click()
        advisor.fill("#arrived_at", "2026-11-23T12:05")
        advisor.fill("#mileage", "41000")

        db_session.expire_all()
        other = f.work_order(db_session, clock, client)
        taker = db_session.scalar(select(User).where(User.username == "advisor"))
        service.attach(db_session, row.id, document_type="work_order", document_id=other.id, user_id=taker.id,
                       clock=clock)

        with advisor.expect_navigation():
            advisor.locator("input[type=submit].btn-primary").first.click()
        expect(advisor.locator(".alert-danger")).to_contain_text("Документ не сохранён: трафик не может его принять")
        expect(advisor.locator("#mileage")).to_have_value("41000")
        screenshot(advisor, "document-from-traffic-refused.png")
        db_session.expire_all()
        from documents.models import RepairVisit

        assert db_session.scalars(select(RepairVisit.id)).all() == []
    finally:
        for context in contexts:
            context.close()
