"""Durable timers (SPEC §4, QUALITY.md A3): the `scheduled_action` table is the source of truth.

- `schedule()` adds a row in the caller's transaction; after that transaction commits, the session hook
  below asks RQ to fire it at its due time (`enqueue_at`), so a job never runs before its row exists.
- `fire()` is what the job does: its first act is a claim (compare-and-set on status/lease) that only
  one worker can win; then the handler's effects and the `done` mark commit together.
- `reconcile()` re-enqueues whatever is overdue or whose lease expired (a lost Redis, a killed worker),
  so nothing is lost; the claim makes re-runs harmless, so nothing runs twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from app.clock import Clock
from app.models.timers import ScheduledAction

log = logging.getLogger(__name__)

FIRE_JOB = "tasks.timers.fire_timer"
LEASE = timedelta(minutes=2)
RECONCILE_GRACE = timedelta(seconds=20)  # RQ's scheduler polls every second; give it time first
RECONCILE_BUCKET_SECONDS = 120  # at most one re-enqueue of a timer per bucket
MAX_ATTEMPTS = 5
Handler = Callable[[Session, ScheduledAction, Clock], None]
HANDLERS: dict[str, Handler] = {}


def timer_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register what a kind of timer does. A handler changes the session and never commits."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def _load_handlers() -> None:
    import app.services.desk  # noqa: F401  (confirmation-desk timers)
    import app.services.leads  # noqa: F401  (cadence steps, no-show checks)
    import app.services.traffic  # noqa: F401  (traffic escalation)


def schedule(session: Session, *, kind: str, due_at: datetime, key: str, clock: Clock, target_id: int | None = None,
             payload: dict[str, Any] | None = None) -> ScheduledAction:
    """The timer with this idempotency key, added (pending) if it does not exist yet. Not committed here."""
    existing = session.scalar(select(ScheduledAction).where(ScheduledAction.idempotency_key == key))
    if existing is not None:
        return existing
    action = ScheduledAction(kind=kind, target_id=target_id, due_at=due_at, idempotency_key=key,
                             payload=payload or {}, status="pending", attempts=0, created_at=clock.now())
    session.add(action)
    return action


def cancel_pending(session: Session, *, kinds: tuple[str, ...], target_id: int) -> int:
    """Pending timers of these kinds for a target will not fire (e.g. retries of a confirmed booking)."""
    done = session.execute(update(ScheduledAction).where(
        ScheduledAction.kind.in_(kinds), ScheduledAction.target_id == target_id, ScheduledAction.status == "pending",
    ).values(status="cancelled").execution_options(synchronize_session=False))
    return done.rowcount


def claim(session: Session, action_id: int, *, clock: Clock) -> bool:
    now = clock.now()
    won = session.execute(
        update(ScheduledAction)
        .where(ScheduledAction.id == action_id, ScheduledAction.due_at <= now,
               or_(ScheduledAction.status == "pending",
                   (ScheduledAction.status == "running") & (ScheduledAction.lease_until < now)))
        .values(status="running", lease_until=now + LEASE, started_at=now, attempts=ScheduledAction.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return won.rowcount == 1


def fire(session: Session, action_id: int, *, clock: Clock, dispatcher) -> str:
    """Run one timer if this call wins the claim: "done", "failed" (retried later), or "skipped"."""
    _load_handlers()
    if not claim(session, action_id, clock=clock):
        early = session.scalar(select(ScheduledAction.due_at).where(
            ScheduledAction.id == action_id, ScheduledAction.status == "pending"))
        if early is not None and early > clock.now():
            # fired before its time (a job enqueued by hand, a clock skew between machines): back to RQ
            dispatcher.enqueue_at(rq_time(early), FIRE_JOB, action_id, job_id=f"timer-{action_id}-{rq_time(early):%s}")
            log.info("timer %s: early, re-scheduled for %s", action_id, early.isoformat())
            return "skipped"
        log.info("timer %s: not due, already claimed or finished", action_id)
        return "skipped"
    action = session.get(ScheduledAction, action_id)
    session.refresh(action)
    try:
        HANDLERS[action.kind](session, action, clock)
        action.status, action.done_at, action.lease_until, action.last_error = "done", clock.now(), None, ""
        session.commit()
    except Exception as exc:  # noqa: BLE001 - a failing handler is recorded and retried, never lost
        session.rollback()
        log.exception("timer %s (%s) failed", action_id, action.kind if action else "?")
        return _record_failure(session, action_id, exc, clock=clock, dispatcher=dispatcher)
    log.info("timer %s (%s, target %s) done", action_id, action.kind, action.target_id)
    return "done"


def _record_failure(session: Session, action_id: int, exc: Exception, *, clock: Clock, dispatcher) -> str:
    action = session.get(ScheduledAction, action_id)
    retry = action.attempts < MAX_ATTEMPTS
    action.status = "pending" if retry else "failed"
    action.lease_until = None
    action.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if retry:
        action.due_at = clock.now() + timedelta(minutes=2 ** action.attempts)
    session.commit()
    return "failed"


def run_due(session: Session, *, clock: Clock, dispatcher, limit: int = 10_000) -> dict[str, int]:
    """Fire, in this process, every timer that is due now (for operators after an outage, and tests)."""
    counts = {"done": 0, "failed": 0, "skipped": 0}
    for action_id in _due_ids(session, clock.now(), limit=limit):
        counts[fire(session, action_id, clock=clock, dispatcher=dispatcher)] += 1
    return counts


def _due_ids(session: Session, now: datetime, *, limit: int, grace: timedelta = timedelta(0)) -> list[int]:
    return list(session.scalars(
        select(ScheduledAction.id).where(or_(
            (ScheduledAction.status == "pending") & (ScheduledAction.due_at <= now - grace),
            (ScheduledAction.status == "running") & (ScheduledAction.lease_until < now),
        )).order_by(ScheduledAction.due_at).limit(limit)))


def reconcile(session: Session, *, clock: Clock, dispatcher) -> dict[str, int]:
    """Re-enqueue overdue timers and stuck outbox messages; make sure tomorrow's daily timers exist."""
    from app.models.outbox import OutboxMessage
    from app.services.outbox import DELIVER_JOB

    _load_handlers()
    now = clock.now()
    bucket = int(now.timestamp()) // RECONCILE_BUCKET_SECONDS
    timers = _due_ids(session, now, limit=5_000, grace=RECONCILE_GRACE)
    for action_id in timers:
        dispatcher.enqueue(FIRE_JOB, action_id, job_id=f"timer-{action_id}-r{bucket}")
    messages = list(session.scalars(select(OutboxMessage.id).where(or_(
        (OutboxMessage.status == "pending") & (OutboxMessage.created_at <= now - RECONCILE_GRACE),
        (OutboxMessage.status == "retrying") & or_(OutboxMessage.next_attempt_at.is_(None),
                                                   OutboxMessage.next_attempt_at <= now - RECONCILE_GRACE),
        (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now),
    )).limit(5_000)))
    for message_id in messages:
        dispatcher.enqueue(DELIVER_JOB, message_id, job_id=f"outbox-{message_id}-r{bucket}")
    from app.services.desk import ensure_daily_timers

    created = ensure_daily_timers(session, clock=clock)
    session.commit()
    return {"timers": len(timers), "messages": len(messages), "daily_created": created}


