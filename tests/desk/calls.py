"""One confirmation call as the operator records it, for the desk's tests."""

from __future__ import annotations

from desk import service as desk
from desk.rules import CallInput


def call(session, clock, booking, operator, **kwargs):
    """A confirmation call on the booking as it is now (its current version)."""
    session.refresh(booking)
    return desk.record_call(session, booking.id, CallInput(**kwargs), expected_version=booking.version,
                            operator_id=operator.id, clock=clock)
