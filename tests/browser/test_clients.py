"""The clients workstation in a real browser: search, open the card, edit a phone in place, the timeline,
a new booking from the card."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_clients(db_session):
    from app.clock import SystemClock
    from seed.clients import install_demo_clients

    install_demo_clients(db_session, clock=SystemClock(), count=40)


def next_tuesday() -> date:
    """A Tuesday at least a week ahead (never a Russian public holiday in our data: checked below)."""
    from app.domain.calendar import russian_holidays

    day = date.today() + timedelta(days=7)  # noqa: DTZ011 - the live server runs on the real clock
    while day.isoweekday() != 2 or day in russian_holidays([day.year]):
        day += timedelta(days=1)
    return day


def search(page, **fields) -> None:
    page.goto("/admin/clients/")
    for name, value in fields.items():
        page.fill(f"#search-{name}", value)
    with page.expect_navigation():
        page.click("form.client-search button[type=submit]")


def open_zubkov(page) -> None:
    search(page, car="н123ар")
    with page.expect_navigation():
        page.get_by_role("link", name="Зубков Алексей").click()
    expect(page.locator("#client-name")).to_have_text("Зубков Алексей")


def test_search_by_plate_phone_and_filters(page, login, demo_clients, screenshot):
    login("advisor")
    search(page, car="н123ар")
    rows = page.locator("table.client-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Зубков Алексей")
    expect(rows.first).to_contain_text("+7 908 494-44-34")
    expect(rows.first).to_contain_text("NMTBM28E80R058037")

    search(page, phone="8 908 494-44-34")
    expect(page.locator("table.client-results tbody tr")).to_have_count(1)

    page.goto("/admin/clients/?all=1")
    expect(page.locator("table.client-results tbody tr.client-row").first).to_be_visible()
    page.check("#filter-open_orders")
    with page.expect_navigation():
        page.click("form.client-search button[type=submit]")
    expect(page).to_have_url(re.compile(r"open_orders=1"))
    expect(page.locator("#filter-open_orders")).to_be_checked()
    screenshot(page, "clients-search.png")

    page.click("#current-call")
    expect(page.locator("#current-call-message")).to_have_text("У вас нет необработанного входящего звонка.")


def test_card_edit_phone_in_place_with_a_bad_value_then_a_good_one(page, login, demo_clients, screenshot):
    login("advisor")
    open_zubkov(page)
    phone = page.locator("table.contacts-table form.contact-edit input[name=value]").first
    expect(phone).to_have_value("+7 908 494-44-34")

    phone.fill("8 908 49")
    with page.expect_navigation():
        page.locator("table.contacts-table form.contact-edit button[type=submit]").first.click()
    phone = page.locator("table.contacts-table form.contact-edit input[name=value]").first
    expect(phone).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(phone).to_have_value("8 908 49")
    message = page.locator("table.contacts-table .invalid-feedback").first
    expect(message).to_be_visible()
    expect(message).to_contain_text("Это не номер телефона")
    screenshot(page, "client-phone-error.png")

    phone.fill("8 916 000-11-22")
    with page.expect_navigation():
        page.locator("table.contacts-table form.contact-edit button[type=submit]").first.click()
    expect(page.locator("div.alert-success")).to_contain_text("Контактная информация сохранена")
    search(page, phone="0001122")
    expect(page.locator("table.client-results tbody tr")).to_contain_text("Зубков Алексей")


def test_timeline_register_a_contact_and_book_from_the_card(page, login, demo_clients, screenshot):
    login("advisor")
    open_zubkov(page)
    page.select_option("#event-form select[name=kind]", "call_in")
    page.fill("#f-event_summary", "Спросил о стоимости ТО-2")
    with page.expect_navigation():
        page.click("#event-form button[type=submit]")
    expect(page.locator("#events")).to_contain_text("Спросил о стоимости ТО-2")
    expect(page.locator("#history .timeline-event").first).to_contain_text("Входящий звонок: Спросил о стоимости ТО-2")

    with page.expect_navigation():
        page.get_by_role("link", name="Запись на ремонт").click()
    expect(page).to_have_url(re.compile(r"/admin/booking/new/"))
    visit = next_tuesday()
    page.fill("#start_at", f"{visit.isoformat()}T10:00")  # a working day, in working hours
    with page.expect_navigation():
        page.click("form.admin-form input[type=submit].btn-primary")
    expect(page.locator("#client-name")).to_have_text("Зубков Алексей")  # back on the card
    expect(page.locator("#history .timeline-booking").first).to_contain_text(f"{visit:%d.%m.%Y} 10:00")
    page.locator("#events").scroll_into_view_if_needed()
    screenshot(page, "client-card.png")
