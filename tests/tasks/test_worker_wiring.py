"""A real RQ worker process on the real embedded Redis delivers an outbox message exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.jobs import RqDispatcher
from app.messaging.models import OutboxMessage
from app.messaging.service import DELIVER_JOB, queue_message

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


def run_worker_burst(database_url: str, redis_url: str) -> str:
    env = {**os.environ, "FLASK_APP": "wsgi", "FLASK_DEBUG": "1", "DATABASE_URL": database_url,
           "REDIS_URL": redis_url}
    flask = str(Path(sys.executable).with_name("flask"))
    done = subprocess.run([flask, "worker", "--burst"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


def test_a_queued_message_is_delivered_by_a_real_worker_once(app, session, clock, redis_server):
    from redis import Redis

    Redis.from_url(redis_server.url).flushall()
    dispatcher = RqDispatcher(redis_server.url)
    message = queue_message(session, channel="sms", recipient="+79084944434", body="Проверка связи",
                            idempotency_key="wiring-1", clock=clock)
    dispatcher.enqueue(DELIVER_JOB, message.id, job_id=f"outbox-{message.id}")  # the app's hook records it
    # The same job again, as RQ may deliver it twice (a second enqueue with another id runs it again).
    dispatcher.enqueue(DELIVER_JOB, message.id, job_id=f"outbox-{message.id}-again")
    output = run_worker_burst(app.config["SQLALCHEMY_DATABASE_URI"], redis_server.url)
    session.expire_all()
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.id == message.id))
    assert row.status == "sent" and row.attempts == 1
    assert output.count("message delivered: key=wiring-1") == 1
    assert "skipped" in output


def test_a_duplicate_enqueue_with_the_same_job_id_is_refused_by_redis(app, session, clock, redis_server):
    from redis import Redis

    Redis.from_url(redis_server.url).flushall()
    dispatcher = RqDispatcher(redis_server.url)
    message = queue_message(session, channel="sms", recipient="+79084944434", body="Дубль",
                            idempotency_key="wiring-2", clock=clock)
    dispatcher.enqueue(DELIVER_JOB, message.id, job_id=f"outbox-{message.id}")
    dispatcher.enqueue(DELIVER_JOB, message.id, job_id=f"outbox-{message.id}")  # logged, not raised
    assert dispatcher.queue().count == 1


def test_saving_works_while_redis_is_down(app, session, clock):
    app.extensions["dispatcher"] = RqDispatcher("redis://127.0.0.1:1/0")  # what the after-commit hook uses
    message = queue_message(session, channel="sms", recipient="+79084944434", body="Редис недоступен",
                            idempotency_key="wiring-3", clock=clock)
    assert session.get(OutboxMessage, message.id).status == "pending"
