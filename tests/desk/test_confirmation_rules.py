"""The retry rule (SPEC §3.3 table) and what each call outcome requires, with the clock as an input."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.domain.calendar import WorkingCalendar, russian_holidays
from desk.rules import (
    CallInput,
    RetryPolicy,
    WorkLine,
    after_failed_attempt,
    booking_end,
    call_problems,
)

MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
POLICY = RetryPolicy(delay=timedelta(hours=1), cutoff=time(20, 0), max_failures=3)


def calendar(zone=MSK, weekdays=(1, 2, 3, 4, 5, 6)) -> WorkingCalendar:
    return WorkingCalendar(zone=zone, weekdays=frozenset(weekdays), day_start=time(9, 0), day_end=time(21, 0),
                           days_off=russian_holidays([2026, 2027]) if zone is MSK else frozenset())


def local(zone, y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=zone)


VISIT = local(MSK, 2026, 11, 24, 10)  # Tuesday 10:00; the calls are on Monday 23 November


@pytest.mark.parametrize(("failed", "expected"), [
    ((18, 59), local(MSK, 2026, 11, 23, 19, 59)),   # case 2
    ((19, 0), local(MSK, 2026, 11, 23, 20, 0)),     # case 2: exactly at the cutoff is allowed
    ((19, 1), local(MSK, 2026, 11, 23, 20, 0)),     # case 3: not later than 20:00
    ((19, 59), local(MSK, 2026, 11, 23, 20, 0)),    # case 3
    ((20, 0), local(MSK, 2026, 11, 24, 9, 0)),      # case 4: next working day's start, before the visit
    ((20, 1), local(MSK, 2026, 11, 24, 9, 0)),      # case 4
    ((23, 59), local(MSK, 2026, 11, 24, 9, 0)),     # across midnight
])
def test_retry_table(failed, expected):
    decision = after_failed_attempt(local(MSK, 2026, 11, 23, *failed), 1, POLICY, calendar(), VISIT)
    assert (decision.action, decision.at) == ("retry", expected)


def test_after_midnight_the_retry_waits_for_opening_time():
    decision = after_failed_attempt(local(MSK, 2026, 11, 24, 0, 0), 1, POLICY, calendar(),
                                    local(MSK, 2026, 11, 24, 15))
    assert decision.at == local(MSK, 2026, 11, 24, 9, 0)


def test_the_third_failure_cancels_whatever_the_time():
    for hour in (9, 19, 20):
        assert after_failed_attempt(local(MSK, 2026, 11, 23, hour), 3, POLICY, calendar(), VISIT).action == "cancel"
    assert after_failed_attempt(local(MSK, 2026, 11, 23, 12), 2, POLICY, calendar(), VISIT).action == "retry"


def test_no_attempt_left_before_the_visit_means_unreached_not_cancelled():
    early_visit = local(MSK, 2026, 11, 24, 9, 0)
    assert after_failed_attempt(local(MSK, 2026, 11, 23, 20, 0), 1, POLICY, calendar(), early_visit).action == \
        "unreached"
    soon = local(MSK, 2026, 11, 23, 19, 30)
    assert after_failed_attempt(local(MSK, 2026, 11, 23, 19, 0), 2, POLICY, calendar(), soon).action == "unreached"


def test_weekends_and_public_holidays_are_skipped():
    saturday_evening = local(MSK, 2026, 11, 28, 20, 30)
    decision = after_failed_attempt(saturday_evening, 1, POLICY, calendar(), local(MSK, 2026, 12, 1, 12))
    assert decision.at == local(MSK, 2026, 11, 30, 9, 0)  # Sunday is off → Monday
    before_unity_day = local(MSK, 2026, 11, 3, 20, 30)  # 4 November is a public holiday
    decision = after_failed_attempt(before_unity_day, 1, POLICY, calendar(), local(MSK, 2026, 11, 6, 12))
    assert decision.at == local(MSK, 2026, 11, 5, 9, 0)


@pytest.mark.parametrize(("failed", "expected_utc"), [
    # spring forward (29 March 2026, 02:00 → 03:00): the cutoff is 20:00 CEST = 18:00 UTC
    (local(BERLIN, 2026, 3, 29, 19, 30), datetime(2026, 3, 29, 18, 0, tzinfo=UTC)),
    (local(BERLIN, 2026, 3, 29, 18, 30), datetime(2026, 3, 29, 17, 30, tzinfo=UTC)),
    # before opening on that day: 09:00 CEST = 07:00 UTC (was 08:00 UTC the day before)
    (local(BERLIN, 2026, 3, 29, 1, 30), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
    (local(BERLIN, 2026, 3, 28, 20, 30), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
    # fall back (25 October 2026, 03:00 → 02:00): 20:00 CET = 19:00 UTC; next morning 09:00 CET = 08:00 UTC
    (local(BERLIN, 2026, 10, 25, 19, 1), datetime(2026, 10, 25, 19, 0, tzinfo=UTC)),
    (local(BERLIN, 2026, 10, 24, 20, 30), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
])
def test_dst_zone_arithmetic(failed, expected_utc):
    cal = calendar(BERLIN, weekdays=range(1, 8))
    decision = after_failed_attempt(failed, 1, POLICY, cal, failed + timedelta(days=3))
    assert decision.action == "retry" and decision.at == expected_utc


def test_dst_berlin_monday_after_the_change():
    cal = calendar(BERLIN)  # Sundays off
    decision = after_failed_attempt(local(BERLIN, 2026, 10, 24, 20, 30), 1, POLICY, cal,
                                    local(BERLIN, 2026, 10, 27, 12))
    assert decision.at == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_calendar_exceptions_override_weekdays_and_holidays():
    cal = WorkingCalendar(zone=MSK, weekdays=frozenset({1, 2, 3, 4, 5}), day_start=time(9), day_end=time(21),
                          days_off=frozenset({date(2026, 11, 25)}), working_days=frozenset({date(2026, 11, 28)}))
    assert not cal.is_working_day(date(2026, 11, 25))
    assert cal.is_working_day(date(2026, 11, 28))  # a working Saturday
    assert cal.next_working_day(date(2026, 11, 24)) == date(2026, 11, 26)


NOW = local(MSK, 2026, 11, 23, 13, 0)


@pytest.mark.parametrize(("call", "fields"), [
    (CallInput("not_reached"), {"reason"}),
    (CallInput("not_reached", reason="busy"), set()),
    (CallInput("callback"), {"callback_at"}),
    (CallInput("callback", callback_at=NOW - timedelta(minutes=1)), {"callback_at"}),
    (CallInput("callback", callback_at=local(MSK, 2026, 11, 23, 21, 30)), {"callback_at"}),  # after hours
    (CallInput("callback", callback_at=local(MSK, 2026, 11, 24, 10, 30)), {"callback_at"}),  # after the visit
    (CallInput("callback", callback_at=local(MSK, 2026, 11, 23, 16, 0)), set()),
    (CallInput("callback", callback_at=local(MSK, 2026, 11, 23, 21, 0)), set()),  # the working day's last minute
    (CallInput("confirmed"), set()),
    (CallInput("confirmed", added_works=(WorkLine("", Decimal("-1"), Decimal("-5")),)),
     {"added_works.0.name", "added_works.0.hours", "added_works.0.price"}),
    (CallInput("reschedule"), {"new_start_at"}),
    (CallInput("reschedule", new_start_at=local(MSK, 2026, 11, 29, 10)), {"new_start_at"}),  # Sunday
    (CallInput("reschedule", new_start_at=local(MSK, 2026, 11, 26, 10)), set()),
    (CallInput("refused"), {"cancel_reason_id"}),
    (CallInput("refused", cancel_reason_id=4), set()),
    (CallInput("hung_up"), {"outcome"}),
])
def test_what_each_outcome_requires(call, fields):
    assert set(call_problems(call, now=NOW, visit_start=VISIT, calendar=calendar())) == fields


def test_booking_end_adds_the_hours_and_keeps_a_minimum():
    start = local(MSK, 2026, 11, 24, 10)
    assert booking_end(start, [Decimal("1.5"), Decimal("0.25")]) == local(MSK, 2026, 11, 24, 11, 45)
    assert booking_end(start, []) == local(MSK, 2026, 11, 24, 11, 0)


# ----- issue 13: new wishes, the early retry, free slots, the spoken script


@pytest.mark.parametrize(("old_end", "hours", "expected"), [
    ((16, 0), ["1.5"], (16, 0)),          # 13:00–16:00 + 1.5 h of works stays 16:00
    ((14, 30), ["1.5", "1.5"], (16, 0)),  # the works now need more: start + all hours
    ((14, 30), [], (14, 30)),
])
def test_new_wishes_never_shorten_the_visit(old_end, hours, expected):
    from desk.rules import end_after_wishes

    start = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    end = end_after_wishes(start, start.replace(hour=old_end[0], minute=old_end[1]), [Decimal(h) for h in hours])
    assert (end.hour, end.minute) == expected


@pytest.mark.parametrize(("now_minute", "refused"), [(0, True), (9, True), (10, False), (11, False)])
def test_a_failed_call_before_the_next_contact_is_too_early(now_minute, refused):
    from desk.rules import too_early

    due = datetime(2026, 11, 24, 13, 10, tzinfo=UTC)
    now = due.replace(minute=now_minute)
    assert (too_early("not_reached", now=now, next_contact_at=due) is not None) is refused
    assert too_early("confirmed", now=now, next_contact_at=due) is None
    assert too_early("not_reached", now=now, next_contact_at=None) is None


def test_free_slots_skip_busy_times_the_past_and_the_closing():
    from desk.rules import free_slots

    day = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    busy = [(day.replace(hour=11), day.replace(hour=12, minute=30))]
    slots = free_slots(opens=day, closes=day.replace(hour=14), busy=busy, duration=timedelta(hours=1),
                       not_before=day.replace(hour=9, minute=15))
    assert [(s.hour, s.minute) for s in slots] == [(9, 30), (10, 0), (12, 30), (13, 0)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Здравствуйте, ! Вас беспокоит сервис.", "Здравствуйте! Вас беспокоит сервис."),
    ("Здравствуйте, Ольга! Как дела?", "Здравствуйте, Ольга! Как дела?"),
    (", добрый день!", "Добрый день!"),
    ("Звоню  напомнить , .", "Звоню напомнить."),
    # no dealer name set yet: «Вас беспокоит {dealer_name}, отдел сервиса.»
    ("Вас беспокоит , отдел сервиса.", "Вас беспокоит отдел сервиса."),
    ("Вас примет мастер .", "Вас примет мастер."),
])
def test_a_script_line_reads_as_spoken(text, expected):
    from desk.rules import spoken

    assert spoken(text) == expected
