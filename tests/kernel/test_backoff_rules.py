"""The one backoff formula behind timer retries and outbox deliveries, and the timers' own numbers."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.backoff import Backoff
from app.domain.calendar import parse_local
from app.jobs import rq_time
from app.timers.rules import MAX_ATTEMPTS, retry_delay, should_retry

MSK = ZoneInfo("Europe/Moscow")


def test_a_failed_timer_waits_2_4_8_16_minutes_and_gives_up_after_the_fifth_attempt():
    assert [retry_delay(n) for n in range(1, 5)] == [timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert MAX_ATTEMPTS == 5
    assert [should_retry(n) for n in range(1, 6)] == [True, True, True, True, False]


def test_the_cap_holds_and_huge_attempt_numbers_stay_small():
    backoff = Backoff(first=timedelta(minutes=1), max_attempts=3, cap=timedelta(minutes=5))
    assert [backoff.delay(n) for n in (1, 2, 3, 4, 10_000)] == [timedelta(minutes=m) for m in (1, 2, 4, 5, 5)]
    assert Backoff(first=timedelta(seconds=1), max_attempts=1).delay(10_000) == timedelta(seconds=2 ** 30)


def test_attempts_are_counted_from_one_and_the_limit_can_be_overridden():
    backoff = Backoff(first=timedelta(minutes=1), max_attempts=3)
    with pytest.raises(ValueError):
        backoff.delay(0)
    assert backoff.should_retry(2) and not backoff.should_retry(3)
    assert backoff.should_retry(3, max_attempts=4) and not backoff.should_retry(1, max_attempts=1)


def test_rq_time_rounds_up_to_the_next_whole_second_and_keeps_whole_seconds():
    whole = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
    assert rq_time(whole) == whole
    assert rq_time(whole.replace(microsecond=1)) == whole + timedelta(seconds=1)
    assert rq_time(whole.replace(microsecond=999_999)) == whole + timedelta(seconds=1)


def test_parse_local_reads_the_wall_clock_of_the_zone_and_answers_utc():
    assert parse_local("2026-11-24T10:00", MSK) == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert parse_local(" 2026-11-24T10:00 ", MSK) == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    aware = "2026-11-24T10:00+00:00"
    assert parse_local(aware, MSK) == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", [None, "", "   ", "завтра", "2026-13-01T10:00", "2026-11-24T25:00", "\x00"])
def test_parse_local_answers_none_for_empty_or_not_a_date(value):
    assert parse_local(value, MSK) is None


def test_parse_local_across_a_dst_change_follows_the_zone():
    berlin = ZoneInfo("Europe/Berlin")
    # 2026-03-29 02:30 does not exist in Berlin (clocks jump 02:00 → 03:00): fold=0 reads it as +01:00.
    assert parse_local("2026-03-29T02:30", berlin) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    # 2026-10-25 02:30 happens twice: the first occurrence (+02:00).
    assert parse_local("2026-10-25T02:30", berlin) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
