"""The regulation settings form: a whole-form rule shown next to its field, then a valid save."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field_error, flashes, open_navbar_menu

pytestmark = pytest.mark.browser


def save(page) -> None:
    with page.expect_navigation():
        page.click("#regulations-form button[type=submit]")


def test_window_ending_before_it_starts_is_refused_then_a_valid_change_saves(page, login, screenshot):
    login("admin")
    open_navbar_menu(page, "/admin/regulations/")
    expect(page.locator("#confirmation_window_start")).to_have_value("12:00")
    expect(page.locator("#confirmation_window_end")).to_have_value("14:00")

    page.fill("#confirmation_window_start", "15:00")
    page.fill("#confirmation_window_end", "13:00")
    page.fill("#retry_delay_minutes", "45")
    page.fill("#dealer_name", "Автоцентр «Север»")
    save(page)

    end = page.locator("#confirmation_window_end")
    expect(end).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(field_error(page, "confirmation_window_end")).to_be_visible()
    expect(field_error(page, "confirmation_window_end")).to_have_text("Окончание окна должно быть позже его начала.")
    expect(page.locator("#confirmation_window_start")).not_to_have_class(re.compile(r"\bis-invalid\b"))
    # Everything typed is still there.
    expect(page.locator("#confirmation_window_start")).to_have_value("15:00")
    expect(end).to_have_value("13:00")
    expect(page.locator("#retry_delay_minutes")).to_have_value("45")
    expect(page.locator("#dealer_name")).to_have_value("Автоцентр «Север»")
    expect(flashes(page).filter(has_text="Настройки сохранены")).to_have_count(0)
    screenshot(page, "settings-error.png")

    page.fill("#confirmation_window_end", "16:30")
    save(page)

    expect(page).to_have_url(re.compile(r"/admin/regulations/$"))
    expect(flashes(page).filter(has_text="Настройки сохранены.")).to_have_class(re.compile(r"\balert-success\b"))
    expect(page.locator(".is-invalid")).to_have_count(0)
    expect(page.locator("#confirmation_window_start")).to_have_value("15:00")
    expect(page.locator("#confirmation_window_end")).to_have_value("16:30")
    expect(page.locator("#retry_delay_minutes")).to_have_value("45")
    expect(page.locator("#dealer_name")).to_have_value("Автоцентр «Север»")

    page.reload()  # stored, not just echoed
    expect(page.locator("#confirmation_window_end")).to_have_value("16:30")
