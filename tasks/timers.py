"""The RQ job that fires a durable timer (its row is the truth; this job is only the trigger)."""

from __future__ import annotations

import logging

from tasks.context import app_context

log = logging.getLogger(__name__)


def fire_timer(action_id: int) -> str:
    from app.extensions import db
    from app.timers.service import fire

    with app_context() as app:
        try:
            return fire(db.session, action_id, clock=app.extensions["clock"], dispatcher=app.extensions["dispatcher"])
        finally:
            db.session.remove()
