"""The seed-000 scenario in a real browser: the schedule, the confirmation list for the next working day,
double-click → the booking card → «Подтверждение визита», each outcome, the green row, cancel with a reason."""

from __future__ import annotations

import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import finish_call, open_from_list

pytestmark = pytest.mark.browser


@pytest.fixture
def bookings(db_session):
    """Four bookings on the day the desk confirms today, for the demo advisor."""
    from sqlalchemy import select

    from app.clock import SystemClock
    from app.models.user import User
    from desk import service as desk
    from desk.rules import WorkLine
    from tests import factories as f

    clock = SystemClock()
    people = (("Зубков Алексей", "+7 (908) 4944434", "TOYOTA COROLLA", "Н123АР77"),
              ("Иванова Мария Петровна", "+7 (916) 123-45-67", "Kia Rio", "А777ВС77"),
              ("Петров Сергей Иванович", "+7 (925) 555-10-20", "LADA Vesta", "О001ОО199"),
              ("ООО «Автотранс»", "+7 (495) 700-00-01", "Volkswagen Polo", "Е555КХ750"))
    clients = [f.client(db_session, clock, name, phones=[phone], cars=[{"make_model": model, "plate": plate}])
               for name, phone, model, plate in people]
    advisor = db_session.scalar(select(User).where(User.username == "advisor"))
    regs = desk.load_regulations(db_session)
    calendar = desk.working_calendar(db_session, regs)
    day = desk.horizon_day(calendar.local(clock.now()).date(), regs, calendar)
    made = []
    for client, hour in zip(clients, (10, 12, 14, 16), strict=True):
        start = calendar.at(day, time(hour, 0))
        made.append(desk.create_booking(db_session, desk.BookingDraft(
            client_id=client.id, car_id=client.cars[0].id if client.cars else None, advisor_id=advisor.id,
            start_at=start, works=[WorkLine("ТО-1 (масло, фильтры)", Decimal("1.5"), Decimal("6500"))]),
            actor_id=None, clock=clock))
    return {"day": day, "bookings": [(b.id, b.client.name) for b in made], "calendar": calendar}


def test_confirmation_desk_scenario(page, login, bookings, screenshot):
    login("service")
    day = bookings["day"]
    (first, a), (second, b), (third, c), (fourth, d) = bookings["bookings"]
    page.goto(f"/admin/desk/schedule?day={day.isoformat()}")
    expect(page.locator(".schedule-booking")).to_have_count(4)
    screenshot(page, "desk-schedule.png")

    page.click("text=Подтверждение визита, список")
    expect(page.locator("h4")).to_contain_text(day.strftime("%d.%m.%Y"))
    expect(page.locator("table.desk-list tbody tr.desk-row")).to_have_count(4)

    # «абонент занят»: not reached → the row turns yellow (retry)
    open_from_list(page, a)
    page.check("#outcome-not_reached")
    page.select_option("#f-reason", "busy")
    finish_call(page)
    expect(page).to_have_url(re.compile(r"/admin/desk/\?day="))
    expect(page.locator("tr.desk-row", has=page.get_by_text(a, exact=True))).to_have_class(re.compile("table-warning"))

    # «приедет», survey finished, with a new wish: end and total recomputed, start kept → green
    open_from_list(page, b)
    page.check("#outcome-confirmed")
    page.fill("input[name='added_works.0.name']", "Замена щёток стеклоочистителя")
    page.fill("input[name='added_works.0.hours']", "0,5")
    page.fill("input[name='added_works.0.price']", "900")
    # said to the client while still on the call: the end never earlier, the new total
    end = (bookings["calendar"].at(day, time(12, 0)) + timedelta(hours=2)).astimezone(bookings["calendar"].zone)
    expect(page.locator("#wish-summary")).to_have_text(
        f"Скажите клиенту: работы закончатся {end:%d.%m.%Y %H:%M}, стоимость — 7\u00a0400,00 ₽.")
    screenshot(page, "desk-call-wishes.png")
    page.fill("#f-note", "приедет")
    finish_call(page)
    expect(page.locator("div.alert-success")).to_contain_text(
        f"Визит подтверждён: {day:%d.%m.%Y} 12:00–14:00, итого 7\u00a0400,00 ₽.")
    green = page.locator("tr.desk-row", has=page.get_by_text(b, exact=True))
    expect(green).to_have_class(re.compile("table-success"))
    expect(green).to_contain_text("7\u00a0400,00")
    expect(green.locator("a.desk-phone")).to_have_attribute("href", "tel:+79161234567")

    # can't talk: the callback time is required and must be in working hours; the input is kept
    open_from_list(page, c)
    page.check("#outcome-callback")
    night = f"{day.isoformat()}T23:30"
    page.fill("#f-callback_at", night)
    finish_call(page)
    field = page.locator("#f-callback_at")
    expect(field).to_have_class(re.compile("is-invalid"))
    expect(field).to_have_value(night)
    expect(page.locator("#f-callback_at ~ .invalid-feedback")).to_contain_text("рабочее время")
    screenshot(page, "desk-call-error.png")
    page.fill("#f-callback_at", f"{day.isoformat()}T09:30")
    finish_call(page)
    expect(page.locator("tr.desk-row", has=page.get_by_text(c, exact=True))).to_have_class(re.compile("table-info"))

    # refuses: cancelled with a reason from the catalog → red
    open_from_list(page, d)
    page.check("#outcome-refused")
    page.select_option("#f-cancel_reason_id", label="Клиент передумал")
    finish_call(page)
    expect(page.locator("tr.desk-row", has=page.get_by_text(d, exact=True))).to_have_class(re.compile("table-danger"))
    screenshot(page, "desk-list.png")


