"""Domain messages are English msgids with parameters; the edges translate them with gettext."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:
    """Marks a msgid for extraction without translating it here."""
    return message


@dataclass(frozen=True)
class Message:
    text: str
    params: dict[str, Any] = field(default_factory=dict)
