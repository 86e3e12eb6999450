"""Issue 13, point 9 in a real browser: the desk operator logs in with unread notifications, the panel after
login shows them as links, one click lands on the booking; the bell's dropdown links too; the confirmation list
gains a booking made elsewhere without a reload."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _booking(db_session, name: str, hour: int):
    from sqlalchemy import select

    from app.clock import SystemClock
    from app.models.user import User
    from desk import service as desk
    from desk.rules import WorkLine
    from tests import factories as f

    clock = SystemClock()
    regs = desk.load_regulations(db_session)
    calendar = desk.working_calendar(db_session, regs)
    day = desk.horizon_day(calendar.local(clock.now()).date(), regs, calendar)
    client = f.client(db_session, clock, name, phones=["+7 (916) 123-45-67"])
    advisor = db_session.scalar(select(User).where(User.username == "advisor"))
    booking = desk.create_booking(db_session, desk.BookingDraft(
        client_id=client.id, advisor_id=advisor.id, start_at=calendar.at(day, time(hour, 0)),
        works=[WorkLine("ТО-1 (масло, фильтры)", Decimal("1.5"), Decimal("6500"))]), actor_id=None, clock=clock)
    return booking, day


def test_unread_panel_after_login_links_to_the_booking_and_the_list_refreshes_live(page, login, db_session,
                                                                                  screenshot):
    from sqlalchemy import select

    from app.clock import SystemClock
    from app.domain.i18n import N_, Message
    from app.models.user import User
    from app.notifications.service import notify

    booking, day = _booking(db_session, "Иванова Мария Петровна", 10)
    operator = db_session.scalar(select(User).where(User.username == "service"))
    notify(db_session, [operator.id], kind="confirmation_retry", key=f"browser:{booking.id}", clock=SystemClock(),
           target=("booking", booking.id), message=Message(
               N_("Time to call %(client)s again (%(phone)s, booking %(number)s)."),
               {"client": booking.client.name, "phone": booking.phone, "number": booking.number}))
    db_session.commit()
    booking_id, number = booking.id, booking.number

    login("service")
    panel = page.locator("#unread-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("a.unread-link")).to_have_count(1)
    expect(panel.locator("a.unread-link")).to_contain_text(number)
    screenshot(page, "notifications-login-panel.png")
    with page.expect_navigation():
        panel.locator("a.unread-link").click()
    expect(page).to_have_url(f"{page.url.split('/admin/')[0]}/admin/desk/booking/{booking_id}")
    expect(page.locator("#booking-title")).to_contain_text("Иванова Мария Петровна")
    expect(page.locator("#unread-panel")).to_have_count(0)  # once per login
    expect(page.locator("#unread-badge")).to_have_count(0)  # opened = read

    # the bell: a dropdown of the newest unread, each a link
    notify(db_session, [operator.id], kind="confirmation_retry", key=f"browser-2:{booking.id}", clock=SystemClock(),
           target=("booking", booking_id), message=Message(
               N_("Time to call %(client)s again (%(phone)s, booking %(number)s)."),
               {"client": "Иванова Мария Петровна", "phone": "+7 916 123-45-67", "number": number}))
    db_session.commit()
    expect(page.locator("#unread-badge")).to_have_text("1", timeout=12_000)  # the bell polls every 5 s
    page.click("#notifications-link")
    expect(page.locator("#bell-menu a.bell-item")).to_have_count(1)
    expect(page.locator("#bell-menu a.bell-item")).to_have_attribute("href", f"/admin/notifications/"
                                                                    f"{_newest_id(db_session, operator.id)}/open")
    screenshot(page, "notifications-bell.png")
    page.keyboard.press("Escape")

    # the confirmation list gains a booking made at another desk, without a reload
    page.goto(f"/admin/desk/?day={day.isoformat()}")
    rows = page.locator("table.desk-list tbody tr.desk-row")
    expect(rows).to_have_count(1)
    page.evaluate("window.__notReloaded = true")
    _booking(db_session, "Петров Сергей Иванович", 14)
    expect(rows).to_have_count(2, timeout=12_000)
    expect(page.locator("table.desk-list")).to_contain_text("Петров Сергей Иванович")
    assert page.evaluate("window.__notReloaded") is True
    screenshot(page, "desk-list-live.png")
    row = page.locator("table.desk-list tbody tr", has=page.get_by_text("Петров Сергей Иванович", exact=True))
    with page.expect_navigation():
        row.locator(".desk-state").dblclick()  # the refreshed rows still open on a double-click
    expect(page.locator("#booking-title")).to_contain_text("Петров Сергей Иванович")


def _newest_id(db_session, user_id: int) -> int:
    from sqlalchemy import func, select

    from app.notifications.models import Notification

    db_session.expire_all()
    return db_session.scalar(select(func.max(Notification.id)).where(Notification.user_id == user_id))
