"""Seed 004, both regulations, driven by a controllable clock and the timers (`run_due`), on both databases.

Monday 2026-11-23 12:00 in Moscow is the start; the working day starts at 09:00, so "the next day" steps
are due at 09:00 Moscow time (06:00 UTC).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import Conflict, ValidationFailed
from app.messaging.models import OutboxMessage
from app.timers.service import run_due
from catalogs.models import Cadence
from leads import service
from leads.models import CadenceRun, CallTask, Lead, LeadEvent
from tests import factories as f
from tests.factories import msk
from tests.leads.clock import tick
from tests.webhooks import WEBHOOK_SECRET, post_signed


@pytest.fixture
def people(make_user):
    return {"cc": make_user("call_center", username="olga"), "sales": make_user("sales_manager", username="petukhov"),
            "sales2": make_user("sales_manager", username="kuznetsova")}


@pytest.fixture
def lead(session, clock, people):
    client = f.client(session, clock, "Виктор Иванов", phones=["+7 912 000-11-22"])
    return service.create_lead(session, service.LeadDraft(client_id=client.id, interest="Kia Sportage",
                                                          responsible_id=people["cc"].id),
                               actor_id=people["cc"].id, clock=clock)


def templates_sent(session, lead):
    return [m.template_code for m in session.scalars(select(OutboxMessage).where(OutboxMessage.lead_id == lead.id)
                                                     .order_by(OutboxMessage.id))]


def open_task(session, lead):
    tasks = service.open_tasks(session, lead.id)
    assert len(tasks) == 1, tasks
    return tasks[0]


def not_reached(session, clock, lead, people):
    return service.complete_call_task(session, open_task(session, lead).id, outcome="not_reached",
                                      actor_id=people["cc"].id, clock=clock)


def run_of(session, lead):
    return session.scalar(select(CadenceRun).where(CadenceRun.lead_id == lead.id).order_by(CadenceRun.id.desc()))


def test_qualified_lead_without_a_meeting_every_day_until_closed_with_no_contact(session, clock, dispatcher, lead,
                                                                                   people):
    assert clock.now() == msk(2026, 11, 23, 12)
    service.record_event(session, lead.id, "no_meeting_set", actor_id=people["cc"].id, clock=clock)
    assert templates_sent(session, lead) == ["first_touch"]  # step 2 of the regulation: the first message
    run = run_of(session, lead)
    assert run.status == "running" and run.next_at == msk(2026, 11, 24, 9)

    tick(session, clock, dispatcher, msk(2026, 11, 24, 9))  # Tuesday: the call task for the next day
    task = open_task(session, lead)
    assert task.assignee_id == people["cc"].id and task.due_at == msk(2026, 11, 24, 9)
    assert run_of(session, lead).waiting_for_task_id == task.id  # «Аудио» only if this call is not reached
    clock.advance(minutes=25)
    not_reached(session, clock, lead, people)
    assert templates_sent(session, lead) == ["first_touch", "audio_message"]

    tick(session, clock, dispatcher, msk(2026, 11, 25, 9))  # Wednesday: «Игнор» and one more call
    assert templates_sent(session, lead)[-1] == "ignore"
    not_reached(session, clock, lead, people)
    assert run_of(session, lead).next_at == msk(2026, 11, 27, 9)  # «через 2 дня»

    tick(session, clock, dispatcher, msk(2026, 11, 27, 9))  # Friday: «Полный игнор» and the last call
    assert templates_sent(session, lead)[-1] == "full_ignore"
    not_reached(session, clock, lead, people)
    session.refresh(lead)
    assert lead.stage.code == "closed_lost" and lead.loss_reason.code == "no_contact" and lead.is_closed
    assert run_of(session, lead).status == "completed" and run_of(session, lead).stop_reason == "closed_lost"
    assert templates_sent(session, lead) == ["first_touch", "audio_message", "ignore", "full_ignore"]
    assert session.scalar(select(CallTask.id).where(CallTask.lead_id == lead.id).order_by(CallTask.id.desc())) \
        and len(list(session.scalars(select(CallTask).where(CallTask.lead_id == lead.id)))) == 3
    tick(session, clock, dispatcher, msk(2026, 12, 3, 9))  # nothing more, ever
    assert len(templates_sent(session, lead)) == 4


STOPS = {
    "reached": lambda session, clock, lead, people: service.complete_call_task(
        session, open_task(session, lead).id, outcome="reached", actor_id=people["cc"].id, clock=clock),
    "call_later": lambda session, clock, lead, people: service.complete_call_task(
        session, open_task(session, lead).id, outcome="call_later", actor_id=people["cc"].id, clock=clock,
        callback_at=clock.now() + timedelta(hours=3)),
    "reply": lambda session, clock, lead, people: service.client_replied(
        session, client_id=lead.client_id, inbound_id=1, clock=clock) and session.commit(),
    "meeting_set": lambda session, clock, lead, people: service.record_event(
        session, lead.id, "meeting_set", actor_id=people["cc"].id, clock=clock,
        at=clock.now() + timedelta(days=1), employee_id=people["sales"].id),
}


@pytest.mark.parametrize("day", [msk(2026, 11, 24, 9), msk(2026, 11, 25, 9), msk(2026, 11, 27, 9)],
                         ids=["day1", "day2", "day4"])
@pytest.mark.parametrize("how", sorted(STOPS))
def test_any_contact_stops_the_cadence_at_every_step(session, clock, dispatcher, lead, people, day, how):
    service.record_event(session, lead.id, "no_meeting_set", actor_id=people["cc"].id, clock=clock)
    for when in (msk(2026, 11, 24, 9), msk(2026, 11, 25, 9), msk(2026, 11, 27, 9)):
        tick(session, clock, dispatcher, when)
        if when == day:
            break
        not_reached(session, clock, lead, people)
    sent_before = templates_sent(session, lead)
    STOPS[how](session, clock, lead, people)
    run = run_of(session, lead)
    assert run.status == "stopped" and run.stop_reason in ("contact_made", "message_reply", "meeting_set")
    tick(session, clock, dispatcher, msk(2026, 12, 7, 9))
    assert templates_sent(session, lead) == sent_before
    session.refresh(lead)
    assert not lead.is_closed
    cadence_tasks = session.scalars(select(CallTask).where(CallTask.cadence_run_id == run.id,
                                                           CallTask.status == "open")).all()
    assert cadence_tasks == []


def test_no_show_two_calls_the_same_day_then_reschedule_with_another_employee(session, clock, dispatcher, lead,
                                                                               people):
    meeting = msk(2026, 11, 23, 15)
    service.record_event(session, lead.id, "meeting_set", actor_id=people["cc"].id, clock=clock, at=meeting,
                         employee_id=people["sales"].id)
    assert lead.stage.code == "meeting_set"
    tick(session, clock, dispatcher, msk(2026, 11, 23, 15, 29))
    assert run_of(session, lead) is None  # within the 30-minute grace period
    tick(session, clock, dispatcher, msk(2026, 11, 23, 15, 30))
    run = run_of(session, lead)
    assert run.cadence_code == "meeting_no_show"
    first = open_task(session, lead)  # the first call right away
    clock.advance(minutes=10)
    not_reached(session, clock, lead, people)
    assert run_of(session, lead).next_at == msk(2026, 11, 23, 17, 30)
    tick(session, clock, dispatcher, msk(2026, 11, 23, 17, 30))
    second = open_task(session, lead)  # the second call the same day
    assert second.id != first.id and second.due_at.date() == first.due_at.date()
    assert templates_sent(session, lead) == []  # «Аудио» waits for the second call's outcome
    clock.advance(minutes=5)
    not_reached(session, clock, lead, people)
    assert templates_sent(session, lead) == ["audio_message"]

    tick(session, clock, dispatcher, msk(2026, 11, 24, 9))  # the next day: «Игнор» and a call — reached now
    assert templates_sent(session, lead) == ["audio_message", "ignore"]
    service.complete_call_task(session, open_task(session, lead).id, outcome="reached", actor_id=people["cc"].id,
                               clock=clock)
    new_meeting = msk(2026, 11, 24, 16)
    service.record_event(session, lead.id, "meeting_set", actor_id=people["cc"].id, clock=clock, at=new_meeting,
                         employee_id=people["sales2"].id)
    session.refresh(lead)
    assert (lead.stage.code, lead.meeting_at, lead.meeting_employee_id) == ("meeting_set", new_meeting,
                                                                            people["sales2"].id)
    assert run_of(session, lead).status == "stopped"
    clock.advance(minutes=5)
    service.record_event(session, lead.id, "meeting_held", actor_id=people["sales2"].id, clock=clock)
    tick(session, clock, dispatcher, msk(2026, 11, 24, 17))  # no no-show after a held meeting
    assert run_of(session, lead).cadence_code == "meeting_no_show" and run_of(session, lead).status == "stopped"
    events = [e.type for e in session.scalars(select(LeadEvent).where(LeadEvent.lead_id == lead.id)
                                             .order_by(LeadEvent.id))]
    assert events.count("no_show") == 1 and events.count("meeting_set") == 2 and events[-1] == "meeting_held"


def test_a_rescheduled_meeting_cancels_the_old_no_show_check(session, clock, dispatcher, lead, people):
    service.record_event(session, lead.id, "meeting_set", actor_id=people["cc"].id, clock=clock,
                         at=msk(2026, 11, 23, 15), employee_id=people["sales"].id)
    service.record_event(session, lead.id, "meeting_set", actor_id=people["cc"].id, clock=clock,
                         at=msk(2026, 11, 24, 11), employee_id=people["sales"].id)
    tick(session, clock, dispatcher, msk(2026, 11, 23, 18))
    assert run_of(session, lead) is None
    tick(session, clock, dispatcher, msk(2026, 11, 24, 11, 30))
    assert run_of(session, lead).cadence_code == "meeting_no_show"


def test_running_cadences_keep_the_steps_they_started_with(session, clock, dispatcher, lead, people):
    service.record_event(session, lead.id, "no_meeting_set", actor_id=people["cc"].id, clock=clock)
    cadence = session.scalar(select(Cadence).where(Cadence.code == "qualified_no_meeting"))
    cadence.steps = cadence.steps[:2]  # an admin shortens it
    session.commit()
    assert len(run_of(session, lead).steps) == 8
    tick(session, clock, dispatcher, msk(2026, 11, 24, 9))
    not_reached(session, clock, lead, people)
    assert templates_sent(session, lead) == ["first_touch", "audio_message"]  # the old third step ran


def test_bad_input_is_refused_by_the_field_and_a_stale_version_is_a_conflict(session, clock, dispatcher, lead,
                                                                            people):
    with pytest.raises(ValidationFailed) as meeting:
        service.record_event(session, lead.id, "meeting_set", actor_id=None, clock=clock,
                             at=clock.now() - timedelta(hours=1), employee_id=None)
    assert set(meeting.value.fields) == {"at", "employee_id"}
    session.rollback()
    with pytest.raises(ValidationFailed):
        service.record_event(session, lead.id, "not_reached", actor_id=None, clock=clock)  # no open task
    session.rollback()
    with pytest.raises(Conflict):
        service.record_event(session, lead.id, "contact_made", actor_id=None, clock=clock, version=lead.version + 1)
    session.rollback()
    service.record_event(session, lead.id, "no_meeting_set", actor_id=None, clock=clock)
    clock.advance(days=1)
    run_due(session, clock=clock, dispatcher=dispatcher)
    task = open_task(session, lead)
    with pytest.raises(ValidationFailed) as later:
        service.complete_call_task(session, task.id, outcome="call_later", actor_id=None, clock=clock)
    assert set(later.value.fields) == {"callback_at"}
    session.rollback()
    service.complete_call_task(session, task.id, outcome="reached", actor_id=None, clock=clock)
    with pytest.raises(Conflict):
        service.complete_call_task(session, task.id, outcome="not_reached", actor_id=None, clock=clock)
    assert session.get(Lead, lead.id).last_contact_at == clock.now()


def test_api_creates_a_lead_posts_events_and_shows_the_cadence(api, token_for, session, clock, dispatcher, people):
    client = f.client(session, clock, "Пётр Сидоров", phones=["+7 912 000-33-44"])
    token = token_for("call_center")
    created = api("POST", "/api/v1/leads", token, json={"client_id": client.id, "interest": "Kia Rio"})
    assert created.status_code == 201, created.get_json()
    lead = created.get_json()
    assert lead["stage"] == {"code": "new", "name": "1. Новый лид"} and lead["cadence"] is None
    started = api("POST", f"/api/v1/leads/{lead['id']}/events", token, json={"type": "no_meeting_set"}).get_json()
    assert started["stage"]["code"] == "qualified"
    assert started["cadence"]["code"] == "qualified_no_meeting" and started["cadence"]["step"] == 1
    assert started["cadence"]["next_at"] == "2026-11-24T06:00:00+00:00"
    clock.set(msk(2026, 11, 24, 9))
    run_due(session, clock=clock, dispatcher=dispatcher)
    waiting = api("GET", f"/api/v1/leads/{lead['id']}", token).get_json()
    assert len(waiting["open_tasks"]) == 1 and waiting["cadence"]["waiting_for_task_id"] == waiting["open_tasks"][0]["id"]
    missed = api("POST", f"/api/v1/leads/{lead['id']}/events", token, json={"type": "not_reached"}).get_json()
    assert missed["open_tasks"] == [] and missed["cadence"]["next_at"] == "2026-11-25T06:00:00+00:00"
    bad = api("POST", f"/api/v1/leads/{lead['id']}/events", token, json={"type": "meeting_set", "at": "2026-11-20T10:00"})
    assert bad.status_code == 400 and "at" in bad.get_json()["error"]["fields"]  # naive time
    past = api("POST", f"/api/v1/leads/{lead['id']}/events", token,
               json={"type": "meeting_set", "at": "2026-11-20T10:00:00+03:00", "employee_id": people["sales"].id})
    assert past.status_code == 400 and set(past.get_json()["error"]["fields"]) == {"at"}
    met = api("POST", f"/api/v1/leads/{lead['id']}/events", token,
              json={"type": "meeting_set", "at": "2026-11-25T15:00:00+03:00", "employee_id": people["sales"].id})
    body = met.get_json()
    assert body["stage"]["code"] == "meeting_set" and body["cadence"]["status"] == "stopped"
    assert api("GET", f"/api/v1/leads/{lead['id']}", token_for("supervisor")).status_code == 200
    assert api("POST", "/api/v1/leads", token_for("reception"), json={"client_id": client.id}).status_code == 403


def test_lead_pages_through_the_test_client(session, clock, dispatcher, lead, people, login):
    import html

    browser = login(people["cc"])
    missing = browser.post("/admin/leads/new", data={"client_id": "", "interest": "Rio"})
    assert missing.status_code == 400 and "Выберите клиента." in html.unescape(missing.get_data(as_text=True))
    service.record_event(session, lead.id, "meeting_set", actor_id=people["cc"].id, clock=clock,
                         at=msk(2026, 11, 23, 12, 30), employee_id=people["sales"].id)
    clock.set(msk(2026, 11, 23, 13))
    service.record_event(session, lead.id, "no_show", actor_id=None, clock=clock)
    today = html.unescape(browser.get("/admin/leads/").get_data(as_text=True))
    assert "Первый звонок в день встречи" in today and lead.number in today
    task = open_task(session, lead)
    bad = browser.post(f"/admin/leads/tasks/{task.id}", data={"outcome": "call_later", "callback_at": "",
                                                              "note": "Перезвонить вечером"})
    page = html.unescape(bad.get_data(as_text=True))
    assert bad.status_code == 400 and "Укажите время обратного звонка в будущем." in page
    assert 'value="Перезвонить вечером"' in page  # nothing lost
    done = browser.post(f"/admin/leads/tasks/{task.id}", data={"outcome": "call_later",
                                                               "callback_at": "2026-11-23T18:30"})
    assert done.status_code == 302
    session.refresh(lead)
    assert lead.next_call_at == msk(2026, 11, 23, 18, 30) and run_of(session, lead).status == "stopped"
    met = browser.post(f"/admin/leads/{lead.id}/events", data={"type": "meeting_set", "at": "2026-11-24T15:00",
                                                               "employee_id": people["sales"].id})
    assert met.status_code == 302
    week = html.unescape(browser.get("/admin/leads/calendar?view=week&day=2026-11-24").get_data(as_text=True))
    assert "15:00" in week and "Виктор Иванов" in week
    day = html.unescape(browser.get("/admin/leads/calendar?day=2026-11-25").get_data(as_text=True))
    assert "Виктор Иванов" not in day
    card = html.unescape(browser.get(f"/admin/leads/{lead.id}").get_data(as_text=True))
    assert "изменения регламента в справочнике действуют только на новые запуски" in card
    client_card = html.unescape(browser.get(f"/admin/clients/{lead.client_id}").get_data(as_text=True))
    assert f"Лид {lead.number}: Встреча назначена" in client_card
    assert login(people["sales"]).get(f"/admin/leads/{lead.id}").status_code == 200


def test_the_cadence_form_says_running_runs_keep_their_steps(session, clock, lead, make_user, login):
    import html

    service.record_event(session, lead.id, "no_meeting_set", actor_id=None, clock=clock)
    cadence = session.scalar(select(Cadence).where(Cadence.code == "qualified_no_meeting"))
    page = html.unescape(login(make_user("admin")).get(f"/admin/cadence/edit/?id={cadence.id}").get_data(as_text=True))
    assert "Изменения действуют на запуски, начатые с этого момента; 1 уже идущих" in page


def test_a_reply_through_the_provider_webhook_stops_the_cadence(app, api, token_for, session, clock, dispatcher, lead,
                                                                  people):
    app.config["MESSAGE_HTTP_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    service.record_event(session, lead.id, "no_meeting_set", actor_id=None, clock=clock)
    first_touch = session.scalar(select(OutboxMessage).where(OutboxMessage.lead_id == lead.id))
    body = {"type": "reply", "provider_message_id": "wa-777", "channel": "whatsapp", "from": "89120001122",
            "text": "Добрый день, перезвоните завтра", "idempotency_key": first_touch.idempotency_key}
    reply = post_signed(app, clock, body)
    assert reply.status_code == 201, reply.get_json()
    assert reply.get_json()["client_id"] == lead.client_id
    again = post_signed(app, clock, body)
    assert again.status_code == 200 and again.get_json()["id"] == reply.get_json()["id"]
    run = run_of(session, lead)
    session.refresh(run)
    assert run.status == "stopped" and run.stop_reason == "message_reply"
    tick(session, clock, dispatcher, msk(2026, 11, 30, 9))
    assert templates_sent(session, lead) == ["first_touch"]
    listed = api("GET", f"/api/v1/outbox?lead_id={lead.id}", token_for("supervisor")).get_json()["items"]
    assert [m["template_code"] for m in listed] == ["first_touch"]
