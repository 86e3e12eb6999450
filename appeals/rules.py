"""Automatic appeal categories (seed 002, process «Контакт с клиентом»).

When an identified client gets in touch, the categories with an automatic rule are tried in their
catalog order (an admin reorders them to change precedence; a hidden one does not apply):
- `call_continuation`: the client called `min_calls` or more times within the window (every call: incoming
  traffic and appeals registered by phone on the client card), or has an open «Обращение в СТО» process;
- `order_status`: the client has an open work order;
- `repeat_appeal`: an «Обращение в СТО» of the client created within the look-back ended in refusal — it reopens.
The first that applies wins, with the reason shown to staff; otherwise staff pick a category. A refusal picked
while a process is open overrides the automatic category: it ends that process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.i18n import N_, Message
from app.domain.roles import Role

# Who registers appeals and closes service requests (the API, the pages and the traffic card's button).
APPEAL_ROLES = frozenset({Role.ADMIN, Role.RECEPTION, Role.SALES_MANAGER, Role.SERVICE_ADVISOR, Role.SERVICE_ADMIN,
                          Role.CALL_CENTER})


@dataclass(frozen=True)
class ClientFacts:
    calls_in_window: int  # calls from the client within the continuation window, this one included
    open_service_request_id: int | None = None
    has_open_work_order: bool = False
    refused_service_request_id: int | None = None  # the latest refused one created within the look-back


def continuation_window(now: datetime, hours: int) -> tuple[datetime, datetime]:
    """The calls that count for «Продолжение звонка»: registered after the start and up to `now`."""
    return now - timedelta(hours=hours), now


def lookback_start(now: datetime, days: int) -> datetime:
    """A service request created after this instant and refused makes the next appeal a repeat appeal."""
    return now - timedelta(days=days)


@dataclass(frozen=True)
class AutoCategory:
    category_id: int
    rule: str
    reason: Message
    reopen_process_id: int | None = None


def automatic_category(rules_in_order: list[tuple[int, str]], facts: ClientFacts, *,
                       min_calls: int) -> AutoCategory | None:
    """`rules_in_order`: (category id, auto-rule code) of the visible categories, in catalog order."""
    for category_id, rule in rules_in_order:
        if rule == "call_continuation":
            if facts.calls_in_window >= min_calls:
                return AutoCategory(category_id, rule, Message(
                    N_("%(count)s calls within the window (at least %(min)s)."),
                    {"count": facts.calls_in_window, "min": min_calls}))
            if facts.open_service_request_id is not None:
                return AutoCategory(category_id, rule, Message(N_("The client has an open service request.")))
        elif rule == "order_status" and facts.has_open_work_order:
            return AutoCategory(category_id, rule, Message(N_("The client has an open work order.")))
        elif rule == "repeat_appeal" and facts.refused_service_request_id is not None:
            return AutoCategory(category_id, rule, Message(N_("A recent service request ended in refusal.")),
                                reopen_process_id=facts.refused_service_request_id)
    return None
