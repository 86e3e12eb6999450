"""Domain messages are English msgids with parameters; the edges translate them with gettext."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def N_(message: str) -> str:
    """Marks a msgid for extraction without translating it here."""
    return message


@dataclass(frozen=True)
class Message:
    text: str
    params: dict[str, Any] = field(default_factory=dict)


def plain_params(params: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe parameters for storing a message: nested messages and datetimes are tagged."""

    def plain(value: Any) -> Any:
        if isinstance(value, Message):
            return {"msgid": value.text, "params": plain_params(value.params)}
        if isinstance(value, datetime):
            return {"datetime": value.isoformat()}
        return value

    return {key: plain(value) for key, value in params.items()}


def stored_message(text: str, params: dict[str, Any] | None) -> Message:
    """The message `plain_params` stored, rebuilt (translated and zone-formatted where it is shown)."""

    def rebuild(value: Any) -> Any:
        if isinstance(value, dict) and "msgid" in value:
            return stored_message(value["msgid"], value.get("params"))
        if isinstance(value, dict) and "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        return value

    return Message(text, {key: rebuild(value) for key, value in (params or {}).items()})
