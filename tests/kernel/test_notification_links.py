"""Every notification is a link to what it is about (issue 13, point 9), on SQLite and PostgreSQL: each kind the
wings send, made by the wing's own use case, links from the notifications page, the bell's poll and the panel
after login to the right page; a user who may not open that page gets the text without a link; opening a
notification marks it read."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.i18n import N_, Message
from app.notifications.models import Notification
from app.notifications.service import notify
from app.notifications.views import TARGET_ROUTES
from app.timers.service import run_due
from catalogs.models import ContactGoal
from desk import service as desk
from desk.rules import CallInput
from tests import factories as f
from tests.factories import MONDAY_NOON, booking_for, msk

ROOT = Path(__file__).resolve().parents[2]
TUESDAY_11 = msk(2026, 11, 24, 11, 0)


def test_every_target_the_wings_notify_about_has_a_page():
    """A new `notify(..., target=("x", …))` anywhere must come with its page in TARGET_ROUTES."""
    sent = set()
    for package in ("app", "clients", "documents", "traffic", "appeals", "desk", "leads", "catalogs"):
        for path in (ROOT / package).rglob("*.py"):
            sent |= set(re.findall(r'target=\("(\w+)"', path.read_text(encoding="utf-8")))
    assert sent >= {"traffic", "booking", "lead", "desk"}, sent
    assert sent <= set(TARGET_ROUTES), sent - set(TARGET_ROUTES)


@pytest.fixture
def people(make_user):
    return {"operator": make_user("service_admin", username="operator"),
            "advisor": make_user("service_advisor", username="advisor"),
            "sales": make_user("sales_manager", username="sales"),
            "boss": make_user("supervisor", username="boss"),
            "cc": make_user("call_center", username="olga"),
            "reception": make_user("reception", username="anna")}


def notes_of(session, user, kind=None):
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return list(session.scalars(query.where(Notification.kind == kind) if kind else query))


def make_every_kind(session, clock, dispatcher, people) -> dict:
    """Each notification kind the product sends, through the use case that sends it."""
    from leads import service as leads
    from traffic import service as traffic

    clock.set(MONDAY_NOON)
    made = {}
    # the desk: a retry and a callback coming back, a booking auto-cancelled, the daily list
    retry = booking_for(session, clock, TUESDAY_11, advisor_id=people["advisor"].id)
    desk.record_call(session, retry.id, CallInput("not_reached", reason="busy"), expected_version=retry.version,
                     operator_id=people["operator"].id, clock=clock)
    callback = booking_for(session, clock, msk(2026, 11, 24, 14, 0), name="Иванов Иван",
                           advisor_id=people["advisor"].id)
    desk.record_call(session, callback.id, CallInput("callback", callback_at=msk(2026, 11, 23, 13, 5)),
                     expected_version=callback.version, operator_id=people["operator"].id, clock=clock)
    cancelled = booking_for(session, clock, msk(2026, 11, 25, 10, 0), name="Петров Пётр",
                            advisor_id=people["advisor"].id)
    cancelled.failed_attempts, cancelled.confirmation_state = 2, "retry"
    session.commit()
    desk.record_call(session, cancelled.id, CallInput("not_reached", reason="busy"),
                     expected_version=cancelled.version, operator_id=people["operator"].id, clock=clock)
    early = booking_for(session, clock, msk(2026, 11, 24, 9, 0), name="Сидоров Сидор",
                        advisor_id=people["advisor"].id)
    desk.ensure_daily_timers(session, clock=clock)  # today's confirmation list (its window opened at 12:00)
    session.commit()
    # traffic: a walk-in for the sales managers, nobody takes it, the supervisor hears of it
    goal = session.scalar(select(ContactGoal).where(ContactGoal.code == "visit_showroom_new_car"))
    goal.specialists = [people["sales"]]
    session.commit()
    walk_in, _ = traffic.register(session, traffic.TrafficDraft(channel="visit", goal_id=goal.id, description="Ждёт"),
                                  actor_id=people["reception"].id, clock=clock)
    # a lead whose cadence gives its responsible a call task the next working day
    lead = leads.create_lead(session, leads.LeadDraft(client_id=f.client(session, clock, "Виктор Иванов").id,
                                                      interest="Kia Sportage", responsible_id=people["cc"].id),
                             actor_id=people["cc"].id, clock=clock)
    leads.record_event(session, lead.id, "no_meeting_set", actor_id=people["cc"].id, clock=clock)
    clock.set(msk(2026, 11, 23, 13, 10))  # the retry (13:05) and the callback (13:05) are due, the escalation too
    run_due(session, clock=clock, dispatcher=dispatcher)
    clock.set(msk(2026, 11, 23, 20, 0))
    desk.record_call(session, early.id, CallInput("not_reached", reason="busy"), expected_version=early.version,
                     operator_id=people["operator"].id, clock=clock)  # no working hour left: «не дозвонились»
    clock.set(msk(2026, 11, 24, 9, 0))
    run_due(session, clock=clock, dispatcher=dispatcher)  # the lead's call task
    run_due(session, clock=clock, dispatcher=dispatcher)
    made.update(retry=retry, callback=callback, cancelled=cancelled, early=early, walk_in=walk_in, lead=lead)
    return made


def expected_pages(made) -> dict:
    """kind → (recipient, the page its link must open)."""
    return {
        "confirmation_retry": ("operator", f"/admin/desk/booking/{made['retry'].id}"),
        "confirmation_callback": ("operator", f"/admin/desk/booking/{made['callback'].id}"),
        "booking_auto_cancelled": ("advisor", f"/admin/desk/booking/{made['cancelled'].id}"),
        "booking_unreached": ("advisor", f"/admin/desk/booking/{made['early'].id}"),
        "confirmation_list": ("operator", "/admin/desk/?day=2026-11-24"),
        "traffic": ("sales", f"/admin/traffic/{made['walk_in'].id}"),
        "traffic_escalation": ("boss", f"/admin/traffic/{made['walk_in'].id}"),
        "call_task": ("cc", f"/admin/leads/{made['lead'].id}"),
    }


def test_each_kind_links_to_its_page_from_the_page_the_bell_and_the_login_panel(
        session, clock, dispatcher, people, login):
    made = make_every_kind(session, clock, dispatcher, people)
    sent = {n.kind for n in session.scalars(select(Notification))}
    assert sent == set(expected_pages(made)), sent  # every kind the product has, and no other
    for kind, (who, page) in expected_pages(made).items():
        user = people[who]
        [note] = notes_of(session, user, kind)[-1:]
        client = login(user)
        opener = f"/admin/notifications/{note.id}/open"
        first = client.get("/admin/desk/schedule" if who in ("operator", "advisor", "boss") else "/admin/")
        assert first.status_code == 200
        assert f'href="{opener}"' in first.get_data(as_text=True), (kind, "the panel after login")
        listing = client.get("/admin/notifications/").get_data(as_text=True)
        assert f'href="{opener}"' in listing, kind
        polled = client.get("/admin/notifications/poll").get_json()
        assert opener in [item["url"] for item in polled["items"]], kind
        followed = client.get(opener)
        assert followed.status_code == 302 and followed.headers["Location"] == page, (kind, followed.headers)
        assert client.get(page).status_code == 200, kind  # a live link, not a 403 or a 404
        session.refresh(note)
        assert note.read_at is not None  # opened = read


def test_a_user_who_cannot_open_the_target_gets_the_text_without_a_link(session, clock, dispatcher, people, login):
    # a booking whose «advisor» is a call-centre employee: the call centre cannot open the desk's booking card
    clock.set(MONDAY_NOON)
    early = booking_for(session, clock, msk(2026, 11, 24, 9, 0), advisor_id=people["cc"].id)
    clock.set(msk(2026, 11, 23, 20, 0))
    desk.record_call(session, early.id, CallInput("not_reached", reason="busy"), expected_version=early.version,
                     operator_id=people["operator"].id, clock=clock)
    [note] = notes_of(session, people["cc"], "booking_unreached")
    reception = login(people["cc"])
    assert reception.get(f"/admin/desk/booking/{early.id}").status_code == 403
    listing = html.unescape(reception.get("/admin/notifications/").get_data(as_text=True))
    assert "Зубков Алексей" in listing and early.number in listing  # the text is there…
    assert f"/admin/notifications/{note.id}/open" not in listing and f"/admin/desk/booking/{early.id}" not in listing
    polled = reception.get("/admin/notifications/poll").get_json()
    assert [item["url"] for item in polled["items"]] == [None] and polled["unread"] == 1  # …but no link
    opened = reception.get(f"/admin/notifications/{note.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"] == "/admin/notifications/"
    # the same target for someone who may open it is a link
    notify(session, [people["operator"].id], kind="booking_unreached", key=f"same:{early.id}", clock=clock,
           target=("booking", early.id), message=Message(N_("Could not reach %(client)s before the visit "
                                                           "%(number)s at %(start)s."),
                                                        {"client": "Зубков Алексей", "number": early.number,
                                                         "start": early.start_at}))
    session.commit()
    [item] = login(people["operator"]).get("/admin/notifications/poll").get_json()["items"]
    assert re.fullmatch(r"/admin/notifications/\d+/open", item["url"])


def test_one_user_cannot_open_or_read_another_users_notification(session, clock, dispatcher, people, login):
    made = make_every_kind(session, clock, dispatcher, people)
    [note] = notes_of(session, people["sales"], "traffic")
    outsider = login(people["cc"])
    assert outsider.get(f"/admin/notifications/{note.id}/open").status_code == 404
    session.refresh(note)
    assert note.read_at is None and made["walk_in"].id == note.target_id


def test_the_panel_after_login_shows_the_newest_unread_once_and_marks_them_read(session, clock, people, app):
    clock.set(MONDAY_NOON)
    bookings = [booking_for(session, clock, msk(2026, 11, 24, 9 + n, 0), name=f"Клиент {n}") for n in range(7)]
    for booking in bookings:
        notify(session, [people["operator"].id], kind="confirmation_retry", key=f"r:{booking.id}", clock=clock,
               target=("booking", booking.id), message=Message("Call %(client)s", {"client": booking.client.name}))
    session.commit()
    browser = app.test_client()
    landed = browser.post("/login", data={"username": "operator", "password": "password123"}, follow_redirects=True)
    page = landed.get_data(as_text=True)
    panel = page[page.index('id="unread-panel"'):]
    panel = panel[:panel.index("</ul>")]
    links = re.findall(r'href="/admin/notifications/(\d+)/open"', panel)
    newest = [n.id for n in reversed(notes_of(session, people["operator"]))][:5]
    assert [int(i) for i in links] == newest  # the newest five, newest first
    assert 'id="unread-panel"' not in browser.get("/admin/").get_data(as_text=True)  # once per login
    done = browser.post("/admin/notifications/read", data={"id": newest, "next": "/admin/desk/"})
    assert done.status_code == 302 and done.headers["Location"] == "/admin/desk/"
    assert {n.id for n in notes_of(session, people["operator"]) if n.read_at is None} == \
        {n.id for n in notes_of(session, people["operator"])} - set(newest)
    away = browser.post("/admin/notifications/read", data={"next": "https://evil.example/"})  # «mark all»
    assert away.headers["Location"] == "/admin/notifications/"  # never off-site
    browser.post("/logout")
    again = browser.post("/login", data={"username": "operator", "password": "password123"}, follow_redirects=True)
    assert 'id="unread-panel"' not in again.get_data(as_text=True)  # nothing unread is left
