"""List search and AJAX pickers take `%`, `_` and `/` as typed, not as LIKE wildcards, on SQLite and
PostgreSQL (security issue 11): searching «10%» must not find «100»."""

from __future__ import annotations

import html5lib
import pytest

from app.admin.search import escape_like, like_pattern
from catalogs import models as cm

NAMES = ["Sale 10%", "Sale 100", "10% off", "100 off", "a_b", "axb", "50/50", "5050", "Sale"]


@pytest.fixture
def reasons(session):
    for n, name in enumerate(NAMES):
        session.add(cm.LossReason(name=name, show_in_list=True, sort_order=n))
    session.commit()


def listed(client, url: str, search: str, column: str = "name") -> list[str]:
    response = client.get(url, query_string={"search": search})
    assert response.status_code == 200
    tree = html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)
    return sorted(" ".join("".join(td.itertext()).split()) for td in tree.iter("td")
                  if f"col-{column}" in td.get("class", "").split())


def view_of(app, endpoint: str):
    return next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)


@pytest.mark.parametrize(("search", "expected"), [
    ("10%", ["10% off", "Sale 10%"]),
    ("%", ["10% off", "Sale 10%"]),
    ("_", ["a_b"]),
    ("a_b", ["a_b"]),
    ("0/5", ["50/50"]),
    ("/", ["50/50"]),
    ("^10%", ["10% off"]),
    ("=a_b", ["a_b"]),
    ("=%", []),
    ("%%", []),
    ("sale 10%", ["Sale 10%"]),  # every word must match
    ("sale", ["Sale", "Sale 10%", "Sale 100"]),  # still a case-insensitive substring search
    ("100", ["100 off", "Sale 100"]),
])
def test_the_catalog_list_search_is_literal(admin_client, reasons, search, expected):
    assert listed(admin_client, "/admin/lossreason/", search) == expected


def test_the_count_follows_the_same_literal_search(app, admin_client, reasons):
    view = view_of(app, "lossreason")
    with app.test_request_context("/admin/lossreason/"):
        count, rows = view.get_list(0, None, None, "10%", [])
    assert count == 2 and sorted(r.name for r in rows) == ["10% off", "Sale 10%"]


def test_the_user_list_search_is_literal(admin_client, make_user):
    make_user("reception", username="ivan_petrov", full_name="Иван Петров")
    make_user("reception", username="ivanxpetrov", full_name="Иван Иксов")
    make_user("reception", username="olga", full_name="Ольга 100%", email="olga@example.ru")
    make_user("reception", username="olga2", full_name="Ольга 1000", email="olga2@example.ru")
    assert listed(admin_client, "/admin/user/", "n_p", "username") == ["ivan_petrov"]
    assert listed(admin_client, "/admin/user/", "0%", "username") == ["olga"]
    assert listed(admin_client, "/admin/user/", "petrov", "username") == ["ivan_petrov", "ivanxpetrov"]


def test_an_ajax_picker_is_literal(admin_client, make_user):
    make_user("sales_manager", username="olga_k")
    make_user("sales_manager", username="olgaxk")
    found = admin_client.get("/admin/contactgoal/ajax/lookup/", query_string={"name": "specialists",
                                                                               "query": "olga_k"})
    assert found.status_code == 200
    assert [label for _id, label in found.get_json()] == ["olga_k"]
    everyone = admin_client.get("/admin/contactgoal/ajax/lookup/", query_string={"name": "specialists",
                                                                                  "query": "olga"})
    assert sorted(label for _id, label in everyone.get_json()) == ["olga_k", "olgaxk"]
    assert admin_client.get("/admin/contactgoal/ajax/lookup/", query_string={"name": "specialists",
                                                                             "query": "%"}).get_json() == []


def test_patterns_escape_the_wildcards_and_the_escape_character():
    assert escape_like("10%_a/b") == "10/%/_a//b"
    assert like_pattern("10%") == "%10/%%"
    assert like_pattern("^a_") == "a/_%"
    assert like_pattern("=a/") == "a//"


def test_the_custom_search_boxes_are_literal_too(admin_client, session, clock, token_for, api):
    """The workstation, the reception picker and the API search through clients/search.py (KeyMatcher)."""
    from tests import factories as f

    for name in ("Ателье 10%", "Ателье 100", "Ателье a_b", "Ателье axb"):
        f.client(session, clock, name)
    token = token_for("admin")
    for term, expected in (("10%", ["Ателье 10%"]), ("a_b", ["Ателье a_b"]), ("ье 10%", ["Ателье 10%"]), ("%", []), ("_", [])):
        picker = admin_client.get("/admin/traffic/clients", query_string={"q": term}).get_json()["items"]
        assert [item["label"] for item in picker] == expected, term
        found = api("GET", "/api/v1/clients", token, query_string={"q": term}).get_json()["items"]
        assert [item["name"] for item in found] == expected, term
