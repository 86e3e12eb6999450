"""Issue points 14–16, 20 on both databases: cadences keep the working calendar (days off, the latest call time,
holidays, the zone setting), any contact of the client stops them (a call or visit registered as traffic, an
appeal, a reply, a reached call) unless the cadence's «stop on contact» is off, an agreed next call or an
objective reason pauses the cadence instead of the first message, a manual cadence starts from the lead card,
and the history names templates."""

from __future__ import annotations

import html
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import Conflict, NotYet, ValidationFailed
from app.messaging.models import OutboxMessage
from app.models.calendar import CalendarException
from app.services.regulations import load_regulations, save_regulations, settings_version
from catalogs.models import AppealCategory, Cadence, CadenceStep, ContactGoal, MessageTemplate
from leads import service
from leads.models import CadenceRun, CallTask, LeadEvent
from tests import factories as f
from tests.factories import msk
from tests.leads.clock import tick


@pytest.fixture
def people(make_user):
    return {"cc": make_user("call_center", username="olga"), "sales": make_user("sales_manager", username="petukhov"),
            "reception": make_user("reception", username="anna")}


@pytest.fixture
def client(session, clock):
    return f.client(session, clock, "Виктор Иванов", phones=["+7 912 000-11-22"])


@pytest.fixture
def lead(session, clock, people, client):
    return service.create_lead(session, service.LeadDraft(client_id=client.id, interest="Kia Sportage",
                                                          responsible_id=people["cc"].id),
                               actor_id=people["cc"].id, clock=clock)


def sent(session, lead):
    return [(m.template_code, m.created_at) for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.lead_id == lead.id).order_by(OutboxMessage.id))]


def templates_sent(session, lead):
    return [code for code, _ in sent(session, lead)]


def open_tasks(session, lead):
    return service.open_tasks(session, lead.id)


def not_reached(session, clock, lead, people):
    tasks = open_tasks(session, lead)
    assert len(tasks) == 1, tasks
    return service.complete_call_task(session, tasks[0].id, outcome="not_reached", actor_id=people["cc"].id,
                                      clock=clock)


def run_of(session, lead):
    run = session.scalar(select(CadenceRun).where(CadenceRun.lead_id == lead.id).order_by(CadenceRun.id.desc()))
    if run is not None:
        session.refresh(run)
    return run


def no_meeting(session, clock, lead, people, **extra):
    return service.record_event(session, lead.id, "no_meeting_set", actor_id=people["cc"].id, clock=clock, **extra)


def no_show_at(session, clock, lead, people, meeting):
    clock.set(meeting - timedelta(hours=3))
    service.record_event(session, lead.id, "meeting_set", actor_id=people["cc"].id, clock=clock, at=meeting,
                         employee_id=people["sales"].id)


def change_settings(session, **changes):
    save_regulations(session, changes, expected_version=settings_version(session))


# ----- 14. the working calendar


def test_a_friday_started_cadence_sends_the_ignore_on_monday_not_sunday(session, clock, dispatcher, lead, people):
    clock.set(msk(2026, 11, 27, 12))  # Friday
    no_meeting(session, clock, lead, people)
    assert run_of(session, lead).next_at == msk(2026, 11, 28, 9)  # Saturday is a working day here
    tick(session, clock, dispatcher, msk(2026, 11, 28, 9))
    not_reached(session, clock, lead, people)
    assert templates_sent(session, lead) == ["first_touch", "audio_message"]
    assert run_of(session, lead).next_at == msk(2026, 11, 30, 9)  # Monday, not Sunday 09:00
    assert tick(session, clock, dispatcher, msk(2026, 11, 29, 9))["done"] == 0  # Sunday: nothing
    tick(session, clock, dispatcher, msk(2026, 11, 30, 9))
    assert sent(session, lead)[-1] == ("ignore", msk(2026, 11, 30, 9))
    assert open_tasks(session, lead)[0].due_at == msk(2026, 11, 30, 9)
    not_reached(session, clock, lead, people)
    assert run_of(session, lead).next_at == msk(2026, 12, 2, 9)  # «через 2 дня»: two working days after Monday