def test_cancel_from_the_schedule_with_a_reason(page, login, bookings, screenshot):
    login("service")
    day = bookings["day"]
    booking_id, name = bookings["bookings"][0]
    page.goto(f"/admin/desk/schedule?day={day.isoformat()}")
    with page.expect_navigation():
        page.locator(".schedule-booking", has_text=name).click()
    # as the seed: «Отменить заявку» → «Отменить заявку и завершить бизнес-процесс?» → then the reason
    expect(page.locator("#cancel-form")).to_be_hidden()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#cancel-open")
    expect(page.locator("#cancel-form")).to_be_hidden()  # «no»: nothing happens
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cancel-open")
    expect(page.locator("#f-reason_id")).to_be_focused()
    with page.expect_navigation():
        page.click("#cancel-submit")
    expect(page.locator("#f-reason_id")).to_have_class(re.compile("is-invalid"))  # the reason is required
    page.select_option("#f-reason_id", label="Клиент обратился в другой сервис")
    with page.expect_navigation():
        page.click("#cancel-submit")
    expect(page).to_have_url(re.compile(r"/admin/desk/schedule"))
    page.goto(f"/admin/desk/booking/{booking_id}")
    expect(page.locator("#booking-state")).to_have_text("Отменено")
    expect(page.locator("#cancel-reason")).to_have_text("Клиент обратился в другой сервис")
    screenshot(page, "desk-card-cancelled.png")



def test_reschedule_offers_the_advisors_free_times(page, login, bookings, screenshot):
    login("service")
    day = bookings["day"]
    booking_id, name = bookings["bookings"][0]  # 10:00–11:30; the advisor is busy 12:00–13:30, 14:00, 16:00
    page.goto(f"/admin/desk/booking/{booking_id}")
    page.check("#outcome-reschedule")
    slots = page.locator("[data-outcome=reschedule] .slot-list .slot")
    expect(slots.first).to_be_visible()
    labels = slots.all_inner_texts()
    assert "12:30" not in labels and "14:00" not in labels and "10:00" in labels and "17:30" in labels
    page.locator("[data-outcome=reschedule] .slot", has_text="17:30").click()
    expect(page.locator("#f-new_start_at")).to_have_value(f"{day.isoformat()}T17:30")
    screenshot(page, "desk-reschedule-slots.png")
    finish_call(page)
    expect(page.locator("div.alert-success")).to_contain_text(f"Визит перенесён на {day:%d.%m.%Y} 17:30.")
