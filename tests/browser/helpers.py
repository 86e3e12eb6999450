"""Small page helpers shared by the browser tests (Flask-Admin Bootstrap 4 markup)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect


def exact(text: str) -> re.Pattern[str]:
    """A pattern matching the whole (whitespace-trimmed) text of an element."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def list_names(page: Page) -> list[str]:
    """The «Name» column of a catalog list, top to bottom."""
    return [text.strip() for text in page.locator("table.model-list tbody td.col-name").all_inner_texts()]


def list_row(page: Page, name: str) -> Locator:
    """The list row whose «Name» cell is exactly `name`."""
    return page.locator("table.model-list tbody tr").filter(
        has=page.locator("td.col-name").filter(has_text=exact(name))
    )


def flashes(page: Page) -> Locator:
    """Flask-Admin's flash messages (Bootstrap alerts at the top of the page)."""
    return page.locator("div.alert.alert-dismissable")


def open_navbar_menu(page: Page, href: str) -> None:
    """Open the navbar dropdown that holds the link to `href` and click that link."""
    item = page.locator(f"a.dropdown-item[href='{href}']")
    page.locator("nav li.dropdown", has=item).locator("a.dropdown-toggle").click()
    with page.expect_navigation():
        item.click()


def run_list_action(page: Page, action: str) -> None:
    """Open the «With selected» dropdown of a list and run the bulk action named `action`."""
    item = page.locator(f".dropdown-item[data-model-action='{action}']")
    page.locator("ul.nav-tabs li.dropdown", has=item).locator("a.dropdown-toggle").click()
    with page.expect_navigation():
        item.click()


def submit_admin_form(page: Page) -> None:
    """Click «Save» of a Flask-Admin create/edit form and wait for the answer."""
    with page.expect_navigation():
        page.click("form.admin-form .submit-row input[type=submit].btn-primary")


def field_error(page: Page, field_id: str) -> Locator:
    """The error text rendered next to a form field (Bootstrap's .invalid-feedback after the input)."""
    return page.locator(f"#{field_id} ~ .invalid-feedback")


def desk_row(page: Page, name: str) -> Locator:
    """The confirmation list's row of the client named exactly `name`."""
    return page.locator("table.desk-list tbody tr.desk-row", has=page.get_by_text(name, exact=True))


def open_from_list(page: Page, name: str) -> None:
    """Open a booking from the confirmation list as the operator does: a double-click on its row.

    The double-click lands on the visit-time cell: the row's centre may be the phone, a `tel:` link.
    """
    page.wait_for_load_state("load")  # the rows show before the page's scripts (the double-click handler) run
    with page.expect_navigation():
        desk_row(page, name).locator("td").nth(1).dblclick()
    expect(page.locator("#booking-title")).to_contain_text(name)


def finish_call(page: Page) -> None:
    """«Опрос завершён»: submit the confirmation call form and wait for the page it leads to."""
    with page.expect_navigation():
        page.click("#finish-call")