def test_a_saturday_19_00_no_show_does_not_call_at_21_30(session, clock, dispatcher, lead, people):
    no_show_at(session, clock, lead, people, msk(2026, 11, 28, 19))
    tick(session, clock, dispatcher, msk(2026, 11, 28, 19, 30))  # the no-show check (30 min grace)
    run = run_of(session, lead)
    assert run.cadence_code == "meeting_no_show"
    first = open_tasks(session, lead)[0]
    assert first.due_at == msk(2026, 11, 28, 19, 30)
    clock.advance(minutes=5)
    not_reached(session, clock, lead, people)
    assert run_of(session, lead).next_at == msk(2026, 11, 30, 9)  # not 21:30, not Sunday
    assert tick(session, clock, dispatcher, msk(2026, 11, 28, 21, 30))["done"] == 0
    tick(session, clock, dispatcher, msk(2026, 11, 30, 9))
    tasks = open_tasks(session, lead)
    assert [t.due_at for t in tasks] == [msk(2026, 11, 30, 9)]
    not_reached(session, clock, lead, people)
    assert templates_sent(session, lead) == ["audio_message"]
    assert run_of(session, lead).next_at == msk(2026, 12, 1, 9)  # «на следующий день» after Monday's calls


def test_the_cutoff_is_the_latest_call_time_setting(session, clock, dispatcher, lead, people):
    no_show_at(session, clock, lead, people, msk(2026, 11, 23, 16, 30))
    tick(session, clock, dispatcher, msk(2026, 11, 23, 17))
    not_reached(session, clock, lead, people)
    assert run_of(session, lead).next_at == msk(2026, 11, 23, 19)  # 17:00 + 2 h, before 20:00
    change_settings(session, latest_call_time=time(18, 30))
    assert service.next_step(session, run_of(session, lead)).due_at == msk(2026, 11, 24, 9)


def test_a_day_off_of_the_calendar_and_a_public_holiday_move_the_steps(session, clock, dispatcher, lead, people):
    session.add(CalendarException(day=date(2026, 11, 24), working=False, note="Санитарный день"))
    session.commit()
    no_meeting(session, clock, lead, people)  # Monday 2026-11-23 12:00
    assert run_of(session, lead).next_at == msk(2026, 11, 25, 9)
    other = service.create_lead(session, service.LeadDraft(client_id=lead.client_id, interest="Kia Rio"),
                                actor_id=None, clock=clock)
    clock.set(msk(2026, 11, 3, 12))  # Tuesday; 4 November is a public holiday
    no_meeting(session, clock, other, people)
    assert run_of(session, other).next_at == msk(2026, 11, 5, 9)


def test_the_zone_is_a_setting(session, clock, dispatcher, lead, people):
    change_settings(session, timezone="Asia/Yekaterinburg")  # UTC+5
    no_meeting(session, clock, lead, people)  # 09:00 UTC = 14:00 there
    assert run_of(session, lead).next_at.isoformat() == "2026-11-24T04:00:00+00:00"  # 09:00 the next day there
    assert load_regulations(session).timezone == "Asia/Yekaterinburg"


# ----- 15. any contact stops the cadence; agreed dates pause it


def goal(session, code="call_showroom_new_car"):
    return session.scalar(select(ContactGoal).where(ContactGoal.code == code))


CONTACTS = {
    "visit": lambda session, clock, client, people: _traffic(session, clock, client, people, "visit"),
    "call": lambda session, clock, client, people: _traffic(session, clock, client, people, "call"),
    "telephony": lambda session, clock, client, people: __import__("traffic.service").service.register_call(
        session, call_id="pbx-1", caller="8 912 000-11-22", clock=clock),
    "identified_later": lambda session, clock, client, people: _identified_later(session, clock, client, people),
    "appeal": lambda session, clock, client, people: _appeal(session, clock, client, people),
    "reply": lambda session, clock, client, people: (service.client_replied(
        session, client_id=client.id, inbound_id=1, clock=clock), session.commit()),
}


