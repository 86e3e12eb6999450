"""The tests' one set of builders: clients and their documents, bookings for a local time, named instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from clients.service import CarDraft, ClientDraft, create_client
from desk.models import Booking
from desk.rules import WorkLine
from desk.service import BookingDraft, create_booking
from documents.models import PartsReservation, WorkOrder, WorkSheet


def client(session, clock, name="Зубков Алексей", *, phones=(), emails=(), cars=(), actor_id=None, **extra):
    draft = ClientDraft(name=name, phones=list(phones), emails=list(emails),
                        cars=[CarDraft(**car) for car in cars], **extra)
    return create_client(session, draft, actor_id=actor_id, clock=clock)


def work_order(session, clock, client, *, state="open", total="0", paid="0", manager_id=None):
    order = WorkOrder(client=client, state=state, opened_at=clock.now(), created_at=clock.now(),
                      total=Decimal(total), paid=Decimal(paid), manager_id=manager_id)
    session.add(order)
    session.commit()
    return order


def booking(session, clock, client, *, start, hours=1, status="planned", advisor_id=None):
    row = Booking(client=client, start_at=start, end_at=start + timedelta(hours=hours), status=status,
                  advisor_id=advisor_id, created_at=clock.now())
    session.add(row)
    session.commit()
    return row


def reservation(session, clock, client, *, status="reserved", part_name="Фильтр масляный"):
    row = PartsReservation(client=client, part_name=part_name, status=status, created_at=clock.now())
    session.add(row)
    session.commit()
    return row


def work_sheet(session, clock, client, *, manager_id=None):
    row = WorkSheet(client=client, manager_id=manager_id, interest="Kia Rio", created_at=clock.now())
    session.add(row)
    session.commit()
    return row


def repair_visit(session, clock, client, *, work_order=None, advisor_id=None):
    from documents.models import RepairVisit

    row = RepairVisit(client=client, car=client.cars[0] if client.cars else None, arrived_at=clock.now(),
                      work_order=work_order, advisor_id=advisor_id, created_at=clock.now())
    session.add(row)
    session.commit()
    return row


# ----- bookings at a local time (the confirmation desk's tests)

MSK = ZoneInfo("Europe/Moscow")


def msk(y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=MSK)


# The dealership the tests run as (`flask seed predefined` asks for it on a first run; empty means unset).
DEALER = {"dealer_name": "Автоцентр", "dealer_phone": "+7 495 000-00-00"}


# ----- named instants

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # where the `clock` fixture starts: Monday, 12:00 in Moscow
MONDAY_NOON = msk(2026, 11, 23, 12, 5)  # the desk's working moment: inside the confirmation window


def booking_for(session, clock, start: datetime, *, name="Зубков Алексей", advisor_id=None, works=None):
    owner = client(session, clock, name, phones=["+7 (908) 4944434"],
                  cars=[{"make_model": "TOYOTA COROLLA", "vin": "NMTBM28E80R058037", "plate": "n123ap"}])
    lines = works if works is not None else [WorkLine("ТО-1", Decimal("1.5"), Decimal("6500"))]
    return create_booking(session, BookingDraft(client_id=owner.id, car_id=owner.cars[0].id, start_at=start,
                                                advisor_id=advisor_id, works=lines), actor_id=None, clock=clock)
