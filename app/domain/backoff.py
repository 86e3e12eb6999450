"""Exponential backoff for work that is retried after a failure (outbox deliveries, timers).

Pure: attempt numbers are 1-based (the attempt that just failed); the delay doubles from `first`
and never exceeds `cap`; after `max_attempts` failed attempts there is no other one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Backoff:
    first: timedelta
    max_attempts: int
    cap: timedelta | None = None

    def delay(self, attempt: int) -> timedelta:
        """How long to wait after failed attempt number `attempt`: first, 2×first, 4×first … ≤ cap."""
        if attempt < 1:
            raise ValueError(f"attempt numbers start at 1, got {attempt}")
        exponent = min(attempt - 1, 30)  # 2**30 × first is far past any cap; keeps the numbers small
        delay = self.first * (2 ** exponent)
        return delay if self.cap is None else min(delay, self.cap)

    def should_retry(self, attempt: int, max_attempts: int | None = None) -> bool:
        """After failed attempt number `attempt`, is there another one?"""
        return attempt < (self.max_attempts if max_attempts is None else max_attempts)