def _traffic(session, clock, client, people, channel):
    from traffic import service as traffic

    return traffic.register(session, traffic.TrafficDraft(channel=channel, goal_id=goal(session).id,
                                                          client_id=client.id), actor_id=people["reception"].id,
                            clock=clock)


def _identified_later(session, clock, client, people):
    from traffic import service as traffic

    row, _ = traffic.register(session, traffic.TrafficDraft(channel="visit", goal_id=goal(session).id,
                                                            description="мужчина в синей куртке"),
                              actor_id=people["reception"].id, clock=clock)
    assert run_of(session, _lead_of(session, client)).status == "running"  # an unknown visitor is nobody yet
    clock.advance(minutes=10)
    traffic.identify(session, row.id, client.id)


def _appeal(session, clock, client, people):
    from appeals import service as appeals

    other = session.scalar(select(AppealCategory).where(AppealCategory.code == "other"))
    appeals.register_appeal(session, appeals.AppealDraft(client_id=client.id, channel="message", category_id=other.id),
                            actor_id=people["reception"].id, clock=clock)


def _lead_of(session, client):
    from leads.models import Lead

    return session.scalar(select(Lead).where(Lead.client_id == client.id))


@pytest.mark.parametrize("how", sorted(CONTACTS))
@pytest.mark.parametrize("stop_on_contact", [True, False], ids=["stops", "switch-off"])
def test_any_contact_of_the_client_stops_the_cadence_unless_the_switch_is_off(session, clock, dispatcher, lead,
                                                                              people, client, how, stop_on_contact):
    cadence = session.scalar(select(Cadence).where(Cadence.code == "qualified_no_meeting"))
    cadence.stop_on_contact = stop_on_contact
    session.commit()
    no_meeting(session, clock, lead, people)
    tick(session, clock, dispatcher, msk(2026, 11, 24, 9))
    clock.set(msk(2026, 11, 24, 10))
    CONTACTS[how](session, clock, client, people)
    run = run_of(session, lead)
    session.refresh(lead)
    assert lead.last_contact_at is not None and lead.last_contact_at >= msk(2026, 11, 24, 9)
    if stop_on_contact:
        assert run.status == "stopped" and run.stop_reason in ("client_contact", "message_reply")
        assert open_tasks(session, lead) == []
        tick(session, clock, dispatcher, msk(2026, 12, 7, 9))
        assert templates_sent(session, lead) == ["first_touch"]
    else:
        assert run.status == "running" and len(open_tasks(session, lead)) == 1
        not_reached(session, clock, lead, people)
        assert templates_sent(session, lead) == ["first_touch", "audio_message"]  # the cadence goes on


def test_with_the_switch_off_a_reached_call_does_not_stop_it_but_a_meeting_does(session, clock, dispatcher, lead,
                                                                               people):
    cadence = session.scalar(select(Cadence).where(Cadence.code == "qualified_no_meeting"))
    cadence.stop_on_contact = False
    session.commit()
    no_meeting(session, clock, lead, people)
    tick(session, clock, dispatcher, msk(2026, 11, 24, 9))
    service.complete_call_task(session, open_tasks(session, lead)[0].id, outcome="reached", actor_id=None, clock=clock)
    run = run_of(session, lead)
    assert run.status == "running" and run.stop_on_contact is False
    assert templates_sent(session, lead) == ["first_touch"]  # «Аудио» only if not reached: skipped
    tick(session, clock, dispatcher, msk(2026, 11, 25, 9))  # «Игнор» only if not reached: skipped; the call comes
    assert templates_sent(session, lead) == ["first_touch"] and len(open_tasks(session, lead)) == 1
    service.record_event(session, lead.id, "meeting_set", actor_id=None, clock=clock, at=msk(2026, 11, 26, 15),
                         employee_id=people["sales"].id)
    assert run_of(session, lead).status == "stopped" and run_of(session, lead).stop_reason == "meeting_set"


