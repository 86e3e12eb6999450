"""Issue 13, points 20-21 in the browser: keyboard search suggestions, a 200-character name that wraps, the audit
log and the home page in words, a work from the catalog filling an inline row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _clock():
    from app.clock import SystemClock

    return SystemClock()


def test_client_suggestions_answer_the_keyboard(page, login, db_session, screenshot):
    from tests import factories as f

    first = f.client(db_session, _clock(), "Зубков Алексей", phones=["+7 908 494-44-34"])
    second = f.client(db_session, _clock(), "Зубкова Анна", phones=["+7 908 494-44-35"])
    login("reception")
    page.goto("/admin/traffic/")
    field = page.locator("#f-client")
    field.fill("Зубк")
    suggestions = page.locator("#client-suggestions .client-suggestion")
    expect(suggestions).to_have_count(2)

    field.press("ArrowDown")
    expect(suggestions.nth(0)).to_have_class(__import__("re").compile(r"\bactive\b"))
    field.press("ArrowDown")
    expect(suggestions.nth(1)).to_have_class(__import__("re").compile(r"\bactive\b"))
    field.press("ArrowUp")
    screenshot(page, "client-suggestions-keyboard.png")
    chosen = suggestions.nth(0).inner_text()
    field.press("Enter")  # picks, does not submit the form
    expect(page).to_have_url(__import__("re").compile(r"/admin/traffic/$"))
    expect(suggestions).to_have_count(0)
    expected = first.id if "Алексей" in chosen else second.id
    expect(page.locator("#f-client_id")).to_have_value(str(expected))
    expect(field).to_have_value(chosen)

    field.fill("Щщщщщ")
    empty = page.locator("#client-suggestions .client-suggestions-empty")
    expect(empty).to_have_text(field.get_attribute("data-empty"))
    assert field.get_attribute("data-empty")
    field.fill("Зубк")
    expect(suggestions).to_have_count(2)
    field.press("Escape")
    expect(page.locator("#client-suggestions > *")).to_have_count(0)


def test_a_200_character_name_wraps_in_the_list(page, login, db_session, screenshot):
    from catalogs.models import LossReason

    long_name = ("Очень длинная причина проигрыша лида " * 6)[:150] + "Ы" * 50
    db_session.add(LossReason(name=long_name, sort_order=900))
    db_session.commit()
    login("admin")
    page.goto("/admin/lossreason/")
    cell = page.locator("table.model-list td.col-name", has_text="Очень длинная")
    expect(cell).to_have_count(1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, width  # no horizontal scrolling: the name wraps
    assert cell.bounding_box()["height"] > 40
    screenshot(page, "long-name-list.png")


def test_audit_log_and_home_show_words_not_internals(page, login, screenshot):
    login("admin")
    changes = page.locator("#latest-changes")
    expect(changes).not_to_contain_text("<")
    expect(changes).not_to_contain_text("+00:00")
    expect(changes).not_to_contain_text("standard_hours")
    expect(changes.locator("td.audit-title").first).to_contain_text(":")
    screenshot(page, "home-latest-changes.png")
    page.goto("/admin/audit/")
    table = page.locator("table.model-list")
    expect(table).to_contain_text("₽")
    for raw in ("<RegulationSettings", "template_id", "cadence_id", "T09:00:00", "call_task", "1800.00"):
        expect(table).not_to_contain_text(raw)
    screenshot(page, "audit-log.png")


def test_choosing_a_work_fills_its_name_hours_and_price(page, login, db_session, screenshot):
    from catalogs.models import Work

    db_session.add(Work(name="Развал-схождение", price=Decimal("3000"), standard_hours=Decimal("1.5"),
                        sort_order=900))
    db_session.commit()
    login("admin")
    page.goto("/admin/workorder/new/")
    expect(page.locator("select option", has_text="__None")).to_have_count(0)
    page.locator("[data-inline-add='lines']").click()
    row = page.locator("#lines .inline-field-list .inline-field").last
    select = row.locator("select[id$='-work']")
    select_id = select.get_attribute("id")
    prefix = select_id[: -len("work")]
    value = select.locator("option", has_text="Развал-схождение").get_attribute("value")
    page.evaluate("([id, value]) => window.jQuery('#' + id).val(value).trigger('change')", [select_id, value])
    expect(page.locator(f"#{prefix}name")).to_have_value("Развал-схождение")
    expect(page.locator(f"#{prefix}hours")).to_have_value("1.50")
    expect(page.locator(f"#{prefix}price")).to_have_value("3000.00")
    screenshot(page, "work-order-inline-work.png")
