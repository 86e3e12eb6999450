"""E-mail through a real local SMTP server (aiosmtpd): delivered once with its Russian text and the
idempotency key in the headers; the server down → retried with backoff, then delivered once."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import ssl
import subprocess
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from app.messaging.gateways import GatewayRouter, SmtpGateway, email_message_id, gateway_from_config
from app.messaging.models import OutboxMessage
from app.messaging.service import DELIVER_JOB, deliver_message, queue_message
from tests.conftest import missing

SUBJECT = "Напоминание о визите в «Автоцентр Север»"
BODY = "Здравствуйте, Иван Петрович!\nЖдём вас 24.11.2026 в 10:00. Ответьте «Да», если всё в силе. Ёжик — ёлка."
SENDER = "Автоцентр Север <robot@dealer.example>"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the SMTP server received (kept across restarts of the server)."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [email.message_from_bytes(e.original_content or e.content, policy=email.policy.default)
                for e in self.envelopes]


class LocalSmtp:
    """A real SMTP server on 127.0.0.1 that a test can stop and start again on the same port."""

    def __init__(self, port: int, **options) -> None:
        self.port, self.options, self.inbox, self.controller = port, options, Inbox(), None

    def start(self) -> LocalSmtp:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp(smtp_port):
    server = LocalSmtp(smtp_port)
    yield server
    server.stop()


@pytest.fixture
def app_config(smtp_port) -> dict:
    return {"EMAIL_GATEWAY": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port, "MAIL_FROM": SENDER,
            "MAIL_TIMEOUT": 5}


def queue_email(session, clock, key="visit-reminder-1", recipient="ivan.petrov@example.ru"):
    return queue_message(session, channel="email", recipient=recipient, subject=SUBJECT, body=BODY,
                         idempotency_key=key, clock=clock)


def test_an_email_is_delivered_once_with_its_russian_text_and_idempotency_headers(app, session, clock, dispatcher,
                                                                                  smtp):
    smtp.start()
    message = queue_email(session, clock)
    gateway = gateway_from_config(app.config)
    assert isinstance(gateway, GatewayRouter) and gateway.name_for(message) == "smtp"

    assert deliver_message(session, message.id, clock=clock, gateway=gateway, dispatcher=dispatcher) == "sent"
    assert deliver_message(session, message.id, clock=clock, gateway=gateway, dispatcher=dispatcher) == "skipped"

    [envelope] = smtp.inbox.envelopes
    assert envelope.mail_from == "robot@dealer.example" and envelope.rcpt_tos == ["ivan.petrov@example.ru"]
    [received] = smtp.inbox.messages()
    assert received["Subject"] == SUBJECT
    assert received.get_content().rstrip("\n") == BODY
    assert received["X-Idempotency-Key"] == "visit-reminder-1"
    assert received["Message-ID"] == email_message_id("visit-reminder-1", "dealer.example")
    assert received["Message-ID"].startswith("<visit-reminder-1.") and received["Message-ID"].endswith(
        "@dealer.example>")
    assert str(received["From"]) == SENDER
    row = session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts, row.gateway, row.last_error) == ("sent", 1, "smtp", "")
    assert row.provider_message_id == received["Message-ID"]
    assert dispatcher.calls == [(None, DELIVER_JOB, (message.id,), f"outbox-{message.id}")]  # only the first send


def test_the_rq_job_delivers_through_the_configured_gateway(app, session, clock, dispatcher, smtp):
    from tasks.outbox import deliver_message as job

    smtp.start()
    message_id = queue_email(session, clock, key="job-1").id
    assert job(message_id) == "sent"
    assert job(message_id) == "skipped"
    assert len(smtp.inbox.envelopes) == 1
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))
    assert row.gateway == "smtp" and row.status == "sent"


def test_server_down_means_retry_with_backoff_then_one_delivery(app, session, clock, dispatcher, smtp):
    message = queue_email(session, clock, key="down-1")
    gateway = gateway_from_config(app.config)
    failed_at = clock.now()

    assert deliver_message(session, message.id, clock=clock, gateway=gateway, dispatcher=dispatcher) == "retrying"
    row = session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts, row.gateway, row.lease_until) == ("retrying", 1, "smtp", None)
    assert row.next_attempt_at == failed_at + timedelta(minutes=1)
    assert "SMTP 127.0.0.1" in row.last_error and "refused" in row.last_error.lower()
    assert dispatcher.calls[-1] == (row.next_attempt_at, DELIVER_JOB, (message.id,), f"outbox-{message.id}-a1")

    # Too early (a job run before its time): nothing is sent, the retry is put back for its time.
    clock.advance(seconds=30)
    assert deliver_message(session, message.id, clock=clock, gateway=gateway, dispatcher=dispatcher) == "skipped"
    assert session.get(OutboxMessage, message.id).attempts == 1
    assert dispatcher.calls[-1][0] == failed_at + timedelta(minutes=1) and dispatcher.calls[-1][1] == DELIVER_JOB

    clock.advance(seconds=30)
    smtp.start()
    assert deliver_message(session, message.id, clock=clock, gateway=gateway, dispatcher=dispatcher) == "sent"
    assert deliver_message(session, message.id, clock=clock, gateway=gateway, dispatcher=dispatcher) == "skipped"
    row = session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts, row.last_error, row.next_attempt_at) == ("sent", 2, "", None)
    assert [m["X-Idempotency-Key"] for m in smtp.inbox.messages()] == ["down-1"]


def test_a_server_going_away_between_attempts_keeps_the_message_retrying(app, session, clock, dispatcher, smtp):
    smtp.start()
    first = queue_email(session, clock, key="a-1")
    gateway = gateway_from_config(app.config)
    assert deliver_message(session, first.id, clock=clock, gateway=gateway, dispatcher=dispatcher) == "sent"
    smtp.stop()
    second = queue_email(session, clock, key="a-2")
    assert deliver_message(session, second.id, clock=clock, gateway=gateway, dispatcher=dispatcher) == "retrying"
    statuses = dict(session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.status)).all())
    assert statuses == {"a-1": "sent", "a-2": "retrying"}


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    if shutil.which("openssl") is None:
        missing("openssl", "install Debian's openssl package")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def test_starttls_and_login(app, session, clock, dispatcher, smtp_port, certificate):
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, smtp_session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"robot@dealer.example", "пароль-1".encode())
        logins.append(ok)
        return AuthResult(success=ok, handled=False)

    server = LocalSmtp(smtp_port, tls_context=server_tls, require_starttls=True, authenticator=authenticator,
                       auth_required=True).start()
    try:
        gateway = SmtpGateway(host="127.0.0.1", port=smtp_port, sender=SENDER, use_tls=True,
                              username="robot@dealer.example", password="пароль-1", timeout=5,
                              ssl_context=ssl.create_default_context(cafile=str(cert)))
        message = queue_email(session, clock, key="tls-1")
        result = deliver_message(session, message.id, clock=clock, gateway=gateway, dispatcher=dispatcher)
        assert result == "sent", session.get(OutboxMessage, message.id).last_error
        assert logins == [True]
        assert server.inbox.messages()[0].get_content().rstrip("\n") == BODY

        wrong = SmtpGateway(host="127.0.0.1", port=smtp_port, sender=SENDER, use_tls=True,
                            username="robot@dealer.example", password="wrong", timeout=5,
                            ssl_context=ssl.create_default_context(cafile=str(cert)))
        other = queue_email(session, clock, key="tls-2")
        assert deliver_message(session, other.id, clock=clock, gateway=wrong, dispatcher=dispatcher) == "retrying"
        assert "SMTPAuthenticationError" in session.get(OutboxMessage, other.id).last_error
        assert len(server.inbox.envelopes) == 1
    finally:
        server.stop()


def test_settings_that_cannot_work_fail_loudly():
    with pytest.raises(RuntimeError, match="MAIL_USE_TLS"):
        SmtpGateway(host="h", port=25, sender="a@b.c", use_tls=True, use_ssl=True)
    with pytest.raises(RuntimeError, match="MAIL_FROM"):
        gateway_from_config({"EMAIL_GATEWAY": "smtp", "MAIL_SERVER": "h", "MAIL_FROM": ""})
    with pytest.raises(RuntimeError, match="EMAIL_GATEWAY.*'http'"):
        gateway_from_config({"EMAIL_GATEWAY": "http", "MESSAGE_HTTP_URL": "http://127.0.0.1:1/"})
    with pytest.raises(RuntimeError, match="MESSENGER_GATEWAY.*'smtp'.*MESSAGE_GATEWAY"):
        gateway_from_config({"MESSAGE_GATEWAY": "smtp", "MAIL_FROM": "a@b.c"})
    with pytest.raises(RuntimeError, match="unknown gateway 'pigeon'"):
        gateway_from_config({"MESSAGE_GATEWAY": "pigeon"})
    router = gateway_from_config({})
    assert (router.email.name, router.messenger.name) == ("log", "log")


def test_message_ids_are_stable_and_safe():
    first = email_message_id("lead:5 step/2", "dealer.example")
    assert first == email_message_id("lead:5 step/2", "dealer.example")
    assert first != email_message_id("lead-5 step/2", "dealer.example")
    assert " " not in first and ":" not in first and first.endswith("@dealer.example>")
