"""Delivery of outbox messages."""

from __future__ import annotations

import logging
from datetime import timedelta

from rq import get_current_job

from tasks.context import app_context

log = logging.getLogger(__name__)


def deliver_message(message_id: int) -> str:
    """Deliver one outbox message through the configured gateway (idempotent: a re-run is skipped)."""
    from app.extensions import db
    from app.messaging.gateways import gateway_from_config
    from app.messaging.rules import MAX_SEND_ATTEMPTS
    from app.messaging.service import SEND_LEASE
    from app.messaging.service import deliver_message as deliver

    with app_context() as app:
        config = app.config
        lease = timedelta(seconds=int(config.get("OUTBOX_SEND_LEASE_SECONDS") or SEND_LEASE.total_seconds()))
        try:
            result = deliver(db.session, message_id, clock=app.extensions["clock"],
                             gateway=gateway_from_config(config), dispatcher=app.extensions["dispatcher"],
                             max_attempts=int(config.get("OUTBOX_MAX_ATTEMPTS") or MAX_SEND_ATTEMPTS), lease=lease)
        finally:
            db.session.remove()
    job = get_current_job()
    log.info("outbox message %s: %s (job %s)", message_id, result, job.id if job else "-")
    return result
