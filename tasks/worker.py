"""The RQ worker: one app per process, JSON serializer, scheduler on, waits for Redis."""

from __future__ import annotations

import logging
import time

from flask import Flask
from rq import SimpleWorker, Worker

log = logging.getLogger(__name__)


def wait_for_redis(connection, timeout: float = 30.0) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.ping()
            return
        except (RedisConnectionError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


PUBSUB_STOP_TIMEOUT = 1.0


class BoundedUnsubscribe:
    """Stop the command-channel listener in bounded time.

    RQ's `unsubscribe()` relies on the UNSUBSCRIBE reply to wake its pub/sub thread, and redis-py
    8.2's `PubSubWorkerThread.stop()` joins that thread with no limit. When the reply is read
    before the thread re-enters `get_message`, the thread waits out RQ's whole 60 s poll for a
    subscription that never comes, so a warm shutdown (SIGTERM on deploy, the end of a burst) took
    a minute about half the time — past most supervisors' grace period. The thread is a daemon
    and owns nothing once unsubscribed, so waiting one second for it is enough.
    """

    def unsubscribe(self) -> None:
        thread = self.pubsub_thread
        if not thread:
            return
        self.log.info("Worker %s: unsubscribing from channel %s", self.name, self.pubsub_channel_name)
        self.pubsub.unsubscribe()
        thread.stop(timeout=PUBSUB_STOP_TIMEOUT)
        self.pubsub.close()


class ForkingWorker(BoundedUnsubscribe, Worker):
    """RQ's default: each job in a forked work horse."""


class InProcessWorker(BoundedUnsubscribe, SimpleWorker):
    """Jobs in the worker's own process (platforms without fork, tests)."""


def run_worker(app: Flask, *, queues: tuple[str, ...], burst: bool = False, with_scheduler: bool = True,
               simple: bool = False) -> None:
    from app.extensions import db
    from app.jobs import redis_connection
    from tasks.context import set_worker_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    set_worker_app(app)
    connection = redis_connection(app.config["REDIS_URL"])
    wait_for_redis(connection)
    with app.app_context():
        db.engine.dispose()  # never share pooled connections with forked work horses
    worker_class = InProcessWorker if simple else ForkingWorker
    worker = worker_class(list(queues), connection=connection, serializer="json")
    log.info("worker %s listening on %s", worker.name, ", ".join(queues))
    worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")
