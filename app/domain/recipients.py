"""Whether an address can receive a message on a channel."""

from __future__ import annotations

import re

from app.domain.i18n import N_, Message
from app.domain.normalise import digits, is_email


def recipient_error(channel: str, recipient: str) -> Message | None:
    recipient = recipient.strip()
    if not recipient:
        return Message(N_("Enter the recipient."))
    if channel == "email":
        return None if is_email(recipient) else Message(N_("Enter an e-mail address like name@example.ru."))
    if not 10 <= len(digits(recipient)) <= 15 or re.search(r"[^\d\s()+\-]", recipient):
        return Message(N_("Enter a phone number like +7 908 494-44-34."))
    return None
