"""A whole working day of each front-office role, in a real browser, on demo data (seed 001, «Входящий трафик»).

Reception registers walk-ins and callers, turns an unknown caller into a client and reads the journal; a sales
manager finds the traffic waiting after login, takes it and processes it into a «Рабочий лист» (1.1), then a
queued visit of the same client into that sheet (1.2) while a colleague sees who took it; a service advisor is told
live of a client come by booking, opens the «Машинозаезд» from the card (2.3) and checks the day's schedule.
The app runs on the real clock: days and times are computed with the working calendar.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.helpers import exact
from tests.browser.test_traffic import sign_in

pytestmark = pytest.mark.browser

SHOWROOM_CALL = "Звонок. Автосалон. Покупка нового автомобиля"
SHOWROOM_VISIT = "Визит. Автосалон. Покупка нового автомобиля"
SERVICE_VISIT = "Визит. Сервис. Ремонт автомобиля"
VIKTOR = "Виктор, Мерседес A класс"
VIKTOR_PHONE = "+7 912 345-67-89"


# ----- arranging


def _user(session, username):
    from app.models.user import User

    return session.scalar(select(User).where(User.username == username))


def _goal(session, code):
    from catalogs.models import ContactGoal

    return session.scalar(select(ContactGoal).where(ContactGoal.code == code))


def _calendar(session):
    from desk import service as desk

    return desk.working_calendar(session, desk.load_regulations(session))


def _register(session, *, goal, actor, clock=None, **fields):
    """A traffic record registered elsewhere (a colleague at another desk, the call centre, yesterday)."""
    from app.clock import SystemClock
    from traffic import service

    row, _ = service.register(session, service.TrafficDraft(goal_id=_goal(session, goal).id, **fields),
                              actor_id=_user(session, actor).id, clock=clock or SystemClock())
    return row.id, row.number


@pytest.fixture
def demo_day(db_session):
    """`flask seed demo`: forty clients with cars and documents, the call centre's leads."""
    from app.clock import SystemClock
    from seed.clients import install_demo_clients
    from seed.leads import install_demo_leads

    install_demo_clients(db_session, clock=SystemClock(), count=40)
    install_demo_leads(db_session, clock=SystemClock())
    db_session.commit()


def _contexts(browser, count):
    return [browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900}) for _ in range(count)]


# ----- page steps


def _pick_client(page, search, label):
    """Type into the client search and pick the suggestion that reads exactly `label`."""
    page.fill("#f-client", search)
    page.locator(".client-suggestion", has_text=exact(label)).click()
    expect(page.locator("#f-client")).to_have_value(label)


def _submit_registration(page, button):
    with page.expect_navigation():
        page.click(button)


def _flashed(page, text):
    """A green flash that says `text` (a document saved from a card brings Flask-Admin's own as well)."""
    expect(page.locator("div.alert-success", has_text=text)).to_be_visible()


def _open_notification(page, text):
    """The live notification that popped up on the open page (no reload) leads to the traffic card."""
    note = page.locator("#live-notification a")
    expect(note).to_contain_text(text, timeout=12_000)  # the bell polls every 5 s
    with page.expect_navigation():
        note.click()
    expect(page).to_have_url(re.compile(r"/admin/traffic/\d+$"))


def _take(page):
    with page.expect_navigation():
        page.click("#take")
    _flashed(page, "Взято в работу")
    expect(page.locator("#traffic-status")).to_have_text("В работе")


def _save_document(page):
    with page.expect_navigation():
        page.locator("form.admin-form .submit-row input[type=submit].btn-primary").click()


# ----- the days


