"""Durable timers (SPEC §4, QUALITY.md A3): the `scheduled_action` table is the source of truth.

- `schedule()` adds a row in the caller's transaction; after that transaction commits, the session hook
  below asks RQ to fire it at its due time (`enqueue_at`), so a job never runs before its row exists.
- `fire()` is what the job does: its first act is a claim (compare-and-set on status/lease) that only
  one worker can win; then the handler's effects and the `done` mark commit together.
- `reconcile()` re-enqueues whatever is overdue or whose lease expired (a lost Redis, a killed worker),
  so nothing is lost; the claim makes re-runs harmless, so nothing runs twice.

The engine knows no feature. What a kind of timer does, which timers must always exist (the desk's
daily list) and which other durable rows the reconciler re-enqueues (the outbox) are registered at
start-up: `create_app` puts a `TimerRegistry` in `app.extensions["timers"]` and each wing's
`register(app)` fills it (Django's `AppConfig.ready()`, Cosmic Python's `bootstrap.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from app.clock import Clock
from app.jobs import rq_time
from app.registry import add_once
from app.timers.models import ScheduledAction
from app.timers.rules import retry_delay, should_retry

log = logging.getLogger(__name__)

FIRE_JOB = "tasks.timers.fire_timer"
LEASE = timedelta(minutes=2)
RECONCILE_GRACE = timedelta(seconds=20)  # RQ's scheduler polls every second; give it time first
RECONCILE_BUCKET_SECONDS = 120  # at most one re-enqueue of a timer per bucket
Handler = Callable[[Session, ScheduledAction, Clock], None]
Periodic = Callable[..., int]  # (session, *, clock) -> timers created; makes sure the next ones exist
Resender = Callable[..., int]  # (session, *, now, grace, bucket, dispatcher) -> rows re-enqueued
Capture = Callable[[Any], Any]  # an object just flushed -> what its sender needs after the commit
Sender = Callable[[Any, Any], None]  # (dispatcher, captured) -> enqueue it


@dataclass
class TimerRegistry:
    """What the wings plug into the timer engine at start-up; one per app (`app.extensions["timers"]`)."""

    handlers: dict[str, Handler] = field(default_factory=dict)
    periodic: list[Periodic] = field(default_factory=list)
    resenders: dict[str, Resender] = field(default_factory=dict)
    on_commit: list[tuple[type, Capture, Sender]] = field(default_factory=list)

    def add_handlers(self, handlers: dict[str, Handler]) -> None:
        """A handler changes the session and never commits. A kind belongs to one wing only."""
        add_once(self.handlers, handlers, what="timer kind")

    def add_periodic(self, ensure: Periodic) -> None:
        """Run by every reconciler pass: makes sure the next timers of a recurring kind exist."""
        self.periodic.append(ensure)

    def add_resender(self, name: str, resend: Resender) -> None:
        """Another table of durable rows the reconciler re-enqueues; `name` is its count in the report."""
        add_once(self.resenders, {name: resend}, what="reconciler pass")

    def dispatch_after_commit(self, model: type, capture: Capture, send: Sender) -> None:
        """New rows of `model` are handed to RQ by `send` once the transaction that wrote them commits."""
        self.on_commit.append((model, capture, send))


def current_registry() -> TimerRegistry:
    return current_app.extensions["timers"]


def init_app(app) -> TimerRegistry:
    registry = app.extensions["timers"] = TimerRegistry()
    registry.dispatch_after_commit(ScheduledAction, lambda action: (action.id, action.due_at), _send_timer)
    return registry


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


def fire(session: Session, action_id: int, *, clock: Clock, dispatcher, registry: TimerRegistry | None = None) -> str:
    """Run one timer if this call wins the claim: "done", "failed" (retried later), or "skipped"."""
    handlers = (registry or current_registry()).handlers
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
        handlers[action.kind](session, action, clock)
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
    retry = should_retry(action.attempts)
    action.status = "pending" if retry else "failed"
    action.lease_until = None
    action.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if retry:
        action.due_at = clock.now() + retry_delay(action.attempts)
    session.commit()
    return "failed"


def run_due(session: Session, *, clock: Clock, dispatcher, limit: int = 10_000,
            registry: TimerRegistry | None = None) -> dict[str, int]:
    """Fire, in this process, every timer that is due now (for operators after an outage, and tests)."""
    registry = registry or current_registry()
    counts = {"done": 0, "failed": 0, "skipped": 0}
    for action_id in _due_ids(session, clock.now(), limit=limit):
        counts[fire(session, action_id, clock=clock, dispatcher=dispatcher, registry=registry)] += 1
    return counts


def _due_ids(session: Session, now: datetime, *, limit: int, grace: timedelta = timedelta(0)) -> list[int]:
    return list(session.scalars(
        select(ScheduledAction.id).where(or_(
            (ScheduledAction.status == "pending") & (ScheduledAction.due_at <= now - grace),
            (ScheduledAction.status == "running") & (ScheduledAction.lease_until < now),
        )).order_by(ScheduledAction.due_at).limit(limit)))


def reconcile(session: Session, *, clock: Clock, dispatcher, registry: TimerRegistry | None = None) -> dict[str, int]:
    """Re-enqueue overdue timers and the registered stuck rows; make sure the registered periodic timers exist."""
    registry = registry or current_registry()
    now = clock.now()
    bucket = int(now.timestamp()) // RECONCILE_BUCKET_SECONDS
    timers = _due_ids(session, now, limit=5_000, grace=RECONCILE_GRACE)
    for action_id in timers:
        dispatcher.enqueue(FIRE_JOB, action_id, job_id=f"timer-{action_id}-r{bucket}")
    counts = {"timers": len(timers)}
    for name, resend in registry.resenders.items():
        counts[name] = resend(session, now=now, grace=RECONCILE_GRACE, bucket=bucket, dispatcher=dispatcher)
    counts["daily_created"] = sum(ensure(session, clock=clock) for ensure in registry.periodic)
    session.commit()
    return counts


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


def _send_timer(dispatcher, captured: tuple[int, datetime]) -> None:
    action_id, due_at = captured
    dispatcher.enqueue_at(rq_time(due_at), FIRE_JOB, action_id, job_id=f"timer-{action_id}")


def _collect(session, _flush_context) -> None:
    registrations = current_registry().on_commit
    pending = session.info.setdefault("to_dispatch", [])
    for obj in session.new:
        for model, capture, send in registrations:
            if isinstance(obj, model):
                pending.append((send, capture(obj)))


def _dispatch(session) -> None:
    pending = session.info.pop("to_dispatch", [])
    if pending:
        from app.jobs import get_dispatcher

        dispatcher = get_dispatcher()
        for send, captured in pending:
            send(dispatcher, captured)


def _forget(session) -> None:
    session.info.pop("to_dispatch", None)


def install_dispatch_hooks(session_factory: Any) -> None:
    """New timers (and the rows registered with `dispatch_after_commit`) go to RQ only after their commit."""
    for name, listener in (("after_flush", _collect), ("after_commit", _dispatch), ("after_rollback", _forget)):
        if not event.contains(session_factory, name, listener):
            event.listen(session_factory, name, listener)
