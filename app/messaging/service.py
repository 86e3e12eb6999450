"""The outbox: messages are rows first; a worker claims each one and delivers it exactly once.

Life of a row: pending → sending (claimed, with a lease) → sent; a failed send → retrying (with
`next_attempt_at`, re-enqueued for that time) → sending → … → failed after the last attempt (visible in
the outbox list, retried only by hand). A row whose worker died while sending stays "sending" until its
lease expires; then the reconciler re-enqueues it and the next claim takes it over. The idempotency key
travels to the provider with every attempt, so a send repeated after a crash is recognised there.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.clock import Clock
from app.domain.errors import NotFound, ValidationFailed
from app.domain.i18n import N_, Message
from app.domain.templates import render_template_body, unfilled_placeholders
from app.jobs import rq_time
from app.messaging.gateways import Gateway
from app.messaging.models import OutboxMessage
from app.messaging.rules import (
    MAX_SEND_ATTEMPTS,
    normalise_provider_status,
    provider_status_advances,
    retry_delay,
    should_retry,
)

log = logging.getLogger(__name__)

DELIVER_JOB = "tasks.outbox.deliver_message"
DEALER_PLACEHOLDERS = frozenset({"dealer_name", "dealer_phone"})  # settings, not the recipient's data
SEND_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def unfilled_message(template_name: str, unfilled: list[str]) -> Message:
    """Why a message is not sent: the placeholders without a value, named as the template writes them."""
    params = {"template": template_name, "placeholders": ", ".join("{" + name + "}" for name in unfilled)}
    if DEALER_PLACEHOLDERS & set(unfilled):
        return Message(N_("«%(template)s» is not sent: no value for %(placeholders)s. The dealership's name "
                          "and phone are filled in on the settings page."), params)
    return Message(N_("«%(template)s» is not sent: no value for %(placeholders)s."), params)


def render_message(template, values: Mapping[str, object], *, field: str = "template_id") -> Rendered:
    """The subject and body of a template to send, filled with `values`. A placeholder it uses without a
    value refuses the send (ValidationFailed on `field`, the placeholders in `params["unfilled"]`): a message
    never leaves with a hole, and no outbox row is made for it."""
    unfilled = unfilled_placeholders((template.subject or "", template.body or ""), values)
    if unfilled:
        problem = unfilled_message(template.name, unfilled)
        raise ValidationFailed(problem.text, fields={field: problem}, unfilled=unfilled, **problem.params)
    return Rendered(render_template_body(template.subject or "", values), render_template_body(template.body, values))


def add_message(
    session: Session,
    *,
    channel: str,
    recipient: str,
    body: str,
    idempotency_key: str,
    clock: Clock,
    subject: str = "",
    template=None,
    created_by_id: int | None = None,
    client_id: int | None = None,
    lead_id: int | None = None,
) -> OutboxMessage:
    """Add the message row in the caller's transaction (flushed, not committed); the session hook sends it
    to a worker after the commit. The same idempotency key again returns the existing row."""
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key))
    if existing is not None:
        return existing
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
        lead_id=lead_id,
        created_at=clock.now(),
    )
    session.add(message)
    session.flush()
    return message


def queue_message(session: Session, *, clock: Clock, **fields) -> OutboxMessage:
    """Write the message row and commit; a worker is asked to deliver it after the commit."""
    message = add_message(session, clock=clock, **fields)
    session.commit()
    return message


@dataclass(frozen=True)
class Outgoing:
    """What a gateway needs of a row, read before the send so no database transaction stays open during it."""

    id: int
    idempotency_key: str
    channel: str
    recipient: str
    subject: str
    body: str

    @classmethod
    def of(cls, row: OutboxMessage) -> Outgoing:
        return cls(row.id, row.idempotency_key, row.channel, row.recipient, row.subject or "", row.body or "")


def _gateway_name(gateway: Gateway, message: Outgoing) -> str:
    name_for = getattr(gateway, "name_for", None)
    name = name_for(message) if callable(name_for) else getattr(gateway, "name", "")
    return (name or "")[:16]


def _claimable(now: datetime):
    return or_(
        OutboxMessage.status == "pending",
        (OutboxMessage.status == "retrying")
        & (OutboxMessage.next_attempt_at.is_(None) | (OutboxMessage.next_attempt_at <= now)),
        (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now),
    )


def deliver_message(session: Session, message_id: int, *, clock: Clock, gateway: Gateway, dispatcher=None,
                    max_attempts: int = MAX_SEND_ATTEMPTS, lease: timedelta = SEND_LEASE) -> str:
    """Claim the row (only one worker can), deliver it through the gateway, record the outcome.

    Returns "sent"; "retrying" (failed, another attempt is scheduled with `dispatcher`); "failed" (the last
    attempt failed); or "skipped" (already sent or failed, not due yet, or another worker holds the lease).
    """
    now = clock.now()
    claimed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(status="sending", lease_until=now + lease, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if claimed.rowcount != 1:
        _reschedule_if_early(session, message_id, now=now, dispatcher=dispatcher)
        return "skipped"
    row = session.get(OutboxMessage, message_id)
    session.refresh(row)
    attempt, message = row.attempts, Outgoing.of(row)
    session.commit()  # no transaction stays open while the provider is talking
    gateway_name = _gateway_name(gateway, message)
    try:
        provider_id = gateway.send(message)
    except Exception as exc:  # noqa: BLE001 - any provider failure is recorded on the row and retried
        session.rollback()
        return _record_failure(session, message_id, attempt, exc, gateway_name=gateway_name, clock=clock,
                               dispatcher=dispatcher, max_attempts=max_attempts)
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status != "sent")
        .values(status="sent", sent_at=clock.now(), provider_message_id=(provider_id or "")[:120] or None,
                lease_until=None, next_attempt_at=None, last_error="", gateway=gateway_name)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    log.info("outbox message %s sent through %s (attempt %s)", message_id, gateway_name, attempt)
    return "sent"


def _record_failure(session: Session, message_id: int, attempt: int, exc: Exception, *, gateway_name: str,
                    clock: Clock, dispatcher, max_attempts: int) -> str:
    retry = should_retry(attempt, max_attempts)
    next_at = clock.now() + retry_delay(attempt) if retry else None
    error = f"{type(exc).__name__}: {exc}"[:2000]
    # Only the holder of this attempt may record its failure: if the lease ran out meanwhile, another
    # worker owns the row now (and may already have sent it).
    recorded = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending", OutboxMessage.attempts == attempt)
        .values(status="retrying" if retry else "failed", last_error=error, lease_until=None,
                next_attempt_at=next_at, gateway=gateway_name)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if recorded.rowcount != 1:
        log.warning("outbox message %s: attempt %s failed (%s) after another worker took it over", message_id,
                    attempt, error)
        return "skipped"
    if not retry:
        log.error("outbox message %s failed for good after %s attempts: %s", message_id, attempt, error)
        return "failed"
    log.warning("outbox message %s: attempt %s failed (%s); next attempt at %s", message_id, attempt, error,
                next_at.isoformat())
    _dispatcher(dispatcher).enqueue_at(rq_time(next_at), DELIVER_JOB, message_id,
                                       job_id=f"outbox-{message_id}-a{attempt}")
    return "retrying"


def _reschedule_if_early(session: Session, message_id: int, *, now: datetime, dispatcher) -> None:
    """A retry job that ran before its time (clock skew between machines) goes back to RQ, else it is lost
    until the reconciler's next pass."""
    due = session.scalar(select(OutboxMessage.next_attempt_at).where(
        OutboxMessage.id == message_id, OutboxMessage.status == "retrying"))
    session.rollback()
    if due is not None and due > now:
        when = rq_time(due)
        _dispatcher(dispatcher).enqueue_at(when, DELIVER_JOB, message_id,
                                           job_id=f"outbox-{message_id}-e{int(when.timestamp())}")
        log.info("outbox message %s: early, re-scheduled for %s", message_id, when.isoformat())
    else:
        log.info("outbox message %s: already sent, failed, or held by another worker", message_id)


