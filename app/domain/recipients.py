"""Whether an address can receive a message on a channel."""

from __future__ import annotations

import re

from app.domain.i18n import N_, Message

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def phone_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def recipient_error(channel: str, recipient: str) -> Message | None:
    recipient = recipient.strip()
    if not recipient:
        return Message(N_("Enter the recipient."))
    if channel == "email":
        return None if EMAIL_RE.match(recipient) else Message(N_("Enter an e-mail address like name@example.ru."))
    digits = phone_digits(recipient)
    if not 10 <= len(digits) <= 15 or re.search(r"[^\d\s()+\-]", recipient):
        return Message(N_("Enter a phone number like +7 908 494-44-34."))
    return None
