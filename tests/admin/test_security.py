"""CSRF, stored XSS, login throttling, safe redirects, session cookie flags (QUALITY.md B4)."""

from __future__ import annotations

import re

import html5lib
import pytest
from sqlalchemy import select

from catalogs import models as cm


@pytest.fixture
def db_kind():
    return "sqlite"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _token(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_a_post_without_csrf_token_is_refused(admin_client, session):
    goal = session.scalar(select(cm.ContactGoal).where(cm.ContactGoal.code == "other"))
    for url, data in (
        (f"/admin/contactgoal/move/{goal.id}/up/", {}),
        ("/admin/contactgoal/action/", {"action": "hide", "rowid": str(goal.id)}),
        ("/admin/contactgoal/delete/", {"id": str(goal.id)}),
        ("/admin/lossreason/new/", {"name": "x"}),
        ("/admin/regulations/", {"dealer_name": "x"}),
        ("/logout", {}),
    ):
        assert admin_client.post(url, data=data).status_code == 400, url
    session.refresh(goal)
    assert goal.show_in_list


def test_a_post_with_the_token_goes_through(admin_client, session):
    token = _token(admin_client, "/admin/lossreason/new/")
    response = admin_client.post("/admin/lossreason/new/", data={"name": "Дорого", "show_in_list": "y",
                                                                  "csrf_token": token})
    assert response.status_code == 302
    assert session.scalar(select(cm.LossReason).where(cm.LossReason.name == "Дорого")) is not None


PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "<svg/onload=alert(1)>",
            "javascript:alert(1)"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_catalog_name_is_never_rendered_as_html(admin_client, session, payload):
    session.add(cm.LossReason(name=payload, show_in_list=True, sort_order=1))
    session.commit()
    for url in ("/admin/lossreason/", "/admin/", "/admin/audit/"):
        document = html5lib.parse(admin_client.get(url).get_data(as_text=True), namespaceHTMLElements=False)
        for element in document.iter():
            assert not {"onerror", "onload"} & set(element.attrib), (url, element.tag)
            assert element.tag != "svg" and element.attrib.get("src") != "x", url
            assert "alert" not in element.attrib.get("href", ""), url
            if element.tag == "script":
                assert "alert(1)" not in (element.text or ""), url


def test_a_good_login_rotates_the_session_and_sets_safe_cookie_flags(app, make_user):
    make_user("admin", username="anna", password="correct-horse")
    client = app.test_client()
    token = _token(client, "/login")
    response = client.post("/login?next=/admin/user/", data={"username": "anna", "password": "correct-horse",
                                                             "csrf_token": token})
    assert response.status_code == 302 and response.location == "/admin/user/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("target", ["//evil.com", "\\\\evil.com", "/\\evil.com", "https:evil.com",
                                    "javascript:alert(1)", " javascript:alert(1)", "https://evil.com/x"])
def test_login_never_redirects_off_site(app, make_user, target):
    make_user("admin", username="boris", password="correct-horse")
    client = app.test_client()
    token = _token(client, "/login")
    response = client.post("/login", query_string={"next": target},
                           data={"username": "boris", "password": "correct-horse", "csrf_token": token})
    assert response.status_code == 302
    assert response.location == "/admin/"


def test_a_wrong_password_is_told_by_the_field_in_russian(app, make_user):
    make_user("admin", username="vera", password="correct-horse")
    client = app.test_client()
    token = _token(client, "/login")
    page = client.post("/login", data={"username": "vera", "password": "nope-nope", "csrf_token": token})
    assert page.status_code == 400
    assert "Неверный логин или пароль" in page.get_data(as_text=True)
