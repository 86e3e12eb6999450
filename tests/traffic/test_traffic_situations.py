"""Every situation of seed 001 (reception (a) and the manager (b)), on SQLite and PostgreSQL.

Reception registers through the service layer; where the manager creates a document «на основании»
the traffic card's link is followed through the Flask test client, as a person would.
"""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.notifications.models import Notification
from catalogs.models import ContactGoal, IgnoreReason
from desk import service as desk
from desk.models import Booking
from documents.models import RepairVisit, WorkOrderLine, WorkSheet
from tests import factories as f
from tests.factories import msk
from traffic import service
from traffic.models import Traffic


def goal(session, code):
    return session.scalar(select(ContactGoal).where(ContactGoal.code == code))


@pytest.fixture
def staff(make_user):
    return {
        "reception": make_user("reception", username="anna"),
        "petukhov": make_user("sales_manager", username="petukhov", full_name="Петухов Владимир"),
        "sales2": make_user("sales_manager", username="sidorov"),
        "advisor": make_user("service_advisor", username="advisor", full_name="Смирнов Олег"),
        "advisor2": make_user("service_advisor", username="advisor2"),
    }


@pytest.fixture(autouse=True)
def specialists(session, staff):
    for code in ("call_showroom_new_car", "visit_showroom_new_car"):
        goal(session, code).specialists = [staff["petukhov"], staff["sales2"]]
    for code in ("call_service_repair", "visit_service_repair"):
        goal(session, code).specialists = [staff["advisor"], staff["advisor2"]]
    session.commit()


def register(session, clock, staff, goal_code, **draft):
    channel = "call" if goal_code.startswith("call") else "visit"
    row, notified = service.register(session, service.TrafficDraft(
        channel=channel, goal_id=goal(session, goal_code).id, **draft), actor_id=staff["reception"].id, clock=clock)
    return row, notified


def notified_text(session, user, traffic):
    note = session.scalar(select(Notification).where(Notification.user_id == user.id,
                                                     Notification.target_id == traffic.id))
    return note.params["who"] if note else None


