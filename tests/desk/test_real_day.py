"""A real day at the confirmation desk (issue 13, points 1–7), on SQLite and PostgreSQL: the phone to dial,
new wishes that never shorten a visit, the regulation the screen cannot bypass, cancel and reschedule as the
seed walks them, a natural call script, the API contract without `reason`, the calls on the client timeline."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest

from app.domain.errors import NotYet, ValidationFailed
from clients.timeline import client_timeline
from desk import service as desk
from desk.rules import WorkLine
from tests import factories as f
from tests.desk.calls import call
from tests.factories import MONDAY_NOON, booking_for, msk

TUESDAY_13 = msk(2026, 11, 24, 13, 0)


@pytest.fixture
def advisor(make_user):
    return make_user("service_advisor", username="advisor", full_name="Сергей Смирнов")


@pytest.fixture
def booking(session, clock, advisor):
    clock.set(MONDAY_NOON)
    return booking_for(session, clock, TUESDAY_13, advisor_id=advisor.id)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# ----- 3. the regulation cannot be bypassed


def test_a_failed_call_before_the_next_attempt_is_refused_naming_its_time(session, clock, booking, operator):
    first = call(session, clock, booking, operator, outcome="not_reached", reason="busy")
    assert first.next_contact_at == MONDAY_NOON + timedelta(hours=1)
    for minutes in (1, 2):  # three failures within two minutes used to cancel the booking
        clock.set(MONDAY_NOON + timedelta(minutes=minutes))
        with pytest.raises(NotYet) as early:
            call(session, clock, booking, operator, outcome="not_reached", reason="busy")
        session.rollback()
        assert set(early.value.fields) == {"outcome"}
        assert early.value.params == {"at": MONDAY_NOON + timedelta(hours=1)}
    session.refresh(booking)
    assert booking.failed_attempts == 1 and booking.status == "planned"
    clock.set(MONDAY_NOON + timedelta(minutes=59, seconds=59))
    with pytest.raises(NotYet):
        call(session, clock, booking, operator, outcome="not_reached", reason="busy")
    session.rollback()
    clock.set(MONDAY_NOON + timedelta(hours=1))  # exactly at its time: allowed
    assert call(session, clock, booking, operator, outcome="not_reached", reason="busy").failed_attempts == 2


def test_reaching_the_client_early_is_always_allowed(session, clock, booking, operator):
    call(session, clock, booking, operator, outcome="not_reached", reason="busy")
    clock.advance(minutes=5)  # the client called back himself
    assert call(session, clock, booking, operator, outcome="confirmed").confirmation_state == "confirmed"


def test_the_screen_says_when_the_next_attempt_is_due(make_user, login, session, clock, booking, operator):
    browser = login(operator)
    call(session, clock, booking, operator, outcome="not_reached", reason="busy")
    session.refresh(booking)
    answer = browser.post(f"/admin/desk/booking/{booking.id}/call",
                          data={"version": booking.version, "outcome": "not_reached", "reason": "busy"})
    assert answer.status_code == 400
    assert "следующая попытка — в 23.11.2026 13:05" in text(answer)


# ----- 6. the API contract: no `reason`


def test_the_api_accepts_not_reached_without_a_reason_and_refuses_an_early_retry(api, token_for, session, clock,
                                                                              booking):
    token = token_for("service_admin")
    url = f"/api/v1/bookings/{booking.id}/confirmation-calls"
    answer = api("POST", url, token, json={"outcome": "not_reached"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["confirmation"]["failed_attempts"] == 1
    session.refresh(booking)
    assert booking.attempts[-1].reason == "unspecified"
    early = api("POST", url, token, json={"outcome": "not_reached"})
    assert early.status_code == 422
    error = early.get_json()["error"]
    assert error["code"] == "too_early" and "outcome" in error["fields"] and "13:05" in error["message"]


# ----- 2. new wishes


def test_new_wishes_never_move_the_end_earlier(session, clock, booking, operator):
    booking.end_at = msk(2026, 11, 24, 16, 0)  # 13:00–16:00, longer than its works (an advisor's estimate)
    session.commit()
    result = call(session, clock, booking, operator, outcome="confirmed",
                  added_works=(WorkLine("Диагностика подвески", Decimal("1.5"), Decimal("2400")),))
    assert result.start_at == TUESDAY_13 and result.end_at == msk(2026, 11, 24, 16, 0)
    assert result.total == Decimal("8900.00")


def test_new_wishes_past_the_end_extend_it_from_the_start(session, clock, booking, operator):
    result = call(session, clock, booking, operator, outcome="confirmed",
                  added_works=(WorkLine("Замена колодок", Decimal("2"), Decimal("3000")),))
    assert result.start_at == TUESDAY_13 and result.end_at == msk(2026, 11, 24, 16, 30)  # 13:00 + 1.5 h + 2 h


def test_the_operator_may_set_another_end(session, clock, booking, operator):
    with pytest.raises(ValidationFailed) as before_start:
        call(session, clock, booking, operator, outcome="confirmed", new_end_at=msk(2026, 11, 24, 12, 0))
    assert set(before_start.value.fields) == {"new_end_at"}
    session.rollback()
    result = call(session, clock, booking, operator, outcome="confirmed", new_end_at=msk(2026, 11, 24, 18, 0),
                  added_works=(WorkLine("Мойка", Decimal("0.5"), Decimal("500")),))
    assert result.end_at == msk(2026, 11, 24, 18, 0)


def test_after_the_call_the_message_says_the_end_and_the_total(login, session, clock, booking, operator):
    browser = login(operator)
    answer = browser.post(f"/admin/desk/booking/{booking.id}/call", data={
        "version": booking.version, "outcome": "confirmed", "added_works.0.name": "Замена колодок",
        "added_works.0.hours": "2", "added_works.0.price": "40200"}, follow_redirects=True)
    assert "Визит подтверждён: 24.11.2026 13:00–16:30, итого 46\u00a0700,00 ₽." in text(answer)


def test_the_card_carries_what_the_live_summary_needs(login, session, booking, operator):
    page = text(login(operator).get(f"/admin/desk/booking/{booking.id}"))
    assert 'data-start="2026-11-24T13:00" data-end="2026-11-24T14:30" data-hours="1.50" data-total="6500.00"' in page
    assert 'id="wish-summary"' in page and 'name="new_end_at"' in page
    assert '<td class="text-right">1,5</td>' in page  # the works' hours with the decimal comma, as staff read them


# ----- 4. cancel and reschedule


def test_free_slots_are_the_advisors_free_times_of_the_day(session, clock, booking, advisor):
    other = booking_for(session, clock, msk(2026, 11, 25, 11, 0), name="Иванов Иван", advisor_id=advisor.id)
    assert other.end_at == msk(2026, 11, 25, 12, 30)
    starts = desk.advisor_free_slots(session, booking.id, msk(2026, 11, 25, 0).date(), clock=clock)
    local = [at.astimezone(f.MSK).strftime("%H:%M") for at in starts]
    assert local[:4] == ["09:00", "09:30", "12:30", "13:00"]  # 1.5 h before 11:00, none overlapping 11:00–12:30
    assert "10:00" not in local and "12:00" not in local and local[-1] == "19:30"  # ends by 21:00
    assert desk.advisor_free_slots(session, booking.id, msk(2026, 11, 29, 0).date(), clock=clock) == []  # Sunday


def test_the_slots_endpoint_and_the_moved_message(login, session, clock, booking, operator):
    browser = login(operator)
    slots = browser.get(f"/admin/desk/booking/{booking.id}/slots?day=2026-11-25").get_json()["slots"]
    assert slots[0] == {"value": "2026-11-25T09:00", "label": "09:00"}
    assert browser.get(f"/admin/desk/booking/{booking.id}/slots?day=nope").status_code == 400
    answer = browser.post(f"/admin/desk/booking/{booking.id}/call", data={
        "version": booking.version, "outcome": "reschedule", "new_start_at": "2026-11-25T09:00"},
        follow_redirects=True)
    assert "Визит перенесён на 25.11.2026 09:00." in text(answer)


def test_cancel_asks_first_then_takes_the_reason(login, booking, operator):
    page = text(login(operator).get(f"/admin/desk/booking/{booking.id}"))
    assert re.search(r'id="cancel-open"[^>]*data-confirm="Отменить заявку и завершить бизнес-процесс\?"', page) \
        or 'data-confirm="Отменить заявку' in page
    assert re.search(r'<form[^>]*id="cancel-form"[^>]*hidden', page)


# ----- 1. the phone


def test_the_phone_to_dial_on_the_list_and_the_card(login, session, clock, advisor, operator):
    clock.set(MONDAY_NOON)
    with_phone = booking_for(session, clock, TUESDAY_13, advisor_id=advisor.id)
    with_phone.phone = ""  # none on the booking: the client's main phone
    silent = f.client(session, clock, "Петров Пётр")
    without = desk.create_booking(session, desk.BookingDraft(client_id=silent.id, start_at=msk(2026, 11, 24, 16, 0)),
                                  actor_id=None, clock=clock)
    session.commit()
    browser = login(operator)
    page = text(browser.get("/admin/desk/?day=2026-11-24"))
    assert '<a href="tel:+79084944434" class="desk-phone">+7 908 494-44-34</a>' in page
    assert "нет телефона" in page
    card = text(browser.get(f"/admin/desk/booking/{without.id}"))
    assert "У клиента нет телефона." in card and 'id="booking-phone"' not in card
    card = text(browser.get(f"/admin/desk/booking/{with_phone.id}"))
    assert 'href="tel:+79084944434" id="booking-phone"' in card


# ----- 5. the call script


def test_a_company_is_greeted_through_its_contact_person(session, clock, advisor):
    clock.set(MONDAY_NOON)
    company = f.client(session, clock, "ИП «Новикова»", kind="company", phones=["+7 916 000-11-22"])
    booking = desk.create_booking(session, desk.BookingDraft(client_id=company.id, start_at=TUESDAY_13,
                                                             advisor_id=advisor.id), actor_id=None, clock=clock)
    regs = desk.load_regulations(session)
    calendar = desk.working_calendar(session, regs)
    greeting = desk.call_script(booking, regs, calendar)["script_greeting"]
    assert greeting.startswith("Здравствуйте! Вас беспокоит Автоцентр, отдел сервиса.")
    assert "Новикова" not in greeting and greeting.count("Автоцентр") == 1
    company.contact_person = "Ольга Петровна"
    session.commit()
    assert desk.call_script(booking, regs, calendar)["script_greeting"].startswith("Здравствуйте, Ольга Петровна!")


def test_before_the_dealer_name_is_set_the_script_still_reads_as_spoken(session, clock, advisor):
    clock.set(MONDAY_NOON)
    person = f.client(session, clock, "Зубков Алексей", phones=["+7 908 494-44-34"])
    booking = desk.create_booking(session, desk.BookingDraft(client_id=person.id, start_at=TUESDAY_13,
                                                             advisor_id=advisor.id), actor_id=None, clock=clock)
    regs = desk.load_regulations(session)
    regs = dataclasses.replace(regs, dealer_name="")
    greeting = desk.call_script(booking, regs, desk.working_calendar(session, regs))["script_greeting"]
    assert greeting.startswith("Здравствуйте, Зубков Алексей! Вас беспокоит отдел сервиса.")


def test_a_contact_person_is_kept_on_the_client_card(login, session, clock, make_user):
    company = f.client(session, clock, "ООО «Ромашка»", kind="company")
    browser = login(make_user("reception", username="desk"))
    answer = browser.post(f"/admin/clients/{company.id}/edit", data={
        "version": company.version, "name": company.name, "kind": "company", "inn": "", "discount_card": "",
        "note": "", "contact_person": "Иван Сидоров"})
    assert answer.status_code == 302
    session.refresh(company)
    assert company.contact_person == "Иван Сидоров"
    too_long = browser.post(f"/admin/clients/{company.id}/edit", data={
        "version": company.version, "name": company.name, "kind": "company", "contact_person": "я" * 201})
    assert too_long.status_code == 400 and "f-client_contact_person" in text(too_long)


# ----- 7. the calls on the client timeline


def test_confirmation_calls_are_on_the_client_timeline(app, session, clock, booking, operator):
    call(session, clock, booking, operator, outcome="not_reached", reason="busy")
    clock.advance(hours=1)
    call(session, clock, booking, operator, outcome="confirmed")
    with app.test_request_context():
        items = [item for item in client_timeline(session, booking.client_id) if item.kind == "confirmation_call"]
    assert len(items) == 2 and items[0].document == ("desk", booking.id)
    assert items[1].summary.params["outcome"].params["reason"].text == "Busy"
