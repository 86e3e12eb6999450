"""Dispatching work to RQ. Services call a dispatcher after they commit; tests pass their own."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Protocol

from flask import Flask, current_app

log = logging.getLogger(__name__)


class Dispatcher(Protocol):
    def enqueue(self, func: str, *args: Any, job_id: str | None = None) -> None: ...

    def enqueue_at(self, when: datetime, func: str, *args: Any, job_id: str | None = None) -> None: ...


def rq_time(at: datetime) -> datetime:
    """RQ's scheduler keeps whole seconds (it floors): round up, so a job never runs before it is due."""
    return at + timedelta(microseconds=(1_000_000 - at.microsecond) % 1_000_000)


def redis_connection(url: str):
    from redis import Redis

    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


class RqDispatcher:
    """Enqueues by dotted function path. A Redis outage never fails the caller's saved work:

    the rows stay pending in the database and the reconciler re-enqueues them.
    """

    def __init__(self, redis_url: str, queue_name: str = "default") -> None:
        self.redis_url = redis_url
        self.queue_name = queue_name
        self._connection = None

    @property
    def connection(self):
        if self._connection is None:
            self._connection = redis_connection(self.redis_url)
        return self._connection

    def queue(self):
        from rq import Queue

        return Queue(self.queue_name, connection=self.connection, serializer="json")

    def enqueue(self, func: str, *args: Any, job_id: str | None = None) -> None:
        self._safely(lambda q: q.enqueue(func, *args, job_id=job_id, unique=job_id is not None), func, job_id)

    def enqueue_at(self, when: datetime, func: str, *args: Any, job_id: str | None = None) -> None:
        if when.tzinfo is None:
            raise ValueError("enqueue_at needs an aware datetime")
        self._safely(lambda q: q.enqueue_at(when, func, *args, job_id=job_id), func, job_id)

    def _safely(self, call, func: str, job_id: str | None) -> None:
        from redis.exceptions import RedisError
        from rq.exceptions import DuplicateJobError

        try:
            call(self.queue())
        except DuplicateJobError:
            log.info("job %s already queued", job_id)
        except (RedisError, OSError) as exc:
            log.warning("could not enqueue %s (%s): %s; the reconciler will retry", func, job_id, exc)


class RecordingDispatcher:
    """Keeps what was dispatched; for tests and for running without Redis."""

    def __init__(self) -> None:
        self.calls: list[tuple[datetime | None, str, tuple[Any, ...], str | None]] = []

    def enqueue(self, func: str, *args: Any, job_id: str | None = None) -> None:
        self.calls.append((None, func, args, job_id))

    def enqueue_at(self, when: datetime, func: str, *args: Any, job_id: str | None = None) -> None:
        self.calls.append((when, func, args, job_id))


def init_app(app: Flask, dispatcher: Dispatcher | None = None) -> None:
    app.extensions["dispatcher"] = dispatcher or RqDispatcher(app.config["REDIS_URL"])


def get_dispatcher() -> Dispatcher:
    return current_app.extensions["dispatcher"]
