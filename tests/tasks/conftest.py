"""Tests with real `flask worker` processes run on the real clock and a real Redis queue (these replace
the suite's controllable clock and recording dispatcher in this folder)."""

from __future__ import annotations

import pytest

from app.clock import SystemClock
from app.jobs import RqDispatcher


@pytest.fixture
def clock():
    return SystemClock()


@pytest.fixture
def dispatcher(redis_server):
    from redis import Redis

    Redis.from_url(redis_server.url).flushall()
    return RqDispatcher(redis_server.url)
