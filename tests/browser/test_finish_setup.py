"""Issue 13, points 13 and 18 in the browser: «Отказ» recorded in an appeal while a service request is open, and the
admin home's «finish setup» list with its links, gone once everything is set."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.test_traffic import sign_in

pytestmark = pytest.mark.browser


def test_a_refusal_in_the_appeal_form_ends_the_open_service_request(browser, live_server, db_session, screenshot):
    from app.clock import SystemClock
    from appeals import service
    from appeals.models import ServiceRequest
    from catalogs.models import AppealCategory, AppealOutcome
    from tests import factories as f

    client = f.client(db_session, SystemClock(), "Иванов Дмитрий", phones=["+7 912 000-11-22"])
    booked = db_session.scalar(select(AppealOutcome).join(AppealCategory).where(
        AppealCategory.code == "repair_services", AppealOutcome.code == "booked"))
    process_id = service.register_appeal(db_session, service.AppealDraft(
        client_id=client.id, channel="visit", category_id=booked.category_id, outcome_id=booked.id),
        actor_id=None, clock=SystemClock()).service_request_id
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    try:
        page = sign_in(context, live_server, "advisor")
        page.goto(f"{live_server}/admin/appeals/new?client_id={client.id}&channel=call")
        expect(page.locator("#automatic-category")).to_contain_text("Продолжение звонка")
        refusal = page.locator("#refusal-choice")
        expect(refusal).to_be_visible()
        page.select_option("#f-refusal", label="Услуги по ремонту — Отказ")
        with page.expect_navigation():
            page.click("#save-appeal")
        expect(page.locator("#f-note ~ .invalid-feedback")).to_have_text("Укажите, почему клиент отказался.")
        expect(page.locator("#f-refusal")).to_have_value(
            str(db_session.scalar(select(AppealOutcome.id).join(AppealCategory).where(
                AppealCategory.code == "repair_services", AppealOutcome.code == "refused"))))
        page.fill("#f-note", "Нашёл сервис ближе к дому")
        screenshot(page, "appeal-refusal-open-process.png")
        with page.expect_navigation():
            page.click("#save-appeal")
        expect(page.locator("div.alert-success")).to_contain_text("Услуги по ремонту")
        db_session.expire_all()
        process = db_session.get(ServiceRequest, process_id)
        assert process.status == "refused" and process.result_note == "Нашёл сервис ближе к дому"
    finally:
        context.close()


def test_the_admin_home_lists_what_is_left_to_set_up_until_it_is_set(page, login, db_session, screenshot):
    from app.models.user import User
    from app.services.regulations import save_regulations, settings_version
    from catalogs.models import ContactGoal

    save_regulations(db_session, {"dealer_name": "", "dealer_phone": ""},
                     expected_version=settings_version(db_session))
    advisor = db_session.scalar(select(User).where(User.username == "advisor"))
    goals = list(db_session.scalars(select(ContactGoal).where(ContactGoal.show_in_list.is_(True))
                                    .order_by(ContactGoal.sort_order)))
    for goal in goals[1:]:
        goal.specialists = [advisor]
    goals[0].specialists = []
    db_session.commit()

    login("admin")
    block = page.locator("#finish-setup")
    expect(block.locator("li")).to_have_count(3)
    expect(block.locator("[data-gap='dealer_name']")).to_be_visible()
    expect(block.locator(f"[data-gap='contact_goal:{goals[0].id}']")).to_contain_text(goals[0].name)
    screenshot(page, "home-finish-setup.png")

    with page.expect_navigation():
        block.locator("[data-gap='dealer_phone'] a").click()
    page.fill("#dealer_name", "Автоцентр «Север»")
    page.fill("#dealer_phone", "+7 495 000-00-00")
    with page.expect_navigation():
        page.click("#regulations-form button[type=submit]")
    page.goto("/admin/")
    expect(block.locator("li")).to_have_count(1)

    with page.expect_navigation():
        block.locator("a").click()
    page.locator("#s2id_specialists input, #specialists").first.wait_for()
    goals[0].specialists = [advisor]  # Select2 by hand is the catalogs' own browser test; here the result
    db_session.commit()
    page.goto("/admin/")
    expect(page.locator("#finish-setup")).to_have_count(0)
