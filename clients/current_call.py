"""«Текущий звонок»: the phone of the user's latest unprocessed incoming call.

Telephony (traffic/hooks.py) registers a provider: the latest call addressed to or taken by the user.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

CurrentCallProvider = Callable[[Session, int], str | None]
PROVIDERS: list[CurrentCallProvider] = []


def current_call_provider(function: CurrentCallProvider) -> CurrentCallProvider:
    PROVIDERS.append(function)
    return function


def current_call_phone(session: Session, user_id: int) -> str | None:
    import traffic.hooks  # noqa: F401  (telephony registers its provider)

    for provider in PROVIDERS:
        phone = provider(session, user_id)
        if phone:
            return phone
    return None
