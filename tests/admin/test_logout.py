"""Logout ends the session everywhere (ASVS 3.3.1); «remember me» lasts REMEMBER_COOKIE_DAYS (14 by default)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest


def _log_in(app, username, password="password123", remember=True):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password,
                                           "remember": "y" if remember else ""})
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    return client, response


def _cookie(client, name):
    cookie = client.get_cookie(name)
    assert cookie is not None, name
    return cookie.value


def _client_with(app, **cookies):
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def _opens_admin(client) -> bool:
    response = client.get("/admin/")
    if response.status_code == 302:
        assert "/login" in response.location
        return False
    assert response.status_code == 200
    return True


def test_a_session_cookie_copied_before_logout_stops_working(app, make_user):
    make_user("admin", username="olga")
    client, _ = _log_in(app, "olga", remember=False)
    copied = _cookie(client, "session")
    assert _opens_admin(_client_with(app, session=copied))  # the copy works while the user is logged in

    assert client.post("/logout").status_code == 302
    assert not _opens_admin(client)
    assert not _opens_admin(_client_with(app, session=copied))


def test_a_remember_cookie_copied_before_logout_stops_working(app, make_user):
    make_user("reception", username="pavel")
    client, _ = _log_in(app, "pavel", remember=True)
    copied = _cookie(client, "remember_token")
    assert _opens_admin(_client_with(app, remember_token=copied))  # alone, without the session cookie

    assert client.post("/logout").status_code == 302
    assert not _opens_admin(_client_with(app, remember_token=copied))


def test_logging_out_one_browser_ends_the_users_other_sessions_too(app, make_user):
    make_user("supervisor", username="rita")
    first, _ = _log_in(app, "rita", remember=False)
    second, _ = _log_in(app, "rita", remember=False)
    first.post("/logout")
    assert not _opens_admin(second)
    third, _ = _log_in(app, "rita", remember=False)  # logging in again works
    assert _opens_admin(third)


def _remember_expiry(response) -> datetime:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    attrs = dict(part.strip().split("=", 1) for part in headers[0].split(";")[1:] if "=" in part)
    if "Max-Age" in attrs:
        return datetime.now(UTC) + timedelta(seconds=int(attrs["Max-Age"]))
    return parsedate_to_datetime(attrs["Expires"]).astimezone(UTC)


def test_remember_me_lasts_14_days_by_default(app, make_user):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    make_user("admin", username="semen")
    _, response = _log_in(app, "semen", remember=True)
    left = _remember_expiry(response) - datetime.now(UTC)
    assert timedelta(days=14) - timedelta(minutes=2) < left <= timedelta(days=14)


class TestTheSettingChangesTheLifetime:
    @pytest.fixture
    def app_config(self):
        return {"REMEMBER_COOKIE_DAYS": 3}

    def test_remember_me_lasts_remember_cookie_days(self, app, make_user):
        make_user("admin", username="taras")
        _, response = _log_in(app, "taras", remember=True)
        left = _remember_expiry(response) - datetime.now(UTC)
        assert timedelta(days=3) - timedelta(minutes=2) < left <= timedelta(days=3)


def test_a_nonsense_remember_setting_is_refused():
    from app.auth import remember_cookie_duration

    assert remember_cookie_duration("7") == timedelta(days=7)
    for bad in ("0", "-1", "two weeks"):
        with pytest.raises(ValueError):
            remember_cookie_duration(bad)
