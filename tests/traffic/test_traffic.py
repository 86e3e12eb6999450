"""Incoming traffic through the service layer and the API, on SQLite and PostgreSQL (SPEC §3.2)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.domain.errors import Conflict, ValidationFailed
from app.notifications.models import Notification
from app.timers.service import run_due
from catalogs.models import ContactGoal, IgnoreReason
from clients.timeline import client_timeline
from documents.models import WorkSheet
from tests import factories as f
from traffic import service
from traffic.models import Traffic


@pytest.fixture
def goal(session, make_user):
    row = session.scalar(select(ContactGoal).where(ContactGoal.code == "visit_showroom_new_car"))
    row.specialists = [make_user("sales_manager", username=f"sales{n}") for n in range(1, 4)]
    session.commit()
    return row


@pytest.fixture
def reception(make_user):
    return make_user("reception", username="anna")


def register(session, clock, goal, reception, **extra):
    draft = service.TrafficDraft(channel="visit", goal_id=goal.id, **extra)
    return service.register(session, draft, actor_id=reception.id, clock=clock)


def test_unknown_visitor_notifies_every_specialist_until_one_takes_it(session, clock, goal, reception):
    row, notified = register(session, clock, goal, reception, description="Мужчина в синей куртке", queue=True)
    specialists = [u.id for u in goal.specialists]
    assert row.status == "waiting" and sorted(notified) == sorted(specialists)
    taken = service.take(session, row.id, user_id=specialists[1], clock=clock)
    assert taken.status == "in_processing" and taken.taken_by_id == specialists[1]
    active = session.scalar(select(func.count()).select_from(Notification).where(Notification.read_at.is_(None)))
    assert active == 0  # the notification is gone for everybody once taken
    with pytest.raises(Conflict) as late:
        service.take(session, row.id, user_id=specialists[0], clock=clock)
    assert late.value.params["user"] == "sales2"


def test_a_chosen_employee_is_the_only_one_notified(session, clock, goal, reception):
    chosen = goal.specialists[0]
    _row, notified = register(session, clock, goal, reception, description="Звонок", responsible_id=chosen.id)
    assert notified == [chosen.id]


def test_registration_needs_a_goal_and_a_client_or_a_description(session, clock, goal, reception):
    with pytest.raises(ValidationFailed) as problem:
        register(session, clock, goal, reception)
    assert set(problem.value.fields) == {"description"}
    goal.show_in_list = False
    session.commit()
    with pytest.raises(ValidationFailed) as hidden:
        register(session, clock, goal, reception, description="x")
    assert "goal_id" in hidden.value.fields


def test_attach_to_the_clients_document_or_identify_by_it(session, clock, goal, reception):
    client = f.client(session, clock, "Зубков Алексей", phones=["+7 908 494-44-34"])
    other = f.client(session, clock, "Иванов Иван")
    sheet = f.work_sheet(session, clock, client)
    foreign = f.work_sheet(session, clock, other)
    manager = goal.specialists[0]
    known, _ = register(session, clock, goal, reception, client_id=client.id)
    service.take(session, known.id, user_id=manager.id, clock=clock)
    with pytest.raises(ValidationFailed):
        service.attach(session, known.id, document_type="work_sheet", document_id=foreign.id, user_id=manager.id,
                       clock=clock)
    session.rollback()
    clock.advance(minutes=7)
    done = service.attach(session, known.id, document_type="work_sheet", document_id=sheet.id, user_id=manager.id,
                          clock=clock)
    assert done.status == "processed" and (done.document_type, done.document_id) == ("work_sheet", sheet.id)
    unknown, _ = register(session, clock, goal, reception, description="Не представился")
    service.take(session, unknown.id, user_id=manager.id, clock=clock)
    identified = service.attach(session, unknown.id, document_type="work_sheet", document_id=sheet.id,
                                user_id=manager.id, clock=clock)
    assert identified.client_id == client.id
    assert [i.kind for i in client_timeline(session, client.id)].count("traffic") == 2
    assert session.get(WorkSheet, sheet.id) is not None


def test_ignore_with_a_reason_and_a_comment_where_required(session, clock, goal, reception):
    row, _ = register(session, clock, goal, reception, description="Ошиблись номером")
    manager = goal.specialists[0]
    with pytest.raises(Conflict):
        service.ignore(session, row.id, reason_id=None, comment="", user_id=manager.id, clock=clock)  # not taken
    service.take(session, row.id, user_id=manager.id, clock=clock)
    other = session.scalar(select(IgnoreReason).where(IgnoreReason.code == "other"))
    with pytest.raises(ValidationFailed) as problem:
        service.ignore(session, row.id, reason_id=other.id, comment=" ", user_id=manager.id, clock=clock)
    assert set(problem.value.fields) == {"comment"}
    session.rollback()
    done = service.ignore(session, row.id, reason_id=other.id, comment="Реклама", user_id=manager.id, clock=clock)
    assert done.status == "ignored" and done.ignore_comment == "Реклама"


def test_untaken_traffic_escalates_to_supervisors_once(session, clock, goal, reception, make_user, dispatcher):
    boss = make_user("supervisor")
    row, _ = register(session, clock, goal, reception, description="Ждёт")
    taken_one, _ = register(session, clock, goal, reception, description="Взяли")
    service.take(session, taken_one.id, user_id=goal.specialists[0].id, clock=clock)
    clock.advance(minutes=14)
    run_due(session, clock=clock, dispatcher=dispatcher)
    assert session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == boss.id)) == 0
    clock.advance(minutes=2)
    run_due(session, clock=clock, dispatcher=dispatcher)
    run_due(session, clock=clock, dispatcher=dispatcher)
    notes = list(session.scalars(select(Notification).where(Notification.user_id == boss.id)))
    assert [(n.kind, n.target_id) for n in notes] == [("traffic_escalation", row.id)]
    session.refresh(row)
    session.refresh(taken_one)
    assert row.escalated_at == clock.now() and taken_one.escalated_at is None  # a fact the KPIs count


def test_telephony_is_idempotent_by_call_id_and_identifies_by_phone(session, clock):
    client = f.client(session, clock, "Зубков Алексей", phones=["+7 (908) 4944434"])
    first, created = service.register_call(session, call_id="pbx-77", caller="89084944434", line="101",
                                           clock=clock)
    again, created_again = service.register_call(session, call_id="pbx-77", caller="89084944434",
                                                 recording_url="https://pbx.local/rec/77.mp3", clock=clock)
    assert created and not created_again and first.id == again.id and first.client_id == client.id
    assert again.recording_url == "https://pbx.local/rec/77.mp3"
    unknown, _ = service.register_call(session, call_id="pbx-78", caller="+7 999 000-00-00", clock=clock)
    assert unknown.client_id is None and unknown.description == "" and unknown.status == "new"
    assert session.scalar(select(func.count()).select_from(Traffic)) == 2


@pytest.mark.parametrize("db_kind", ["postgresql"])  # real concurrent transactions; SQLite serialises writers
def test_five_specialists_take_at_once_one_wins(app, session, clock, goal, reception, make_user, db_kind):
    from app.extensions import db

    people = [make_user("sales_manager", username=f"racer{n}") for n in range(5)]
    row, _ = register(session, clock, goal, reception, description="Гонка")
    barrier = threading.Barrier(5)
    results = []

    def click(user_id):
        with app.app_context():
            barrier.wait()
            try:
                service.take(db.session, row.id, user_id=user_id, clock=clock)
                results.append("won")
            except Conflict as exc:
                results.append(exc.params["user"])
            finally:
                db.session.remove()

    threads = [threading.Thread(target=click, args=(p.id,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    session.expire_all()
    winner = session.get(Traffic, row.id).taken_by
    assert results.count("won") == 1 and sorted(r for r in results if r != "won") == [winner.username] * 4
    takes = [e for e in session.scalars(select(AuditEntry).where(AuditEntry.entity == "traffic",
                                                                AuditEntry.entity_id == row.id))
             if "taken_by_id" in e.changes]
    assert len(takes) == 1 and takes[0].actor_id == winner.id


def test_api_webhook_register_take_and_journal(api, token_for, session, clock, goal):
    pbx = token_for("call_center")
    body = {"call_id": "c-1", "caller": "+7 908 494-44-34", "recording_url": "https://pbx.local/r/1.mp3"}
    first = api("POST", "/api/v1/telephony/calls", pbx, json=body)
    second = api("POST", "/api/v1/telephony/calls", pbx, json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json() == second.get_json() and first.get_json()["client_id"] is None
    reception = token_for("reception")
    created = api("POST", "/api/v1/traffic", reception, json={"channel": "visit", "goal_id": goal.id,
                                                               "description": "Женщина с ребёнком", "queue": True})
    assert created.status_code == 201 and created.get_json()["status"] == "waiting"
    assert len(created.get_json()["notified_user_ids"]) == 3
    bad = api("POST", "/api/v1/traffic", reception, json={"channel": "visit", "goal_id": goal.id})
    assert bad.status_code == 400 and "description" in bad.get_json()["error"]["fields"]
    manager = token_for("sales_manager")
    traffic_id = created.get_json()["id"]
    assert api("POST", f"/api/v1/traffic/{traffic_id}/take", manager).status_code == 200
    late = api("POST", f"/api/v1/traffic/{traffic_id}/take", token_for("sales_manager"))
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "conflict"
    clock.advance(minutes=3)
    page = api("GET", "/api/v1/traffic?limit=1", reception).get_json()
    assert len(page["items"]) == 1 and page["next"]
    rest = api("GET", f"/api/v1/traffic?limit=5&cursor={page['next']}", reception).get_json()
    assert {i["id"] for i in page["items"] + rest["items"]} == {traffic_id, first.get_json()["traffic_id"]}
    taken = api("GET", "/api/v1/traffic?status=in_processing", reception).get_json()["items"]
    assert [i["id"] for i in taken] == [traffic_id] and taken[0]["wait_seconds"] == 0


def test_journal_filters_times_and_a_formula_safe_export(session, clock, goal, reception, make_user, login):
    row, _ = register(session, clock, goal, reception, description="=HYPERLINK(\"http://evil\")")
    other, _ = register(session, clock, goal, reception, description="Другой")
    clock.advance(minutes=2, seconds=5)
    service.take(session, row.id, user_id=goal.specialists[0].id, clock=clock)
    boss = login(make_user("supervisor"))
    # filters by index: 0-2 the registration day, 3 channel, 4 status, 5 goal, 6 employee, 7 operator, 8 department,
    # 9 not taken, 10 escalated, 11 ignore reason
    page = boss.get("/admin/trafficjournal/?flt0_4=in_processing").get_data(as_text=True)
    assert row.number in page and other.number not in page and "2:05" in page
    by_goal = boss.get(f"/admin/trafficjournal/?flt0_5={goal.id}").get_data(as_text=True)
    assert row.number in by_goal and other.number in by_goal
    by_employee = boss.get(f"/admin/trafficjournal/?flt0_6={goal.specialists[0].id}").get_data(as_text=True)
    assert row.number in by_employee and other.number not in by_employee
    export = boss.get("/admin/trafficjournal/export/csv/").get_data(as_text=True)
    assert "'=HYPERLINK" in export and "\n=HYPERLINK" not in export and ",=HYPERLINK" not in export


def test_reception_panel_and_card_through_the_test_client(session, clock, goal, login, make_user):
    client = f.client(session, clock, "Зубков Алексей", phones=["+7 (908) 4944434"])
    reception = login(make_user("reception"))
    refused = reception.post("/admin/traffic/register", data={"channel": "call", "goal_id": goal.id, "note": "x"})
    assert refused.status_code == 400 and 'value="x"' in refused.get_data(as_text=True)
    assert reception.get("/admin/traffic/clients?q=4434").get_json()["items"][0]["id"] == client.id
    done = reception.post("/admin/traffic/register", data={"channel": "call", "goal_id": goal.id,
                                                           "client_id": client.id, "action": "transfer"})
    assert done.status_code == 302
    row = session.scalar(select(Traffic))
    manager = login(goal.specialists[0])
    assert manager.get("/admin/traffic/poll").get_json()["unread"] == 1
    assert reception.post(f"/admin/traffic/{row.id}/take").status_code == 403  # reception registers, not takes
    assert manager.post(f"/admin/traffic/{row.id}/take").status_code == 302
    card = manager.get(f"/admin/traffic/{row.id}").get_data(as_text=True)
    assert "attach-form" in card and "/admin/worksheet/new/" in card
    assert manager.get("/admin/traffic/poll").get_json()["unread"] == 0
    other = login(goal.specialists[1])
    assert other.post(f"/admin/traffic/{row.id}/take").status_code == 409


def test_a_call_recording_plays_from_the_client_timeline(session, clock, login, make_user):
    client = f.client(session, clock, "Зубков Алексей", phones=["+7 (908) 4944434"])
    call, _ = service.register_call(session, call_id="rec-1", caller="89084944434",
                                    recording_url="https://pbx.local/rec/1.mp3", clock=clock)
    card = login(make_user("service_advisor")).get(f"/admin/clients/{client.id}").get_data(as_text=True)
    assert 'class="d-block mt-1 timeline-recording" controls preload="none" src="https://pbx.local/rec/1.mp3"' in card
    assert f"/admin/traffic/{call.id}" in card
