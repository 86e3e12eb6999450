"""Seed 002 in the browser: an appeal with a category and an outcome opens «Обращение в СТО»; its refusal
needs a reason; the next contact is a repeat appeal that reopens it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_traffic import sign_in

pytestmark = pytest.mark.browser


def test_appeal_opens_a_service_request_a_refusal_and_the_repeat_appeal_reopens_it(browser, live_server,
                                                                                    db_session, screenshot):
    from app.clock import SystemClock
    from tests import factories as f

    client = f.client(db_session, SystemClock(), "Иванов Дмитрий", phones=["+7 912 000-11-22"])
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    try:
        page = sign_in(context, live_server, "advisor")
        page.goto(f"{live_server}/admin/clients/{client.id}")
        with page.expect_navigation():
            page.click("#register-appeal")
        page.select_option("#f-channel", "visit")
        page.wait_for_load_state()
        page.check("label:has-text('Услуги по ремонту')")
        expect(page.locator("#f-outcome_id option:not([hidden])")).to_have_count(5)  # «—» and its four
        page.fill("#f-note", "Хочет на ТО в пятницу")
        with page.expect_navigation():
            page.click("#save-appeal")
        expect(page.locator("#f-outcome_id + .invalid-feedback")).to_have_text("Выберите результат обращения.")
        expect(page.locator("#f-note")).to_have_value("Хочет на ТО в пятницу")
        screenshot(page, "appeal-form-error.png")
        page.select_option("#f-outcome_id", label="Клиент записан → обращение в СТО")
        with page.expect_navigation():
            page.click("#save-appeal")
        expect(page.locator("div.alert-success")).to_contain_text("открыло обращение в СТО ОС-")
        history = page.locator("#history")
        expect(history).to_contain_text("Услуги по ремонту — Клиент записан")

        with page.expect_navigation():
            history.locator("a", has_text="Обращение в СТО").first.click()
        page.check("#f-result-refused")
        with page.expect_navigation():
            page.click("#close-process button[type=submit]")
        expect(page.locator("#f-note + .invalid-feedback")).to_have_text("Укажите, почему клиент отказался.")
        page.fill("#f-note", "Дорого")
        with page.expect_navigation():
            page.click("#close-process button[type=submit]")
        expect(page.locator("#process-status")).to_have_text("Завершено отказом")

        page.goto(f"{live_server}/admin/appeals/new?client_id={client.id}&channel=call")
        expect(page.locator("#automatic-category")).to_contain_text("Повторное обращение")
        expect(page.locator("#automatic-category")).to_contain_text("будет возобновлено")
        with page.expect_navigation():
            page.click("#save-appeal")
        page.goto(f"{live_server}/admin/appeals/")
        expect(page.locator("#open-processes")).to_contain_text("возобновлено")
        expect(page.locator("#latest-appeals")).to_contain_text("Повторное обращение")
        screenshot(page, "appeals-list.png")
        with page.expect_navigation():
            page.locator("#open-processes a", has_text="ОС-").first.click()
        expect(page.locator("#process-status")).to_have_text("Открыто")
        expect(page.locator("#process-appeals li")).to_have_count(2)
        screenshot(page, "service-request.png")
    finally:
        context.close()
