"""The dashboard home per role, access limits seen from the browser, and the language switch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import exact

pytestmark = pytest.mark.browser

CATALOG_URLS = (
    "/admin/appealcategory/", "/admin/cancellationreason/", "/admin/contactgoal/", "/admin/ignorereason/",
    "/admin/leadstage/", "/admin/lossreason/", "/admin/messagetemplate/", "/admin/cadence/", "/admin/work/",
)


def test_admin_home_shows_sections_catalog_counts_and_latest_changes(page, login, screenshot):
    login("admin")

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("h1")).to_have_text("Здравствуйте, Администратор системы")
    expect(page.locator("#current-user")).to_have_text("Администратор системы")

    sections = page.locator("#home-sections")
    for url in (*CATALOG_URLS, "/admin/regulations/", "/admin/user/", "/admin/audit/", "/admin/outboxmessage/"):
        expect(sections.locator(f"a[href='{url}']")).to_have_count(1)
    expect(sections.locator("a[href='/admin/appealcategory/']")).to_have_text("Категории обращений")

    counts = page.locator("#catalog-counts tbody tr")
    expect(counts).to_have_count(9)
    expect(counts.first.locator("td")).to_have_text(["Категории обращений", "6", "6"])
    expect(counts.filter(has_text="Работы").locator("td")).to_have_text(["Работы", "6", "6"])
    expect(page.locator("#catalog-counts thead")).to_contain_text("Показано в списках")

    # The seed itself is audited, so the latest changes are not empty.
    changes = page.locator("#latest-changes tbody tr")
    expect(changes).to_have_count(10)
    expect(changes.first.locator("ul.audit-changes")).to_be_visible()

    screenshot(page, "home-admin.png")


def test_reception_sees_no_catalogs_and_is_refused_a_catalog_page(page, login):
    login("reception")

    expect(page.locator("h1")).to_have_text("Здравствуйте, Анна Ресепшн")
    for url in CATALOG_URLS:
        expect(page.locator(f"a[href='{url}']")).to_have_count(0)
    expect(page.locator("#catalog-counts")).to_have_count(0)
    expect(page.locator("#latest-changes")).to_have_count(0)
    expect(page.locator("nav a.dropdown-item[href='/admin/regulations/']")).to_have_count(0)

    response = page.goto("/admin/appealcategory/")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_contain_text("403")


def test_login_page_switches_to_english(page):
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("label[for=username]")).to_have_text("Логин")

    with page.expect_navigation():
        page.get_by_role("button", name=exact("English")).click()

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("label[for=username]")).to_have_text("Login")
    expect(page.locator("label[for=password]")).to_have_text("Password")
    expect(page.locator("form:has(input[name=password]) button[type=submit]")).to_have_text("Log in")
    expect(page.get_by_role("button", name=exact("English"))).to_have_class(re.compile(r"\bfont-weight-bold\b"))

    # The choice sticks for the whole session in the browser: the next page is English too.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
