"""Send a message to a client from the card: a visible template, one of the client's contacts, the outbox."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.clock import Clock
from app.domain.errors import NotFound, ValidationFailed
from app.domain.i18n import N_, Message
from app.domain.recipients import recipient_error
from app.messaging.models import OutboxMessage
from app.messaging.service import queue_message, render_message
from app.services.regulations import load_regulations
from clients.models import Client, ClientContact


def template_values(session: Session, client: Client) -> dict[str, str]:
    regs = load_regulations(session)
    car = client.cars[0] if client.cars else None
    return {
        "client_name": client.name,
        "dealer_name": regs.dealer_name,
        "dealer_phone": regs.dealer_phone,
        "car": str(car) if car else "",
        "manager": (client.manager.full_name or client.manager.username) if client.manager else "",
        "visit_at": "",
        "advisor": "",
        "meeting_at": "",
    }


def send_client_message(session: Session, client_id: int, *, template_id: int | None, contact_id: int | None,
                        actor_id: int | None, clock: Clock) -> OutboxMessage:
    from catalogs.models import MessageTemplate

    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(N_("The client no longer exists."))
    template = session.get(MessageTemplate, template_id) if template_id else None
    if template is None or not template.show_in_list:
        problem = Message(N_("Choose a message template."))
        raise ValidationFailed(problem.text, fields={"template_id": problem})
    contact = session.get(ClientContact, contact_id) if contact_id else None
    if contact is None or contact.client_id != client.id:
        problem = Message(N_("Choose one of the client's contacts."))
        raise ValidationFailed(problem.text, fields={"contact_id": problem})
    problem = recipient_error(template.channel, contact.value)
    if problem is not None:
        raise ValidationFailed(problem.text, fields={"contact_id": problem}, **problem.params)
    rendered = render_message(template, template_values(session, client))  # refuses a message with a hole
    return queue_message(
        session, channel=template.channel, recipient=contact.value, subject=rendered.subject, body=rendered.body,
        template=template, idempotency_key=f"client-{client.id}-{uuid.uuid4().hex}", created_by_id=actor_id,
        client_id=client.id, clock=clock,
    )
