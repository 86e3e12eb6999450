"""Timers and the reconciler through the service layer and the CLI (both databases)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.messaging.models import OutboxMessage
from app.messaging.service import queue_message
from app.models.calendar import CalendarException
from app.timers.models import ScheduledAction
from app.timers.service import reconcile, schedule
from desk import service as desk


def test_reconcile_reenqueues_overdue_timers_and_stuck_messages_once_per_bucket(session, clock, dispatcher):
    schedule(session, kind="confirmation_list", due_at=clock.now() - timedelta(minutes=5), key="late",
             clock=clock, payload={"day": "2026-11-23"})
    schedule(session, kind="confirmation_list", due_at=clock.now() + timedelta(hours=5), key="future",
             clock=clock, payload={"day": "2026-11-23"})
    session.commit()
    queue_message(session, channel="sms", recipient="+79084944434", body="x", idempotency_key="stuck",
                  clock=clock)
    clock.advance(minutes=1)
    before = len(dispatcher.calls)
    report = reconcile(session, clock=clock, dispatcher=dispatcher)
    assert report["timers"] == 1 and report["messages"] == 1
    jobs = [(func, job_id) for _, func, _, job_id in dispatcher.calls[before:]]
    assert ("tasks.timers.fire_timer", f"timer-{session.scalar(select(ScheduledAction.id).where(ScheduledAction.idempotency_key == 'late'))}-r{int(clock.now().timestamp()) // 120}") in jobs
    assert any(func == "tasks.outbox.deliver_message" for func, _ in jobs)
    assert session.scalar(select(OutboxMessage.status)) == "pending"


def test_cli_run_due_and_status(app, session, clock):
    schedule(session, kind="confirmation_list", due_at=clock.now() - timedelta(minutes=1), key="cli",
             clock=clock, payload={"day": "2026-11-23"})
    session.commit()
    runner = app.test_cli_runner()
    status = runner.invoke(args=["timers", "status"])
    assert status.exit_code == 0 and "confirmation_list" in status.output and "pending" in status.output
    done = runner.invoke(args=["timers", "run-due"])
    assert done.exit_code == 0 and "1 done" in done.output
    session.expire_all()
    assert session.scalar(select(ScheduledAction.status).where(ScheduledAction.idempotency_key == "cli")) == "done"


def test_admin_calendar_exceptions_change_the_working_days(session, admin_client):
    response = admin_client.post("/admin/calendarexception/new/", data={"day": "2026-11-28", "working": "",
                                                                         "note": "Санитарный день"})
    assert response.status_code == 302
    response = admin_client.post("/admin/calendarexception/new/", data={"day": "2026-11-29", "working": "y",
                                                                         "note": "Рабочее воскресенье"})
    assert response.status_code == 302
    assert len(list(session.scalars(select(CalendarException)))) == 2
    calendar = desk.working_calendar(session)
    assert not calendar.is_working_day(date(2026, 11, 28)) and calendar.is_working_day(date(2026, 11, 29))
