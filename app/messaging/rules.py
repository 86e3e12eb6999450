"""Delivery rules for outgoing messages: how often a failed send is retried, and which provider
statuses may replace the one already recorded. Pure functions, no I/O."""

from __future__ import annotations

from datetime import timedelta

from app.domain.backoff import Backoff

MAX_SEND_ATTEMPTS = 6
FIRST_RETRY_DELAY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=1)
DELIVERY_BACKOFF = Backoff(first=FIRST_RETRY_DELAY, max_attempts=MAX_SEND_ATTEMPTS, cap=MAX_RETRY_DELAY)


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1-based): 1, 2, 4, 8, 16 … minutes,
    never more than an hour."""
    return DELIVERY_BACKOFF.delay(attempt)


def should_retry(attempt: int, max_attempts: int = MAX_SEND_ATTEMPTS) -> bool:
    """After failed attempt number `attempt`, is there another one?"""
    return DELIVERY_BACKOFF.should_retry(attempt, max_attempts)


# Provider delivery statuses, in the order a message goes through them. A status that arrives late
# (webhooks are not ordered) never replaces a later one: "delivered" after "read" is ignored.
PROVIDER_STATUS_RANK = {
    "accepted": 1,
    "queued": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "rejected": 3,
    "read": 4,
}


def normalise_provider_status(status: str) -> str:
    return status.strip().lower()[:32]


def provider_status_advances(current: str, new: str) -> bool:
    """May `new` replace `current`? Unknown statuses are recorded unless a known later one is already there."""
    new = normalise_provider_status(new)
    if not new:
        return False
    current = normalise_provider_status(current or "")
    if not current:
        return True
    return PROVIDER_STATUS_RANK.get(new, 0) >= PROVIDER_STATUS_RANK.get(current, 0)