def test_reception_day(page, login, demo_day, db_session, screenshot):
    from app.clock import FixedClock, SystemClock
    from catalogs.models import IgnoreReason
    from traffic import service

    # yesterday's call, handled yesterday: the journal holds more than today
    calendar = _calendar(db_session)
    yesterday = FixedClock(SystemClock().now() - timedelta(days=1))
    old_id, _ = _register(db_session, goal="call_parts", actor="reception", clock=yesterday, channel="call",
                          description="Вчерашний звонок о запчастях")
    advisor_id = _user(db_session, "advisor").id
    service.take(db_session, old_id, user_id=advisor_id, clock=yesterday)
    wrong_call = db_session.scalar(select(IgnoreReason).where(IgnoreReason.code == "wrong_call"))
    service.ignore(db_session, old_id, reason_id=wrong_call.id, comment="", user_id=advisor_id, clock=yesterday)

    login("reception")
    expect(page.locator("h1")).to_have_text("Здравствуйте, Анна Ресепшн")
    sections = page.locator("#home-sections")
    expect(sections.get_by_role("link", name="Входящий трафик", exact=True)).to_be_visible()
    expect(sections.get_by_role("link", name="Журнал входящего трафика", exact=True)).to_be_visible()
    screenshot(page, "day-reception-home.png")
    with page.expect_navigation():
        sections.get_by_role("link", name="Входящий трафик", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/traffic/$"))
    expect(page.locator("#reception-script")).to_contain_text("чем я могу помочь")
    expect(page.locator("#open-traffic tr.traffic-row")).to_have_count(0)

    # 1.2: Zubkov comes to see his manager, who is busy: the goal forgotten once, the message by the field
    page.check("input[name=channel][value=visit]", force=True)
    _pick_client(page, "Зубков", "Зубков Алексей (+7 908 494-44-34)")
    expect(page.locator("#f-car_id option:checked")).to_contain_text("TOYOTA COROLLA")
    expect(page.locator("#f-phone")).to_have_value("+7 908 494-44-34")
    page.select_option("#f-responsible_id", label="Владимир Петухов")
    _submit_registration(page, "#queue")
    expect(page.locator("#f-goal_id")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#f-goal_id ~ .invalid-feedback")).to_have_text("Выберите цель контакта.")
    expect(page.locator("#f-client")).to_have_value("Зубков Алексей (+7 908 494-44-34)")  # nothing typed is lost
    expect(page.locator("#f-responsible_id option:checked")).to_have_text("Владимир Петухов")
    expect(page.locator("#f-car_id option:checked")).to_contain_text("TOYOTA COROLLA")
    screenshot(page, "day-reception-no-goal.png")
    page.select_option("#f-goal_id", label=SHOWROOM_VISIT)
    _submit_registration(page, "#queue")
    _flashed(page, "оповещено сотрудников: 1")

    # 1.1: Viktor calls about a new car, never served here: described, transferred to the manager
    page.check("input[name=channel][value=call]", force=True)
    page.select_option("#f-goal_id", label=SHOWROOM_CALL)
    page.fill("#f-description", VIKTOR)
    page.fill("#f-phone", VIKTOR_PHONE)
    page.select_option("#f-responsible_id", label="Владимир Петухов")
    _submit_registration(page, "#transfer")
    _flashed(page, "оповещено сотрудников: 1")

    rows = page.locator("#open-traffic tr.traffic-row")
    expect(rows).to_have_count(2)
    zubkov = rows.filter(has_text="Зубков Алексей")
    expect(zubkov).to_contain_text(SHOWROOM_VISIT)
    expect(zubkov).to_contain_text("В очереди → Владимир Петухов")
    expect(zubkov.locator("a.new-client-link")).to_have_count(0)
    viktor = rows.filter(has_text=VIKTOR)
    expect(viktor).to_contain_text("☎")
    expect(viktor).to_contain_text("Новое → Владимир Петухов")

    # the list is live: a call the call centre registers appears without a reload
    page.evaluate("window.__notReloaded = true")
    _register(db_session, goal="call_service_repair", actor="callcenter", channel="call",
              description="Дмитрий, хочет записаться на ТО", phone="+7 903 111-22-33")
    expect(rows).to_have_count(3, timeout=12_000)
    expect(page.locator("#waiting-count")).to_have_text("3")
    assert page.evaluate("window.__notReloaded") is True
    screenshot(page, "day-reception-waiting.png")

    # Viktor becomes a client in one step from his row: the form comes with what reception typed
    with page.expect_navigation():
        rows.filter(has_text=VIKTOR).locator("a.new-client-link").click()
    expect(page.locator("#f-phone")).to_have_value(VIKTOR_PHONE)
    expect(page.locator("#f-note")).to_have_value(VIKTOR)
    page.fill("#f-name", "Виктор Иванов")
    with page.expect_navigation():
        page.click("#new-client-form button[type=submit]")
    _flashed(page, "Клиент Виктор Иванов создан")
    expect(page.locator("#traffic-client")).to_have_text("Виктор Иванов")
    page.goto("/admin/traffic/")
    expect(page.locator("#open-traffic tr.traffic-row").filter(has_text="Виктор Иванов")).to_have_count(1)

    # the journal: today's records, by the day filter
    page.goto("/admin/")
    with page.expect_navigation():
        page.locator("#home-sections").get_by_role("link", name="Журнал входящего трафика", exact=True).click()
    journal = page.locator("table.model-list tbody tr")
    expect(journal).to_have_count(4)
    page.click("text=Добавить Фильтр")
    page.locator(".field-filters a.filter", has_text="Зарегистрирован").click()
    today = calendar.local(SystemClock().now()).date()
    page.locator("table.filters input.filter-val").first.fill(today.isoformat())
    with page.expect_navigation():
        page.click("#filter_form button[type=submit]")
    expect(journal).to_have_count(3)
    expect(page.locator("table.model-list")).not_to_contain_text("Вчерашний звонок")
    for who in ("Зубков Алексей", "Виктор Иванов", "Дмитрий, хочет записаться на ТО"):
        expect(journal.filter(has_text=who)).to_have_count(1)
    expect(journal.filter(has_text="Зубков Алексей")).to_contain_text("Анна Ресепшн")
    expect(journal.filter(has_text="Зубков Алексей")).to_contain_text(today.strftime("%d.%m.%Y"))
    screenshot(page, "day-reception-journal.png")


def test_sales_manager_day(browser, live_server, demo_day, db_session, screenshot):
    # 1.1: before the manager logs in, reception put a caller through to every specialist of the goal
    traffic_id, number = _register(db_session, goal="call_showroom_new_car", actor="reception", channel="call",
                                   description=VIKTOR, phone=VIKTOR_PHONE)
    card_url = f"{live_server}/admin/traffic/{traffic_id}"
    sales_ctx, colleague_ctx, reception_ctx = _contexts(browser, 3)
    try:
        sales = sign_in(sales_ctx, live_server, "sales")
        colleague = sign_in(colleague_ctx, live_server, "sales2")
        colleague.goto(live_server + "/admin/traffic/")
        expect(colleague.locator(f"#open-traffic tr[data-traffic-id='{traffic_id}'] .take-button")).to_be_visible()

        panel = sales.locator("#unread-panel")
        expect(panel).to_be_visible()
        link = panel.locator("a.unread-link", has_text=VIKTOR)
        expect(link).to_have_text(f"Звонок: {SHOWROOM_CALL} — {VIKTOR}")
        screenshot(sales, "day-sales_manager-unread.png")
        with sales.expect_navigation():
            link.click()
        expect(sales).to_have_url(card_url)
        expect(sales.locator("#traffic-title")).to_contain_text(number)
        _take(sales)

        # the caller becomes a client from the card, then the manager opens a work sheet for him
        with sales.expect_navigation():
            sales.click("#traffic-new-client")
        expect(sales.locator("#f-phone")).to_have_value(VIKTOR_PHONE)
        sales.fill("#f-name", "Виктор Иванов")
        with sales.expect_navigation():
            sales.click("#new-client-form button[type=submit]")
        expect(sales.locator("#traffic-client")).to_have_text("Виктор Иванов")
        with sales.expect_navigation():
            sales.locator("#attach-form a.btn-primary", has_text="Рабочий лист").click()
        expect(sales).to_have_url(re.compile(r"/admin/worksheet/new/"))
        sales.fill("#interest", "Mercedes-Benz A-класс, тест-драйв в субботу")
        _save_document(sales)
        expect(sales).to_have_url(card_url)
        _flashed(sales, f"{number} прикреплён к документу РЛ-")
        expect(sales.locator("#traffic-status")).to_have_text("Обработано")
        expect(sales.locator("#traffic-document")).to_contain_text(re.compile(r"Рабочий лист\s+РЛ-\d{6}"))
        sheet = sales.locator("#traffic-document a").inner_text().strip()
        expect(sales.locator("#traffic-taken-by")).to_contain_text("Владимир Петухов")
        screenshot(sales, "day-sales_manager-work-sheet.png")

        # the colleague: gone from her list, and the card says who took it
        colleague.reload()
        expect(colleague.locator(f"#open-traffic tr[data-traffic-id='{traffic_id}']")).to_have_count(0)
        colleague.goto(card_url)
        expect(colleague.locator("#traffic-taken-by")).to_contain_text("Владимир Петухов")
        expect(colleague.locator("#traffic-status")).to_have_text("Обработано")
        expect(colleague.locator("#take")).to_have_count(0)
        expect(colleague.locator("#attach-form")).to_have_count(0)
        screenshot(colleague, "day-sales_manager-colleague.png")

        # 1.2: Viktor comes to the showroom; reception queues him for his manager, who is told on the open page
        reception = sign_in(reception_ctx, live_server, "reception")
        reception.goto(live_server + "/admin/traffic/")
        reception.check("input[name=channel][value=visit]", force=True)
        reception.select_option("#f-goal_id", label=SHOWROOM_VISIT)
        _pick_client(reception, "Виктор Ив", f"Виктор Иванов ({VIKTOR_PHONE})")
        reception.select_option("#f-responsible_id", label="Владимир Петухов")
        _submit_registration(reception, "#queue")
        _flashed(reception, "оповещено сотрудников: 1")

        _open_notification(sales, f"Посетитель: {SHOWROOM_VISIT} — Виктор Иванов")
        _take(sales)
        option = sales.locator("#f-document optgroup[label='Документы клиента'] option", has_text=sheet)
        expect(option).to_have_text(re.compile(rf"^Рабочий лист {re.escape(sheet)} · \d\d\.\d\d\.\d{{4}} \d\d:\d\d"))
        sales.select_option("#f-document", option.get_attribute("value"))
        with sales.expect_navigation():
            sales.click("#attach")
        _flashed(sales, "Привязано к документу")
        expect(sales.locator("#traffic-status")).to_have_text("Обработано")
        expect(sales.locator("#traffic-document")).to_contain_text(sheet)
    finally:
        for context in (sales_ctx, colleague_ctx, reception_ctx):
            context.close()


@pytest.fixture
def booked_today(db_session):
    """2.3: Ivanov Dmitry, booked with the advisor for this hour today, his Kia Rio with him."""
    from app.clock import SystemClock
    from tests import factories as f

    clock = SystemClock()
    client = f.client(db_session, clock, "Иванов Дмитрий", phones=["+7 912 000-11-22"],
                      cars=[{"make_model": "Kia Rio", "plate": "А777ВС77"}])
    calendar = _calendar(db_session)
    now = calendar.local(clock.now())
    start = calendar.at(now.date(), time(now.hour, 0))
    booking = f.booking(db_session, clock, client, start=start, advisor_id=_user(db_session, "advisor").id)
    booking.car_id = client.cars[0].id
    db_session.commit()
    return {"day": now.date(), "start": f"{now.hour:02d}:00", "number": booking.number}


def test_service_advisor_day(browser, live_server, demo_day, booked_today, db_session, screenshot):
    from app.clock import SystemClock

    reception_ctx, advisor_ctx = _contexts(browser, 2)
    try:
        reception = sign_in(reception_ctx, live_server, "reception")
        advisor = sign_in(advisor_ctx, live_server, "advisor")
        advisor.goto(live_server + "/admin/traffic/")

        # reception: the client is found, his only car comes with him, the advisor is on site
        reception.goto(live_server + "/admin/traffic/")
        reception.check("input[name=channel][value=visit]", force=True)
        reception.select_option("#f-goal_id", label=SERVICE_VISIT)
        _pick_client(reception, "Иванов Д", "Иванов Дмитрий (+7 912 000-11-22)")
        expect(reception.locator("#f-car_id option:checked")).to_contain_text("Kia Rio")
        reception.select_option("#f-responsible_id", label="Сергей Смирнов")
        _submit_registration(reception, "#transfer")
        _flashed(reception, "оповещено сотрудников: 1")

        # the advisor: told on the open page, the row is his, he takes it and opens the repair visit
        expect(advisor.locator("#unread-badge")).to_have_text("1", timeout=12_000)
        row = advisor.locator("#open-traffic tr.traffic-row", has_text="Иванов Дмитрий")
        expect(row).to_have_class(re.compile(r"\btable-warning\b"), timeout=12_000)
        screenshot(advisor, "day-service_advisor-notified.png")
        _open_notification(advisor, f"Посетитель: {SERVICE_VISIT} — Иванов Дмитрий")
        expect(advisor.locator("#traffic-car")).to_contain_text("Kia Rio")
        _take(advisor)
        with advisor.expect_navigation():
            advisor.locator("#attach-form a.btn-primary", has_text="Машинозаезд").click()
        expect(advisor).to_have_url(re.compile(r"/admin/repairvisit/new/"))
        expect(advisor.locator("#car")).to_have_value(re.compile(r"\d+"))  # the car reception noted
        arrived = _calendar(db_session).local(SystemClock().now())
        advisor.fill("#arrived_at", arrived.strftime("%Y-%m-%dT%H:%M"))
        advisor.fill("#mileage", "41000")
        screenshot(advisor, "day-service_advisor-repair-visit.png")
        _save_document(advisor)
        expect(advisor.locator("#traffic-status")).to_have_text("Обработано")
        expect(advisor.locator("#traffic-document")).to_contain_text(re.compile(r"Машинозаезд\s+МЗ-\d{6}"))
        expect(advisor.locator("#traffic-work-order")).to_contain_text(re.compile(r"Заказ-наряд ЗН-\d{6} · Открыт"))
        screenshot(advisor, "day-service_advisor-processed.png")

        # his day: the schedule of today shows the booking he has just received
        advisor.goto(live_server + "/admin/desk/")
        with advisor.expect_navigation():
            advisor.locator("ul.desk-tabs").get_by_role("link", name="График", exact=True).click()
        day = booked_today["day"]
        expect(advisor.locator("h4")).to_contain_text(f"График на {day:%d.%m.%Y}")
        column = advisor.locator('td.schedule-cell[data-advisor="Сергей Смирнов"]')
        booking = column.locator(".schedule-booking", has_text="Иванов Дмитрий")
        expect(booking).to_contain_text(booked_today["start"])
        expect(booking).to_contain_text("Kia Rio")
        screenshot(advisor, "day-service_advisor-schedule.png")
    finally:
        for context in (reception_ctx, advisor_ctx):
            context.close()
