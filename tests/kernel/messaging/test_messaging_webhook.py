"""The messaging webhook takes the provider's signature and nothing else (security issue 11, item 9):
a faked «reply» would stop a client's follow-up cadence. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.messaging.models import InboundMessage, OutboxMessage
from leads import service as leads_service
from leads.models import CadenceRun
from tests import factories as f
from tests.webhooks import INBOUND_URL, WEBHOOK_SECRET, post_signed


@pytest.fixture
def app_config() -> dict:
    return {"MESSAGE_HTTP_WEBHOOK_SECRET": WEBHOOK_SECRET}


@pytest.fixture
def reply(session, clock, make_user):
    """A lead whose no-meeting cadence is running, and the client's reply to its first message."""
    caller = make_user("call_center", username="olga")
    client = f.client(session, clock, "Виктор Иванов", phones=["+7 912 000-11-22"])
    lead = leads_service.create_lead(session, leads_service.LeadDraft(client_id=client.id, interest="Kia Sportage",
                                                                      responsible_id=caller.id),
                                     actor_id=caller.id, clock=clock)
    leads_service.record_event(session, lead.id, "no_meeting_set", actor_id=None, clock=clock)
    first_touch = session.scalar(select(OutboxMessage).where(OutboxMessage.lead_id == lead.id))
    body = {"type": "reply", "provider_message_id": "wa-777", "channel": "whatsapp", "from": "89120001122",
            "text": "Добрый день, перезвоните завтра", "idempotency_key": first_touch.idempotency_key}
    return lead, body


def cadence_status(session, lead) -> str:
    session.expire_all()
    return session.scalar(select(CadenceRun.status).where(CadenceRun.lead_id == lead.id)
                          .order_by(CadenceRun.id.desc()))


def replies_stored(session) -> int:
    return session.scalar(select(func.count()).select_from(InboundMessage))


def stamp(clock, seconds: float = 0) -> str:
    return str(int((clock.now() + timedelta(seconds=seconds)).timestamp()))


def test_a_signed_reply_is_accepted_and_stops_the_cadence(app, session, clock, reply):
    lead, body = reply
    assert cadence_status(session, lead) == "running"
    response = post_signed(app, clock, body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["client_id"] == lead.client_id
    assert replies_stored(session) == 1
    assert cadence_status(session, lead) == "stopped"


def test_unsigned_forged_and_stale_calls_are_refused_and_change_nothing(app, session, clock, reply, token_for):
    lead, body = reply
    admin, call_center = token_for("admin"), token_for("call_center")
    client = app.test_client()
    refused = {
        "no signature": client.post(INBOUND_URL, json=body),
        "admin token only": client.post(INBOUND_URL, json=body, headers={"Authorization": f"Bearer {admin}"}),
        "call-centre token only": client.post(INBOUND_URL, json=body,
                                              headers={"Authorization": f"Bearer {call_center}"}),
        "token and a wrong signature": post_signed(app, clock, body, signature="sha256=" + "0" * 64,
                                                   headers={"Authorization": f"Bearer {admin}"}),
        "another secret": post_signed(app, clock, body, secret="guessed"),
        "empty signature": post_signed(app, clock, body, signature=""),
        "signature without the scheme": post_signed(app, clock, body, signature="not-a-signature"),
        "no timestamp": post_signed(app, clock, body, timestamp=""),
        "timestamp not a number": post_signed(app, clock, body, timestamp="yesterday"),
        "signed 5 min 1 s ago": post_signed(app, clock, body, timestamp=stamp(clock, -301)),
        "signed 5 min 1 s ahead": post_signed(app, clock, body, timestamp=stamp(clock, 301)),
    }
    for case, response in refused.items():
        assert response.status_code == 401, (case, response.status_code, response.get_json())
        assert response.get_json()["error"]["code"] == "unauthorized", case
    assert replies_stored(session) == 0
    assert cadence_status(session, lead) == "running"


def test_a_signature_is_of_this_body_and_this_timestamp(app, session, clock, reply):
    from app.messaging.gateways import SIGNATURE_HEADER, TIMESTAMP_HEADER, webhook_signature

    lead, body = reply
    signed_at = stamp(clock)
    other = webhook_signature(WEBHOOK_SECRET, signed_at, b'{"type": "status"}')
    tampered = post_signed(app, clock, body, signature=other)
    clock.advance(minutes=10)
    original = webhook_signature(WEBHOOK_SECRET, signed_at, b"")
    replayed_with_a_new_time = app.test_client().post(INBOUND_URL, json=body, headers={
        SIGNATURE_HEADER: original, TIMESTAMP_HEADER: stamp(clock)})
    assert (tampered.status_code, replayed_with_a_new_time.status_code) == (401, 401)
    assert replies_stored(session) == 0 and cadence_status(session, lead) == "running"


def test_a_call_is_taken_up_to_five_minutes_after_it_was_signed(app, session, clock, reply):
    lead, body = reply
    signed_at = stamp(clock)
    clock.advance(minutes=5, seconds=1)
    assert post_signed(app, clock, body, timestamp=signed_at).status_code == 401
    assert cadence_status(session, lead) == "running"
    clock.advance(seconds=-1)
    assert post_signed(app, clock, body, timestamp=signed_at).status_code == 201
    assert cadence_status(session, lead) == "stopped"


def test_without_a_configured_secret_the_webhook_is_closed(app, session, clock, reply):
    lead, body = reply
    app.config["MESSAGE_HTTP_WEBHOOK_SECRET"] = ""
    signed = post_signed(app, clock, body, secret="")
    assert signed.status_code == 403 and signed.get_json()["error"]["code"] == "forbidden"
    assert post_signed(app, clock, body).status_code == 403
    assert app.test_client().post(INBOUND_URL, json=body).status_code == 401
    assert replies_stored(session) == 0 and cadence_status(session, lead) == "running"


def test_the_openapi_document_describes_the_signature_not_a_bearer_token(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/messaging/inbound"]["post"]
    assert operation["security"] == [{"providerSignature": []}]
    assert {"401", "403"} <= set(operation["responses"])
    assert [p["name"] for p in operation["parameters"] if p["in"] == "header"] == ["X-Signature-Timestamp"]
    scheme = document["components"]["securitySchemes"]["providerSignature"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-Signature")
