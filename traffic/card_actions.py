"""Buttons other wings put on the traffic card (appeals: «Зарегистрировать обращение»), added at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, url_for

from app.registry import add_once


@dataclass(frozen=True)
class CardAction:
    id: str  # the button's element id is traffic-<id>
    label: object  # a lazily translated label
    endpoint: str  # its page; called with the record's client_id and traffic_id
    roles: frozenset


def add_card_action(app: Flask, action: CardAction) -> None:
    add_once(app.extensions.setdefault("traffic_card_actions", {}), {action.id: action}, what="traffic card action")


def card_actions(user, row) -> list[tuple[CardAction, str]]:
    """The buttons this user may press on this record (a record of an identified client only)."""
    if row.client_id is None:
        return []
    return [(action, url_for(action.endpoint, client_id=row.client_id, traffic_id=row.id))
            for action in current_app.extensions.get("traffic_card_actions", {}).values()
            if user.has_any_role(action.roles)]
