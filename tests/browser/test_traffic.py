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
