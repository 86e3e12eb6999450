"""«Отправить тестовое сообщение»: an admin checks a message template end to end, rendered with sample values and
sent through the outbox."""

from __future__ import annotations

import uuid

from flask import flash, redirect, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import StringField
from wtforms.validators import Length

from app.admin.base import domain_error_message
from app.clock import Clock, get_clock
from app.domain.errors import DomainError, NotFound, ValidationFailed
from app.domain.recipients import recipient_error
from app.messaging.models import OutboxMessage
from app.messaging.service import queue_message, render_message
from app.services.regulations import load_regulations
from catalogs.models import MessageTemplate


def send_test_message(session: Session, template_id: int, recipient: str, *, sample: dict, actor_id: int | None,
                      clock: Clock) -> OutboxMessage:
    """An admin checks a template end to end: render it with sample values and send it."""
    template = session.get(MessageTemplate, template_id)
    if template is None:
        raise NotFound("The template no longer exists.")
    problem = recipient_error(template.channel, recipient)
    if problem is not None:
        raise ValidationFailed(problem.text, fields={"recipient": problem.text}, **problem.params)
    rendered = render_message(template, sample, field="recipient")  # the dealership's name or phone may be unset
    return queue_message(
        session,
        channel=template.channel,
        recipient=recipient,
        subject=rendered.subject,
        body=rendered.body,
        template=template,
        idempotency_key=f"test-{template.id}-{uuid.uuid4().hex}",
        created_by_id=actor_id,
        clock=clock,
    )


class SendTestForm(FlaskForm):
    recipient = StringField(_l("Recipient (phone or e-mail)"), validators=[Length(max=200)])


def sample_values(regs) -> dict[str, str]:
    return {
        "client_name": "Иван Петров",
        "visit_at": "24.11.2026 10:00",
        "advisor": "Сергей Смирнов",
        "dealer_name": regs.dealer_name,
        "dealer_phone": regs.dealer_phone,
        "car": "Toyota Camry, А123ВС777",
        "manager": "Ольга Иванова",
        "meeting_at": "25.11.2026 15:30",
    }


def handle_send_test(view, template_id: int):
    template = view.db_session.get(MessageTemplate, template_id)
    if template is None:
        flash(gettext("The template no longer exists."), "error")
        return redirect(view.get_url(".index_view"))
    form = SendTestForm()
    if form.validate_on_submit():
        try:
            message = send_test_message(
                view.db_session, template_id, form.recipient.data or "",
                sample=sample_values(load_regulations(view.db_session)), actor_id=current_user.id,
                clock=get_clock(),
            )
        except DomainError as exc:
            view.db_session.rollback()
            form.recipient.errors = [*form.recipient.errors, domain_error_message(exc)]
        else:
            flash(gettext("The message is in the outbox (no. %(id)s); a worker will deliver it.", id=message.id),
                  "success")
            return redirect(view.get_url("outboxmessage.index_view"))
    status = 400 if request.method == "POST" else 200
    return view.render("admin/catalog/send_test.html", form=form, message_template=template), status