def status(session: Session, *, clock: Clock) -> dict[str, Any]:
    now = clock.now()
    rows = session.execute(select(ScheduledAction.kind, ScheduledAction.status, func.count())
                           .group_by(ScheduledAction.kind, ScheduledAction.status)).all()
    overdue = session.scalar(select(func.count()).select_from(ScheduledAction).where(
        ScheduledAction.status == "pending", ScheduledAction.due_at <= now - RECONCILE_GRACE)) or 0
    expired = session.scalar(select(func.count()).select_from(ScheduledAction).where(
        ScheduledAction.status == "running", ScheduledAction.lease_until < now)) or 0
    next_due = session.scalar(select(func.min(ScheduledAction.due_at)).where(ScheduledAction.status == "pending"))
    return {"by_kind": [(kind, state, count) for kind, state, count in rows], "overdue": overdue,
            "expired_leases": expired, "next_due": next_due}


# ----- enqueue after commit


def rq_time(due_at: datetime) -> datetime:
    """RQ's scheduler keeps whole seconds (it floors): round up, or a job could run before its timer is due."""
    return due_at + timedelta(microseconds=(1_000_000 - due_at.microsecond) % 1_000_000)


def _collect(session, _flush_context) -> None:
    from app.models.outbox import OutboxMessage

    pending = session.info.setdefault("timers_to_dispatch", [])
    pending.extend((obj.id, obj.due_at) for obj in session.new if isinstance(obj, ScheduledAction))
    messages = session.info.setdefault("messages_to_dispatch", [])
    messages.extend(obj.id for obj in session.new if isinstance(obj, OutboxMessage))


def _dispatch(session) -> None:
    pending = session.info.pop("timers_to_dispatch", [])
    messages = session.info.pop("messages_to_dispatch", [])
    if pending or messages:
        from app.jobs import get_dispatcher
        from app.services.outbox import DELIVER_JOB

        dispatcher = get_dispatcher()
        for action_id, due_at in pending:
            dispatcher.enqueue_at(rq_time(due_at), FIRE_JOB, action_id, job_id=f"timer-{action_id}")
        for message_id in messages:
            dispatcher.enqueue(DELIVER_JOB, message_id, job_id=f"outbox-{message_id}")


def _forget(session) -> None:
    session.info.pop("timers_to_dispatch", None)
    session.info.pop("messages_to_dispatch", None)


def install_dispatch_hooks(session_factory: Any) -> None:
    """New timers and outbox messages go to RQ only after the transaction that wrote them commits."""
    for name, listener in (("after_flush", _collect), ("after_commit", _dispatch), ("after_rollback", _forget)):
        if not event.contains(session_factory, name, listener):
            event.listen(session_factory, name, listener)
