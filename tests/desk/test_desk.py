"""The confirmation desk through the service layer, on SQLite and PostgreSQL (SPEC §3.3, seed 000)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.errors import Conflict, ValidationFailed
from app.notifications.models import Notification
from app.timers.models import ScheduledAction
from app.timers.service import run_due
from catalogs.models import CancellationReason
from desk import service as desk
from desk.models import Booking
from desk.rules import CallInput, WorkLine
from tests.desk.calls import call
from tests.factories import MONDAY_NOON, booking_for, msk

TUESDAY_10 = msk(2026, 11, 24, 10, 0)


@pytest.fixture
def advisor(make_user):
    return make_user("service_advisor", username="advisor")


@pytest.fixture
def booking(session, clock, advisor):
    clock.set(MONDAY_NOON)
    return booking_for(session, clock, TUESDAY_10, advisor_id=advisor.id)


def timers(session, kind=None):
    query = select(ScheduledAction).order_by(ScheduledAction.id)
    if kind:
        query = query.where(ScheduledAction.kind == kind)
    return list(session.scalars(query))


def test_booking_end_and_total_come_from_the_works(booking):
    assert booking.end_at == msk(2026, 11, 24, 11, 30) and booking.total == Decimal("6500.00")
    assert booking.phone == "+7 908 494-44-34" and booking.confirmation_state == "to_call"


def test_not_reached_schedules_a_retry_one_hour_later(session, clock, booking, operator, dispatcher):
    result = call(session, clock, booking, operator, outcome="not_reached", reason="busy")
    assert result.confirmation_state == "retry" and result.failed_attempts == 1
    assert result.next_contact_at == MONDAY_NOON + timedelta(hours=1)
    [timer] = timers(session, "confirmation_retry")
    assert timer.due_at == result.next_contact_at and timer.status == "pending"
    assert ("tasks.timers.fire_timer", (timer.id,)) in [(c[1], c[2]) for c in dispatcher.calls if c[0] is not None]


def test_three_failures_cancel_once_with_the_system_reason(session, clock, booking, operator, advisor, dispatcher):
    for minutes in (0, 61, 122):
        clock.set(MONDAY_NOON + timedelta(minutes=minutes))
        result = call(session, clock, booking, operator, outcome="not_reached", reason="unavailable")
    assert result.status == "cancelled" and result.confirmation_state == "cancelled"
    assert result.cancel_reason.code == "client_unreachable" and result.failed_attempts == 3
    assert [t.status for t in timers(session, "confirmation_retry")] == ["cancelled", "cancelled"] or \
        [t.status for t in timers(session, "confirmation_retry")].count("pending") == 0
    run_due(session, clock=clock, dispatcher=dispatcher)
    run_due(session, clock=clock, dispatcher=dispatcher)
    notes = list(session.scalars(select(Notification).where(Notification.kind == "booking_auto_cancelled")))
    assert [n.user_id for n in notes] == [advisor.id]
    with pytest.raises(Conflict):
        call(session, clock, booking, operator, outcome="not_reached", reason="busy")


def test_a_retry_timer_brings_the_call_back_and_tells_the_operator(session, clock, booking, operator, dispatcher):
    call(session, clock, booking, operator, outcome="not_reached", reason="busy")
    assert run_due(session, clock=clock, dispatcher=dispatcher)["done"] == 0  # not due yet
    clock.advance(hours=1)
    assert run_due(session, clock=clock, dispatcher=dispatcher)["done"] == 1
    [note] = session.scalars(select(Notification).where(Notification.kind == "confirmation_retry"))
    assert note.user_id == operator.id and note.params["client"] == "Зубков Алексей"
    assert [b.id for b in desk.desk_list(session, TUESDAY_10.date(), calendar=desk.working_calendar(session))][0] \
        == booking.id


def test_callback_requires_a_time_the_client_named(session, clock, booking, operator):
    with pytest.raises(ValidationFailed) as problem:
        call(session, clock, booking, operator, outcome="callback")
    assert set(problem.value.fields) == {"callback_at"}
    session.rollback()
    result = call(session, clock, booking, operator, outcome="callback", callback_at=msk(2026, 11, 23, 16, 30))
    assert result.confirmation_state == "callback" and result.next_contact_at == msk(2026, 11, 23, 16, 30)
    assert timers(session, "confirmation_callback")[0].due_at == msk(2026, 11, 23, 16, 30)


def test_confirmed_with_new_wishes_keeps_the_start_and_recomputes_end_and_total(session, clock, booking, operator):
    result = call(session, clock, booking, operator, outcome="confirmed",
                  added_works=(WorkLine("Замена щёток", Decimal("0.5"), Decimal("900")),))
    assert result.status == "confirmed" and result.confirmation_state == "confirmed"
    assert result.start_at == TUESDAY_10
    assert result.end_at == msk(2026, 11, 24, 12, 0) and result.total == Decimal("7400.00")
    assert [w.added_on_call for w in result.works] == [False, True]


def test_confirming_cancels_the_pending_retry(session, clock, booking, operator, dispatcher):
    call(session, clock, booking, operator, outcome="not_reached", reason="busy")
    clock.advance(minutes=30)
    call(session, clock, booking, operator, outcome="confirmed")
    assert [t.status for t in timers(session, "confirmation_retry")] == ["cancelled"]


def test_reschedule_is_checked_against_the_schedule(session, clock, booking, operator, advisor):
    other = booking_for(session, clock, msk(2026, 11, 26, 10, 0), name="Иванов Иван", advisor_id=advisor.id)
    with pytest.raises(ValidationFailed) as busy:
        call(session, clock, booking, operator, outcome="reschedule", new_start_at=msk(2026, 11, 26, 11, 0))
    assert "new_start_at" in busy.value.fields and other.number in str(busy.value.params.values())
    session.rollback()
    result = call(session, clock, booking, operator, outcome="reschedule", new_start_at=msk(2026, 11, 26, 14, 0))
    assert result.start_at == msk(2026, 11, 26, 14, 0) and result.end_at == msk(2026, 11, 26, 15, 30)
    assert result.confirmation_state == "confirmed"


def test_refuse_cancels_with_the_chosen_reason(session, clock, booking, operator):
    with pytest.raises(ValidationFailed):
        call(session, clock, booking, operator, outcome="refused")
    session.rollback()
    reason = session.scalar(select(CancellationReason).where(CancellationReason.code == "client_changed_plans"))
    result = call(session, clock, booking, operator, outcome="refused", cancel_reason_id=reason.id)
    assert result.status == "cancelled" and result.cancel_reason_id == reason.id
    assert [a.outcome for a in result.attempts] == ["refused"]


def test_a_stale_version_is_refused_and_nothing_is_overwritten(session, clock, booking, operator):
    version = booking.version
    desk.record_call(session, booking.id, CallInput("confirmed"), expected_version=version, operator_id=operator.id,
                     clock=clock)
    with pytest.raises(Conflict):
        desk.record_call(session, booking.id, CallInput("not_reached", reason="busy"), expected_version=version,
                         operator_id=operator.id, clock=clock)
    session.rollback()
    assert session.get(Booking, booking.id).confirmation_state == "confirmed"


def test_the_daily_timer_prepares_tomorrows_list_and_tells_service_admins(session, clock, booking, operator,
                                                                          dispatcher):
    clock.set(msk(2026, 11, 23, 8, 0))
    assert desk.ensure_daily_timers(session, clock=clock) == 2
    session.commit()
    assert desk.ensure_daily_timers(session, clock=clock) == 0
    clock.set(msk(2026, 11, 23, 12, 0))
    run_due(session, clock=clock, dispatcher=dispatcher)
    session.refresh(booking)
    assert booking.next_contact_at == msk(2026, 11, 23, 12, 0)
    [note] = session.scalars(select(Notification).where(Notification.kind == "confirmation_list"))
    assert note.user_id == operator.id and note.params == {"day": "24.11.2026", "count": 1}
    keys = {t.idempotency_key for t in timers(session, "confirmation_list")}
    assert keys == {"confirmation_list:2026-11-23", "confirmation_list:2026-11-24"}


def test_saturday_confirms_monday(session, clock):
    regs = desk.load_regulations(session)
    calendar = desk.working_calendar(session, regs)
    assert desk.horizon_day(date(2026, 11, 28), regs, calendar).isoformat() == "2026-11-30"


def test_cancel_from_the_card_needs_a_reason(session, clock, booking, operator):
    with pytest.raises(ValidationFailed):
        desk.cancel_booking(session, booking.id, None, expected_version=booking.version, actor_id=operator.id,
                            clock=clock)
    session.rollback()
    reason = session.scalar(select(CancellationReason).where(CancellationReason.code == "went_elsewhere"))
    done = desk.cancel_booking(session, booking.id, reason.id, expected_version=booking.version,
                               actor_id=operator.id, clock=clock)
    assert done.status == "cancelled"
    assert session.scalar(select(func.count()).select_from(Booking).where(Booking.status == "cancelled")) == 1


def test_bookings_outside_working_hours_or_overlapping_are_refused(session, clock, advisor):
    with pytest.raises(ValidationFailed):
        booking_for(session, clock, datetime(2026, 11, 24, 22, 0, tzinfo=UTC), advisor_id=advisor.id)
    session.rollback()
    booking_for(session, clock, TUESDAY_10, advisor_id=advisor.id)
    with pytest.raises(ValidationFailed):
        booking_for(session, clock, TUESDAY_10 + timedelta(minutes=30), name="Иванов", advisor_id=advisor.id)
