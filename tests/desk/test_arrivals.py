"""Arrivals and no-shows become facts (issue 14, point 1), on SQLite and PostgreSQL: a repair visit for the
booking's client (and car) on the visit day marks it arrived and links them; reception marks «Клиент
приехал» on the schedule; the day's end (the working calendar's) turns the still-awaited into no-shows."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import Conflict
from app.timers.models import ScheduledAction
from app.timers.service import reconcile, run_due
from desk import service as desk
from desk.models import Booking
from desk.rules import can_arrive, nearest_booking, visit_fits
from documents.models import RepairVisit
from tests import factories as f
from tests.factories import msk

MONDAY_9 = msk(2026, 11, 23, 9, 0)
MONDAY_11 = msk(2026, 11, 23, 11, 0)
MONDAY_15 = msk(2026, 11, 23, 15, 0)


# ----- the pure rules


@pytest.mark.parametrize(("status", "expected"), [
    ("planned", True), ("confirmed", True), ("no_show", True), ("arrived", False), ("cancelled", False)])
def test_who_can_still_arrive(status, expected):
    assert can_arrive(status) is expected


@pytest.mark.parametrize(("booking_car", "visit_car", "expected"), [
    (None, None, True), (1, None, True), (None, 2, True), (1, 1, True), (1, 2, False)])
def test_a_visit_fits_the_booking_of_the_same_car_or_of_none(booking_car, visit_car, expected):
    assert visit_fits(booking_car_id=booking_car, visit_car_id=visit_car) is expected


def test_the_booking_nearest_to_the_arrival_is_the_one():
    at = datetime(2026, 11, 23, 10, 50, tzinfo=UTC)
    assert nearest_booking([], at) is None
    assert nearest_booking([(1, datetime(2026, 11, 23, 9, 0, tzinfo=UTC)), (2, datetime(2026, 11, 23, 11, 0, tzinfo=UTC))], at) == 2


# ----- through the database


@pytest.fixture
def advisor(make_user):
    return make_user("service_advisor", username="advisor", full_name="Сергей Смирнов")


@pytest.fixture
def zubkov(session, clock):
    return f.client(session, clock, "Зубков Алексей", phones=["+7 908 494-44-34"],
                    cars=[{"make_model": "TOYOTA COROLLA", "plate": "Н123АР77"}, {"make_model": "Kia Rio", "plate": "А777ВС77"}])


def book(session, clock, client, start, advisor, car=None):
    clock.set(start - timedelta(days=3))
    return desk.create_booking(session, desk.BookingDraft(client_id=client.id, start_at=start, advisor_id=advisor.id,
                                                          car_id=car.id if car else None), actor_id=None, clock=clock)


def post_visit(login, advisor, client, car, arrived_local: str):
    browser = login(advisor)
    answer = browser.post("/admin/repairvisit/new/", data={
        "client": client.id, "car": car.id, "arrived_at": arrived_local, "mileage": "41000", "advisor": advisor.id})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:1500]
    return browser


def test_a_repair_visit_marks_the_days_booking_of_the_car_arrived_and_links_them(session, clock, login, advisor,
                                                                                 zubkov):
    corolla, rio = zubkov.cars
    morning = book(session, clock, zubkov, MONDAY_9, advisor, car=rio)
    booking = book(session, clock, zubkov, MONDAY_15, advisor, car=corolla)
    clock.set(MONDAY_11)
    browser = post_visit(login, advisor, zubkov, corolla, "2026-11-23T11:00")  # early, for the 15:00 booking
    session.expire_all()
    visit = session.scalar(select(RepairVisit))
    arrived = session.get(Booking, booking.id)
    assert arrived.status == "arrived" and arrived.repair_visit_id == visit.id
    assert arrived.arrived_at == MONDAY_11
    assert session.get(Booking, morning.id).status == "planned"  # another car: nearer in time, not this visit
    page = html.unescape(browser.get("/admin/repairvisit/").get_data(as_text=True))
    assert f"Заявка {arrived.number}: клиент приехал." in page


def test_a_visit_on_another_day_or_of_another_client_marks_nothing(session, clock, login, advisor, zubkov):
    booking = book(session, clock, zubkov, MONDAY_15, advisor)
    other = f.client(session, clock, "Петров Сергей", cars=[{"make_model": "LADA Vesta", "plate": "О001ОО199"}])
    clock.set(MONDAY_11)
    post_visit(login, advisor, zubkov, zubkov.cars[0], "2026-11-24T10:00")
    post_visit(login, advisor, other, other.cars[0], "2026-11-23T11:00")
    session.expire_all()
    assert session.get(Booking, booking.id).status == "planned"


def test_arrival_ends_the_confirmation_timers(session, clock, advisor, zubkov):
    booking = book(session, clock, zubkov, MONDAY_15, advisor)
    clock.set(msk(2026, 11, 20, 12, 5))  # Friday noon: the call for Monday
    desk.record_call(session, booking.id, desk.CallInput(outcome="not_reached", reason="busy"),
                     expected_version=booking.version, operator_id=None, clock=clock)
    assert session.scalars(select(ScheduledAction).where(ScheduledAction.kind == "confirmation_retry",
                                                         ScheduledAction.status == "pending")).all()
    clock.set(MONDAY_11)
    session.refresh(booking)
    desk.mark_arrived(session, booking.id, expected_version=booking.version, clock=clock)
    assert not session.scalars(select(ScheduledAction).where(ScheduledAction.kind == "confirmation_retry",
                                                             ScheduledAction.status == "pending")).all()
    with pytest.raises(Conflict):
        desk.mark_arrived(session, booking.id, expected_version=None, clock=clock)


def test_reception_marks_the_client_arrived_on_todays_schedule(session, clock, login, advisor, zubkov, make_user):
    booking = book(session, clock, zubkov, MONDAY_15, advisor)
    clock.set(MONDAY_11)
    browser = login(make_user("reception", username="anna"))
    page = html.unescape(browser.get("/admin/desk/schedule?day=2026-11-23").get_data(as_text=True))
    assert f'id="arrived-{booking.id}"' in page and "Клиент приехал" in page
    tomorrow = html.unescape(browser.get("/admin/desk/schedule?day=2026-11-24").get_data(as_text=True))
    assert "Клиент приехал" not in tomorrow  # only today's visitors can have come
    answer = browser.post(f"/admin/desk/booking/{booking.id}/arrived", data={"version": booking.version})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("day=2026-11-23")
    page = html.unescape(browser.get(answer.headers["Location"]).get_data(as_text=True))
    assert "Зубков Алексей приехал" in page and "Приехал 11:00" in page
    session.expire_all()
    again = browser.post(f"/admin/desk/booking/{booking.id}/arrived",
                         data={"version": session.get(Booking, booking.id).version, "day": "2026-11-23"})
    assert again.status_code == 302  # a second click (or a colleague's): told, nothing changes
    assert "уже отмечен" in html.unescape(browser.get(again.headers["Location"]).get_data(as_text=True))


def test_only_the_front_and_the_service_mark_arrivals(session, clock, login, advisor, zubkov, make_user):
    booking = book(session, clock, zubkov, MONDAY_15, advisor)
    clock.set(MONDAY_11)
    for role in ("supervisor", "call_center", "sales_manager"):
        browser = login(make_user(role, username=f"u-{role}"))
        assert browser.post(f"/admin/desk/booking/{booking.id}/arrived",
                            data={"version": booking.version}).status_code == 403
    assert session.get(Booking, booking.id).status == "planned"


def test_at_the_days_end_the_awaited_become_no_shows(session, clock, dispatcher, advisor, zubkov):
    other = f.client(session, clock, "Петров Сергей")
    came = book(session, clock, zubkov, MONDAY_9, advisor)
    awaited = book(session, clock, other, MONDAY_15, advisor)
    cancelled = book(session, clock, other, msk(2026, 11, 23, 17, 0), advisor)
    clock.set(MONDAY_9 - timedelta(days=1))
    desk.cancel_booking(session, cancelled.id, desk_reason(session), expected_version=None, actor_id=None,
                        clock=clock)
    clock.set(msk(2026, 11, 23, 8, 0))
    reconcile(session, clock=clock, dispatcher=dispatcher)
    [timer] = session.scalars(select(ScheduledAction).where(ScheduledAction.kind == "bookings_day_end"))
    day_end = desk.working_calendar(session).at(MONDAY_9.date(), desk.working_calendar(session).day_end)
    assert timer.due_at == day_end  # the working calendar's day end (21:00 by default)
    clock.set(MONDAY_9 + timedelta(minutes=5))
    desk.mark_arrived(session, came.id, expected_version=None, clock=clock)
    clock.set(day_end - timedelta(minutes=1))
    run_due(session, clock=clock, dispatcher=dispatcher)
    assert session.get(Booking, awaited.id).status == "planned"  # a minute before the end: still awaited
    clock.set(day_end)
    run_due(session, clock=clock, dispatcher=dispatcher)
    session.expire_all()
    assert [session.get(Booking, b.id).status for b in (came, awaited, cancelled)] == \
        ["arrived", "no_show", "cancelled"]
    clock.set(day_end + timedelta(minutes=30))  # late: the client still came
    desk.mark_arrived(session, awaited.id, expected_version=None, clock=clock)
    assert session.get(Booking, awaited.id).status == "arrived"


def test_no_day_end_timer_on_a_day_off(session, clock, dispatcher):
    clock.set(msk(2026, 11, 22, 12, 0))  # Sunday
    reconcile(session, clock=clock, dispatcher=dispatcher)
    assert session.scalars(select(ScheduledAction).where(ScheduledAction.kind == "bookings_day_end")).all() == []


def desk_reason(session):
    from catalogs.models import CancellationReason

    return session.scalar(select(CancellationReason).where(CancellationReason.code != "client_unreachable")).id
