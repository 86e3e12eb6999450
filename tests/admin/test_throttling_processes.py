"""Login throttling holds across web processes: two real servers share the counters in the app's Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from app.embedded_redis import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parents[2]

# A web process as in production: the config comes from the environment (no RATELIMIT_STORAGE_URI, so the
# limiter must find REDIS_URL by itself); only CSRF is off so the test needs no token round trip.
SERVER = textwrap.dedent("""
    import sys
    from werkzeug.serving import make_server
    from app import create_app
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_KEY_PREFIX": sys.argv[2]})
    make_server("127.0.0.1", int(sys.argv[1]), app).serve_forever()
""")


@pytest.fixture
def db_kind():
    return "sqlite"


@pytest.fixture
def servers(app, redis_server):
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis_server.url,
           "SECRET_KEY": "test-secret", "LOGIN_RATE_LIMIT": "5 per minute"}
    env.pop("RATELIMIT_STORAGE_URI", None)
    ports = [free_port(), free_port()]
    processes = [subprocess.Popen([sys.executable, "-c", SERVER, str(port), prefix], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            try:
                wait_until_listening(port, timeout=20)
            except RuntimeError:
                process.kill()
                pytest.fail(process.communicate(timeout=5)[1].decode()[-2000:])
        yield [f"http://127.0.0.1:{port}" for port in ports], prefix
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            if process.stderr:
                process.stderr.close()


def _post_login(base: str, username: str, password: str) -> int:
    body = urllib.parse.urlencode({"username": username, "password": password}).encode()
    request = urllib.request.Request(base + "/login", data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_failed_logins_count_across_two_processes(servers, make_user, redis_server):
    import redis

    (first, second), prefix = servers
    make_user("admin", username="shared-victim", password="correct-horse")
    statuses = [_post_login((first, second)[attempt % 2], "shared-victim", "wrong-one") for attempt in range(6)]
    # Five failures in total (3 on one process, 2 on the other) exhaust "5 per minute"; per-process
    # counters would allow ten.
    assert statuses == [400, 400, 400, 400, 400, 429]
    assert _post_login(first, "shared-victim", "correct-horse") == 429  # the account and the IP are locked
    assert _post_login(second, "shared-victim", "correct-horse") == 429
    connection = redis.Redis.from_url(redis_server.url)
    keys = connection.keys(f"*{prefix}*")
    assert keys, "the counters live in the shared Redis"
    connection.delete(*keys)
    connection.close()
