"""A worker's warm shutdown ends in bounded time (tasks/worker.py BoundedUnsubscribe).

The losing interleaving is forced: the listener thread reads the UNSUBSCRIBE reply before the
worker asks it to stop, so it goes back to waiting for a subscription that never comes. Stock
RQ 3 on redis-py 8.2 waits the whole 60 s poll there; ours returns within a second.
"""

from __future__ import annotations

import time

import pytest
from redis import Redis

from tasks.worker import PUBSUB_STOP_TIMEOUT, ForkingWorker, InProcessWorker

pytestmark = pytest.mark.worker


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.01)


@pytest.mark.parametrize("worker_class", [ForkingWorker, InProcessWorker])
def test_unsubscribe_returns_even_when_the_listener_already_read_the_reply(redis_server, worker_class):
    worker = worker_class(["default"], connection=Redis.from_url(redis_server.url), serializer="json")
    worker.subscribe()
    wait_until(lambda: worker.pubsub.subscribed)
    send_unsubscribe = worker.pubsub.unsubscribe

    def unsubscribe_and_let_the_listener_win(*args):
        send_unsubscribe(*args)
        wait_until(lambda: not worker.pubsub.subscribed)  # the thread handled the reply
        time.sleep(0.1)  # and is back in get_message, waiting for a subscription

    worker.pubsub.unsubscribe = unsubscribe_and_let_the_listener_win
    started = time.monotonic()
    worker.unsubscribe()
    elapsed = time.monotonic() - started
    assert elapsed < PUBSUB_STOP_TIMEOUT + 5, elapsed  # stock: the full 60 s poll
    assert worker.pubsub_thread.daemon  # left behind, it cannot keep the process alive


def test_a_plain_unsubscribe_returns_promptly_whichever_side_reads_the_reply(redis_server):
    # no forcing here: either interleaving may happen, and either way the worker goes on at once
    worker = ForkingWorker(["default"], connection=Redis.from_url(redis_server.url), serializer="json")
    worker.subscribe()
    wait_until(lambda: worker.pubsub.subscribed)
    started = time.monotonic()
    worker.unsubscribe()
    assert time.monotonic() - started < PUBSUB_STOP_TIMEOUT + 5
    assert not worker.pubsub_thread.is_alive() or worker.pubsub_thread.daemon
