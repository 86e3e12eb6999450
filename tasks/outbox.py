"""Delivery of outbox messages."""

from __future__ import annotations

import logging

from rq import get_current_job

from tasks.context import app_context

log = logging.getLogger(__name__)


def deliver_message(message_id: int) -> str:
    """Deliver one outbox message through the configured gateway (idempotent)."""
    from app.extensions import db
    from app.gateways import gateway_from_config
    from app.services.outbox import deliver_message as deliver

    with app_context() as app:
        try:
            result = deliver(db.session, message_id, clock=app.extensions["clock"], gateway=gateway_from_config(app.config))
        finally:
            db.session.remove()
    job = get_current_job()
    log.info("outbox message %s: %s (job %s)", message_id, result, job.id if job else "-")
    return result