def test_a_contact_registered_before_the_cadence_started_does_not_stop_it(session, clock, dispatcher, lead, people,
                                                                          client):
    from traffic import service as traffic

    row, _ = traffic.register(session, traffic.TrafficDraft(channel="visit", goal_id=goal(session).id,
                                                            description="без имени"),
                              actor_id=people["reception"].id, clock=clock)
    clock.advance(minutes=30)
    no_meeting(session, clock, lead, people)
    traffic.identify(session, row.id, client.id)  # the visit was before the cadence began
    assert run_of(session, lead).status == "running"


def test_an_agreed_next_call_pauses_the_cadence_instead_of_the_first_message(session, clock, dispatcher, lead,
                                                                             people):
    agreed = msk(2026, 11, 26, 15)
    no_meeting(session, clock, lead, people, at=agreed)
    run = run_of(session, lead)
    assert templates_sent(session, lead) == []  # no «Первое касание»
    assert run.status == "running" and run.paused_until == agreed and run.pause_reason == "callback"
    assert run.next_at == agreed and session.get(type(lead), lead.id).next_call_at == agreed
    assert tick(session, clock, dispatcher, msk(2026, 11, 24, 9))["done"] == 0
    assert open_tasks(session, lead) == []
    tick(session, clock, dispatcher, agreed)
    assert [t.due_at for t in open_tasks(session, lead)] == [agreed]
    not_reached(session, clock, lead, people)
    assert templates_sent(session, lead) == ["audio_message"]
    assert run_of(session, lead).next_at == msk(2026, 11, 27, 9)  # the next day: «Игнор»


def test_an_objective_reason_waits_until_its_date_and_needs_one(session, clock, dispatcher, lead, people):
    with pytest.raises(ValidationFailed) as missing:
        no_meeting(session, clock, lead, people, objective_reason="В отпуске")
    assert set(missing.value.fields) == {"at"}
    session.rollback()
    with pytest.raises(ValidationFailed) as past:
        no_meeting(session, clock, lead, people, at=clock.now() - timedelta(hours=1))
    assert set(past.value.fields) == {"at"}
    session.rollback()
    back = msk(2026, 12, 6, 12)  # a Sunday: the call waits for Monday morning
    no_meeting(session, clock, lead, people, at=back, objective_reason="В отпуске до 6 декабря")
    run = run_of(session, lead)
    assert (run.pause_reason, run.pause_note) == ("objective", "В отпуске до 6 декабря")
    assert run.next_at == msk(2026, 12, 7, 9)
    events = [e.details for e in session.scalars(select(LeadEvent).where(LeadEvent.lead_id == lead.id,
                                                                         LeadEvent.type == "cadence_started"))]
    assert events[0]["pause"] == "objective"


def test_no_show_needs_a_meeting_that_has_begun(session, clock, lead, people):
    with pytest.raises(ValidationFailed):
        service.record_event(session, lead.id, "no_show", actor_id=None, clock=clock)
    session.rollback()
    service.record_event(session, lead.id, "meeting_set", actor_id=None, clock=clock, at=msk(2026, 11, 24, 15),
                         employee_id=people["sales"].id)
    with pytest.raises(NotYet):
        service.record_event(session, lead.id, "no_show", actor_id=None, clock=clock)


# ----- 16. a manual cadence from the lead card


@pytest.fixture
def manual(session):
    template = session.scalar(select(MessageTemplate).where(MessageTemplate.code == "ignore"))
    cadence = Cadence(name="Прогрев", trigger="manual", stop_on_contact=True, show_in_list=True, sort_order=900,
                      predefined=False, version=1,
                      steps=[CadenceStep(sort_order=10, action="send_template", template=template, note="Сразу"),
                             CadenceStep(sort_order=20, day_offset=1, action="call_task", note="Звонок")])
    session.add(cadence)
    session.commit()
    return cadence


