"""A cadence step whose template has a placeholder without a value (issue 13, point 18): no outbox row, the lead's
history and a notification to the responsible name the placeholder, the timer is done (not retried) and the
cadence goes on with its next steps. Both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.messaging.models import OutboxMessage
from app.notifications.models import Notification
from app.services.regulations import save_regulations, settings_version
from app.timers.models import ScheduledAction
from app.timers.service import run_due
from leads import service
from leads.models import LeadEvent
from tests import factories as f
from tests.factories import msk


def set_settings(session, **changes):
    save_regulations(session, changes, expected_version=settings_version(session))


def sent(session, lead):
    return [m.template_code for m in session.scalars(select(OutboxMessage).where(OutboxMessage.lead_id == lead.id)
                                                     .order_by(OutboxMessage.id))]


def step_events(session, lead):
    return [e.details for e in session.scalars(select(LeadEvent).where(
        LeadEvent.lead_id == lead.id, LeadEvent.type == "cadence_step").order_by(LeadEvent.id))
        if e.details.get("action") == "send_template"]


@pytest.fixture
def cc(make_user):
    return make_user("call_center", username="olga")


@pytest.fixture
def lead(session, clock, cc):
    client = f.client(session, clock, "Виктор Иванов", phones=["+7 912 000-11-22"])
    return service.create_lead(session, service.LeadDraft(client_id=client.id, interest="Kia Sportage",
                                                          responsible_id=cc.id), actor_id=cc.id, clock=clock)


def test_a_step_with_a_hole_is_recorded_told_and_not_sent_and_the_cadence_goes_on(session, clock, dispatcher, lead,
                                                                                    cc, login):
    set_settings(session, dealer_phone="")
    service.record_event(session, lead.id, "no_meeting_set", actor_id=cc.id, clock=clock)  # «Первое касание» now
    assert sent(session, lead) == []
    (first,) = step_events(session, lead)
    assert first["skipped"] == "unfilled" and first["unfilled"] == ["dealer_phone"]
    (note,) = session.scalars(select(Notification).where(Notification.user_id == cc.id,
                                                         Notification.kind == "message_not_sent"))
    assert note.target_type == "lead" and note.target_id == lead.id
    assert note.params["problem"]["params"]["placeholders"] == "{dealer_phone}"

    cc.locale = "en"
    session.commit()
    card = login(cc).get(f"/admin/leads/{lead.id}").get_data(as_text=True)
    assert "step-unfilled" in card and "not sent: no value for {dealer_phone}" in card

    # Tuesday 09:00, fired by the timer: the call task — the cadence went on after the refused message.
    clock.set(msk(2026, 11, 24, 9))
    counts = run_due(session, clock=clock, dispatcher=dispatcher)
    assert counts["failed"] == 0 and len(service.open_tasks(session, lead.id)) == 1
    set_settings(session, dealer_phone="+7 495 000-00-00")
    task = service.open_tasks(session, lead.id)[0]
    service.complete_call_task(session, task.id, outcome="not_reached", actor_id=cc.id, clock=clock)
    assert sent(session, lead) == ["audio_message"]  # the setting filled: the next message leaves

    # Wednesday's «Игнор» ({manager}, {dealer_name}) fired by the timer while the dealer's name is empty.
    set_settings(session, dealer_name="")
    clock.set(msk(2026, 11, 25, 9))
    counts = run_due(session, clock=clock, dispatcher=dispatcher)
    assert counts["failed"] == 0 and sent(session, lead) == ["audio_message"]
    assert step_events(session, lead)[-1]["unfilled"] == ["dealer_name"]
    assert session.scalar(select(ScheduledAction.id).where(ScheduledAction.status != "done",
                                                           ScheduledAction.due_at <= clock.now())) is None
    counts = run_due(session, clock=clock, dispatcher=dispatcher)  # nothing is retried
    assert counts == {"done": 0, "failed": 0, "skipped": 0} and sent(session, lead) == ["audio_message"]


def test_the_meeting_time_of_the_lead_fills_meeting_at(session, clock, lead, cc):
    from catalogs.models import MessageTemplate
    from leads.models import CadenceRun
    from leads.rules import RunStep

    reminder = MessageTemplate(name="Встреча", code="meeting_note", channel="whatsapp",
                               body="{client_name}, ждём вас {meeting_at}", show_in_list=True, version=1)
    session.add(reminder)
    session.commit()
    run = CadenceRun(lead_id=lead.id, cadence_code="manual", status="running", started_at=clock.now(), next_step=0,
                     steps=[], next_at=None)
    session.add(run)
    session.flush()
    step = RunStep("send_template", template_id=reminder.id)
    assert service._send_template(session, run, lead, step, 0, clock=clock)["unfilled"] == ["meeting_at"]
    lead.meeting_at = msk(2026, 11, 26, 15, 30)
    details = service._send_template(session, run, lead, step, 1, clock=clock)
    assert "message_id" in details
    message = session.get(OutboxMessage, details["message_id"])
    assert message.body == "Виктор Иванов, ждём вас 26.11.2026 15:30"  # the dealership's time, not UTC
