"""Retry delays of outgoing messages, and the order of provider statuses (pure functions)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.messaging.rules import (
    MAX_SEND_ATTEMPTS,
    provider_status_advances,
    retry_delay,
    should_retry,
)


def test_the_delays_double_from_one_minute():
    assert [retry_delay(n) for n in range(1, 6)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]


def test_the_delay_is_capped_at_an_hour_even_for_absurd_attempt_numbers():
    assert retry_delay(7) == timedelta(hours=1)
    assert retry_delay(10_000) == timedelta(hours=1)


def test_attempt_numbers_start_at_one():
    with pytest.raises(ValueError):
        retry_delay(0)


def test_six_attempts_then_no_more():
    assert MAX_SEND_ATTEMPTS == 6
    assert [should_retry(n) for n in range(1, 7)] == [True] * 5 + [False]
    assert should_retry(2, max_attempts=2) is False


def test_five_retries_wait_31_minutes_in_all():
    assert sum((retry_delay(n) for n in range(1, MAX_SEND_ATTEMPTS)), timedelta()) == timedelta(minutes=31)


@pytest.mark.parametrize(("current", "new", "advances"), [
    ("", "delivered", True),
    ("sent", "delivered", True),
    ("delivered", "read", True),
    ("read", "delivered", False),  # a late webhook never moves a message back
    ("delivered", "sent", False),
    ("delivered", "DELIVERED ", True),  # normalised; the same status again is harmless
    ("sent", "failed", True),
    ("read", "failed", False),
    ("", "some-new-status", True),
    ("delivered", "some-new-status", False),
    ("delivered", "", False),
])
def test_provider_statuses_only_move_forward(current, new, advances):
    assert provider_status_advances(current, new) is advances
