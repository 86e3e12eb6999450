"""Whom the desk tells (issue 13, point 10), on SQLite and PostgreSQL: a call coming back goes to the operator
who made it and to the service administrators on duty (every active one: the product has no shifts); news about
a booking without an advisor goes to the service administrators; one notification per person per event, however
often a timer fires. And the confirmation list's live refresh (point 9)."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models.user import User
from app.notifications.models import Notification
from app.services.users import set_active
from app.timers.models import ScheduledAction
from app.timers.service import run_due
from tests.desk.calls import call
from tests.factories import MONDAY_NOON, booking_for, msk

TUESDAY_10 = msk(2026, 11, 24, 10, 0)


@pytest.fixture
def people(make_user):
    return {"operator": make_user("service_advisor", username="operator"),  # calls without being an admin
            "admin1": make_user("service_admin", username="admin1"),
            "admin2": make_user("service_admin", username="admin2"),
            "gone": make_user("service_admin", username="gone"),
            "advisor": make_user("service_advisor", username="advisor"),
            "sales": make_user("sales_manager", username="sales")}


def recipients(session, kind) -> list[str]:
    """Who got a notification of `kind`, by login, one entry per notification."""
    return list(session.scalars(select(User.username).join(Notification, Notification.user_id == User.id)
                                .where(Notification.kind == kind).order_by(User.username)))


def fire_again(session, clock, dispatcher, kind) -> None:
    """The same timer delivered once more (a crash after the effect, a second worker): no second notification."""
    action = session.scalar(select(ScheduledAction).where(ScheduledAction.kind == kind))
    action.status = "pending"
    session.commit()
    run_due(session, clock=clock, dispatcher=dispatcher)


def test_a_retry_reminds_the_operator_and_every_active_service_admin_once(session, clock, dispatcher, people):
    set_active(session, "gone", False)
    clock.set(MONDAY_NOON)
    booking = booking_for(session, clock, TUESDAY_10, advisor_id=people["advisor"].id)
    call(session, clock, booking, people["operator"], outcome="not_reached", reason="busy")
    clock.advance(hours=1)
    assert run_due(session, clock=clock, dispatcher=dispatcher)["done"] == 1
    fire_again(session, clock, dispatcher, "confirmation_retry")
    assert (recipients(session, "confirmation_retry")) == ["admin1", "admin2", "operator"]
    notes = list(session.scalars(select(Notification).where(Notification.kind == "confirmation_retry")))
    assert {(n.target_type, n.target_id) for n in notes} == {("booking", booking.id)}
    assert len({n.idempotency_key for n in notes}) == 3


def test_a_callback_reminds_them_too_and_an_operator_who_is_an_admin_gets_one(session, clock, dispatcher, people):
    clock.set(MONDAY_NOON)
    booking = booking_for(session, clock, TUESDAY_10, advisor_id=people["advisor"].id)
    call(session, clock, booking, people["admin1"], outcome="callback", callback_at=msk(2026, 11, 23, 16, 30))
    clock.set(msk(2026, 11, 23, 16, 30))
    run_due(session, clock=clock, dispatcher=dispatcher)
    fire_again(session, clock, dispatcher, "confirmation_callback")
    assert (recipients(session, "confirmation_callback")) == ["admin1", "admin2", "gone"]


def test_a_reminder_the_operator_cannot_get_goes_to_the_service_admins(session, clock, dispatcher, people):
    clock.set(MONDAY_NOON)
    booking = booking_for(session, clock, TUESDAY_10, advisor_id=people["advisor"].id)
    call(session, clock, booking, people["operator"], outcome="not_reached", reason="busy")
    set_active(session, "operator", False)  # the operator left before the retry came due
    clock.advance(hours=1)
    run_due(session, clock=clock, dispatcher=dispatcher)
    assert (recipients(session, "confirmation_retry")) == ["admin1", "admin2", "gone"]


def test_an_unreached_booking_without_an_advisor_tells_the_service_admins(session, clock, dispatcher, people):
    clock.set(MONDAY_NOON)
    early = booking_for(session, clock, msk(2026, 11, 24, 9, 0))  # no advisor
    clock.set(msk(2026, 11, 23, 20, 0))  # no working hour left before the visit: «не дозвонились»
    assert call(session, clock, early, people["operator"], outcome="not_reached",
                reason="busy").confirmation_state == "unreached"
    assert (recipients(session, "booking_unreached")) == ["admin1", "admin2", "gone"]


def test_an_unreached_booking_with_an_advisor_tells_only_the_advisor(session, clock, people):
    clock.set(MONDAY_NOON)
    early = booking_for(session, clock, msk(2026, 11, 24, 9, 0), advisor_id=people["advisor"].id)
    clock.set(msk(2026, 11, 23, 20, 0))
    call(session, clock, early, people["operator"], outcome="not_reached", reason="busy")
    assert recipients(session, "booking_unreached") == ["advisor"]


@pytest.mark.parametrize("advisor", ["none", "inactive"])
def test_an_auto_cancelled_booking_with_no_advisor_to_tell_tells_the_service_admins_once(
        session, clock, dispatcher, people, advisor):
    clock.set(MONDAY_NOON)
    booking = booking_for(session, clock, TUESDAY_10,
                          advisor_id=people["advisor"].id if advisor == "inactive" else None)
    if advisor == "inactive":
        set_active(session, "advisor", False)
    for minutes in (0, 61, 122):
        clock.set(MONDAY_NOON + timedelta(minutes=minutes))
        call(session, clock, booking, people["operator"], outcome="not_reached", reason="unavailable")
    run_due(session, clock=clock, dispatcher=dispatcher)
    fire_again(session, clock, dispatcher, "confirmation_auto_cancel")
    assert (recipients(session, "booking_auto_cancelled")) == ["admin1", "admin2", "gone"]


def test_with_no_active_service_admin_the_operator_alone_is_reminded(session, clock, dispatcher, people):
    for name in ("admin1", "admin2", "gone"):
        set_active(session, name, False)
    clock.set(MONDAY_NOON)
    booking = booking_for(session, clock, TUESDAY_10)
    call(session, clock, booking, people["operator"], outcome="not_reached", reason="busy")
    clock.advance(hours=1)
    run_due(session, clock=clock, dispatcher=dispatcher)
    assert recipients(session, "confirmation_retry") == ["operator"]


# ----- the confirmation list refreshes itself


def test_the_list_rows_endpoint_shows_a_booking_made_after_the_page(session, clock, people, login):
    clock.set(MONDAY_NOON)
    client = login(people["admin1"])
    page = client.get("/admin/desk/?day=2026-11-24").get_data(as_text=True)
    assert 'id="desk-rows" data-refresh="/admin/desk/rows?day=2026-11-24" data-interval="5000"' in page
    empty = client.get("/admin/desk/rows?day=2026-11-24")
    assert empty.status_code == 200 and "Зубков" not in empty.get_json()["html"]
    # the page carries its rows' fingerprint: an unchanged list is not swapped under the operator's pointer
    assert f'data-version="{empty.get_json()["version"]}"' in page
    booking = booking_for(session, clock, TUESDAY_10)
    fresh = client.get("/admin/desk/rows?day=2026-11-24").get_json()
    assert fresh["version"] != empty.get_json()["version"]
    rows = html.unescape(fresh["html"])
    assert "Зубков Алексей" in rows and f'/admin/desk/booking/{booking.id}?return_day=2026-11-24' in rows
    assert 'data-state="to_call"' in rows and "<script" not in rows
    assert client.get("/admin/desk/rows?day=2026-11-25").get_json()["html"].count("desk-row") == 0


def test_the_list_rows_escape_user_text_and_refuse_a_bad_day_and_other_roles(session, clock, people, login):
    clock.set(MONDAY_NOON)
    booking_for(session, clock, TUESDAY_10, name="<img src=x onerror=alert(1)>")
    client = login(people["admin1"])
    rows = client.get("/admin/desk/rows?day=2026-11-24").get_json()["html"]
    assert "<img" not in rows and "&lt;img src=x onerror=alert(1)&gt;" in rows
    bad = client.get("/admin/desk/rows?day=tomorrow")
    assert bad.status_code == 400 and bad.get_json()["message"]
    assert login(people["sales"]).get("/admin/desk/rows?day=2026-11-24").status_code == 403