def create_from_card(login, user, endpoint, traffic, data):
    """The manager follows «создать на основании» on the traffic card and saves the form."""
    browser = login(user)
    card = html.unescape(browser.get(f"/admin/traffic/{traffic.id}").get_data(as_text=True))
    assert f"/admin/{endpoint}/new/?client_id={traffic.client_id}&traffic_id={traffic.id}" in card
    response = browser.post(f"/admin/{endpoint}/new/?client_id={traffic.client_id}&traffic_id={traffic.id}"
                            f"&url=/admin/traffic/{traffic.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return browser


def test_1_1_a_first_call_about_a_new_car_becomes_a_work_sheet(session, clock, staff, login):
    viktor = f.client(session, clock, "Виктор")  # reception writes the name; the manager finds no history
    row, notified = register(session, clock, staff, "call_showroom_new_car", client_id=viktor.id,
                             note="Мерседес, A класс", responsible_id=staff["petukhov"].id)
    assert notified == [staff["petukhov"].id] and notified_text(session, staff["petukhov"], row) == "Виктор"
    service.take(session, row.id, user_id=staff["petukhov"].id, clock=clock)
    browser = create_from_card(login, staff["petukhov"], "worksheet", row,
                               {"client": viktor.id, "interest": "Mercedes A", "manager": staff["petukhov"].id,
                                "status": "open"})
    sheet = session.scalar(select(WorkSheet))
    done = session.get(Traffic, row.id)
    session.refresh(done)
    assert (done.status, done.document_type, done.document_id) == ("processed", "work_sheet", sheet.id)
    card = html.unescape(browser.get(f"/admin/traffic/{row.id}").get_data(as_text=True))
    assert sheet.number in card  # the processed card shows its document


def test_1_2_the_client_comes_to_the_meeting_and_waits_for_his_manager(session, clock, staff):
    victor = f.client(session, clock, "Иванов Виктор")
    sheet = f.work_sheet(session, clock, victor, manager_id=staff["petukhov"].id)
    row, notified = register(session, clock, staff, "visit_showroom_new_car", client_id=victor.id,
                             responsible_id=staff["petukhov"].id, queue=True)
    assert row.status == "waiting" and notified == [staff["petukhov"].id]
    clock.advance(minutes=12)  # the reminder stays on the panel until the manager opens it
    assert session.get(Traffic, row.id).status == "waiting"
    taken = service.take(session, row.id, user_id=staff["petukhov"].id, clock=clock)
    assert taken.taken_at - taken.registered_at == timedelta(minutes=12)
    service.attach(session, row.id, document_type="work_sheet", document_id=sheet.id,
                   user_id=staff["petukhov"].id, clock=clock)
    assert session.get(Traffic, row.id).status == "processed"


def test_1_3_someone_walks_past_to_his_manager_and_is_identified_by_the_work_sheet(session, clock, staff):
    victor = f.client(session, clock, "Иванов Виктор")
    sheet = f.work_sheet(session, clock, victor, manager_id=staff["petukhov"].id)
    row, notified = register(session, clock, staff, "visit_showroom_new_car",
                             description="Мужчина в сером пальто, прошёл к Петухову",
                             responsible_id=staff["petukhov"].id)
    assert notified == [staff["petukhov"].id] and row.client_id is None
    service.take(session, row.id, user_id=staff["petukhov"].id, clock=clock)
    done = service.attach(session, row.id, document_type="work_sheet", document_id=sheet.id,
                          user_id=staff["petukhov"].id, clock=clock)
    assert done.client_id == victor.id and done.status == "processed"


def test_2_1_a_first_call_for_service_becomes_a_pre_booking(session, clock, staff, login):
    dmitry = f.client(session, clock, "Дмитрий", phones=["+7 912 000-11-22"])
    row, _ = register(session, clock, staff, "call_service_repair", client_id=dmitry.id,
                      responsible_id=staff["advisor"].id, phone="+7 912 000-11-22")
    service.take(session, row.id, user_id=staff["advisor"].id, clock=clock)
    create_from_card(login, staff["advisor"], "booking", row, {
        "client": dmitry.id, "start_at": "2026-11-24T10:00", "advisor": staff["advisor"].id,
        "works-0-name": "ТО-2", "works-0-hours": "2", "works-0-price": "9000"})
    booking = session.scalar(select(Booking))
    session.refresh(row)
    assert (row.status, row.document_type, row.document_id) == ("processed", "pre_booking", booking.id)


def test_a_document_from_a_card_someone_else_processed_meanwhile_is_not_saved_half(session, clock, staff, login):
    """«Создать на основании» is one transaction: the advisor opened the form, a colleague attached the
    traffic elsewhere before the save — nothing is saved, the form says why and keeps what was typed."""
    dmitry = f.client(session, clock, "Дмитрий", phones=["+7 912 000-11-22"])
    row, _ = register(session, clock, staff, "call_service_repair", client_id=dmitry.id,
                      responsible_id=staff["advisor"].id, phone="+7 912 000-11-22")
    service.take(session, row.id, user_id=staff["advisor"].id, clock=clock)
    browser = login(staff["advisor"])
    other = f.booking(session, clock, dmitry, start=msk(2026, 11, 25, 9))
    service.attach(session, row.id, document_type="pre_booking", document_id=other.id, user_id=staff["advisor"].id,
                   clock=clock)
    response = browser.post(f"/admin/booking/new/?client_id={dmitry.id}&traffic_id={row.id}", data={
        "client": dmitry.id, "start_at": "2026-11-24T10:00", "advisor": staff["advisor"].id,
        "works-0-name": "ТО-2 особое", "works-0-hours": "2", "works-0-price": "9000"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Документ не сохранён: трафик не может его принять (Этот трафик уже обработан.)" in page
    assert "ТО-2 особое" in page  # what was typed is still in the form
    assert session.scalars(select(Booking.id)).all() == [other.id]
    session.refresh(row)
    assert (row.document_type, row.document_id) == ("pre_booking", other.id)


def test_2_2_the_client_calls_to_move_his_booking(session, clock, staff):
    dmitry = f.client(session, clock, "Дмитрий", phones=["+7 912 000-11-22"])
    booking = f.booking(session, clock, dmitry, start=msk(2026, 11, 24, 10), advisor_id=staff["advisor"].id)
    row, notified = register(session, clock, staff, "call_service_repair", description="Дмитрий",
                             note="Хочет перенести запись на ТО")
    assert sorted(notified) == sorted([staff["advisor"].id, staff["advisor2"].id])  # a free advisor takes it
    service.take(session, row.id, user_id=staff["advisor2"].id, clock=clock)
    service.attach(session, row.id, document_type="pre_booking", document_id=booking.id,
                   user_id=staff["advisor2"].id, clock=clock)
    moved = desk.move_booking(session, booking.id, msk(2026, 11, 25, 15), expected_version=booking.version,
                              clock=clock)
    assert moved.start_at == msk(2026, 11, 25, 15)
    assert session.get(Traffic, row.id).client_id == dmitry.id  # identified by the booking


def test_2_3_the_client_arrives_and_the_repair_visit_opens_a_work_order(session, clock, staff, login):
    dmitry = f.client(session, clock, "Иванов Дмитрий", cars=[{"make_model": "Kia Rio", "plate": "А777ВС77"}])
    row, notified = register(session, clock, staff, "visit_service_repair", client_id=dmitry.id,
                             car_id=dmitry.cars[0].id, responsible_id=staff["advisor"].id)
    assert notified == [staff["advisor"].id]
    service.take(session, row.id, user_id=staff["advisor"].id, clock=clock)
    browser = create_from_card(login, staff["advisor"], "repairvisit", row, {
        "client": dmitry.id, "car": dmitry.cars[0].id, "arrived_at": "2026-11-23T12:05", "mileage": "41000",
        "advisor": staff["advisor"].id})
    visit = session.scalar(select(RepairVisit))
    assert visit.work_order is not None and visit.work_order.state == "open"
    assert visit.work_order.car_id == dmitry.cars[0].id
    card = html.unescape(browser.get(f"/admin/traffic/{row.id}").get_data(as_text=True))
    assert visit.number in card and visit.work_order.number in card  # the card shows the open work order


def test_2_4_the_client_calls_to_add_works_to_the_repair_in_progress(session, clock, staff):
    dmitry = f.client(session, clock, "Иванов Дмитрий")
    order = f.work_order(session, clock, dmitry, state="in_progress")
    visit = f.repair_visit(session, clock, dmitry, work_order=order, advisor_id=staff["advisor"].id)
    row, notified = register(session, clock, staff, "call_service_repair", client_id=dmitry.id,
                             responsible_id=staff["advisor"].id, note="Дополнительные работы")
    assert notified == [staff["advisor"].id]
    clock.advance(minutes=20)  # the advisor was away; the notification waits for him
    service.take(session, row.id, user_id=staff["advisor"].id, clock=clock)
    service.attach(session, row.id, document_type="repair_visit", document_id=visit.id,
                   user_id=staff["advisor"].id, clock=clock)
    session.add(WorkOrderLine(work_order=order, name="Замена щёток стеклоочистителя", hours=Decimal("0.3"),
                              price=Decimal("600")))
    session.commit()
    assert len(order.lines) == 1 and session.get(Traffic, row.id).status == "processed"


def test_2_5_the_client_collects_the_car_without_a_word_and_is_identified_by_the_visit(session, clock, staff):
    dmitry = f.client(session, clock, "Иванов Дмитрий")
    visit = f.repair_visit(session, clock, dmitry, work_order=f.work_order(session, clock, dmitry, state="done"))
    row, notified = register(session, clock, staff, "visit_service_repair",
                             description="Мужчина в кепке, к консультантам, на приветствие не ответил")
    assert len(notified) == 2
    service.take(session, row.id, user_id=staff["advisor"].id, clock=clock)
    done = service.attach(session, row.id, document_type="repair_visit", document_id=visit.id,
                          user_id=staff["advisor"].id, clock=clock)
    assert done.client_id == dmitry.id and done.document_id == visit.id


def test_3_1_a_friend_of_an_advisor_is_ignored_as_a_personal_visit(session, clock, staff):
    row, notified = register(session, clock, staff, "visit_service_repair",
                             description="Молодой человек в спортивном костюме, к сервису")
    assert sorted(notified) == sorted([staff["advisor"].id, staff["advisor2"].id])
    service.take(session, row.id, user_id=staff["advisor2"].id, clock=clock)
    personal = session.scalar(select(IgnoreReason).where(IgnoreReason.code == "personal_visit"))
    done = service.ignore(session, row.id, reason_id=personal.id, comment="Друг консультанта",
                          user_id=staff["advisor2"].id, clock=clock)
    assert done.status == "ignored" and done.client_id is None and done.ignore_reason.code == "personal_visit"
    assert session.scalar(select(Notification).where(Notification.target_id == row.id,
                                                     Notification.read_at.is_(None))) is None


def test_a_call_from_the_pbx_without_a_goal_is_routed_by_reception(session, clock, staff, login):
    row, _ = service.register_call(session, call_id="pbx-77", caller="+7 912 000-11-22", clock=clock)
    assert row.goal_id is None
    browser = login(staff["reception"])
    missing = browser.post(f"/admin/traffic/{row.id}/route", data={"goal_id": "", "description": "Дмитрий"})
    page = html.unescape(missing.get_data(as_text=True))
    assert missing.status_code == 400 and "Выберите цель контакта." in page and 'value="Дмитрий"' in page
    routed = browser.post(f"/admin/traffic/{row.id}/route", data={
        "goal_id": goal(session, "call_service_repair").id, "responsible_id": staff["advisor"].id,
        "description": "Дмитрий"})
    assert routed.status_code == 302
    session.refresh(row)
    assert row.goal.code == "call_service_repair" and row.registered_by_id == staff["reception"].id
    assert notified_text(session, staff["advisor"], row) == "Дмитрий"
    again = browser.post(f"/admin/traffic/{row.id}/route", data={"goal_id": goal(session, "other").id})
    assert again.status_code == 409
