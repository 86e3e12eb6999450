"""Fault tests for outgoing messages (QUALITY.md A4) with real `flask worker` processes, the real embedded
Redis and a real local HTTP aggregator that de-duplicates by `Idempotency-Key`.

Oracle: the message row ends "sent", and the recipient got the message exactly once (the aggregator
delivered one distinct key), whatever happened to the worker or to Redis on the way.
The workers use the system clock; the send lease is shortened to LEASE seconds through their environment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.clock import FixedClock, SystemClock
from app.messaging.models import OutboxMessage
from app.messaging.service import deliver_message, queue_message
from app.timers.service import reconcile
from tests.kernel.messaging.aggregator import FakeAggregator

ROOT = Path(__file__).resolve().parents[2]
LEASE = 3  # seconds
pytestmark = pytest.mark.worker




@pytest.fixture
def aggregator():
    server = FakeAggregator().start()
    yield server
    server.stop()


class Worker:
    """A `flask worker` process in a process group of its own, its output in a file."""

    def __init__(self, app, redis_server, aggregator, log: Path, *, burst: bool) -> None:
        env = {**os.environ, "FLASK_APP": "wsgi", "FLASK_DEBUG": "1",
               "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis_server.url,
               "MESSENGER_GATEWAY": "http", "MESSAGE_HTTP_URL": aggregator.url, "MESSAGE_HTTP_TIMEOUT": "60",
               "OUTBOX_SEND_LEASE_SECONDS": str(LEASE)}
        self.log = log
        self._out = log.open("w")
        flask = str(Path(sys.executable).with_name("flask"))
        self.process = subprocess.Popen([flask, "worker"] + (["--burst"] if burst else []), cwd=ROOT, env=env,
                                        stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text(errors="replace")[-4000:]

    def finish(self, timeout: float = 120) -> str:
        """Wait for a burst worker to drain the queue and exit."""
        try:
            self.process.wait(timeout=timeout)
        finally:
            output = self.stop()
        assert self.process.returncode == 0, output
        return output

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: RQ's warm shutdown
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self._out.close()
        return self.output()


def work_horse(worker_pid: int) -> int | None:
    """The worker's work horse: the child that RQ put in a process group of its own (`os.setpgrp`);
    the scheduler, the other child, stays in the worker's group."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        ppid, pgrp = int(fields[1]), int(fields[2])
        if ppid == worker_pid and pgrp == int(entry.name):
            return int(entry.name)
    return None


def wait_for(predicate, timeout: float, what: str, output=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{output()}")
        time.sleep(0.1)


def row(session, message_id: int) -> OutboxMessage:
    session.expire_all()
    return session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))


def wait_for_lease_to_expire(session, message_id: int) -> None:
    lease_until = row(session, message_id).lease_until
    assert lease_until is not None
    wait_for(lambda: SystemClock().now() > lease_until, LEASE + 5, "the send lease to expire")


def queue(session, clock, key: str) -> OutboxMessage:
    return queue_message(session, channel="whatsapp", recipient="+79084944434", idempotency_key=key, clock=clock,
                         body="Иван, ждём вас завтра в 10:00 на ТО. Ответьте «Да», если всё в силе.")


def assert_delivered_once(session, aggregator, message_id: int, key: str, *, attempts: int, requests: int) -> None:
    sent = row(session, message_id)
    assert (sent.status, sent.attempts, sent.lease_until, sent.gateway) == ("sent", attempts, None, "http")
    assert sent.provider_message_id == aggregator.accepted[key] == "agg-1"
    assert aggregator.deliveries == [key]  # the recipient got it once
    assert len(aggregator.requests_for(key)) == requests  # each attempt carried the same key
    assert {r["key"] for r in aggregator.requests} == {key}


