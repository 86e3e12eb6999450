"""«Показатели» in a real browser as the supervisor uses it: from the home's tiles to the page, another period,
a custom week, a number clicked → the list behind it; the charts drawn from the vendored Chart.js; print."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MSK = ZoneInfo("Europe/Moscow")


def msk(*args) -> datetime:
    return datetime(*args, tzinfo=MSK)


@pytest.fixture
def past_week(db_session):
    """Tuesday 11 November 2025: three bookings confirmed the day before (two), two clients came, one did not;
    three visitors, one ignored."""
    from sqlalchemy import select

    from app.clock import MutableClock
    from app.jobs import RecordingDispatcher
    from app.models.user import User
    from app.timers.service import run_due
    from catalogs.models import ContactGoal, IgnoreReason
    from desk import service as desk
    from desk.rules import CallInput, WorkLine
    from tests import factories as f
    from traffic import service as traffic

    users = {u.username: u for u in db_session.scalars(select(User))}
    clock = MutableClock(msk(2025, 11, 10, 10, 0))
    names = ("Кпи Арсений Первый", "Кпи Борис Второй", "Кпи Вера Третья")
    made = []
    for name, hour in zip(names, (10, 12, 14), strict=True):
        owner = f.client(db_session, clock, name, phones=["+7 (900) 100-00-0" + str(hour % 10)])
        made.append(desk.create_booking(db_session, desk.BookingDraft(
            client_id=owner.id, start_at=msk(2025, 11, 11, hour, 0), advisor_id=users["advisor"].id,
            works=[WorkLine("ТО-1", Decimal("1.5"), Decimal("6500"))]), actor_id=None, clock=clock))
    clock.set(msk(2025, 11, 10, 12, 30))
    for booking in made[:2]:
        db_session.refresh(booking)
        desk.record_call(db_session, booking.id, CallInput(outcome="confirmed"), expected_version=booking.version,
                         operator_id=users["service"].id, clock=clock)
    clock.set(msk(2025, 11, 11, 8, 0))
    desk.ensure_day_end_timers(db_session, clock=clock)
    db_session.commit()
    clock.set(msk(2025, 11, 11, 10, 5))
    desk.mark_arrived(db_session, made[0].id, expected_version=None, clock=clock)
    clock.set(msk(2025, 11, 11, 14, 5))
    desk.mark_arrived(db_session, made[2].id, expected_version=None, clock=clock)
    calendar = desk.working_calendar(db_session)
    clock.set(calendar.at(made[0].start_at.astimezone(MSK).date(), calendar.day_end))
    run_due(db_session, clock=clock, dispatcher=RecordingDispatcher())  # Борис did not come: a no-show
    goal = db_session.scalar(select(ContactGoal).where(ContactGoal.code == "visit_showroom_new_car"))
    reason = db_session.scalar(select(IgnoreReason).where(IgnoreReason.requires_comment.is_(False)))
    for minute, text in ((0, "Кпи посетитель один"), (5, "Кпи посетитель два"), (9, "Кпи посетитель три")):
        clock.set(msk(2025, 11, 11, 11, minute))
        row, _ = traffic.register(db_session, traffic.TrafficDraft(channel="visit", goal_id=goal.id, description=text),
                                  actor_id=users["reception"].id, clock=clock)
        clock.set(msk(2025, 11, 11, 11, minute + 4))
        traffic.take(db_session, row.id, user_id=users["sales"].id, clock=clock)
        if minute == 9:
            traffic.ignore(db_session, row.id, reason_id=reason.id, comment="", user_id=users["sales"].id,
                           clock=clock)
    return {"names": names}


def test_the_supervisor_reads_the_kpis_and_opens_the_list_behind_a_number(page, login, past_week, screenshot):
    login("supervisor")
    expect(page.locator("#home-kpi-tiles")).to_be_visible()
    expect(page.locator("#home-tile-today-confirmation_rate")).to_be_visible()
    screenshot(page, "home-supervisor.png")

    with page.expect_navigation():
        page.locator("#home-kpi-tiles a", has_text="Все показатели").first.click()
    expect(page.locator("h3")).to_have_text("Показатели")
    expect(page.locator("#period-today")).to_be_checked()  # the «Сегодня» tiles lead to today
    with page.expect_navigation():
        page.locator("label", has=page.locator("#period-month")).click()  # a period button shows it at once
    expect(page).to_have_url(re.compile(r"period=month"))
    expect(page.locator("#period-month")).to_be_checked()

    # a custom week: typing a day switches to «Произвольный»
    page.fill("#f-from", "2025-11-10")
    page.fill("#f-to", "2025-11-16")
    page.locator("#f-to").dispatch_event("change")
    expect(page.locator("#period-custom")).to_be_checked()
    with page.expect_navigation():
        page.click("#kpi-show")
    expect(page.locator("#period-label")).to_have_text("10.11.2025–16.11.2025 (7 дней)")
    expect(page.locator("#tile-confirmation_rate .kpi-value")).to_have_text("66,7\u00a0%")
    expect(page.locator("#tile-confirmation_rate .kpi-detail")).to_have_text("2 из 3")
    expect(page.locator("#tile-show_rate .kpi-value")).to_have_text("66,7\u00a0%")
    expect(page.locator("#tile-total .kpi-value")).to_have_text("3")
    expect(page.locator("#tile-wait_p50 .kpi-value")).to_have_text("4 мин")
    # the charts are drawn (Chart.js from static/vendor), each with its table under it
    expect(page.locator("canvas[data-chart='desk_days']")).to_be_visible()
    assert page.evaluate("() => Object.keys(window.Chart.instances).length") >= 5
    expect(page.locator("#table-traffic_goals tbody tr")).to_have_count(1)
    screenshot(page, "kpis.png")

    page.emulate_media(media="print")
    expect(page.locator("#kpi-filters")).to_be_hidden()
    expect(page.locator("nav.navbar")).to_be_hidden()
    screenshot(page, "kpis-print.png")
    page.emulate_media(media="screen")

    with page.expect_navigation():
        page.click("#tile-no_show_rate a.kpi-link")
    rows = page.locator("table.model-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(past_week["names"][1])


def test_a_bad_custom_period_is_named_next_to_its_field(page, login):
    login("supervisor")
    page.goto("/admin/kpis/?period=custom&from=2025-11-16&to=2025-11-10")
    expect(page.locator("#f-to + .invalid-feedback")).to_have_text(
        "Период заканчивается не раньше своего первого дня.")
    expect(page.locator("#f-to")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#tile-total")).to_be_visible()  # the page still shows the default week


@pytest.mark.parametrize(("username", "panel"), [
    ("reception", "#home-reception-day"), ("service", "#home-confirmation-progress"),
    ("advisor", "#home-my-visits"), ("callcenter", "#home-calls-today"), ("sales", "#home-my-traffic")])
def test_each_role_lands_on_its_day(page, login, screenshot, username, panel):
    login(username)
    expect(page.locator(panel)).to_be_visible()
    expect(page.locator("#home-kpi-tiles")).to_have_count(0)
    screenshot(page, f"home-{username}.png")
