"""Under the Content-Security-Policy in a real browser: every role's pages run without a single policy
violation or script error, the bits that used inline JS still work, and stored or reflected markup shows
up as text and never runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.helpers import run_list_action

pytestmark = pytest.mark.browser

# The browser reports each violation as a DOM event; the listener keeps it on the page and logs it to the
# console, whose messages the test collects across navigations.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 160) : String(e.target);
  const text = `${e.violatedDirective} blocked=${e.blockedURI} at ${e.sourceFile}:${e.lineNumber} ${where}`;
  window.__csp.push(text);
  console.error('CSP violation: ' + text);
});
"""
ROLE_USERS = ("admin", "reception", "sales", "advisor", "service", "callcenter", "supervisor")
# Menu entries to open per role: every top-level entry and the first two of each dropdown (the rest of a
# dropdown are pages of the same kind, e.g. nine catalog lists), at most this many.
PAGES_PER_ROLE = 14
XSS_NAME = "<img src=x onerror=alert(document.cookie)>"
XSS_DESCRIPTION = "Гость <script>alert('desc')</script><img src=x onerror=alert(2)>"
XSS_FILTER = '"><img src=x onerror=alert(1)>'
SHOTS = Path("/tmp/csp-shots")
# Any <script> whose code came from the payloads: the page parsed markup out of data.
INJECTED_SCRIPTS = "[...document.scripts].some(s => s.textContent.includes('alert('))"
# Roles whose menu shows clients or the visitors at the reception, so the hostile client is on their pages.
ROLES_SEEING_VISITORS = ("admin", "reception", "sales", "advisor", "callcenter", "supervisor")