def test_f1_the_whole_worker_killed_during_the_send_then_another_worker_delivers_once(
        app, session, clock, dispatcher, redis_server, aggregator, tmp_path):
    aggregator.stall = True  # the aggregator takes the message and does not answer
    first = Worker(app, redis_server, aggregator, tmp_path / "worker-1.log", burst=False)
    try:
        message = queue(session, clock, "f1")  # the after-commit hook enqueues the job
        if not aggregator.in_flight.wait(timeout=60):
            pytest.fail("the worker never called the aggregator\n" + first.output())
        horse = work_horse(first.pid)
        assert horse is not None, first.output()
        os.killpg(first.pid, signal.SIGKILL)  # kill -9 the worker (and its scheduler) …
        os.killpg(horse, signal.SIGKILL)  # … and its work horse, which RQ gives a process group of its own
        first.process.wait(timeout=30)
    finally:
        first.stop()
        aggregator.release.set()

    stuck = row(session, message.id)
    assert (stuck.status, stuck.attempts) == ("sending", 1)  # nobody finished the job
    assert aggregator.deliveries == ["f1"]  # … but the recipient already has the message
    if SystemClock().now() < stuck.lease_until - timedelta(seconds=1):
        assert reconcile(session, clock=clock, dispatcher=dispatcher)["messages"] == 0  # the lease still holds
    wait_for_lease_to_expire(session, message.id)
    assert reconcile(session, clock=clock, dispatcher=dispatcher)["messages"] == 1

    Worker(app, redis_server, aggregator, tmp_path / "worker-2.log", burst=True).finish()
    assert_delivered_once(session, aggregator, message.id, "f1", attempts=2, requests=2)


def test_f2_the_work_horse_killed_during_the_send_then_the_worker_delivers_once(
        app, session, clock, dispatcher, redis_server, aggregator, tmp_path):
    from rq import Queue

    aggregator.stall = True
    worker = Worker(app, redis_server, aggregator, tmp_path / "worker.log", burst=False)
    try:
        message = queue(session, clock, "f2")
        if not aggregator.in_flight.wait(timeout=60):
            pytest.fail("the worker never called the aggregator\n" + worker.output())
        horse = work_horse(worker.pid)
        assert horse is not None, worker.output()
        os.kill(horse, signal.SIGKILL)  # only the horse dies (an OOM kill)
        aggregator.release.set()
        failed = Queue("default", connection=dispatcher.connection, serializer="json").failed_job_registry
        wait_for(lambda: f"outbox-{message.id}" in failed.get_job_ids(), 30, "RQ to fail the job",
                 worker.output)  # the parent saw its horse die and failed the job at once
        assert row(session, message.id).status == "sending"
        wait_for_lease_to_expire(session, message.id)
        assert reconcile(session, clock=clock, dispatcher=dispatcher)["messages"] == 1
        wait_for(lambda: row(session, message.id).status == "sent", 60, "the retried send", worker.output)
    finally:
        output = worker.stop()
    assert "terminated unexpectedly" in output or "Work-horse" in output or "horse" in output.lower(), output
    assert_delivered_once(session, aggregator, message.id, "f2", attempts=2, requests=2)


def test_redis_flushed_after_the_row_was_written_the_reconciler_delivers_it_once(
        app, session, clock, dispatcher, redis_server, aggregator, tmp_path):
    from redis import Redis

    written = FixedClock(clock.now() - timedelta(minutes=1))  # older than the reconciler's grace period
    message = queue(session, written, "f3")
    assert dispatcher.queue().count == 1
    Redis.from_url(redis_server.url).flushall()  # the job is gone; the row is not
    assert dispatcher.queue().count == 0
    assert reconcile(session, clock=clock, dispatcher=dispatcher)["messages"] == 1
    Worker(app, redis_server, aggregator, tmp_path / "worker.log", burst=True).finish()
    assert_delivered_once(session, aggregator, message.id, "f3", attempts=1, requests=1)


def test_redis_flushed_while_a_retry_waits_the_reconciler_delivers_it_once(
        app, session, clock, dispatcher, redis_server, aggregator, tmp_path):
    from redis import Redis

    from app.messaging.gateways import gateway_from_config

    earlier = FixedClock(clock.now() - timedelta(minutes=5))
    message = queue(session, earlier, "f3-retry")
    aggregator.fail_with = 503
    gateway = gateway_from_config({**app.config, "MESSENGER_GATEWAY": "http", "MESSAGE_HTTP_URL": aggregator.url})
    assert deliver_message(session, message.id, clock=earlier, gateway=gateway, dispatcher=dispatcher) == "retrying"
    aggregator.fail_with = None
    Redis.from_url(redis_server.url).flushall()  # the scheduled retry is gone
    assert reconcile(session, clock=clock, dispatcher=dispatcher)["messages"] == 1
    Worker(app, redis_server, aggregator, tmp_path / "worker.log", burst=True).finish()
    assert_delivered_once(session, aggregator, message.id, "f3-retry", attempts=2, requests=2)
