"""Login throttling: per IP and per login (QUALITY.md B4.10)."""

from __future__ import annotations

import pytest

from tests.admin.test_security import _token


@pytest.fixture
def db_kind():
    return "sqlite"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True}


def test_login_is_throttled_with_a_clear_message(app, make_user):
    from app.extensions import limiter

    limiter.reset()
    make_user("admin", username="victim")
    client = app.test_client()
    statuses = []
    for _ in range(6):
        token = _token(client, "/login")
        statuses.append(client.post("/login", data={"username": "victim", "password": "wrong-one",
                                                    "csrf_token": token}).status_code)
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    page = client.post("/login", data={"username": "victim", "password": "x",
                                       "csrf_token": _token(client, "/login")}).get_data(as_text=True)
    assert "Слишком много" in page
    limiter.reset()


def test_a_successful_login_does_not_count_against_the_limit(app, make_user):
    from app.extensions import limiter

    limiter.reset()
    make_user("admin", username="often", password="correct-horse")
    for _ in range(7):
        client = app.test_client()
        token = _token(client, "/login")
        response = client.post("/login", data={"username": "often", "password": "correct-horse",
                                               "csrf_token": token})
        assert response.status_code == 302, (_, response.get_data(as_text=True)[-1500:])
    limiter.reset()