def _dispatcher(dispatcher):
    if dispatcher is not None:
        return dispatcher
    from app.jobs import get_dispatcher

    return get_dispatcher()


def retry_failed(session: Session, message_ids: list[int], *, actor_id: int | None, clock: Clock,
                 dispatcher=None) -> list[int]:
    """Put failed messages back in the queue (by hand): pending, attempts from zero, one audit entry each.

    Rows that are not "failed" (already retried, sent meanwhile) are left alone. Returns the ids queued.
    """
    from app.audit.models import AuditEntry

    now = clock.now()
    rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(message_ids),
                                                            OutboxMessage.status == "failed")))
    queued = []
    for row in rows:
        done = session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.status == "failed")
            .values(status="pending", attempts=0, next_attempt_at=None, lease_until=None)
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            continue
        session.add(AuditEntry(at=now, actor_id=actor_id, entity=OutboxMessage.__tablename__, entity_id=row.id,
                               entity_label=f"{row.channel} {row.recipient}"[:200], action="update",
                               changes={"status": ["failed", "pending"], "attempts": [row.attempts, 0]}))
        queued.append(row.id)
    session.commit()
    target = _dispatcher(dispatcher)
    for message_id in queued:
        target.enqueue(DELIVER_JOB, message_id, job_id=f"outbox-{message_id}-m{int(now.timestamp())}")
    return queued


