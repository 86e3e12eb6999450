"""Issue 13, point 13, on both databases: «Продолжение звонка» counts every call of the client in the window
(traffic and appeals registered by phone on the client card); «Повторное обращение» looks at service requests
created within the look-back that ended in refusal; «Отказ» is recorded in an appeal while a request is open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import ValidationFailed
from app.services.regulations import save_regulations, settings_version
from appeals import service
from appeals.models import ServiceRequest
from catalogs.models import AppealCategory, AppealOutcome
from tests import factories as f
from traffic import service as traffic_service


def set_settings(session, **changes):
    save_regulations(session, changes, expected_version=settings_version(session))


def outcome(session, category_code, code):
    return session.scalar(select(AppealOutcome).join(AppealCategory)
                          .where(AppealCategory.code == category_code, AppealOutcome.code == code))


def category_id(session, code):
    return session.scalar(select(AppealCategory.id).where(AppealCategory.code == code))


def register(session, clock, client, *, channel="call", category=None, result=None, traffic_id=None, note=""):
    draft = service.AppealDraft(
        client_id=client.id, channel=channel, traffic_id=traffic_id, note=note,
        category_id=category_id(session, category) if category else None,
        outcome_id=outcome(session, category, result).id if result else None)
    return service.register_appeal(session, draft, actor_id=None, clock=clock)


def rule_now(session, clock, client, channel="call", traffic_id=None):
    auto = service.automatic_for(session, client.id, channel=channel, traffic_id=traffic_id, now=clock.now())
    return (auto.rule, auto.reason.params.get("count")) if auto else None


def call(session, clock, client, call_id):
    row, _ = traffic_service.register_call(session, call_id=call_id, caller=client.main_phone.value, clock=clock)
    return row


@pytest.fixture
def client(session, clock):
    return f.client(session, clock, "Иванов Дмитрий", phones=["+7 912 000-11-22"])


# ----- «Продолжение звонка»: every call within the window


def test_an_appeal_registered_by_phone_on_the_card_is_a_call_of_the_window(session, clock, client):
    register(session, clock, client, category="other")  # by phone on the client card, no traffic record
    clock.advance(hours=3)
    assert rule_now(session, clock, client) == ("call_continuation", 2)
    assert rule_now(session, clock, client, channel="visit") is None  # a visit now is not a second call


def test_a_visit_or_a_message_on_the_card_is_not_a_call(session, clock, client):
    register(session, clock, client, channel="visit", category="other")
    register(session, clock, client, channel="message", category="other")
    assert rule_now(session, clock, client) is None


def test_an_appeal_from_a_traffic_record_is_that_call_counted_once(session, clock, client):
    first = call(session, clock, client, "pbx-1")
    register(session, clock, client, category="other", traffic_id=first.id)
    set_settings(session, call_continuation_min_calls=3)
    second = call(session, clock, client, "pbx-2")
    assert rule_now(session, clock, client, traffic_id=second.id) is None  # 2 calls, not 3
    register(session, clock, client, category="other")  # one more by phone from the card
    assert rule_now(session, clock, client, traffic_id=second.id) == ("call_continuation", 3)


def test_traffic_and_card_calls_leave_the_window_at_its_edge(session, clock, client):
    call(session, clock, client, "pbx-1")
    clock.advance(hours=1)
    register(session, clock, client, category="other")  # card call at +1 h
    clock.advance(hours=23)  # the traffic call is exactly 24 h old: out; the card call is 23 h old: in
    assert rule_now(session, clock, client) == ("call_continuation", 2)
    clock.advance(hours=1)  # the card call is now 24 h old too
    assert rule_now(session, clock, client) is None
    set_settings(session, call_continuation_window_hours=25)  # the window is the setting
    assert rule_now(session, clock, client) == ("call_continuation", 2)
    set_settings(session, call_continuation_window_hours=26)
    assert rule_now(session, clock, client) == ("call_continuation", 3)


# ----- «Повторное обращение»: requests created within the look-back


def booked_then_refused(session, clock, client, *, refused_after):
    process_id = register(session, clock, client, channel="visit", category="repair_services",
                          result="booked").service_request_id
    clock.set(clock.now() + refused_after)
    service.close_service_request(session, process_id, result="refused", note="Дорого", actor_id=None, clock=clock)
    return process_id


def test_a_refusal_of_a_request_created_before_the_look_back_is_not_a_repeat_appeal(session, clock, client):
    booked_then_refused(session, clock, client, refused_after=timedelta(days=35))  # created 35 days ago
    clock.advance(days=1)  # refused yesterday, created 36 days ago
    assert rule_now(session, clock, client, channel="visit") is None
    set_settings(session, repeat_appeal_lookback_days=37)
    assert rule_now(session, clock, client, channel="visit") == ("repeat_appeal", None)


def test_a_request_created_within_the_look_back_and_refused_is_reopened(session, clock, client):
    process_id = booked_then_refused(session, clock, client, refused_after=timedelta(days=2))
    clock.advance(days=27, hours=23)  # created 29 days 23 hours ago
    repeat = register(session, clock, client, channel="visit")
    assert (repeat.rule, repeat.process_effect, repeat.service_request_id) == ("repeat_appeal", "reopened", process_id)


def test_the_look_back_edge_is_the_creation_instant(session, clock, client):
    booked_then_refused(session, clock, client, refused_after=timedelta(days=1))
    clock.advance(days=29)  # created exactly 30 days ago: outside the 30-day look-back
    assert rule_now(session, clock, client, channel="visit") is None
    clock.advance(seconds=-1)
    assert rule_now(session, clock, client, channel="visit") == ("repeat_appeal", None)


# ----- «Отказ» in an appeal while a request is open


def test_a_refusal_in_an_appeal_ends_the_open_request_instead_of_the_automatic_category(session, clock, client):
    process_id = register(session, clock, client, channel="visit", category="repair_services",
                          result="booked").service_request_id
    assert rule_now(session, clock, client, channel="visit")[0] == "call_continuation"  # the request is open
    refusal = outcome(session, "repair_services", "refused")
    with pytest.raises(ValidationFailed) as why:
        service.register_appeal(session, service.AppealDraft(client_id=client.id, channel="call",
                                                             outcome_id=refusal.id), actor_id=None, clock=clock)
    assert set(why.value.fields) == {"note"}
    session.rollback()
    assert session.get(ServiceRequest, process_id).status == "open"
    clock.advance(hours=2)
    refused = service.register_appeal(session, service.AppealDraft(
        client_id=client.id, channel="call", outcome_id=refusal.id, note="Нашёл сервис ближе"),
        actor_id=None, clock=clock)
    assert (refused.category.code, refused.outcome.code, refused.assigned_automatically) == (
        "repair_services", "refused", False)
    assert (refused.process_effect, refused.service_request_id) == ("refused", process_id)
    process = session.get(ServiceRequest, process_id)
    assert (process.status, process.result_note, process.closed_at) == ("refused", "Нашёл сервис ближе", clock.now())


def test_a_non_refusal_outcome_does_not_override_the_automatic_category(session, clock, client):
    process_id = register(session, clock, client, channel="visit", category="repair_services",
                          result="booked").service_request_id
    postponed = outcome(session, "spare_parts", "sold")
    made = service.register_appeal(session, service.AppealDraft(client_id=client.id, channel="visit",
                                                                outcome_id=postponed.id), actor_id=None, clock=clock)
    assert made.rule == "call_continuation" and made.process_effect == "continued"
    assert session.get(ServiceRequest, process_id).status == "open"


def test_the_api_records_a_refusal_while_a_request_is_open(api, token_for, session, clock, client):
    token = token_for("reception")
    register(session, clock, client, channel="visit", category="repair_services", result="booked")
    refusal = outcome(session, "spare_parts", "refused")
    missing = api("POST", "/api/v1/appeals", token, json={"client_id": client.id, "channel": "call",
                                                           "outcome_id": refusal.id})
    assert missing.status_code == 400 and "note" in missing.get_json()["error"]["fields"]
    made = api("POST", "/api/v1/appeals", token, json={"client_id": client.id, "channel": "call",
                                                        "outcome_id": refusal.id, "note": "Купил в другом месте"})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["assigned_automatically"] is False and body["category"]["code"] == "spare_parts"
    assert body["process"]["status"] == "refused" and body["process"]["effect"] == "refused"


def test_the_form_offers_the_refusal_while_a_request_is_open(session, clock, client, login, make_user):
    advisor = make_user("service_advisor")
    advisor.locale = "en"
    session.commit()
    browser = login(advisor)
    before = browser.get(f"/admin/appeals/new?client_id={client.id}&channel=visit").get_data(as_text=True)
    assert 'id="refusal-choice"' not in before  # nothing open: the plain category choice
    process_id = register(session, clock, client, channel="visit", category="repair_services",
                          result="booked").service_request_id
    page = browser.get(f"/admin/appeals/new?client_id={client.id}&channel=call").get_data(as_text=True)
    assert 'id="automatic-category"' in page and 'id="refusal-choice"' in page
    refusal = outcome(session, "repair_services", "refused")
    assert f'<option value="{refusal.id}"' in page
    no_reason = browser.post(f"/admin/appeals/new?client_id={client.id}", data={
        "channel": "call", "outcome_id": refusal.id})
    assert no_reason.status_code == 400 and "Say why the client refused." in no_reason.get_data(as_text=True)
    assert "is-invalid" in no_reason.get_data(as_text=True)
    saved = browser.post(f"/admin/appeals/new?client_id={client.id}", data={
        "channel": "call", "outcome_id": refusal.id, "note": "Дорого"})
    assert saved.status_code == 302
    assert session.get(ServiceRequest, process_id).status == "refused"
    after = browser.get(f"/admin/appeals/new?client_id={client.id}&channel=visit").get_data(as_text=True)
    assert 'id="refusal-choice"' not in after  # the request is closed now
