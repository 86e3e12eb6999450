"""Display labels (msgids) of messaging: channels, outbox statuses, the provider's delivery statuses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGE_CHANNEL_LABELS = {"whatsapp": "WhatsApp", "sms": "SMS", "email": _l("E-mail")}
STATUS_LABELS = {
    "pending": _l("Waiting"),
    "sending": _l("Sending"),
    "retrying": _l("Retrying"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}
PROVIDER_STATUS_LABELS = {
    "delivered": _l("Delivered"),
    "read": _l("Read"),
    "failed": _l("Not delivered"),
    "undelivered": _l("Not delivered"),
    "rejected": _l("Not delivered"),
}
