"""Message gateways. The default one logs the message, so the product runs with no provider."""

from __future__ import annotations

import logging
from typing import Protocol

from app.models.outbox import OutboxMessage

log = logging.getLogger("dashboard.outbox")


class Gateway(Protocol):
    name: str

    def send(self, message: OutboxMessage) -> str:
        """Deliver the message; return the provider's id for it. Raise on failure."""


class LogGateway:
    name = "log"

    def send(self, message: OutboxMessage) -> str:
        log.info(
            "message delivered: key=%s channel=%s to=%s subject=%r body=%r",
            message.idempotency_key, message.channel, message.recipient, message.subject, message.body,
        )
        return f"log-{message.idempotency_key}"


GATEWAYS = {"log": LogGateway}


def gateway_from_config(config) -> Gateway:
    name = config.get("MESSAGE_GATEWAY", "log")
    if name not in GATEWAYS:
        raise RuntimeError(f"unknown MESSAGE_GATEWAY {name!r}; known: {', '.join(GATEWAYS)}")
    return GATEWAYS[name]()
