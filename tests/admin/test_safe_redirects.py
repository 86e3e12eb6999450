"""Open redirects (security issue 11, item 4): every redirect and «back» link taken from the request
stays on this site, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import html5lib
import pytest
from sqlalchemy import select

from catalogs import models as cm

HOSTILE = ["https://evil.com/", "http:/evil.com", "http:///evil.com", "//evil.com", "/\\evil.com", "\\\\evil.com",
           "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", " /admin/", "/\t/evil.com"]
SITE = "https://dashboard.example/admin/lossreason/edit/"


def assert_same_origin(location: str | None, expected: str) -> None:
    assert location is not None
    resolved = urlsplit(urljoin(SITE, location))
    assert (resolved.scheme, resolved.netloc) == ("https", "dashboard.example"), location
    assert location == expected


@pytest.fixture
def reason(session):
    row = cm.LossReason(name="Дорого", show_in_list=True, sort_order=10)
    session.add(row)
    session.commit()
    return row


def test_moving_a_catalog_row_never_redirects_off_site(admin_client, session):
    row = cm.CancellationReason(name="Передумал", show_in_list=True, sort_order=1000)
    session.add(row)
    session.commit()
    for target in HOSTILE:
        response = admin_client.post(f"/admin/cancellationreason/move/{row.id}/up/", data={"url": target})
        assert response.status_code == 302
        assert_same_origin(response.location, "/admin/cancellationreason/")
    session.refresh(row)
    assert row.sort_order < 1000


def test_moving_a_catalog_row_returns_to_the_list_page_it_came_from(admin_client, session, reason):
    response = admin_client.post(f"/admin/lossreason/move/{reason.id}/up/", data={"url": "/admin/lossreason/?page=1"})
    assert response.location == "/admin/lossreason/?page=1"


def test_creating_never_redirects_off_site(admin_client, session):
    for n, target in enumerate(HOSTILE):
        response = admin_client.post("/admin/lossreason/new/", query_string={"url": target},
                                     data={"name": f"Нет денег {n}", "show_in_list": "y"})
        assert response.status_code == 302
        assert_same_origin(response.location, "/admin/lossreason/")
        assert session.scalar(select(cm.LossReason).where(cm.LossReason.name == f"Нет денег {n}")) is not None


def test_editing_never_redirects_off_site(admin_client, session, reason):
    for n, target in enumerate(HOSTILE):
        response = admin_client.post("/admin/lossreason/edit/", query_string={"id": reason.id, "url": target},
                                     data={"name": f"Очень дорого {n}", "show_in_list": "y",
                                           "row_version": reason.version})
        assert response.status_code == 302
        assert_same_origin(response.location, "/admin/lossreason/")
        session.refresh(reason)
        assert reason.name == f"Очень дорого {n}"


def test_deleting_never_redirects_off_site(admin_client, session):
    rows = [cm.LossReason(name=f"Причина {n}", show_in_list=True, sort_order=n) for n in range(len(HOSTILE))]
    session.add_all(rows)
    session.commit()
    ids = [row.id for row in rows]
    for row_id, target in zip(ids, HOSTILE, strict=True):
        response = admin_client.post("/admin/lossreason/delete/", data={"id": str(row_id), "url": target})
        assert response.status_code == 302
        assert_same_origin(response.location, "/admin/lossreason/")
    session.expire_all()
    assert session.scalars(select(cm.LossReason).where(cm.LossReason.id.in_(ids))).all() == []


def test_a_bulk_action_never_redirects_off_site(admin_client, session, reason):
    for target in HOSTILE:
        response = admin_client.post("/admin/lossreason/action/",
                                     data={"action": "hide", "rowid": str(reason.id), "url": target})
        assert response.status_code == 302
        assert_same_origin(response.location, "/admin/lossreason/")
    session.refresh(reason)
    assert not reason.show_in_list


def test_an_unknown_row_or_a_refused_view_still_redirects_on_site(admin_client):
    response = admin_client.get("/admin/lossreason/edit/", query_string={"id": "999999", "url": "http:/evil.com"})
    assert_same_origin(response.location, "/admin/lossreason/")
    response = admin_client.get("/admin/lossreason/details/", query_string={"url": "http:/evil.com"})
    assert_same_origin(response.location, "/admin/lossreason/")


def test_the_forms_back_links_stay_on_site(admin_client, reason):
    for target in HOSTILE:
        for url in ("/admin/lossreason/new/", "/admin/lossreason/edit/"):
            page = admin_client.get(url, query_string={"id": reason.id, "url": target}).get_data(as_text=True)
            document = html5lib.parse(page, namespaceHTMLElements=False)
            links = [a.attrib.get("href", "") for a in document.iter("a")]
            assert "/admin/lossreason/" in links, (url, target)
            assert not [link for link in links if "evil.com" in link or "alert(" in link], (url, target)


def test_a_same_site_return_url_is_still_followed(admin_client, session, reason):
    response = admin_client.post("/admin/lossreason/edit/",
                                 query_string={"id": reason.id, "url": "/admin/lossreason/?search=%D0%94"},
                                 data={"name": "Дорого", "show_in_list": "y", "row_version": reason.version})
    assert response.location == "/admin/lossreason/?search=%D0%94"


def _token(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_login_next_never_redirects_off_site(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user("admin", username="boris", password="correct-horse")
    for target in HOSTILE:
        client = app.test_client()
        response = client.post("/login", query_string={"next": target},
                               data={"username": "boris", "password": "correct-horse",
                                     "csrf_token": _token(client, "/login")})
        assert response.status_code == 302, target
        assert_same_origin(response.location, "/admin/")


def test_the_language_switch_never_redirects_off_site(app):
    for target in HOSTILE:
        response = app.test_client().post("/language/en", data={"next": target})
        assert response.status_code == 302
        assert_same_origin(response.location, "/admin/")
