"""Deny by default: every endpoint × every role, against tests/roles.toml (QUALITY.md B4.1)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter

from app.domain.roles import Role

MATRIX = tomllib.loads((Path(__file__).resolve().parent.parent / "roles.toml").read_text())
ROLES = [r.value for r in Role]


@pytest.fixture
def db_kind():
    return "sqlite"  # access rules do not depend on the database; the rest of the suite runs both


# Flask-Admin's create/edit/delete/action endpoints and our own form pages that create something.
WRITE_NAMES = {"create_view", "edit_view", "delete_view", "action_view", "ajax_update", "create"}


def is_write(endpoint: str, methods=frozenset({"GET"})) -> bool:
    return endpoint.split(".")[-1] in WRITE_NAMES or "GET" not in methods


def allowed_roles(endpoint: str, methods=frozenset({"GET"})) -> set[str] | None:
    """None = public."""
    if endpoint in MATRIX["public"]["endpoints"]:
        return None
    if endpoint in MATRIX["provider"]["endpoints"]:
        return set()
    view = endpoint.split(".")[0]
    if endpoint in MATRIX["api"]:
        listed = MATRIX["api"][endpoint]
    elif endpoint in MATRIX["endpoints"]:
        listed = MATRIX["endpoints"][endpoint]
    elif view in MATRIX["writes"] and is_write(endpoint, methods):
        listed = MATRIX["writes"][view]
    else:
        listed = MATRIX["views"].get(view)
        if listed is None:
            raise KeyError(endpoint)
    return set(ROLES) if "*" in listed else set(listed)


def sample_url(app, rule) -> str:
    values = {}
    for arg in rule.arguments:
        # isinstance, not the class name: the input guard's <int:> converter is a bounded IntegerConverter.
        values[arg] = 1 if isinstance(rule._converters[arg], IntegerConverter) else ("up" if arg == "direction" else "x")
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def guarded_rules(app):
    for rule in app.url_map.iter_rules():
        if allowed_roles(rule.endpoint) is not None:
            yield rule


def test_every_endpoint_is_in_the_matrix(app):
    unknown = []
    for rule in app.url_map.iter_rules():
        try:
            allowed_roles(rule.endpoint)
        except KeyError:
            unknown.append(rule.endpoint)
    assert unknown == [], "add these endpoints to tests/roles.toml (deny by default)"


def test_each_role_reaches_exactly_its_endpoints(app, make_user, login):
    clients = {role: login(make_user(role)) for role in ROLES}
    anonymous = app.test_client()
    mismatches = []
    for rule in guarded_rules(app):
        url = sample_url(app, rule)
        method = "GET" if "GET" in rule.methods else "POST"
        allowed = allowed_roles(rule.endpoint, rule.methods)
        is_api = url.startswith("/api/")
        response = anonymous.open(url, method=method)
        expected_anon = 401 if is_api else 302
        if response.status_code != expected_anon or (not is_api and "/login" not in response.location):
            mismatches.append((rule.endpoint, "anonymous", response.status_code))
        if is_api:
            continue  # API roles are checked with tokens in each wing's *_api tests and tests/kernel/test_api_base.py
        for role, client in clients.items():
            status = client.open(url, method=method).status_code
            if role in allowed and status == 403:
                mismatches.append((rule.endpoint, role, "denied"))
            if role not in allowed and status != 403:
                mismatches.append((rule.endpoint, role, status))
    assert mismatches == []


def test_disabled_users_lose_their_session(app, make_user, login, session):
    user = make_user("admin")
    client = login(user)
    assert client.get("/admin/").status_code == 200
    from app.services.users import set_active

    set_active(session, user.username, False)
    assert client.get("/admin/").status_code == 302


def test_a_password_change_ends_other_sessions(app, make_user, login, session):
    user = make_user("supervisor")
    client = login(user)
    from app.services.users import set_password

    set_password(session, user.username, "a-new-password")
    assert client.get("/admin/").status_code == 302
