"""WhatsApp/SMS through an aggregator's HTTP API, against a real local HTTP server: delivered once with
the idempotency key; errors retried with backoff, then failed and visible; the inbound webhook for
delivery statuses and replies; the outbox API; the admin list and its «Retry» action."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.messaging.gateways import HttpGateway, gateway_from_config
from app.messaging.models import OutboxMessage
from app.messaging.service import DELIVER_JOB, Outgoing, deliver_message, queue_message, retry_failed
from tests.kernel.messaging.aggregator import FakeAggregator
from tests.webhooks import WEBHOOK_SECRET, post_signed

TEXT = "Иван, напоминаем: завтра в 10:00 ТО вашей Kia Rio. Ответьте «Да» — и мы вас ждём!"
TOKEN = "aggregator-secret"


@pytest.fixture
def aggregator():
    server = FakeAggregator().start()
    yield server
    server.stop()


@pytest.fixture
def app_config(aggregator) -> dict:
    return {"MESSENGER_GATEWAY": "http", "MESSAGE_HTTP_URL": aggregator.url, "MESSAGE_HTTP_TOKEN": TOKEN,
            "MESSAGE_HTTP_TIMEOUT": 5, "MESSAGE_HTTP_WEBHOOK_SECRET": WEBHOOK_SECRET}


@pytest.fixture
def outbox_api(app):
    """The outbox blueprint on this test app (a no-op once app/api/__init__.py registers it)."""
    from app.extensions import csrf
    from app.messaging.api import blp

    if blp.name not in app.blueprints:
        app.extensions["api"].register_blueprint(blp, url_prefix="/api/v1" + blp.url_prefix_suffix)
        csrf.exempt(blp)
    return app


def queue_whatsapp(session, clock, key="wa-1", recipient="+79084944434", **extra):
    return queue_message(session, channel="whatsapp", recipient=recipient, body=TEXT, idempotency_key=key,
                         clock=clock, **extra)


def deliver(app, session, clock, dispatcher, message_id, gateway=None):
    return deliver_message(session, message_id, clock=clock, gateway=gateway or gateway_from_config(app.config),
                           dispatcher=dispatcher)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nobody listens there once the probe is closed


# ----- delivery


def test_a_message_is_delivered_once_with_its_key_token_and_russian_text(app, session, clock, dispatcher,
                                                                         aggregator):
    message = queue_whatsapp(session, clock)
    assert gateway_from_config(app.config).name_for(message) == "http"
    assert deliver(app, session, clock, dispatcher, message.id) == "sent"
    assert deliver(app, session, clock, dispatcher, message.id) == "skipped"

    [request] = aggregator.requests
    assert request["key"] == "wa-1"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["payload"] == {"idempotency_key": "wa-1", "channel": "whatsapp", "to": "+79084944434",
                                  "subject": "", "text": TEXT}
    assert aggregator.deliveries == ["wa-1"]
    row = session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts, row.gateway, row.provider_message_id) == ("sent", 1, "http", "agg-1")


def test_e_mail_and_messengers_take_their_own_gateways(app, session, clock, dispatcher, aggregator):
    sms = queue_message(session, channel="sms", recipient="+79084944434", body="СМС", idempotency_key="sms-1",
                        clock=clock)
    mail = queue_message(session, channel="email", recipient="ivan@example.ru", subject="Тема", body="Письмо",
                         idempotency_key="mail-1", clock=clock)
    assert deliver(app, session, clock, dispatcher, sms.id) == "sent"
    assert deliver(app, session, clock, dispatcher, mail.id) == "sent"
    assert [r["payload"]["channel"] for r in aggregator.requests] == ["sms"]  # e-mail stays on the log gateway
    rows = session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.gateway,
                                  OutboxMessage.provider_message_id).order_by(OutboxMessage.id)).all()
    assert [tuple(r) for r in rows] == [("sms-1", "http", "agg-1"), ("mail-1", "log", "log-mail-1")]


def test_a_send_whose_answer_was_lost_is_not_delivered_twice(app, session, clock, dispatcher, aggregator):
    message = queue_whatsapp(session, clock, key="lost-answer")
    gateway = HttpGateway(url=aggregator.url, token=TOKEN, timeout=5)
    gateway.send(Outgoing.of(message))  # the provider took it, but the worker died before recording it
    assert deliver(app, session, clock, dispatcher, message.id) == "sent"
    assert len(aggregator.requests_for("lost-answer")) == 2
    assert aggregator.deliveries == ["lost-answer"]
    assert session.get(OutboxMessage, message.id).provider_message_id == "agg-1"


def test_provider_errors_are_retried_with_backoff_then_the_message_fails_and_stays_visible(
        app, session, clock, dispatcher, aggregator):
    aggregator.fail_with = 500
    message = queue_whatsapp(session, clock, key="flaky")
    waits = []
    for attempt in range(1, 6):
        before = clock.now()
        assert deliver(app, session, clock, dispatcher, message.id) == "retrying"
        row = session.get(OutboxMessage, message.id)
        assert (row.status, row.attempts) == ("retrying", attempt)
        assert "HTTP 500" in row.last_error and "temporarily unavailable" in row.last_error
        waits.append(row.next_attempt_at - before)
        assert dispatcher.calls[-1] == (row.next_attempt_at, DELIVER_JOB, (message.id,),
                                        f"outbox-{message.id}-a{attempt}")
        clock.advance(seconds=(row.next_attempt_at - before).total_seconds())
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]

    scheduled = len(dispatcher.calls)
    assert deliver(app, session, clock, dispatcher, message.id) == "failed"
    row = session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts, row.next_attempt_at, row.lease_until) == ("failed", 6, None, None)
    assert "HTTP 500" in row.last_error
    assert len(dispatcher.calls) == scheduled  # no automatic retry after the last attempt
    clock.advance(days=1)
    assert deliver(app, session, clock, dispatcher, message.id) == "skipped"
    assert len(aggregator.requests) == 6 and aggregator.deliveries == []

    # Retried by hand once the provider is back: delivered once.
    aggregator.fail_with = None
    assert retry_failed(session, [message.id], actor_id=None, clock=clock, dispatcher=dispatcher) == [message.id]
    assert dispatcher.calls[-1][1:3] == (DELIVER_JOB, (message.id,))
    assert deliver(app, session, clock, dispatcher, message.id) == "sent"
    assert aggregator.deliveries == ["flaky"]
    row = session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")


def test_connection_refused_is_retried(app, session, clock, dispatcher):
    gateway = gateway_from_config({**app.config, "MESSAGE_HTTP_URL": f"http://127.0.0.1:{closed_port()}/send"})
    message = queue_whatsapp(session, clock, key="refused")
    assert deliver(app, session, clock, dispatcher, message.id, gateway=gateway) == "retrying"
    row = session.get(OutboxMessage, message.id)
    assert row.status == "retrying" and "provider unreachable" in row.last_error
    assert row.next_attempt_at == clock.now() + timedelta(minutes=1)


def test_a_wrong_url_setting_is_a_clear_error():
    with pytest.raises(RuntimeError, match="MESSAGE_HTTP_URL"):
        gateway_from_config({"MESSENGER_GATEWAY": "http", "MESSAGE_HTTP_URL": "file:///etc/passwd"})
    with pytest.raises(RuntimeError, match="MESSAGE_HTTP_URL"):
        gateway_from_config({"MESSENGER_GATEWAY": "http"})


# ----- the inbound webhook


def post_inbound(app, clock, **body):
    return post_signed(app, clock, body)


def test_delivery_statuses_update_the_row_and_never_go_back(outbox_api, session, clock, dispatcher, aggregator):
    message = queue_whatsapp(session, clock, key="status-1")
    deliver(outbox_api, session, clock, dispatcher, message.id)

    clock.advance(minutes=1)
    response = post_inbound(outbox_api, clock, type="status", provider_message_id="agg-1", status="delivered")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"type": "status", "id": message.id, "status": "sent",
                                   "provider_status": "delivered"}
    row = session.get(OutboxMessage, message.id)
    assert (row.provider_status, row.provider_status_at) == ("delivered", clock.now())

    read_at = "2026-11-23T12:05:00+03:00"
    assert post_inbound(outbox_api, clock, type="status", provider_message_id="agg-1", status="read",
                        received_at=read_at).status_code == 200
    late = post_inbound(outbox_api, clock, type="status", provider_message_id="agg-1", status="delivered")
    assert late.status_code == 200 and late.get_json()["provider_status"] == "read"
    session.expire_all()
    row = session.get(OutboxMessage, message.id)
    assert row.provider_status == "read" and row.provider_status_at.isoformat() == "2026-11-23T09:05:00+00:00"

    by_key = post_inbound(outbox_api, clock, type="status", provider_message_id="unknown-to-us", idempotency_key="status-1",
                          status="read")
    assert by_key.status_code == 200 and by_key.get_json()["id"] == message.id

    unknown = post_inbound(outbox_api, clock, type="status", provider_message_id="nope", status="delivered")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"


def test_bad_webhook_bodies_are_400(outbox_api, clock):
    assert post_inbound(outbox_api, clock, type="status", provider_message_id="x").status_code == 400
    assert post_inbound(outbox_api, clock, type="reply", provider_message_id="x", text="Да").status_code == 400
    assert post_inbound(outbox_api, clock, type="bounce", provider_message_id="x").status_code == 400
    assert post_inbound(outbox_api, clock, type="reply", provider_message_id="x", channel="telegram",
                        **{"from": "+79084944434"}).status_code == 400
    bad_time = post_inbound(outbox_api, clock, type="status", provider_message_id="x", status="read",
                            received_at="2026-11-23T12:00:00")  # no offset
    assert bad_time.status_code == 400 and "received_at" in bad_time.get_json()["error"]["fields"]
    assert post_inbound(outbox_api, clock, type="reply", provider_message_id="", **{"from": "x"}).status_code == 400


def test_no_staff_token_may_post_to_the_webhook(outbox_api, token_for, api):
    for role in ("admin", "call_center", "supervisor"):
        response = api("POST", "/api/v1/messaging/inbound", token_for(role), json={"type": "status",
                       "provider_message_id": "x", "status": "read"})
        assert response.status_code == 401, role
    assert outbox_api.test_client().post("/api/v1/messaging/inbound", json={}).status_code == 401


@pytest.fixture
def replied_calls(monkeypatch):
    """Calls of leads.service.client_replied (the real function still runs)."""
    import leads.service as leads

    calls, real = [], leads.client_replied

    def spy(session, *, client_id, inbound_id, clock):
        calls.append((client_id, inbound_id))
        return real(session, client_id=client_id, inbound_id=inbound_id, clock=clock)

    monkeypatch.setattr(leads, "client_replied", spy)
    return calls


def test_a_reply_is_stored_once_and_reported_as_a_contact_of_the_client(outbox_api, session, clock, dispatcher,
                                                                        aggregator, replied_calls):
    from app.messaging.models import InboundMessage
    from tests import factories as f

    client = f.client(session, clock, "Петров Иван", phones=["+7 (908) 494-44-34"])
    message = queue_whatsapp(session, clock, key="ask-1", client_id=client.id)
    deliver(outbox_api, session, clock, dispatcher, message.id)
    body = {"type": "reply", "provider_message_id": "in-1", "channel": "whatsapp", "from": "8 908 494 44 34",
            "text": "Да, буду. Спасибо!", "received_at": "2026-11-23T12:30:00+03:00", "idempotency_key": "ask-1",
            "vendor_extra": {"ignored": True}}

    first = post_inbound(outbox_api, clock, **body)
    assert first.status_code == 201, first.get_json()
    reply_id = first.get_json()["id"]
    assert first.get_json() == {"type": "reply", "id": reply_id, "client_id": client.id,
                                "in_reply_to_id": message.id, "created": True}
    again = post_inbound(outbox_api, clock, **body)
    assert again.status_code == 200 and again.get_json()["id"] == reply_id and again.get_json()["created"] is False

    assert session.scalar(select(func.count()).select_from(InboundMessage)) == 1
    row = session.get(InboundMessage, reply_id)
    assert (row.channel, row.sender, row.body, row.client_id) == ("whatsapp", "8 908 494 44 34",
                                                                  "Да, буду. Спасибо!", client.id)
    assert row.received_at.isoformat() == "2026-11-23T09:30:00+00:00"
    assert replied_calls == [(client.id, reply_id)]


def test_a_reply_from_an_unknown_sender_is_stored_without_a_client(outbox_api, session, clock, replied_calls):
    from app.messaging.models import InboundMessage
    from tests import factories as f

    f.client(session, clock, "Сидорова Анна", emails=["anna@example.ru"])
    unknown = post_inbound(outbox_api, clock, type="reply", provider_message_id="in-2", channel="sms",
                           **{"from": "+7 999 000-00-00"}, text="Кто это?")
    assert unknown.status_code == 201 and unknown.get_json()["client_id"] is None
    by_mail = post_inbound(outbox_api, clock, type="reply", provider_message_id="in-3", channel="email",
                           **{"from": "Анна <ANNA@example.ru>"}, text="Перенесите, пожалуйста")
    assert by_mail.status_code == 201 and by_mail.get_json()["client_id"] is not None
    assert session.get(InboundMessage, unknown.get_json()["id"]).received_at == clock.now()
    assert replied_calls == [(by_mail.get_json()["client_id"], by_mail.get_json()["id"])]


# ----- the outbox API


def test_the_outbox_of_a_client_is_keyset_paged_newest_first(outbox_api, session, clock, token_for, api):
    from tests import factories as f

    client = f.client(session, clock, "Петров Иван", phones=["+7 908 494-44-34"])
    other = f.client(session, clock, "Сидоров Пётр", phones=["+7 908 111-22-33"])
    ids = []
    for n in range(3):
        ids.append(queue_whatsapp(session, clock, key=f"page-{n}", client_id=client.id).id)
        clock.advance(minutes=1)
    queue_whatsapp(session, clock, key="other", client_id=other.id)
    token = token_for("sales_manager")

    first = api("GET", f"/api/v1/outbox?client_id={client.id}&limit=2", token)
    assert first.status_code == 200, first.get_json()
    page = first.get_json()
    assert [item["id"] for item in page["items"]] == [ids[2], ids[1]] and page["next"]
    item = page["items"][0]
    assert set(item) == {"id", "channel", "template_code", "status", "created_at", "client_id", "lead_id",
                         "attempts", "next_attempt_at", "provider_status", "sent_at"}
    assert (item["channel"], item["status"], item["client_id"], item["attempts"]) == ("whatsapp", "pending",
                                                                                       client.id, 0)
    second = api("GET", f"/api/v1/outbox?client_id={client.id}&limit=2&cursor={page['next']}", token).get_json()
    assert [item["id"] for item in second["items"]] == [ids[0]] and second["next"] is None

    everything = api("GET", "/api/v1/outbox", token).get_json()
    assert len(everything["items"]) == 4 and everything["next"] is None
    assert api("GET", "/api/v1/outbox?lead_id=999", token).get_json() == {"items": [], "next": None}


def test_the_outbox_api_rejects_bad_input_and_other_roles(outbox_api, token_for, api):
    token = token_for("supervisor")
    assert api("GET", "/api/v1/outbox?cursor=garbage", token).status_code == 400
    assert api("GET", "/api/v1/outbox?limit=0", token).status_code == 400
    assert api("GET", "/api/v1/outbox?client_id=abc", token).status_code == 400
    for role in ("admin", "call_center"):
        assert api("GET", "/api/v1/outbox", token_for(role)).status_code == 200
    for role in ("reception", "service_advisor", "service_admin"):
        assert api("GET", "/api/v1/outbox", token_for(role)).status_code == 403, role


# ----- the admin list


def test_failed_messages_are_visible_and_only_an_admin_can_retry_them(app, session, clock, dispatcher, aggregator,
                                                                     admin_client, make_user, login):
    aggregator.fail_with = 503
    message = queue_whatsapp(session, clock, key="visible")
    for _ in range(6):
        deliver(app, session, clock, dispatcher, message.id)
        clock.advance(hours=1)
    assert session.get(OutboxMessage, message.id).status == "failed"
    retrying = queue_whatsapp(session, clock, key="still-retrying")
    deliver(app, session, clock, dispatcher, retrying.id)

    supervisor = login(make_user("supervisor"))
    page = supervisor.get("/admin/outboxmessage/").get_data(as_text=True)
    assert "HTTP 503" in page  # the last error is shown in the list
    assert 'name="action"' not in page  # no «Retry» for a supervisor
    assert supervisor.post("/admin/outboxmessage/action/", data={"action": "retry", "rowid": [str(message.id)]},
                           ).status_code == 403
    assert session.get(OutboxMessage, message.id).status == "failed"
    filtered = supervisor.get("/admin/outboxmessage/?flt0_0=retrying").get_data(as_text=True)
    assert f"/admin/outboxmessage/details/?id={retrying.id}" in filtered.replace("&amp;", "&")
    assert f"/admin/outboxmessage/details/?id={message.id}&" not in filtered.replace("&amp;", "&")
    assert supervisor.get(f"/admin/outboxmessage/details/?id={message.id}").status_code == 200

    aggregator.fail_with = None
    before = len(dispatcher.calls)
    response = admin_client.post("/admin/outboxmessage/action/",
                                 data={"action": "retry", "rowid": [str(message.id), str(retrying.id)]})
    assert response.status_code == 302
    row = session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts) == ("pending", 0)
    assert session.get(OutboxMessage, retrying.id).status == "retrying"  # only failed ones are put back
    assert [call[1:3] for call in dispatcher.calls[before:]] == [(DELIVER_JOB, (message.id,))]
    audit = session.scalar(select(AuditEntry).where(AuditEntry.entity == "outbox_message"))
    assert audit.entity_id == message.id and audit.changes["status"] == ["failed", "pending"]
    assert audit.actor.username == "boss"
    assert deliver(app, session, clock, dispatcher, message.id) == "sent"
    assert aggregator.deliveries == ["visible"]
