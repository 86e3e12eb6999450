"""«Текущий звонок»: the phone of the user's latest unprocessed incoming call.

Telephony (the traffic wing) adds a provider at start-up: the latest call addressed to or taken by the user.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy.orm import Session

CurrentCallProvider = Callable[[Session, int], str | None]


def add_current_call_provider(app: Flask, provider: CurrentCallProvider) -> None:
    app.extensions.setdefault("current_call_providers", []).append(provider)


def current_call_phone(session: Session, user_id: int) -> str | None:
    for provider in current_app.extensions.get("current_call_providers", []):
        phone = provider(session, user_id)
        if phone:
            return phone
    return None
