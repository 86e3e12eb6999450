"""The JSON API base: tokens, errors, OpenAPI, /me, catalogs in list order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalogs import models as cm


def _get(app, url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.test_client().get(url, headers=headers)


def test_me_returns_the_tokens_user_and_roles(app, token_for):
    token = token_for("service_admin", "supervisor", username="maria")
    body = _get(app, "/api/v1/me", token).get_json()
    assert body["username"] == "maria" and body["roles"] == ["service_admin", "supervisor"]


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_no_or_a_bad_token_is_401_in_the_error_format(app, header):
    response = app.test_client().get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_session_cookie_does_not_authenticate_the_api(app, make_user, login):
    client = login(make_user("admin"))
    assert client.get("/api/v1/me").status_code == 401


def test_a_disabled_users_token_stops_working(app, token_for, session):
    from app.services.users import set_active

    token = token_for("reception", username="gone")
    set_active(session, "gone", False)
    assert _get(app, "/api/v1/me", token).status_code == 401


def test_a_catalog_returns_visible_rows_in_list_order_with_codes(app, token_for, session):
    goal = session.scalar(select(cm.ContactGoal).where(cm.ContactGoal.code == "call_parts"))
    goal.sort_order = 1
    hidden = session.scalar(select(cm.ContactGoal).where(cm.ContactGoal.code == "other"))
    hidden.show_in_list = False
    session.commit()
    body = _get(app, "/api/v1/catalogs/contact-goals", token_for("reception")).get_json()
    codes = [item["code"] for item in body["items"]]
    assert codes[0] == "call_parts" and "other" not in codes
    assert set(body["items"][0]) == {"id", "name", "code", "show_in_list", "sort_order", "predefined"}
    assert body["next"] is None


def test_catalog_pages_follow_the_cursor(app, token_for):
    token = token_for("call_center")
    first = _get(app, "/api/v1/catalogs/lead-stages?limit=3", token).get_json()
    second = _get(app, f"/api/v1/catalogs/lead-stages?limit=3&cursor={first['next']}", token).get_json()
    assert len(first["items"]) == 3 and first["items"][-1]["id"] != second["items"][0]["id"]


@pytest.mark.parametrize("name", ["appeal-categories", "cancellation-reasons", "contact-goals", "ignore-reasons",
                                  "lead-stages", "loss-reasons", "message-templates", "cadences", "works"])
def test_every_catalog_name_of_the_contract_answers(app, token_for, name):
    assert _get(app, f"/api/v1/catalogs/{name}", token_for("supervisor")).status_code == 200


def test_unknown_catalogs_and_bad_arguments_are_json_errors(app, token_for):
    token = token_for("admin")
    missing = _get(app, "/api/v1/catalogs/cars", token)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    bad = _get(app, "/api/v1/catalogs/works?limit=0", token)
    assert bad.status_code == 400 and "limit" in bad.get_json()["error"]["fields"]


def test_the_openapi_document_is_generated_and_lists_the_endpoints(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/me", "/api/v1/catalogs/{name}"} <= set(spec["paths"])
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_api_token_command_fails_clearly_for_an_unknown_user(app):
    result = app.test_cli_runner().invoke(args=["api-tokens", "create", "--username", "nobody"])
    assert result.exit_code != 0 and "nobody" in result.output


def test_users_cli_create_set_password_disable(app, session):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["users", "create", "--username", "olga", "--password", "secret123",
                                  "--role", "call_center", "--role", "supervisor"])
    assert created.exit_code == 0, created.output
    assert runner.invoke(args=["users", "create", "--username", "olga", "--password", "secret123",
                               "--role", "admin"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "--username", "x", "--password", "short",
                               "--role", "admin"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "--username", "y", "--password", "secret123",
                               "--role", "pilot"]).exit_code != 0
    assert runner.invoke(args=["users", "set-password", "--username", "olga", "--password", "another1"]).exit_code == 0
    assert runner.invoke(args=["users", "disable", "--username", "olga"]).exit_code == 0
    from app.models.user import User

    user = session.scalar(select(User).where(User.username == "olga"))
    session.refresh(user)
    assert user.check_password("another1") and not user.active
