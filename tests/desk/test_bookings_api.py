"""Bookings and the confirmation desk through the API (contract names of SPEC §5.1), both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.factories import MONDAY_NOON


@pytest.fixture
def setup(session, clock, token_for, make_user):
    clock.set(MONDAY_NOON)
    client = f.client(session, clock, "Зубков Алексей", phones=["+7 (908) 4944434"],
                      cars=[{"make_model": "TOYOTA COROLLA", "plate": "n123ap"}])
    advisor = make_user("service_advisor")
    return {"client": client, "advisor": advisor, "operator": token_for("service_admin"),
            "reception": token_for("reception")}


def create(api, setup, start="2026-11-24T10:00:00+03:00"):
    body = {"client_id": setup["client"].id, "car_id": setup["client"].cars[0].id, "advisor_id": setup["advisor"].id,
            "start_at": start, "works": [{"name": "ТО-1", "hours": "1.5", "price": "6500"}]}
    return api("POST", "/api/v1/bookings", setup["reception"], json=body)


def test_create_read_and_the_desk(api, setup):
    answer = create(api, setup)
    assert answer.status_code == 201
    booking = answer.get_json()
    assert booking["end_at"] == "2026-11-24T08:30:00+00:00" and booking["total"] == "6500.00"
    assert booking["status"] == "planned" and booking["cancel_reason"] is None
    assert booking["confirmation"] == {"state": "to_call", "failed_attempts": 0, "next_contact_at": None}
    desk = api("GET", "/api/v1/confirmation-desk", setup["operator"]).get_json()  # default: tomorrow
    assert [item["id"] for item in desk["items"]] == [booking["id"]]
    day = api("GET", "/api/v1/bookings?date=2026-11-24", setup["operator"]).get_json()
    assert [item["id"] for item in day["items"]] == [booking["id"]]
    assert api("GET", f"/api/v1/bookings/{booking['id']}", setup["operator"]).get_json()["number"].startswith("ЗР-")


def test_bad_slots_answer_400_by_field(api, setup):
    night = create(api, setup, start="2026-11-24T23:00:00+03:00")
    assert night.status_code == 400 and "start_at" in night.get_json()["error"]["fields"]
    naive = create(api, setup, start="2026-11-24T10:00:00")
    assert naive.status_code == 400  # times carry an offset (SPEC §5.1)


def test_three_failed_calls_cancel_with_the_system_reason(api, setup, clock):
    booking = create(api, setup).get_json()
    for minutes in (0, 61, 122):
        clock.set(MONDAY_NOON + timedelta(minutes=minutes))
        answer = api("POST", f"/api/v1/bookings/{booking['id']}/confirmation-calls", setup["operator"],
                     json={"outcome": "not_reached", "reason": "busy"})
        assert answer.status_code == 200
    result = answer.get_json()
    assert result["status"] == "cancelled" and result["confirmation"]["state"] == "cancelled"
    assert result["confirmation"]["failed_attempts"] == 3 and result["cancel_reason"]["code"] == "client_unreachable"
    again = api("POST", f"/api/v1/bookings/{booking['id']}/confirmation-calls", setup["operator"],
                json={"outcome": "confirmed"})
    assert again.status_code == 409


def test_outcomes_through_the_api(api, setup, session):
    from sqlalchemy import select

    from catalogs.models import CancellationReason

    booking = create(api, setup).get_json()
    url = f"/api/v1/bookings/{booking['id']}/confirmation-calls"
    missing = api("POST", url, setup["operator"], json={"outcome": "callback"})
    assert missing.status_code == 400 and set(missing.get_json()["error"]["fields"]) == {"callback_at"}
    callback = api("POST", url, setup["operator"], json={"outcome": "callback",
                                                         "callback_at": "2026-11-23T16:30:00+03:00"})
    assert callback.get_json()["confirmation"]["state"] == "callback"
    confirmed = api("POST", url, setup["operator"], json={
        "outcome": "confirmed", "version": callback.get_json()["version"],
        "added_works": [{"name": "Щётки", "hours": "0.5", "price": "900"}]}).get_json()
    assert confirmed["start_at"] == booking["start_at"] and confirmed["end_at"] == "2026-11-24T09:00:00+00:00"
    assert confirmed["total"] == "7400.00" and confirmed["status"] == "confirmed"
    stale = api("POST", url, setup["operator"], json={"outcome": "confirmed", "version": callback.get_json()["version"]})
    assert stale.status_code == 409
    moved = api("POST", url, setup["operator"], json={"outcome": "reschedule",
                                                      "new_start_at": "2026-11-26T14:00:00+03:00"}).get_json()
    assert moved["start_at"] == "2026-11-26T11:00:00+00:00"
    reason = session.scalar(select(CancellationReason).where(CancellationReason.code == "client_changed_plans"))
    cancelled = api("POST", f"/api/v1/bookings/{booking['id']}/cancel", setup["operator"],
                    json={"reason_id": reason.id}).get_json()
    assert cancelled["cancel_reason"]["code"] == "client_changed_plans"


def test_roles_and_notifications(api, setup, token_for):
    booking = create(api, setup).get_json()
    url = f"/api/v1/bookings/{booking['id']}/confirmation-calls"
    assert api("POST", url, setup["reception"], json={"outcome": "confirmed"}).status_code == 403
    assert api("GET", "/api/v1/confirmation-desk", token_for("sales_manager")).status_code == 403
    assert api("GET", "/api/v1/notifications", setup["operator"]).get_json() == {"items": []}
