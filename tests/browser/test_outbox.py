"""«Send a test message» from a message template: recipient check, then a row in the outbox."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field_error, flashes, list_row

pytestmark = pytest.mark.browser


def send(page) -> None:
    with page.expect_navigation():
        page.click("form button[type=submit].btn-primary")


def test_test_message_checks_the_recipient_and_lands_in_the_outbox(page, login, live_app, screenshot):
    dispatcher = live_app.extensions["dispatcher"]
    dispatched_before = len(dispatcher.calls)
    login("admin")
    page.goto("/admin/outboxmessage/")
    expect(page.locator("table.model-list tbody td.col-recipient")).to_have_count(0)

    page.goto("/admin/messagetemplate/")
    with page.expect_navigation():
        list_row(page, "Напоминание о визите").locator("a.send-test").click()
    expect(page).to_have_url(re.compile(r"/admin/messagetemplate/send-test/\d+/$"))
    expect(page.locator("h2")).to_contain_text("Напоминание о визите")

    page.fill("#recipient", "позвонить Ивану")
    send(page)
    recipient = page.locator("#recipient")
    expect(recipient).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(field_error(page, "recipient")).to_be_visible()
    expect(field_error(page, "recipient")).to_contain_text("+7 908 494-44-34")
    expect(recipient).to_have_value("позвонить Ивану")
    assert len(dispatcher.calls) == dispatched_before

    page.fill("#recipient", "+7 908 494-44-34")
    send(page)

    expect(page).to_have_url(re.compile(r"/admin/outboxmessage/"))
    expect(flashes(page).first).to_have_class(re.compile(r"\balert-success\b"))
    rows = page.locator("table.model-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td.col-template_code")).to_have_text("visit_reminder")
    expect(rows.first.locator("td.col-recipient")).to_have_text("+7 908 494-44-34")
    expect(rows.first.locator("td.col-body")).to_contain_text("Иван Петров")
    expect(rows.first.locator("td.col-status")).to_have_text("В очереди")
    screenshot(page, "outbox.png")

    assert [call[1] for call in dispatcher.calls[dispatched_before:]] == ["tasks.outbox.deliver_message"]
