"""Appeals («Контакт с клиентом», seed 002) through the service layer and the API, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.errors import Conflict, ValidationFailed
from app.domain.ordering import Direction
from app.models.regulations import RegulationSettings
from app.services.catalogs import move_row
from appeals import service
from appeals.models import Appeal, ServiceRequest
from catalogs.models import AppealCategory, AppealOutcome, ContactGoal
from clients.timeline import client_timeline
from tests import factories as f
from traffic import service as traffic_service


def category(session, code):
    return session.scalar(select(AppealCategory).where(AppealCategory.code == code))


def outcome(session, category_code, code):
    return session.scalar(
        select(AppealOutcome)
        .join(AppealCategory)
        .where(AppealCategory.code == category_code, AppealOutcome.code == code)
    )


def appeal(
    session, clock, client, *, channel="call", category_code=None, outcome_code=None, actor=None, **extra
):
    draft = service.AppealDraft(
        client_id=client.id,
        channel=channel,
        category_id=category(session, category_code).id if category_code else None,
        outcome_id=outcome(session, category_code, outcome_code).id if outcome_code else None,
        **extra,
    )
    return service.register_appeal(session, draft, actor_id=actor.id if actor else None, clock=clock)


def call(session, clock, client, call_id):
    row, _ = traffic_service.register_call(
        session, call_id=call_id, caller=client.main_phone.value, clock=clock
    )
    return row


@pytest.fixture
def client(session, clock):
    return f.client(session, clock, "Иванов Дмитрий", phones=["+7 912 000-11-22"])


def test_a_first_visit_needs_a_category_and_an_outcome(session, clock, client):
    with pytest.raises(ValidationFailed) as missing:
        appeal(session, clock, client, channel="visit")
    assert set(missing.value.fields) == {"category_id"}
    session.rollback()
    with pytest.raises(ValidationFailed) as no_outcome:
        appeal(session, clock, client, channel="visit", category_code="repair_services")
    assert set(no_outcome.value.fields) == {"outcome_id"}
    session.rollback()
    foreign = outcome(session, "spare_parts", "sold")
    with pytest.raises(ValidationFailed) as wrong:
        service.register_appeal(
            session,
            service.AppealDraft(
                client_id=client.id,
                channel="visit",
                category_id=category(session, "repair_services").id,
                outcome_id=foreign.id,
            ),
            actor_id=None,
            clock=clock,
        )
    assert set(wrong.value.fields) == {"outcome_id"}
    session.rollback()
    with pytest.raises(ValidationFailed) as automatic_only:  # rule categories are not picked by hand
        appeal(session, clock, client, channel="visit", category_code="order_status")
    assert set(automatic_only.value.fields) == {"category_id"}
    session.rollback()
    other = appeal(session, clock, client, channel="visit", category_code="other")  # no outcomes: none needed
    assert (
        other.category.code == "other" and not other.assigned_automatically and other.service_request is None
    )


def test_client_booked_opens_a_service_request_and_a_refusal_ends_it(session, clock, client, make_user):
    advisor = make_user("service_advisor")
    booked = appeal(
        session,
        clock,
        client,
        channel="visit",
        category_code="repair_services",
        outcome_code="booked",
        actor=advisor,
    )
    process = booked.service_request
    assert (
        booked.process_effect == "opened" and process.status == "open" and process.opened_by_id == advisor.id
    )
    category(session, "call_continuation").show_in_list = False  # else the open process makes it automatic
    session.commit()
    clock.advance(days=2)
    refused = appeal(
        session,
        clock,
        client,
        channel="visit",
        category_code="repair_services",
        outcome_code="refused",
        note="Дорого",
    )
    assert refused.process_effect == "refused" and refused.service_request_id == process.id
    session.refresh(process)
    assert (
        process.status == "refused" and process.result_note == "Дорого" and process.closed_at == clock.now()
    )


def test_second_call_within_the_window_is_a_call_continuation(session, clock, client):
    first = call(session, clock, client, "pbx-1")
    assert appeal(session, clock, client, traffic_id=first.id, category_code="other").category.code == "other"
    clock.advance(hours=23, minutes=59)
    second = call(session, clock, client, "pbx-2")
    auto = appeal(session, clock, client, traffic_id=second.id)
    assert (auto.category.code, auto.assigned_automatically, auto.rule) == (
        "call_continuation",
        True,
        "call_continuation",
    )
    assert auto.reason.params == {"count": 2, "min": 2}
    clock.advance(hours=24, minutes=1)  # the first call has left the 24-hour window
    third = call(session, clock, client, "pbx-3")
    with pytest.raises(ValidationFailed):
        appeal(session, clock, client, traffic_id=third.id)
    session.rollback()
    settings = session.scalar(select(RegulationSettings))
    settings.call_continuation_window_hours = 48  # the window is a setting
    session.commit()
    assert appeal(session, clock, client, traffic_id=third.id).rule == "call_continuation"


def test_an_open_service_request_continues_and_an_open_work_order_gives_the_status_category(
    session, clock, client
):
    opened = appeal(
        session, clock, client, channel="visit", category_code="repair_services", outcome_code="booked"
    )
    continued = appeal(session, clock, client, channel="visit")
    assert continued.rule == "call_continuation" and continued.process_effect == "continued"
    assert continued.service_request_id == opened.service_request_id
    service.close_service_request(
        session, opened.service_request_id, result="done", note="", actor_id=None, clock=clock
    )
    f.work_order(session, clock, client, state="in_progress")
    status = appeal(session, clock, client, channel="visit")
    assert status.rule == "order_status" and status.service_request is None


def test_precedence_follows_the_catalog_order(session, clock, client):
    appeal(session, clock, client, channel="visit", category_code="repair_services", outcome_code="booked")
    f.work_order(session, clock, client)
    assert appeal(session, clock, client, channel="visit").rule == "call_continuation"
    order_status = category(session, "order_status")
    move_row(
        session, AppealCategory, order_status.id, Direction.UP
    )  # an admin moves it above call continuation
    session.commit()
    assert appeal(session, clock, client, channel="visit").rule == "order_status"


def test_repeat_appeal_reopens_the_refused_service_request_within_the_look_back(session, clock, client):
    booked = appeal(
        session, clock, client, channel="visit", category_code="repair_services", outcome_code="booked"
    )
    process_id = booked.service_request_id
    with pytest.raises(ValidationFailed) as why:
        service.close_service_request(
            session, process_id, result="refused", note=" ", actor_id=None, clock=clock
        )
    assert set(why.value.fields) == {"note"}
    service.close_service_request(
        session, process_id, result="refused", note="Передумал", actor_id=None, clock=clock
    )
    clock.advance(days=29)
    repeat = appeal(session, clock, client, channel="visit")
    assert (repeat.rule, repeat.process_effect, repeat.service_request_id) == (
        "repeat_appeal",
        "reopened",
        process_id,
    )
    process = session.get(ServiceRequest, process_id)
    assert process.status == "open" and process.closed_at is None and process.reopen_count == 1
    with pytest.raises(Conflict):
        service.close_service_request(
            session,
            process_id,
            result="done",
            note="",
            actor_id=None,
            clock=clock,
            version=process.version - 1,
        )
    service.close_service_request(
        session, process_id, result="refused", note="Снова нет", actor_id=None, clock=clock
    )
    clock.advance(days=31)  # beyond the 30-day look-back: staff choose again
    with pytest.raises(ValidationFailed):
        appeal(session, clock, client, channel="visit")


def test_appeal_from_a_traffic_record_identifies_the_caller_and_shows_on_the_timeline(session, clock, client):
    goal = session.scalar(select(ContactGoal).where(ContactGoal.code == "call_service_repair"))
    row, _ = traffic_service.register(
        session,
        traffic_service.TrafficDraft(channel="call", goal_id=goal.id, description="Дмитрий"),
        actor_id=None,
        clock=clock,
    )
    made = appeal(
        session, clock, client, traffic_id=row.id, category_code="repair_services", outcome_code="booked"
    )
    assert made.traffic.client_id == client.id
    other = f.client(session, clock, "Петров Пётр")
    with pytest.raises(ValidationFailed) as foreign:
        appeal(session, clock, other, traffic_id=row.id, category_code="other")
    assert set(foreign.value.fields) == {"traffic_id"}
    session.rollback()
    kinds = [item.kind for item in client_timeline(session, client.id)]
    assert "appeal" in kinds and "service_request" in kinds


def test_api_registers_an_appeal_with_the_automatic_category(
    api, token_for, session, clock, client, make_user
):
    token = token_for("reception")
    first = call(session, clock, client, "pbx-10")
    made = api(
        "POST",
        "/api/v1/appeals",
        token,
        json={
            "client_id": client.id,
            "channel": "call",
            "traffic_id": first.id,
            "category_id": category(session, "repair_services").id,
            "outcome_id": outcome(session, "repair_services", "booked").id,
        },
    )
    assert made.status_code == 201, made.json
    assert (
        made.get_json()["category"]["code"] == "repair_services"
        and made.get_json()["assigned_automatically"] is False
    )
    assert made.get_json()["process"]["status"] == "open" and made.get_json()["process"]["effect"] == "opened"
    second = api("POST", "/api/v1/appeals", token, json={"client_id": client.id, "channel": "call"})
    assert second.status_code == 201
    assert (
        second.get_json()["category"]["code"] == "call_continuation"
        and second.get_json()["assigned_automatically"]
    )
    assert second.get_json()["rule"] == "call_continuation" and "2" in second.get_json()["reason"]
    bad = api("POST", "/api/v1/appeals", token, json={"client_id": 999999, "channel": "fax"})
    assert bad.status_code == 400 and set(bad.get_json()["error"]["fields"]) >= {"channel"}
    missing = api("POST", "/api/v1/appeals", token, json={"client_id": 999999, "channel": "call"})
    assert missing.status_code == 400 and "client_id" in missing.get_json()["error"]["fields"]
    assert session.scalar(select(Appeal.id).where(Appeal.client_id == 999999)) is None


def test_appeal_form_shows_the_rule_or_asks_for_a_category_and_keeps_the_input(session, clock, client, login,
                                                                               make_user):
    import html

    browser = login(make_user("service_advisor"))
    first = browser.get(f"/admin/appeals/new?client_id={client.id}&channel=visit")
    assert first.status_code == 200 and "Услуги по ремонту" in first.get_data(as_text=True)
    missing = browser.post(f"/admin/appeals/new?client_id={client.id}", data={
        "channel": "visit", "category_id": category(session, "repair_services").id, "note": "Хочет ТО"})
    page = html.unescape(missing.get_data(as_text=True))
    assert missing.status_code == 400 and "Выберите результат обращения." in page and "Хочет ТО" in page
    saved = browser.post(f"/admin/appeals/new?client_id={client.id}", data={
        "channel": "visit", "category_id": category(session, "repair_services").id,
        "outcome_id": outcome(session, "repair_services", "booked").id})
    assert saved.status_code == 302
    process = session.scalar(select(ServiceRequest))
    automatic = html.unescape(browser.get(f"/admin/appeals/new?client_id={client.id}&channel=visit")
                              .get_data(as_text=True))
    assert "Категория назначена автоматически: Продолжение звонка" in automatic and process.number in automatic
    refused = browser.post(f"/admin/appeals/service-requests/{process.id}/close", data={
        "result": "refused", "note": "", "version": process.version})
    assert refused.status_code == 400 and "Укажите, почему клиент отказался." in refused.get_data(as_text=True)
    closed = browser.post(f"/admin/appeals/service-requests/{process.id}/close", data={
        "result": "refused", "note": "Дорого", "version": process.version})
    assert closed.status_code == 302
    stale = browser.post(f"/admin/appeals/service-requests/{process.id}/close", data={
        "result": "done", "version": process.version})
    assert stale.status_code == 409
    card = html.unescape(browser.get(f"/admin/clients/{client.id}").get_data(as_text=True))
    assert "Обращение в СТО " + process.number in card and "Обращение ОБ-" in card
    assert browser.get("/admin/appeals/").status_code == 200
    boss = login(make_user("supervisor"))
    assert boss.get(f"/admin/appeals/service-requests/{process.id}").status_code == 200
    assert boss.get(f"/admin/appeals/new?client_id={client.id}").status_code == 403
