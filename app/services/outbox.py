"""The outbox: messages are rows first; a worker claims each one and delivers it exactly once."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from app.clock import Clock
from app.domain.errors import NotFound, ValidationFailed
from app.domain.recipients import recipient_error
from app.domain.templates import render_template_body
from app.gateways import Gateway
from app.models.outbox import OutboxMessage

DELIVER_JOB = "tasks.outbox.deliver_message"
SEND_LEASE = timedelta(minutes=5)


def queue_message(
    session: Session,
    *,
    channel: str,
    recipient: str,
    body: str,
    idempotency_key: str,
    clock: Clock,
    dispatcher,
    subject: str = "",
    template=None,
    created_by_id: int | None = None,
    client_id: int | None = None,
) -> OutboxMessage:
    """Write the message row, commit, then ask a worker to deliver it."""
    message = OutboxMessage(
        idempotency_key=idempotency_key,
        channel=channel,
        recipient=recipient.strip(),
        subject=subject,
        body=body,
        template_id=template.id if template is not None else None,
        template_code=template.code if template is not None else None,
        status="pending",
        attempts=0,
        created_by_id=created_by_id,
        client_id=client_id,
        created_at=clock.now(),
    )
    session.add(message)
    session.commit()
    dispatcher.enqueue(DELIVER_JOB, message.id, job_id=f"outbox-{message.id}")
    return message


def send_test_message(session: Session, template_id: int, recipient: str, *, sample: dict, actor_id: int | None,
                      clock: Clock, dispatcher) -> OutboxMessage:
    """An admin checks a template end to end: render it with sample values and send it."""
    from catalogs.models import MessageTemplate

    template = session.get(MessageTemplate, template_id)
    if template is None:
        raise NotFound("The template no longer exists.")
    problem = recipient_error(template.channel, recipient)
    if problem is not None:
        raise ValidationFailed(problem.text, fields={"recipient": problem.text}, **problem.params)
    return queue_message(
        session,
        channel=template.channel,
        recipient=recipient,
        subject=render_template_body(template.subject, sample),
        body=render_template_body(template.body, sample),
        template=template,
        idempotency_key=f"test-{template.id}-{uuid.uuid4().hex}",
        created_by_id=actor_id,
        clock=clock,
        dispatcher=dispatcher,
    )


def deliver_message(session: Session, message_id: int, *, clock: Clock, gateway: Gateway) -> str:
    """Claim the row (only one worker can), deliver through the gateway, mark it sent.

    Returns "sent", "failed" or "skipped" (already sent, or another worker holds the lease).
    """
    now = clock.now()
    claimed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            or_(
                OutboxMessage.status == "pending",
                (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now),
            ),
        )
        .values(status="sending", lease_until=now + SEND_LEASE, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if claimed.rowcount != 1:
        return "skipped"
    message = session.get(OutboxMessage, message_id)
    session.refresh(message)
    try:
        provider_id = gateway.send(message)
    except Exception as exc:  # noqa: BLE001 - any provider failure is recorded on the row
        message.status = "failed"
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        message.lease_until = None
        session.commit()
        return "failed"
    message.status = "sent"
    message.sent_at = clock.now()
    message.provider_message_id = provider_id
    message.lease_until = None
    message.last_error = ""
    session.commit()
    return "sent"
