"""The desk pages through the test client, on SQLite and PostgreSQL: list colours, the call form by outcome,
cancel with a reason, the schedule, roles."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from catalogs.models import CancellationReason
from desk.models import Booking
from tests.factories import MONDAY_NOON, booking_for, msk


@pytest.fixture
def advisor(make_user):
    return make_user("service_advisor", username="advisor", full_name="Сергей Смирнов")


@pytest.fixture
def operator_client(make_user, login):
    return login(make_user("service_admin", username="operator"))


@pytest.fixture
def booking(session, clock, advisor):
    clock.set(MONDAY_NOON)
    return booking_for(session, clock, msk(2026, 11, 24, 10, 0), advisor_id=advisor.id)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_call(client, booking, **data):
    return client.post(f"/admin/desk/booking/{booking.id}/call", data={"version": booking.version, **data})


def test_the_list_shows_tomorrow_and_colours_confirmed_rows_green(operator_client, booking, session, clock):
    page = text(operator_client.get("/admin/desk/"))
    assert "24.11.2026" in page and "Зубков Алексей" in page
    assert re.search(r'<tr class="desk-row\s*" data-state="to_call"', page)
    assert post_call(operator_client, booking, outcome="confirmed", note="приедет").status_code == 302
    page = text(operator_client.get("/admin/desk/?day=2026-11-24"))
    assert re.search(r'<tr class="desk-row table-success" data-state="confirmed"', page)


def test_each_outcome_asks_for_its_fields_and_keeps_the_input(operator_client, booking):
    missing = post_call(operator_client, booking, outcome="callback", callback_at="", note="перезвонить")
    assert missing.status_code == 400
    body = text(missing)
    assert re.search(r'id="f-callback_at"[^>]*is-invalid', body) and 'value="перезвонить"' in body
    assert 'id="outcome-callback" value="callback" checked' in body
    late = post_call(operator_client, booking, outcome="callback", callback_at="2026-11-23T22:30")
    assert late.status_code == 400 and 'value="2026-11-23T22:30"' in text(late)
    assert post_call(operator_client, booking, outcome="refused").status_code == 400
    assert post_call(operator_client, booking, outcome="not_reached").status_code == 400
    ok = post_call(operator_client, booking, outcome="callback", callback_at="2026-11-23T16:30")
    assert ok.status_code == 302


def test_new_wishes_recompute_end_and_total(operator_client, booking, session):
    response = post_call(operator_client, booking, outcome="confirmed", **{
        "added_works.0.name": "Замена щёток", "added_works.0.hours": "0,5", "added_works.0.price": "900"})
    assert response.status_code == 302
    card = text(operator_client.get(f"/admin/desk/booking/{booking.id}"))
    assert "24.11.2026 12:00" in card and "7\u00a0400,00 ₽" in card and "Замена щёток" in card


def test_stale_form_is_refused_with_a_message(operator_client, booking, session):
    version = booking.version
    assert post_call(operator_client, booking, outcome="confirmed").status_code == 302
    again = operator_client.post(f"/admin/desk/booking/{booking.id}/call",
                                 data={"version": version, "outcome": "not_reached", "reason": "busy"})
    assert again.status_code == 409 and "другой пользователь" in text(again)


def test_cancel_needs_a_reason_then_cancels(operator_client, booking, session):
    assert operator_client.post(f"/admin/desk/booking/{booking.id}/cancel",
                                data={"version": booking.version}).status_code == 400
    reason = session.scalar(select(CancellationReason).where(CancellationReason.code == "went_elsewhere"))
    done = operator_client.post(f"/admin/desk/booking/{booking.id}/cancel",
                                data={"version": booking.version, "reason_id": reason.id})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Booking, booking.id).cancel_reason_id == reason.id
    page = text(operator_client.get("/admin/desk/?day=2026-11-24"))
    assert 'class="desk-row table-danger desk-cancelled" data-state="cancelled"' in page


def test_schedule_shows_the_day_by_advisor(operator_client, booking):
    page = text(operator_client.get("/admin/desk/schedule?day=2026-11-24"))
    assert "Сергей Смирнов" in page and "10:00–11:30" in page and "Зубков Алексей" in page


def test_supervisor_sees_but_does_not_call(make_user, login, booking):
    boss = login(make_user("supervisor"))
    assert boss.get(f"/admin/desk/booking/{booking.id}").status_code == 200
    assert "call-form" not in text(boss.get(f"/admin/desk/booking/{booking.id}"))
    assert post_call(boss, booking, outcome="confirmed").status_code == 403
