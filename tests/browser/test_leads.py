"""Seed 004 in the browser: the call-centre manager's calls for today, the lead card with its cadence's next
step, recording a call, rescheduling the meeting, and the meetings calendar."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_traffic import sign_in

pytestmark = pytest.mark.browser


def test_no_show_call_task_list_lead_card_reschedule_and_calendar(browser, live_server, db_session, screenshot):
    from sqlalchemy import select

    from app.clock import FixedClock, SystemClock
    from app.models.user import User
    from app.services.regulations import working_calendar
    from leads import service
    from tests import factories as f

    clock = SystemClock()
    client = f.client(db_session, clock, "Виктор Иванов", phones=["+7 912 000-11-22"])
    olga = db_session.scalar(select(User).where(User.username == "callcenter"))
    lead = service.create_lead(db_session, service.LeadDraft(client_id=client.id, interest="Kia Sportage",
                                                             responsible_id=olga.id), actor_id=olga.id, clock=clock)
    calendar = working_calendar(db_session)
    day = calendar.local(clock.now()).date() - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    missed = calendar.at(day, time(11, 0))  # the last working day's meeting the client missed, 11:00 local:
    service.record_event(db_session, lead.id, "meeting_set", actor_id=olga.id, at=missed,
                         clock=FixedClock(missed - timedelta(days=1)), employee_id=olga.id)
    # ...so the no-show cadence's first call fell due in working hours and is overdue now, whatever the hour
    service.record_event(db_session, lead.id, "no_show", actor_id=None, clock=FixedClock(missed + timedelta(minutes=20)))

    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    try:
        page = sign_in(context, live_server, "callcenter")
        page.goto(live_server + "/admin/leads/")
        row = page.locator("#call-tasks tr.call-task")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Виктор Иванов")
        expect(row).to_contain_text("Первый звонок в день встречи")
        screenshot(page, "leads-tasks.png")
        with page.expect_navigation():
            row.locator("a.btn").click()
        expect(page.locator("#cadence-next")).to_contain_text("Второй звонок в тот же день")
        expect(page.locator("#cadence-next")).to_contain_text("Срок:")  # two hours after the first call
        expect(page.locator("#cadence-steps li").nth(0)).to_contain_text("✓")

        form = page.locator("form.call-task-form")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        expect(page.locator("form.call-task-form .invalid-feedback")).to_have_text("Выберите результат звонка.")
        page.locator("form.call-task-form label", has_text="Не дозвонились").click()
        with page.expect_navigation():
            page.locator("form.call-task-form button[type=submit]").click()
        expect(page.locator("div.alert-success")).to_contain_text("Звонок записан")
        expect(page.locator("#cadence-next")).to_contain_text("Срок")
        screenshot(page, "lead-card.png")

        with page.expect_navigation():
            page.click("#set-meeting")
        expect(page.locator("#f-at + .invalid-feedback")).to_have_text("Укажите время встречи в будущем.")
        tomorrow = datetime.now(ZoneInfo("Europe/Moscow")).date() + timedelta(days=1)
        page.fill("#f-at", f"{tomorrow.isoformat()}T15:00")
        page.select_option("#f-employee_id", label="Владимир Петухов")
        with page.expect_navigation():
            page.click("#set-meeting")
        expect(page.locator("#lead-stage")).to_have_text("5. Встреча назначена")
        expect(page.locator("#cadence-status")).to_have_text("Остановлен")
        expect(page.locator("#lead-meeting")).to_contain_text("15:00 · Владимир Петухов")

        page.goto(f"{live_server}/admin/leads/calendar?view=week&day={tomorrow.isoformat()}")
        meeting = page.locator("#meetings-calendar a.meeting")
        expect(meeting).to_have_count(1)
        expect(meeting).to_contain_text("15:00 Виктор Иванов")
        expect(page.locator("#meetings-calendar tbody th")).to_have_text("Владимир Петухов")
        screenshot(page, "leads-calendar.png")
    finally:
        context.close()
