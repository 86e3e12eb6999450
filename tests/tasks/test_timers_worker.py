"""Durable timers with the real embedded Redis and real `flask worker` processes (QUALITY.md A4).

The worker processes use the system clock, so timers here are due relative to real time.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.errors import Conflict
from app.notifications.models import Notification
from app.timers.models import ScheduledAction
from app.timers.service import FIRE_JOB, reconcile, schedule
from desk.models import Booking
from desk.rules import CallInput

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker




def worker_env(app, redis_server) -> dict:
    return {**os.environ, "FLASK_APP": "wsgi", "FLASK_DEBUG": "1",
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis_server.url}


def start_worker(app, redis_server, *, burst: bool) -> subprocess.Popen:
    flask = str(Path(sys.executable).with_name("flask"))
    args = [flask, "worker"] + (["--burst"] if burst else [])
    return subprocess.Popen(args, cwd=ROOT, env=worker_env(app, redis_server), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen, timeout: float = 120) -> str:
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output[-3000:]
    return output


def stop(process: subprocess.Popen) -> str:
    process.terminate()  # SIGTERM: RQ's warm shutdown
    output, _ = process.communicate(timeout=60)
    return output


def callback_booking(session, clock, advisor_id=None) -> Booking:
    """A booking waiting for a callback (set directly: real time may be outside working hours)."""
    start = clock.now() + timedelta(days=2)
    booking = Booking(client=booking_client(session, clock), start_at=start, end_at=start + timedelta(hours=1),
                      status="planned", confirmation_state="callback", failed_attempts=0, created_at=clock.now(),
                      advisor_id=advisor_id, phone="+7 908 494-44-34")
    session.add(booking)
    session.commit()
    return booking


def booking_client(session, clock):
    from tests import factories as f

    return f.client(session, clock, f"Клиент {time.monotonic_ns()}", phones=["+7 (908) 4944434"])


def test_timers_fire_at_their_time_through_rq_scheduler(app, session, clock, dispatcher, redis_server, make_user):
    operator = make_user("service_admin")
    due_times = {}
    for offset in range(6):
        booking = callback_booking(session, clock)
        due = clock.now() + timedelta(seconds=3 + offset)
        action = schedule(session, kind="confirmation_callback", target_id=booking.id, due_at=due, clock=clock,
                          key=f"lag:{booking.id}", payload={"operator_id": operator.id})
        session.commit()  # the hook enqueues it in RQ's scheduled registry after the commit
        due_times[action.id] = due
    worker = start_worker(app, redis_server, burst=False)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            session.expire_all()
            if session.scalar(select(func.count()).select_from(ScheduledAction).where(
                    ScheduledAction.status == "done")) == len(due_times):
                break
            time.sleep(0.3)
    finally:
        output = stop(worker)
    session.expire_all()
    rows = {a.id: a for a in session.scalars(select(ScheduledAction))}
    assert all(rows[i].status == "done" and rows[i].attempts == 1 for i in due_times), output[-3000:]
    lags = sorted((rows[i].started_at - due_times[i]).total_seconds() for i in due_times)
    assert min(lags) >= 0  # never early
    assert max(lags) < 15, lags  # the scheduler polls every second
    print(f"\ntimer lag over {len(lags)} timers: p50 {statistics.median(lags):.2f} s, max {max(lags):.2f} s")
    assert session.scalar(select(func.count()).select_from(Notification)) == len(due_times)


def test_f3_flushall_loses_nothing_the_reconciler_restores_every_timer(app, session, clock, dispatcher,
                                                                        redis_server, make_user):
    from redis import Redis

    operator = make_user("service_admin")
    count = 40
    for n in range(count):
        booking = callback_booking(session, clock)
        schedule(session, kind="confirmation_callback", target_id=booking.id, due_at=clock.now() - timedelta(minutes=1),
                 clock=clock, key=f"f3:{n}", payload={"operator_id": operator.id})
    session.commit()
    Redis.from_url(redis_server.url).flushall()  # every queued and scheduled job is gone
    assert dispatcher.queue().count == 0
    report = reconcile(session, clock=clock, dispatcher=dispatcher)
    assert report["timers"] == count
    finish(start_worker(app, redis_server, burst=True))
    session.expire_all()
    statuses = session.execute(select(ScheduledAction.status, func.count()).where(
        ScheduledAction.kind == "confirmation_callback").group_by(ScheduledAction.status)).all()
    assert dict(statuses) == {"done": count}
    # reconcile also creates today's «confirmation list» timer, which is due (and notifies) after the window opens
    assert session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "confirmation_callback")) == count


def test_f6_four_workers_and_a_triple_enqueue_give_one_effect(app, session, clock, dispatcher, redis_server,
                                                              make_user):
    operator = make_user("service_admin")
    booking = callback_booking(session, clock)
    action = schedule(session, kind="confirmation_callback", target_id=booking.id, due_at=clock.now(), clock=clock,
                      key="f6", payload={"operator_id": operator.id})
    session.commit()
    for n in range(3):
        dispatcher.enqueue(FIRE_JOB, action.id, job_id=f"timer-{action.id}-dup{n}")
    workers = [start_worker(app, redis_server, burst=True) for _ in range(4)]
    outputs = [finish(worker) for worker in workers]
    reconcile(session, clock=clock, dispatcher=dispatcher)  # a reconciler pass finds nothing to do
    session.expire_all()
    fired = session.get(ScheduledAction, action.id)
    assert fired.status == "done" and fired.attempts == 1
    assert session.scalar(select(func.count()).select_from(Notification)) == 1
    assert sum(out.count("not due, already claimed or finished") for out in outputs) >= 1


def test_f7_the_third_failure_twice_at_once_cancels_once_and_notifies_once(app, session, clock, dispatcher,
                                                                           redis_server, make_user):
    from app.extensions import db
    from desk.service import record_call

    advisor = make_user("service_advisor")
    operator = make_user("service_admin")
    booking = callback_booking(session, clock, advisor_id=advisor.id)
    booking.failed_attempts, booking.confirmation_state = 2, "retry"
    session.commit()
    version = booking.version
    barrier = threading.Barrier(2)
    results = []

    def third_failure():
        with app.app_context():
            barrier.wait()
            try:
                record_call(db.session, booking.id, CallInput("not_reached", reason="busy"), expected_version=version,
                            operator_id=operator.id, clock=clock)
                results.append("cancelled")
            except Conflict:
                results.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=third_failure) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["cancelled", "conflict"]
    session.expire_all()
    [timer] = session.scalars(select(ScheduledAction).where(ScheduledAction.kind == "confirmation_auto_cancel"))
    dispatcher.enqueue(FIRE_JOB, timer.id, job_id=f"timer-{timer.id}-again")  # delivered twice by RQ
    for worker in [start_worker(app, redis_server, burst=True) for _ in range(2)]:
        finish(worker)
    session.expire_all()
    done = session.get(Booking, booking.id)
    assert done.status == "cancelled" and done.cancel_reason.code == "client_unreachable"
    assert len([a for a in done.attempts if a.outcome == "not_reached"]) == 1
    notes = list(session.scalars(select(Notification).where(Notification.kind == "booking_auto_cancelled")))
    assert [n.user_id for n in notes] == [advisor.id]
    assert session.get(ScheduledAction, timer.id).attempts == 1
    assert datetime.now(UTC) >= timer.due_at