class Watch:
    """Console errors, uncaught script errors and policy violations seen by the pages of one context."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.dialogs: list[str] = []

    def attach(self, page: Page, *, dialogs: str = "forbidden") -> Page:
        page.on("console", lambda m: self.problems.append(f"console: {m.text} ({page.url})")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e} ({page.url})"))
        if dialogs == "forbidden":
            page.on("dialog", self._forbidden_dialog)
        return page

    def _forbidden_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def violations_on(self, page: Page) -> None:
        """Collect what the current page recorded (the console copy may arrive after the page is left)."""
        self.problems += [f"csp: {v}" for v in page.evaluate("window.__csp || []")]


@pytest.fixture
def watched(browser, live_server) -> Iterator[tuple[BrowserContext, Watch]]:
    context = browser.new_context(base_url=live_server, locale="ru-RU", viewport={"width": 1280, "height": 800})
    context.add_init_script(RECORD_VIOLATIONS)
    context.route(re.compile(r"^(?!" + re.escape(live_server) + r"/)"), lambda route: route.abort())
    context.set_default_timeout(10_000)
    try:
        yield context, Watch()
    finally:
        context.close()


def sign_in(page: Page, username: str) -> None:
    from seed.demo import DEMO_PASSWORD

    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url("**/admin/")


def menu_links(page: Page) -> list[str]:
    hrefs = page.evaluate("""() => [...document.querySelectorAll('#admin-navbar-collapse ul.navbar-nav > li')]
        .flatMap(li => [...li.querySelectorAll('a[href^="/admin"]')].slice(0, 2).map(a => a.getAttribute('href')))""")
    paths: list[str] = []
    for href in hrefs:
        path = urlsplit(href).path
        if path.rstrip("/") != "/admin" and path not in paths:
            paths.append(path)
    return paths[:PAGES_PER_ROLE]


@pytest.fixture
def hostile_data(db_session):
    """A client whose name is markup, and a visitor described with markup, both waiting at the reception."""
    from sqlalchemy import select

    from app.clock import SystemClock
    from catalogs.models import ContactGoal
    from tests import factories as f
    from traffic.service import TrafficDraft, register

    clock = SystemClock()
    client = f.client(db_session, clock, XSS_NAME, phones=["+7 (916) 555-44-33"])
    goal = db_session.scalar(select(ContactGoal).where(ContactGoal.code == "visit_showroom_new_car"))
    named, _ = register(db_session, TrafficDraft(channel="visit", goal_id=goal.id, client_id=client.id, queue=True),
                        actor_id=None, clock=clock)
    described, _ = register(db_session, TrafficDraft(channel="visit", goal_id=goal.id, description=XSS_DESCRIPTION,
                                                     queue=True), actor_id=None, clock=clock)
    return {"client": client.id, "named": named.id, "described": described.id}


@pytest.mark.parametrize("username", ROLE_USERS)
def test_every_menu_page_of_a_role_runs_without_policy_violations_or_script_errors(watched, hostile_data, username):
    context, watch = watched
    page = watch.attach(context.new_page())
    sign_in(page, username)
    watch.violations_on(page)
    links = menu_links(page)
    assert len(links) >= 4, links  # the walk really walks: every role's menu has workstations and lists
    shown_as_text = []
    for path in links:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert "'nonce-" in response.headers["content-security-policy"]
        expect(page.locator("img[src='x']")).to_have_count(0)
        assert not page.evaluate(INJECTED_SCRIPTS), path
        if XSS_NAME in page.inner_text("body"):
            shown_as_text.append(path)
        watch.violations_on(page)
    assert watch.problems == [], links
    assert watch.dialogs == []
    if username in ROLES_SEEING_VISITORS:
        assert shown_as_text, links  # the hostile client really was on the role's pages, as text


# Flask-Admin forms that no menu entry opens directly: select2 pickers, date pickers, inline lists.
ADMIN_FORMS = ("/admin/booking/new/", "/admin/workorder/new/", "/admin/repairvisit/new/", "/admin/cadence/new/",
               "/admin/user/new/", "/admin/user/edit/?id=1", "/admin/calendarexception/new/",
               "/admin/messagetemplate/new/", "/admin/work/new/")


def test_admin_forms_run_without_policy_violations_and_their_widgets_work(watched):
    context, watch = watched
    page = watch.attach(context.new_page())
    sign_in(page, "admin")
    SHOTS.mkdir(exist_ok=True)
    for path in ADMIN_FORMS:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.locator("form.admin-form")).to_be_visible()
        watch.violations_on(page)

    # select2 (Flask-Admin's ajax and plain selects) opens its dropdown; the date picker opens its calendar
    page.goto("/admin/booking/new/")
    page.locator(".select2-container").first.click()
    expect(page.locator(".select2-drop-active, .select2-dropdown-open, .select2-container--open").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "booking-new-select2.png"), full_page=True)
    page.keyboard.press("Escape")
    watch.violations_on(page)
    page.goto("/admin/trafficjournal/?flt0_0=2031-01-14")  # forms use the native date input; day filters use the picker
    page.locator("table.filters input.filter-val[type=text]").first.click()
    expect(page.locator(".daterangepicker").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "journal-day-filter-picker.png"), full_page=True)
    watch.violations_on(page)
    assert watch.problems == []
    assert watch.dialogs == []


def test_the_watch_does_see_a_violation(watched):
    """Guards the guard: an inline style and an inline handler slipped into a page are reported."""
    context, watch = watched
    page = watch.attach(context.new_page())
    page.goto("/login")
    page.evaluate("""document.body.insertAdjacentHTML('beforeend',
        '<div style="color: red">x</div><img src="/static/none.png" onerror="window.ran = 1">')""")
    page.wait_for_function("window.__csp.length >= 2")
    assert page.evaluate("window.ran") is None
    watch.violations_on(page)
    assert any("style-src" in p for p in watch.problems) and any("script-src" in p for p in watch.problems)


@pytest.fixture
def client_with_contacts(db_session):
    from app.clock import SystemClock
    from app.models.calendar import CalendarException
    from tests import factories as f

    client = f.client(db_session, SystemClock(), "Зубков Алексей", phones=["+7 (908) 4944434", "+7 (916) 000-11-22"],
                      cars=[{"make_model": "TOYOTA COROLLA", "plate": "н123ар77"}])
    from datetime import date

    db_session.add(CalendarException(day=date(2031, 1, 9), working=True, note="Рабочая суббота"))
    db_session.commit()
    return client.id


def test_interactive_bits_that_used_inline_js_still_work_under_the_policy(watched, client_with_contacts):
    context, watch = watched
    page = watch.attach(context.new_page(), dialogs="expected")
    sign_in(page, "admin")

    # a navbar dropdown opens
    catalogs = page.locator("#admin-navbar-collapse li.dropdown", has=page.locator("a[href='/admin/work/']"))
    catalogs.locator("a.dropdown-toggle").click()
    expect(catalogs.locator(".dropdown-menu")).to_be_visible()

    # Flask-Admin: «Add filter» adds a filter row (its items had onclick="return false;"), and it applies
    page.goto("/admin/trafficjournal/")
    page.click("text=Добавить Фильтр")
    page.locator(".field-filters a.filter", has_text="Канал").click()
    expect(page.locator("table.filters tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/admin/trafficjournal/$"))  # no jump to «#»
    with page.expect_navigation():
        page.click("#filter_form button[type=submit]")
    expect(page).to_have_url(re.compile(r"[?&]flt\d+_\d+=call"))

    # Flask-Admin: a bulk action from «With selected» (was onclick="modelActions.execute(…)")
    page.goto("/admin/lossreason/")
    page.locator("input.action-checkbox").first.check()
    run_list_action(page, "hide")
    expect(page.locator("div.alert-success, div.alert-info").first).to_be_visible()

    # Flask-Admin: the row's delete asks first (was onclick="faHelpers.safeConfirm(…)")
    page.goto("/admin/calendarexception/")
    questions: list[str] = []
    page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    page.locator("form[data-confirm] button[type=submit]").first.click()
    expect(page.locator("table.model-list tbody tr", has_text="Рабочая суббота")).to_have_count(1)
    page.once("dialog", lambda d: (questions.append(d.message), d.accept()))
    with page.expect_navigation():
        page.locator("form[data-confirm] button[type=submit]").first.click()
    expect(page.locator("table.model-list tbody tr", has_text="Рабочая суббота")).to_have_count(0)
    assert questions == ["Вы уверены что хотите удалить эту запись?"] * 2

    # Flask-Admin: «Add» of an inline list (was onclick="faForm.addInlineField(…)")
    page.goto("/admin/booking/new/")
    page.locator("[data-inline-add]").first.click()
    expect(page.locator(".inline-field.fresh")).to_have_count(1)

    # the desk's day picker submits itself (was onchange="this.form.submit()")
    page.goto("/admin/desk/schedule")
    with page.expect_navigation():
        page.fill("input[type=date][data-autosubmit]", "2031-01-14")
    expect(page).to_have_url(re.compile(r"day=2031-01-14"))

    # the reception's client picker searches as you type and fills the hidden id
    page.goto("/admin/traffic/")
    page.fill("#f-client", "Зубк")
    page.locator(".client-suggestion", has_text="Зубков Алексей").click()
    expect(page.locator("#f-client_id")).to_have_value(str(client_with_contacts))

    # the card's contact delete asks first (was onsubmit="return confirm(…)")
    page.goto(f"/admin/clients/{client_with_contacts}")
    rows = page.locator("table.contacts-table tr[data-contact-id]")
    expect(rows).to_have_count(2)
    page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    rows.last.locator("form[data-confirm] button").click()
    expect(rows).to_have_count(2)
    page.once("dialog", lambda d: (questions.append(d.message), d.accept()))
    with page.expect_navigation():
        rows.last.locator("form[data-confirm] button").click()
    expect(rows).to_have_count(1)
    assert questions[2:] == ["Удалить эту контактную информацию?"] * 2

    watch.violations_on(page)
    assert watch.problems == []


def test_stored_and_reflected_markup_is_shown_as_text_and_never_runs(watched, hostile_data):
    context, watch = watched
    page = watch.attach(context.new_page())
    sign_in(page, "admin")
    SHOTS.mkdir(exist_ok=True)

    def shows_as_text(path: str, *texts: str, shot: str | None = None) -> None:
        page.goto(path)
        for text in texts:
            expect(page.get_by_text(text, exact=False).first).to_be_visible()
        expect(page.locator("img[src='x']")).to_have_count(0)
        assert not page.evaluate(INJECTED_SCRIPTS), path
        if shot:
            page.screenshot(path=str(SHOTS / shot), full_page=True)
        watch.violations_on(page)

    shows_as_text(f"/admin/clients/{hostile_data['client']}", XSS_NAME, shot="client-card.png")
    shows_as_text("/admin/clients/?all=1", XSS_NAME, shot="clients-list.png")
    shows_as_text("/admin/clients/?phone=" + quote("5554433"), XSS_NAME)
    shows_as_text("/admin/trafficjournal/", XSS_NAME, XSS_DESCRIPTION, shot="traffic-journal.png")
    shows_as_text("/admin/traffic/", XSS_NAME, XSS_DESCRIPTION, shot="traffic-panel.png")
    shows_as_text(f"/admin/traffic/{hostile_data['named']}", XSS_NAME)
    shows_as_text(f"/admin/traffic/{hostile_data['described']}", XSS_DESCRIPTION)

    # reflected: a list filter value comes back in the filter's input and in Flask-Admin's flash
    page.goto("/admin/trafficjournal/?flt0_0=" + quote(XSS_FILTER))
    expect(page.locator("img[src='x']")).to_have_count(0)
    filter_values = page.locator("table.filters .filter-val").evaluate_all("els => els.map(e => e.value)")
    flash = " ".join(page.locator("div.alert").all_inner_texts())
    assert XSS_FILTER in filter_values or XSS_FILTER in flash, (filter_values, flash)
    page.screenshot(path=str(SHOTS / "traffic-journal-filter.png"), full_page=True)
    watch.violations_on(page)

    # reflected into a text filter's input (the audit log's «entity equals») and into a list's search box
    page.goto("/admin/audit/?flt0_0=" + quote(XSS_FILTER))
    expect(page.locator("table.filters input.filter-val[type=text]").first).to_have_value(XSS_FILTER)
    expect(page.locator("img[src='x']")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "audit-filter.png"), full_page=True)
    watch.violations_on(page)
    page.goto("/admin/user/?search=" + quote(XSS_FILTER))
    expect(page.locator("input[name=search][type=text]")).to_have_value(XSS_FILTER)
    expect(page.locator("img[src='x']")).to_have_count(0)
    watch.violations_on(page)

    for path, shot in (("/admin/", "home.png"), ("/admin/desk/", "desk-list.png")):
        page.goto(path)
        page.screenshot(path=str(SHOTS / shot), full_page=True)
        watch.violations_on(page)

    assert watch.dialogs == []
    assert watch.problems == []
