"""The outbox: every outgoing message with its delivery state, and the «Retry» action."""

from __future__ import annotations

from flask import abort, flash
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from app.admin.base import ADMIN_ONLY, JournalView
from app.clock import get_clock
from app.domain.roles import Role
from app.i18n import format_local
from app.jobs import get_dispatcher
from app.messaging.labels import MESSAGE_CHANNEL_LABELS, PROVIDER_STATUS_LABELS, STATUS_LABELS
from app.messaging.models import OutboxMessage
from app.messaging.service import retry_failed


def _short(text: str | None, limit: int) -> str:
    text = text or ""
    return (text[:limit] + "…") if len(text) > limit else text


def _status_cell(message: OutboxMessage) -> Markup:
    """«Повтор · попыток: 2 · след. 12:05» / «Отправлено 12:01 · Доставлено» in one cell."""
    parts = [escape(STATUS_LABELS.get(message.status, message.status))]
    if message.attempts:
        parts.append(escape(gettext("attempts: %(n)s", n=message.attempts)))
    if message.status == "retrying" and message.next_attempt_at:
        parts.append(escape(gettext("next %(at)s", at=format_local(message.next_attempt_at))))
    if message.sent_at:
        parts.append(escape(format_local(message.sent_at)))
    if message.provider_status:
        parts.append(escape(PROVIDER_STATUS_LABELS.get(message.provider_status, message.provider_status)))
    return Markup("<br>").join(parts)


class OutboxView(JournalView):
    """Every outgoing message with its delivery state; admins put failed ones back in the queue."""

    allowed_roles = frozenset({Role.ADMIN, Role.SUPERVISOR})
    edit_roles = ADMIN_ONLY  # the «Retry» action
    can_view_details = True
    # The list stays narrow: the status cell says attempts, next attempt / sent time and the provider's status;
    # the rest (gateway, keys, client and lead) is on the details page.
    column_list = ("id", "created_at", "channel", "template_code", "recipient", "body", "status", "last_error")
    column_details_list = ("id", "idempotency_key", "created_at", "channel", "template_code", "recipient", "subject",
                           "body", "status", "attempts", "next_attempt_at", "lease_until", "sent_at", "gateway",
                           "provider_message_id", "provider_status", "provider_status_at", "client_id", "lead_id",
                           "last_error")
    column_filters = (
        FilterEqual(OutboxMessage.status, _l("Status"), options=tuple(STATUS_LABELS.items())),
        FilterEqual(OutboxMessage.channel, _l("Channel"), options=tuple(MESSAGE_CHANNEL_LABELS.items())),
        "template_code",
    )
    column_labels = {
        "id": _l("No."),
        "idempotency_key": _l("Idempotency key"),
        "created_at": _l("Created"),
        "channel": _l("Channel"),
        "template_code": _l("Template"),
        "recipient": _l("Recipient"),
        "subject": _l("Subject"),
        "body": _l("Text"),
        "status": _l("Status"),
        "attempts": _l("Attempts"),
        "next_attempt_at": _l("Next attempt"),
        "lease_until": _l("Sending until"),
        "sent_at": _l("Sent at"),
        "gateway": _l("Gateway"),
        "provider_message_id": _l("Provider message id"),
        "provider_status": _l("Provider status"),
        "provider_status_at": _l("Provider status at"),
        "client_id": _l("Client"),
        "lead_id": _l("Lead"),
        "last_error": _l("Last error"),
    }
    column_formatters = {
        "status": lambda v, c, m, n: _status_cell(m),
        "body": lambda v, c, m, n: _short(m.body, 60),
        "created_at": lambda v, c, m, n: format_local(m.created_at),
        "channel": lambda v, c, m, n: MESSAGE_CHANNEL_LABELS.get(m.channel, m.channel),
        "sent_at": lambda v, c, m, n: format_local(m.sent_at),
        "next_attempt_at": lambda v, c, m, n: format_local(m.next_attempt_at) if m.status == "retrying" else "",
        "provider_status": lambda v, c, m, n: PROVIDER_STATUS_LABELS.get(m.provider_status, m.provider_status),
        "last_error": lambda v, c, m, n: _short(m.last_error, 120),
    }
    column_formatters_detail = {
        "status": lambda v, c, m, n: STATUS_LABELS.get(m.status, m.status),
        "channel": lambda v, c, m, n: MESSAGE_CHANNEL_LABELS.get(m.channel, m.channel),
        "created_at": lambda v, c, m, n: format_local(m.created_at),
        "sent_at": lambda v, c, m, n: format_local(m.sent_at),
        "next_attempt_at": lambda v, c, m, n: format_local(m.next_attempt_at),
        "lease_until": lambda v, c, m, n: format_local(m.lease_until),
        "provider_status": lambda v, c, m, n: PROVIDER_STATUS_LABELS.get(m.provider_status, m.provider_status),
        "provider_status_at": lambda v, c, m, n: format_local(m.provider_status_at),
    }

    def is_action_allowed(self, name: str) -> bool:
        if name == "retry":
            return self.can_write()
        return super().is_action_allowed(name)

    @action("retry", _l("Retry"), _l("Put the selected failed messages back in the queue?"))
    def action_retry(self, ids):
        if not self.can_write():
            abort(403)
        wanted = [int(i) for i in ids]
        queued = retry_failed(self.db_session, wanted, actor_id=current_user.id, clock=get_clock(),
                              dispatcher=get_dispatcher())
        if queued:
            flash(ngettext("%(num)d message is back in the queue.", "%(num)d messages are back in the queue.",
                           len(queued)), "success")
        skipped = len(wanted) - len(queued)
        if skipped:
            flash(ngettext("%(num)d message was left alone: only failed messages can be retried.",
                           "%(num)d messages were left alone: only failed messages can be retried.", skipped),
                  "warning")
