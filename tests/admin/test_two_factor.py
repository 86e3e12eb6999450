"""The second factor end to end, on SQLite and PostgreSQL: enrolment, the login's second step, recovery
codes, replay, the admins' requirement, turning it off, the CLI reset (ASVS 4.3.1)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.two_factor import code_at_step, timestep
from app.models.user import RecoveryCode
from app.services import two_factor as service

RECOVERY = re.compile(r"\b[0-9a-f]{5}-[0-9a-f]{5}\b")
WRONG = "Wrong code. Enter the 6-digit code from the app or one of your recovery codes."


def current_code(user, clock, offset=0) -> str:
    return code_at_step(user.totp_secret, timestep(clock.now()) + offset)


def wrong_code(user, clock) -> str:
    valid = {current_code(user, clock, offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


@pytest.fixture
def english_user(make_user, session):
    def build(*roles, **kwargs):
        user = make_user(*roles, **kwargs)
        user.locale = "en"
        session.commit()
        return user

    return build


@pytest.fixture
def enrolled(english_user, session, clock):
    """A user with the second factor on (through the service) and their recovery codes."""

    def build(*roles, **kwargs):
        user = english_user(*roles, **kwargs)
        service.start_enrolment(session, user)
        codes = service.confirm_enrolment(session, user, current_code(user, clock), clock=clock)
        clock.advance(seconds=30)  # the confirming code is used up; the tests start in the next window
        return user, codes

    return build


def anonymous(app):
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def password_step(app, username, password="password123", **data):
    client = anonymous(app)
    response = client.post("/login", data={"username": username, "password": password, **data})
    return client, response


def test_enrolment_shows_a_qr_code_and_the_key_and_needs_a_code(english_user, login, session, clock):
    user = english_user("admin", username="irina")
    client = login(user)
    page = client.get("/admin/2fa/").get_data(as_text=True)
    assert 'id="two-factor-start"' in page and "two-factor-qr" not in page
    assert client.get("/admin/2fa/qr.svg").status_code == 404  # nothing to show before the setup starts

    assert client.post("/admin/2fa/start").status_code == 302
    session.refresh(user)
    assert user.totp_secret and not user.totp_enabled
    page = client.get("/admin/2fa/").get_data(as_text=True)
    assert 'src="/admin/2fa/qr.svg"' in page
    assert " ".join(user.totp_secret[i:i + 4] for i in range(0, len(user.totp_secret), 4)) in page
    image = client.get("/admin/2fa/qr.svg")
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert b"<svg" in image.data and b"<script" not in image.data and b"irina" not in image.data
    assert image.headers["Cache-Control"] == "no-store"

    response = client.post("/admin/2fa/confirm", data={"code": wrong_code(user, clock)})
    assert response.status_code == 400
    assert "Wrong code. Enter the 6-digit code the app shows now." in response.get_data(as_text=True)
    session.refresh(user)
    assert not user.totp_enabled

    response = client.post("/admin/2fa/confirm", data={"code": current_code(user, clock)})
    assert response.status_code == 200
    codes = RECOVERY.findall(response.get_data(as_text=True))
    assert len(set(codes)) == 10
    session.refresh(user)
    assert user.totp_enabled
    hashes = set(session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert len(hashes) == 10 and not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert client.get("/admin/").status_code == 200  # this session goes on with the rotated token
    page = client.get("/admin/2fa/").get_data(as_text=True)
    assert "Recovery codes left: 10." in page and not RECOVERY.search(page)  # shown once only
    assert client.get("/admin/2fa/qr.svg").status_code == 404  # the active secret is never shown again


def test_turning_it_on_ends_the_users_other_sessions(english_user, login, session, clock):
    user = english_user("supervisor")
    other = login(user)
    client = login(user)
    client.post("/admin/2fa/start")
    session.refresh(user)
    client.post("/admin/2fa/confirm", data={"code": current_code(user, clock)})
    assert other.get("/admin/").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_any_role_may_set_up_its_own_second_factor(english_user, login):
    client = login(english_user("reception"))
    assert client.get("/admin/2fa/").status_code == 200
    assert client.post("/admin/2fa/start").status_code == 302


def test_login_asks_for_the_code_after_the_password(app, enrolled, clock):
    user, _ = enrolled("admin", username="kira")
    client, response = password_step(app, "kira")
    assert response.status_code == 302 and response.location == "/login/code"
    assert client.get("/admin/").status_code == 302  # not logged in yet
    page = client.get("/login/code")
    assert page.status_code == 200 and 'name="code"' in page.get_data(as_text=True)

    response = client.post("/login/code", data={"code": wrong_code(user, clock)})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert re.search(r'is-invalid[^>]*>\s*<div class="invalid-feedback">' + re.escape(WRONG), body), body[-1500:]
    assert client.get("/admin/").status_code == 302

    response = client.post("/login/code", data={"code": current_code(user, clock)})
    assert response.status_code == 302 and response.location == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_password_never_reaches_the_second_step(app, enrolled):
    enrolled("admin", username="lev")
    client, response = password_step(app, "lev", password="not-the-password")
    assert response.status_code == 400
    assert client.get("/login/code").location == "/login"


def test_a_code_is_good_once_in_its_window(app, enrolled, clock):
    user, _ = enrolled("admin", username="mila")
    code = current_code(user, clock)
    first, _ = password_step(app, "mila")
    assert first.post("/login/code", data={"code": code}).status_code == 302
    second, _ = password_step(app, "mila")
    assert second.post("/login/code", data={"code": code}).status_code == 400  # replay
    clock.advance(seconds=30)
    assert second.post("/login/code", data={"code": current_code(user, clock)}).status_code == 302


def test_a_recovery_code_works_once(app, enrolled, session):
    user, codes = enrolled("admin", username="nina")
    first, _ = password_step(app, "nina")
    assert first.post("/login/code", data={"code": codes[3].upper()}).status_code == 302
    assert first.get("/admin/").status_code == 200
    second, _ = password_step(app, "nina")
    assert second.post("/login/code", data={"code": codes[3]}).status_code == 400
    assert second.post("/login/code", data={"code": codes[4]}).status_code == 302
    assert service.recovery_codes_left(session, user) == 8


def test_the_second_step_keeps_next_and_remember_me(app, enrolled, clock):
    user, _ = enrolled("admin", username="oleg")
    client, response = password_step(app, "oleg", remember="y")
    client2 = anonymous(app)
    client2.post("/login?next=/admin/user/", data={"username": "oleg", "password": "password123"})
    response = client.post("/login/code", data={"code": current_code(user, clock)})
    assert response.status_code == 302
    assert any(h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))
    clock.advance(seconds=30)
    response = client2.post("/login/code", data={"code": current_code(user, clock)})
    assert response.location == "/admin/user/"
    assert not any(h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))


def test_a_half_finished_login_expires(app, enrolled, clock):
    user, _ = enrolled("admin", username="petr")
    client, _ = password_step(app, "petr")
    clock.advance(minutes=6)
    response = client.post("/login/code", data={"code": current_code(user, clock)})
    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/admin/").status_code == 302


def test_a_password_change_cancels_a_half_finished_login(app, enrolled, clock, session):
    from app.services.users import set_password

    user, _ = enrolled("admin", username="roma")
    client, _ = password_step(app, "roma")
    set_password(session, "roma", "another-password")
    response = client.post("/login/code", data={"code": current_code(user, clock)})
    assert response.location == "/login"


def _require_admin_2fa(admin_client, session, on: bool):
    from tests.admin.test_settings_and_outbox import _form

    data = _form(session)
    if on:
        data["require_admin_2fa"] = "y"
    response = admin_client.post("/admin/regulations/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert service.admins_must_use_2fa(session) is on


def test_the_setting_holds_admins_without_a_second_factor_on_enrolment(english_user, login, session, clock):
    boss = english_user("admin", username="boss")
    admin = login(boss)
    _require_admin_2fa(admin, session, True)
    assert admin.get("/admin/regulations/").status_code == 302  # held right after saving
    for url in ("/admin/", "/admin/user/", "/admin/regulations/", "/admin/clients/"):
        response = admin.get(url)
        assert response.status_code == 302 and response.location == "/admin/2fa/", url
    page = admin.get("/admin/2fa/").get_data(as_text=True)
    assert 'id="two-factor-required"' in page
    assert login(english_user("reception")).get("/admin/").status_code == 200  # other roles are not held
    assert admin.post("/logout").status_code == 302  # logging out stays possible

    admin = login(boss)
    admin.post("/admin/2fa/start")
    session.refresh(boss)
    assert admin.get("/admin/2fa/qr.svg").status_code == 200
    admin.post("/admin/2fa/confirm", data={"code": current_code(boss, clock)})
    assert admin.get("/admin/").status_code == 200  # enrolled: free again


def test_turning_the_setting_off_stops_holding_admins(english_user, login, session):
    admin = login(english_user("admin", username="boss"))
    _require_admin_2fa(admin, session, True)
    assert admin.get("/admin/").status_code == 302
    from app.services.regulations import load_regulations, save_regulations, settings_version

    assert load_regulations(session).require_admin_2fa
    save_regulations(session, {"require_admin_2fa": False}, expected_version=settings_version(session))
    assert admin.get("/admin/").status_code == 200
    page = admin.get("/admin/regulations/").get_data(as_text=True)
    assert 'name="require_admin_2fa"' in page
    _require_admin_2fa(admin, session, False)  # through the form as well


def test_the_settings_page_shows_the_switch_as_a_checkbox(admin_client):
    page = admin_client.get("/admin/regulations/").get_data(as_text=True)
    assert re.search(r'<input[^>]*type="checkbox"[^>]*name="require_admin_2fa"|'
                     r'<input[^>]*name="require_admin_2fa"[^>]*type="checkbox"', page)


def test_turning_it_off_needs_a_current_code(enrolled, login, session, clock, app):
    user, codes = enrolled("admin", username="sara")
    client = login(user)
    response = client.post("/admin/2fa/disable", data={"code": wrong_code(user, clock)})
    assert response.status_code == 400 and WRONG in response.get_data(as_text=True)
    session.refresh(user)
    assert user.totp_enabled
    assert client.post("/admin/2fa/disable", data={"code": current_code(user, clock)}).status_code == 302
    session.refresh(user)
    assert not user.totp_enabled and user.totp_secret is None
    assert service.recovery_codes_left(session, user) == 0
    _, response = password_step(app, "sara")
    assert response.location == "/admin/"  # no second step any more


def test_the_cli_resets_a_users_second_factor(app, enrolled, login, session):
    user, _ = enrolled("admin", username="timur")
    client = login(user)
    result = app.test_cli_runner().invoke(args=["users", "reset-2fa", "timur"])
    assert result.exit_code == 0, result.output
    assert "timur" in result.output
    session.refresh(user)
    assert not user.totp_enabled and user.totp_secret is None
    assert session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id)) == 0
    assert client.get("/admin/").status_code == 302  # their sessions ended
    _, response = password_step(app, "timur")
    assert response.location == "/admin/"
    result = app.test_cli_runner().invoke(args=["users", "reset-2fa", "nobody-here"])
    assert result.exit_code != 0


class TestTheSecondStepIsThrottledAndCsrfProtected:
    @pytest.fixture
    def db_kind(self):
        return "sqlite"

    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": True}

    def test_wrong_codes_are_throttled_like_passwords(self, app, enrolled, clock):
        from app.extensions import limiter
        from tests.admin.test_security import _token

        limiter.reset()
        user, _ = enrolled("admin", username="ulya")
        client = anonymous(app)
        client.post("/login", data={"username": "ulya", "password": "password123", "csrf_token": _token(client, "/login")})
        statuses = []
        for _ in range(6):
            token = _token(client, "/login/code")
            statuses.append(client.post("/login/code", data={"code": wrong_code(user, clock), "csrf_token": token})
                            .status_code)
        assert statuses == [400] * 5 + [429]
        response = client.post("/login/code", data={"code": current_code(user, clock),
                                                    "csrf_token": _token(client, "/login/code")})
        assert response.status_code == 429
        assert 'id="throttled"' in response.get_data(as_text=True)
        limiter.reset()

    def test_every_form_needs_its_csrf_token(self, app, enrolled, english_user, login, clock):
        user, _ = enrolled("admin", username="vlad")
        client = login(english_user("admin"))
        for url, data in (("/admin/2fa/start", {}), ("/admin/2fa/confirm", {"code": "123456"}),
                          ("/admin/2fa/disable", {"code": "123456"})):
            assert client.post(url, data=data).status_code == 400, url
        from tests.admin.test_security import _token

        anon = anonymous(app)
        anon.post("/login", data={"username": "vlad", "password": "password123", "csrf_token": _token(anon, "/login")})
        assert anon.post("/login/code", data={"code": current_code(user, clock)}).status_code == 400
        assert anon.get("/admin/").status_code == 302


def test_the_confirming_code_cannot_log_in_again(app, english_user, session, clock):
    user = english_user("admin", username="yana")
    service.start_enrolment(session, user)
    code = current_code(user, clock)
    service.confirm_enrolment(session, user, code, clock=clock)
    client, _ = password_step(app, "yana")
    assert client.post("/login/code", data={"code": code}).status_code == 400
    clock.advance(seconds=timedelta(seconds=30).total_seconds())
    assert client.post("/login/code", data={"code": current_code(user, clock)}).status_code == 302
