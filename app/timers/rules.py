"""How a timer whose handler failed is retried. Pure, like the outbox's delivery rules.

A timer's `attempts` counts claims, so after a failure it is the number of the attempt that failed:
the next one is 2, 4, 8, 16 minutes later; after the fifth failure the timer stays `failed` (counted by
`flask timers status`) with its last error recorded."""

from __future__ import annotations

from datetime import timedelta

from app.domain.backoff import Backoff

MAX_ATTEMPTS = 5
TIMER_BACKOFF = Backoff(first=timedelta(minutes=2), max_attempts=MAX_ATTEMPTS)


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt` (1-based): 2, 4, 8, 16 minutes."""
    return TIMER_BACKOFF.delay(attempt)


def should_retry(attempt: int) -> bool:
    return TIMER_BACKOFF.should_retry(attempt)
