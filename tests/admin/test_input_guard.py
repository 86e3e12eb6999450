"""Values no column can hold answer 400 naming the field (or 404 for a path id), on both databases."""

import pytest

from app.domain.input_limits import first_problem, value_problem


@pytest.mark.parametrize(("name", "value", "bad"), [
    ("username", "ad\x00min", True), ("no\x00te", "x", True), ("client_id", "2147483647", False),
    ("client_id", "2147483648", True), ("id", "-2147483649", True), ("ids", "99999999999999999999", True),
    ("year", "99999999999999999999", False), ("client_id", "abc", False), ("client_id", "²", False),
])
def test_value_problem(name, value, bad):
    assert (value_problem(name, value) is not None) is bad


def test_first_problem_names_the_field_without_the_nul():
    assert first_problem([("ok", "1"), ("na\x00me", "x")])[0] == "name"


def test_a_nul_byte_at_login_is_a_400_naming_the_field(app):
    response = app.test_client().post("/login", data={"username": "ad\x00min", "password": "x"})
    assert response.status_code == 400
    assert "«username»" in response.get_data(as_text=True)


def test_a_nul_byte_in_a_query_string_of_the_api_is_a_json_400(app, token_for, api):
    token = token_for("reception")
    response = api("GET", "/api/v1/clients?q=ab%00cd", token)
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"q": response.get_json()["error"]["message"]}


def test_an_id_past_the_integer_range(admin_client):
    assert admin_client.get("/admin/clients/2147483648").status_code == 404
    assert admin_client.get("/admin/clients/99999999999999999999").status_code == 404
    response = admin_client.get("/admin/appeals/new?client_id=99999999999999999999")
    assert response.status_code == 400
    assert "client_id" in response.get_data(as_text=True)
    assert admin_client.get("/admin/workorder/edit/?id=2147483648").status_code == 400


def test_the_english_message(app):
    client = app.test_client()
    client.set_cookie("lang", "en")
    response = client.post("/login", data={"username": "x\x00", "password": "x"})
    assert "The field «username» contains a character that is not allowed (NUL)." in response.get_data(as_text=True)
