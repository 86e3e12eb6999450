"""The outbox list and the «send a test message» page of message templates."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from admin_views.base import JournalView, domain_error_message
from app.clock import get_clock
from app.domain.errors import DomainError
from app.domain.roles import Role
from app.i18n import format_local
from app.jobs import get_dispatcher
from app.services.outbox import send_test_message
from app.services.regulations import load_regulations
from catalogs.labels import MESSAGE_CHANNEL_LABELS

STATUS_LABELS = {
    "pending": _l("Waiting"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}


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
    from catalogs.models import MessageTemplate

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
                clock=get_clock(), dispatcher=get_dispatcher(),
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


class OutboxView(JournalView):
    allowed_roles = frozenset({Role.ADMIN, Role.SUPERVISOR})
    can_view_details = True
    column_list = ("id", "created_at", "channel", "template_code", "recipient", "body", "status", "attempts",
                   "sent_at", "last_error")
    column_filters = ("status", "channel", "template_code")
    column_labels = {
        "id": _l("No."),
        "created_at": _l("Created"),
        "channel": _l("Channel"),
        "template_code": _l("Template"),
        "recipient": _l("Recipient"),
        "body": _l("Text"),
        "status": _l("Status"),
        "attempts": _l("Attempts"),
        "sent_at": _l("Sent at"),
        "last_error": _l("Last error"),
    }
    column_formatters = {
        "status": lambda v, c, m, n: STATUS_LABELS.get(m.status, m.status),
        "body": lambda v, c, m, n: (m.body[:60] + "…") if len(m.body) > 60 else m.body,
        "created_at": lambda v, c, m, n: format_local(m.created_at),
        "channel": lambda v, c, m, n: MESSAGE_CHANNEL_LABELS.get(m.channel, m.channel),
        "sent_at": lambda v, c, m, n: format_local(m.sent_at),
    }