def test_a_manual_cadence_starts_from_the_lead_card_for_the_writers_only(session, clock, dispatcher, lead, people,
                                                                         manual, login, make_user):
    card = html.unescape(login(people["cc"]).get(f"/admin/leads/{lead.id}").get_data(as_text=True))
    assert 'id="manual-cadence-form"' in card and "Прогрев" in card
    qualified = session.scalar(select(Cadence).where(Cadence.code == "qualified_no_meeting"))
    wrong = login(people["cc"]).post(f"/admin/leads/{lead.id}/cadences", data={"cadence_id": qualified.id})
    assert wrong.status_code == 400 and run_of(session, lead) is None
    assert login(make_user("supervisor")).post(f"/admin/leads/{lead.id}/cadences",
                                               data={"cadence_id": manual.id}).status_code == 403
    assert login(people["reception"]).post(f"/admin/leads/{lead.id}/cadences",
                                           data={"cadence_id": manual.id}).status_code == 403
    started = login(people["cc"]).post(f"/admin/leads/{lead.id}/cadences", data={"cadence_id": manual.id})
    assert started.status_code == 302
    run = run_of(session, lead)
    assert run.cadence_name == "Прогрев" and run.status == "running"
    assert templates_sent(session, lead) == ["ignore"]
    again = login(people["cc"]).post(f"/admin/leads/{lead.id}/cadences", data={"cadence_id": manual.id})
    assert again.status_code == 409
    with pytest.raises(Conflict):
        service.start_manual_cadence(session, lead.id, manual.id, actor_id=None, clock=clock)


def test_the_supervisor_edits_cadences_and_templates_the_call_centre_does_not(session, login, make_user):
    cadence = session.scalar(select(Cadence).where(Cadence.code == "qualified_no_meeting"))
    template = session.scalar(select(MessageTemplate).where(MessageTemplate.code == "ignore"))
    head = login(make_user("supervisor"))
    assert head.get(f"/admin/cadence/edit/?id={cadence.id}").status_code == 200
    assert head.get(f"/admin/messagetemplate/edit/?id={template.id}").status_code == 200
    saved = head.post(f"/admin/messagetemplate/edit/?id={template.id}", data={
        "name": "Игнор", "channel": "whatsapp", "subject": "", "body": "{client_name}, вы не ответили.",
        "show_in_list": "y", "row_version": template.version})
    assert saved.status_code == 302
    session.refresh(template)
    assert template.body == "{client_name}, вы не ответили."
    agent = login(make_user("call_center"))
    assert agent.get(f"/admin/cadence/edit/?id={cadence.id}").status_code == 403
    assert agent.get(f"/admin/messagetemplate/edit/?id={template.id}").status_code == 403


# ----- 19, 20. the cadence editor's table, and template names in the history


def _step_form(cadence):
    data = {"name": cadence.name, "description": cadence.description, "trigger": cadence.trigger,
            "stop_on_contact": "y" if cadence.stop_on_contact else "", "show_in_list": "y",
            "row_version": cadence.version}
    for n, step in enumerate(cadence.steps):
        prefix = f"steps-{n}-"
        data.update({prefix + "id": step.id, prefix + "sort_order": step.sort_order, prefix + "day_offset": step.day_offset,
                     prefix + "hour_offset": step.hour_offset, prefix + "action": step.action,
                     prefix + "at_time": step.at_time.strftime("%H:%M") if step.at_time else "",
                     prefix + "template": step.template_id or "__None", prefix + "stage": step.stage_id or "__None",
                     prefix + "loss_reason": step.loss_reason_id or "__None", prefix + "note": step.note})
        if step.only_if_not_reached:
            data[prefix + "only_if_not_reached"] = "y"
    return {k: v for k, v in data.items() if v != ""}


