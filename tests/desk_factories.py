"""Builders for the confirmation-desk tests: a client with a car and a booking for a given local time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.domain.confirmation import WorkLine
from app.services.desk import BookingDraft, create_booking
from tests.clients import factories as f

MSK = ZoneInfo("Europe/Moscow")


def msk(y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=MSK)


def booking_for(session, clock, start: datetime, *, name="Зубков Алексей", advisor_id=None, works=None):
    client = f.client(session, clock, name, phones=["+7 (908) 4944434"],
                      cars=[{"make_model": "TOYOTA COROLLA", "vin": "NMTBM28E80R058037", "plate": "n123ap"}])
    lines = works if works is not None else [WorkLine("ТО-1", Decimal("1.5"), Decimal("6500"))]
    return create_booking(session, BookingDraft(client_id=client.id, car_id=client.cars[0].id, start_at=start,
                                                advisor_id=advisor_id, works=lines), actor_id=None, clock=clock)
