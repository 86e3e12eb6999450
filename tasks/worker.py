"""The RQ worker: one app per process, JSON serializer, scheduler on, waits for Redis."""

from __future__ import annotations

import logging
import time

from flask import Flask

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


def run_worker(app: Flask, *, queues: tuple[str, ...], burst: bool = False, with_scheduler: bool = True,
               simple: bool = False) -> None:
    from rq import SimpleWorker, Worker

    from app.extensions import db
    from app.jobs import redis_connection
    from tasks.context import set_worker_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    set_worker_app(app)
    connection = redis_connection(app.config["REDIS_URL"])
    wait_for_redis(connection)
    with app.app_context():
        db.engine.dispose()  # never share pooled connections with forked work horses
    worker_class = SimpleWorker if simple else Worker
    worker = worker_class(list(queues), connection=connection, serializer="json")
    log.info("worker %s listening on %s", worker.name, ", ".join(queues))
    worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")