def test_the_cadence_editor_is_one_table_row_per_step_and_saves_times_order_and_deletions(session, login, make_user):
    cadence = session.scalar(select(Cadence).where(Cadence.code == "meeting_no_show"))
    head = login(make_user("supervisor"))
    page = head.get(f"/admin/cadence/edit/?id={cadence.id}").get_data(as_text=True)
    assert page.count('class="step-row"') == len(cadence.steps) and 'id="cadence-steps-table"' in page
    assert 'data-role="timepicker"' not in page and 'list="cadence-times"' in page
    data = _step_form(cadence)
    first_id, second_id, last = cadence.steps[0].id, cadence.steps[1].id, len(cadence.steps) - 1
    data["steps-0-sort_order"], data["steps-1-sort_order"] = 20, 10  # swap the first two
    data["steps-0-at_time"] = "9:30"
    data[f"del-steps-{last}"] = "on"
    saved = head.post(f"/admin/cadence/edit/?id={cadence.id}", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    session.expire_all()
    cadence = session.get(Cadence, cadence.id)
    assert [s.id for s in cadence.steps][:2] == [second_id, first_id]
    assert cadence.steps[1].at_time == time(9, 30) and len(cadence.steps) == last
    data = _step_form(cadence)
    data["steps-1-at_time"] = ""  # cleared: no time, never «Invalid date»
    assert head.post(f"/admin/cadence/edit/?id={cadence.id}", data=data).status_code == 302
    session.expire_all()
    assert session.get(Cadence, cadence.id).steps[1].at_time is None
    data = _step_form(session.get(Cadence, cadence.id))
    data["steps-0-at_time"] = "25:70"
    bad = head.post(f"/admin/cadence/edit/?id={cadence.id}", data=data)
    body = html.unescape(bad.get_data(as_text=True))
    assert bad.status_code == 200 and "is-invalid" in body and 'value="25:70"' in body  # said next to the field


def test_the_history_names_the_templates_not_their_codes(session, clock, dispatcher, lead, people, login):
    no_meeting(session, clock, lead, people)
    card = html.unescape(login(people["cc"]).get(f"/admin/leads/{lead.id}").get_data(as_text=True))
    history = card[card.index('id="lead-history"'):]
    assert "«Первое касание»" in history and "first_touch" not in history
    steps = card[card.index('id="cadence-steps"'):card.index('id="lead-history"')]
    assert "«Аудио руководителя»" in steps and "«Игнор»" in steps


def test_the_lead_card_offers_the_pause_and_refuses_a_bad_date_next_to_the_field(session, clock, lead, people,
                                                                                  login):
    browser = login(people["cc"])
    bad = browser.post(f"/admin/leads/{lead.id}/events", data={"type": "no_meeting_set", "at": "завтра",
                                                               "objective_reason": "В отпуске"})
    page = html.unescape(bad.get_data(as_text=True))
    assert bad.status_code == 400 and 'id="f-next-call"' in page and 'value="В отпуске"' in page
    assert run_of(session, lead) is None
    done = browser.post(f"/admin/leads/{lead.id}/events", data={"type": "no_meeting_set", "at": "2026-11-25T11:00",
                                                                "objective_reason": "В командировке"})
    assert done.status_code == 302
    run = run_of(session, lead)
    assert run.paused_until == msk(2026, 11, 25, 11) and run.pause_note == "В командировке"
    card = html.unescape(browser.get(f"/admin/leads/{lead.id}").get_data(as_text=True))
    assert 'id="cadence-paused"' in card and "В командировке" in card


def test_the_api_pauses_with_a_next_call(api, token_for, session, clock, lead):
    token = token_for("call_center")
    body = api("POST", f"/api/v1/leads/{lead.id}/events", token,
               json={"type": "no_meeting_set", "at": "2026-11-25T11:00:00+03:00"}).get_json()
    assert body["cadence"]["paused_until"] == "2026-11-25T08:00:00+00:00" and body["cadence"]["pause_reason"] == "callback"
    assert body["next_call_at"].startswith("2026-11-25T08:00")
    assert session.scalar(select(CallTask.id).where(CallTask.lead_id == lead.id)) is None
