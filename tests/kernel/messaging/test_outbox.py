"""Delivery through the outbox: claimed once, delivered once, failures recorded."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.messaging.models import OutboxMessage
from app.messaging.service import deliver_message, queue_message


class CountingGateway:
    name = "counting"

    def __init__(self, fail: bool = False):
        self.sent: list[str] = []
        self.fail = fail

    def send(self, message):
        if self.fail:
            raise ConnectionError("provider down")
        self.sent.append(message.idempotency_key)
        return f"p-{len(self.sent)}"


def _queue(session, clock, dispatcher, key="k-1"):
    return queue_message(session, channel="sms", recipient="+79084944434", body="Тест", idempotency_key=key,
                         clock=clock)


def test_a_message_is_delivered_once_even_if_the_job_runs_twice(session, clock, dispatcher):
    message = _queue(session, clock, dispatcher)
    gateway = CountingGateway()
    assert deliver_message(session, message.id, clock=clock, gateway=gateway) == "sent"
    assert deliver_message(session, message.id, clock=clock, gateway=gateway) == "skipped"
    assert gateway.sent == ["k-1"]
    row = session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts, row.provider_message_id) == ("sent", 1, "p-1")


def test_a_held_lease_blocks_a_second_worker_until_it_expires(session, clock, dispatcher):
    message = _queue(session, clock, dispatcher)
    session.get(OutboxMessage, message.id).status = "sending"
    session.get(OutboxMessage, message.id).lease_until = clock.now() + timedelta(minutes=5)
    session.commit()
    gateway = CountingGateway()
    assert deliver_message(session, message.id, clock=clock, gateway=gateway) == "skipped"
    clock.advance(minutes=6)
    assert deliver_message(session, message.id, clock=clock, gateway=gateway) == "sent"
    assert gateway.sent == ["k-1"]


def test_a_provider_failure_is_recorded_on_the_row_and_retried_later(session, clock, dispatcher):
    message = _queue(session, clock, dispatcher)
    assert deliver_message(session, message.id, clock=clock, gateway=CountingGateway(fail=True),
                           dispatcher=dispatcher) == "retrying"
    row = session.scalar(select(OutboxMessage))
    assert row.status == "retrying" and "provider down" in row.last_error
    assert row.next_attempt_at == clock.now() + timedelta(minutes=1)


def test_the_same_idempotency_key_is_queued_once(session, clock, dispatcher):
    from sqlalchemy import func

    first = _queue(session, clock, dispatcher)
    again = _queue(session, clock, dispatcher)
    assert again.id == first.id
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