def find_message(session: Session, *, provider_message_id: str | None = None,
                 idempotency_key: str | None = None) -> OutboxMessage | None:
    """The outbox row a provider talks about: by its message id, else by our idempotency key."""
    row = None
    if provider_message_id:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.provider_message_id == provider_message_id)
                             .order_by(OutboxMessage.id).limit(1))
    if row is None and idempotency_key:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key))
    return row


def record_provider_status(session: Session, *, status: str, clock: Clock, provider_message_id: str | None = None,
                           idempotency_key: str | None = None, at: datetime | None = None) -> OutboxMessage:
    """A delivery status from the provider (delivered, read, failed …) on its outbox row; committed.

    Statuses may arrive out of order: one earlier in the life of a message than the recorded one is ignored.
    The row's own status is not changed: "sent" means the provider took it; this is what happened next.
    """
    row = find_message(session, provider_message_id=provider_message_id, idempotency_key=idempotency_key)
    if row is None:
        raise NotFound(N_("No outgoing message has this provider id."))
    if provider_status_advances(row.provider_status, status):
        row.provider_status = normalise_provider_status(status)
        row.provider_status_at = at or clock.now()
    session.commit()
    return row


# ----- what the outbox plugs into the timer engine


def resend_stuck(session: Session, *, now: datetime, grace: timedelta, bucket: int, dispatcher) -> int:
    """The reconciler's pass over the outbox: rows Redis lost, retries whose time came, expired send leases."""
    stuck = list(session.scalars(select(OutboxMessage.id).where(or_(
        (OutboxMessage.status == "pending") & (OutboxMessage.created_at <= now - grace),
        (OutboxMessage.status == "retrying") & or_(OutboxMessage.next_attempt_at.is_(None),
                                                   OutboxMessage.next_attempt_at <= now - grace),
        (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now),
    )).limit(5_000)))
    for message_id in stuck:
        dispatcher.enqueue(DELIVER_JOB, message_id, job_id=f"outbox-{message_id}-r{bucket}")
    return len(stuck)


def _send_new(dispatcher, message_id: int) -> None:
    dispatcher.enqueue(DELIVER_JOB, message_id, job_id=f"outbox-{message_id}")


def register_with_timers(registry) -> None:
    """New messages go to RQ after their commit; the reconciler re-enqueues the stuck ones."""
    registry.dispatch_after_commit(OutboxMessage, lambda message: message.id, _send_new)
    registry.add_resender("messages", resend_stuck)
