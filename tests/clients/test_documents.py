"""Document views: created from the client card, pickers through the search keys, rules by the field."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from catalogs.models import Work
from desk.models import Booking
from documents.models import WorkOrder
from tests import factories as f


@pytest.fixture
def advisor(make_user, login):
    return login(make_user("service_advisor", username="advisor"))


@pytest.fixture
def zubkov(session, clock):
    return f.client(session, clock, "Зубков Алексей", phones=["+7 (908) 4944434"],
                    cars=[{"make_model": "TOYOTA COROLLA", "vin": "NMTBM28E80R058037", "plate": "n123ap"}])


def body(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_new_booking_form_comes_with_the_client_and_car(advisor, zubkov):
    page = body(advisor.get(f"/admin/booking/new/?client_id={zubkov.id}"))
    assert re.search(rf'<input[^>]*id="client"[^>]*value="{zubkov.id}"', page)
    assert re.search(rf'<input[^>]*id="car"[^>]*value="{zubkov.cars[0].id}"', page)
    assert "TOYOTA COROLLA" in page


def test_a_booking_is_created_in_the_dealers_zone_and_appears_on_the_timeline(advisor, zubkov, session):
    response = advisor.post("/admin/booking/new/", data={
        "client": zubkov.id, "car": zubkov.cars[0].id, "start_at": "2026-11-24T10:00", "note": "",
        "works-0-name": "Диагностика", "works-0-hours": "1.5", "works-0-price": "1800"})
    assert response.status_code == 302, body(response)[:3000]
    booking = session.scalar(select(Booking))
    assert booking.start_at.isoformat() == "2026-11-24T07:00:00+00:00"  # Europe/Moscow by default
    assert booking.end_at.isoformat() == "2026-11-24T08:30:00+00:00" and booking.total == Decimal("1800.00")
    assert booking.phone == "+7 908 494-44-34" and booking.confirmation_state == "to_call"
    assert booking.created_by_id is not None
    assert "timeline-booking" in body(advisor.get(f"/admin/clients/{zubkov.id}"))


def test_a_stranger_car_and_a_night_visit_are_refused_by_the_field(advisor, zubkov, session, clock):
    other = f.client(session, clock, "Иванов Иван", cars=[{"make_model": "Kia Rio", "plate": "А777ВС77"}])
    response = advisor.post("/admin/booking/new/", data={
        "client": zubkov.id, "car": other.cars[0].id, "start_at": "2026-11-24T10:00"})
    assert response.status_code == 200
    assert "Этот автомобиль принадлежит другому клиенту." in body(response)
    night = advisor.post("/admin/booking/new/", data={"client": zubkov.id, "start_at": "2026-11-24T23:00"})
    assert "рабочее время" in body(night) and 'value="2026-11-24T23:00"' in body(night)
    assert session.scalar(select(Booking)) is None


def test_work_order_total_comes_from_its_works_and_feeds_the_debt(advisor, zubkov, session):
    work = session.scalar(select(Work).limit(1))
    response = advisor.post("/admin/workorder/new/", data={
        "client": zubkov.id, "state": "in_progress", "opened_at": "2026-11-23T09:00", "total": "0", "paid": "1000",
        "lines-0-work": work.id if work else "", "lines-0-name": "Замена масла", "lines-0-hours": "1",
        "lines-0-price": "2500", "lines-1-name": "Диагностика", "lines-1-hours": "0.5", "lines-1-price": "1200"})
    assert response.status_code == 302, body(response)[:2000]
    order = session.scalar(select(WorkOrder))
    assert order.total == Decimal("3700.00") and len(order.lines) == 2
    assert "2\u00a0700,00 ₽" in body(advisor.get(f"/admin/clients/{zubkov.id}"))


def test_client_picker_searches_by_name_and_phone(advisor, zubkov):
    by_name = advisor.get("/admin/booking/ajax/lookup/?name=client&query=зубк").get_json()
    by_phone = advisor.get("/admin/booking/ajax/lookup/?name=client&query=4434").get_json()
    by_plate = advisor.get("/admin/booking/ajax/lookup/?name=car&query=Н123АР").get_json()
    assert [row[0] for row in by_name] == [zubkov.id] == [row[0] for row in by_phone]
    assert [row[0] for row in by_plate] == [zubkov.cars[0].id]


def test_documents_cannot_be_deleted_and_supervisors_only_read(make_user, login, advisor, zubkov, session, clock):
    order = f.work_order(session, clock, zubkov)
    assert advisor.post("/admin/workorder/delete/", data={"id": order.id}).status_code in (302, 403)
    assert session.get(WorkOrder, order.id) is not None
    boss = login(make_user("supervisor"))
    assert boss.get("/admin/workorder/").status_code == 200
    assert boss.get("/admin/workorder/new/").status_code == 403
    assert boss.post(f"/admin/workorder/edit/?id={order.id}", data={"state": "closed"}).status_code == 403


def test_two_people_editing_one_booking_the_second_is_refused(advisor, zubkov, session, clock):
    from tests.factories import booking_for, msk

    clock.set(msk(2026, 11, 23, 12, 0))
    booking = booking_for(session, clock, msk(2026, 11, 24, 10, 0))
    shown = booking.version
    form = {"client": booking.client_id, "car": booking.car_id, "start_at": "2026-11-24T10:00",
            "row_version": shown, "note": "первый",
            "works-0-id": booking.works[0].id, "works-0-name": "ТО-1", "works-0-hours": "1.5", "works-0-price": "6500"}
    first = advisor.post(f"/admin/booking/edit/?id={booking.id}", data=form)
    assert first.status_code == 302
    second = advisor.post(f"/admin/booking/edit/?id={booking.id}", data={**form, "note": "второй"})
    assert "только что изменил другой пользователь" in body(second)
    session.expire_all()
    assert session.get(Booking, booking.id).note == "первый"
