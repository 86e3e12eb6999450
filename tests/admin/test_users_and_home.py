"""Admins manage users in the dashboard; the home page shows what a role can open; English works."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models.user import Role, User


@pytest.fixture
def db_kind():
    return "sqlite"


def _role_id(session, code):
    return str(session.scalar(select(Role.id).where(Role.code == code)))


def test_an_admin_creates_a_user_with_roles_and_a_password(admin_client, session):
    response = admin_client.post("/admin/user/new/", data={
        "username": "petrov", "full_name": "Пётр Петров", "roles": [_role_id(session, "reception")],
        "active": "y", "new_password": "long-enough-1"})
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.username == "petrov"))
    assert user.check_password("long-enough-1") and user.role_codes == {"reception"}


@pytest.mark.parametrize(("password", "roles", "message"), [
    ("", ["reception"], "пароль"),
    ("short", ["reception"], "8"),
    ("long-enough-1", [], "роль"),
])
def test_a_new_user_needs_a_good_password_and_a_role(admin_client, session, password, roles, message):
    page = admin_client.post("/admin/user/new/", data={
        "username": "ivanov", "roles": [_role_id(session, r) for r in roles], "active": "y",
        "new_password": password}).get_data(as_text=True)
    assert message in page.lower()
    assert session.scalar(select(User).where(User.username == "ivanov")) is None


def test_password_hashes_are_never_shown_or_exported(admin_client):
    assert "scrypt" not in admin_client.get("/admin/user/").get_data(as_text=True)
    assert "scrypt" not in admin_client.get("/admin/user/export/csv/").get_data(as_text=True)


def test_the_admin_home_shows_catalog_counts_and_latest_changes(admin_client):
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert 'id="catalog-counts"' in page and "Категории обращений" in page
    assert 'id="latest-changes"' in page


def test_a_reception_home_shows_neither_catalogs_nor_their_menu(make_user, login):
    page = login(make_user("reception")).get("/admin/").get_data(as_text=True)
    assert "catalog-counts" not in page and "/admin/appealcategory/" not in page


def test_english_is_available(make_user, login, session):
    user = make_user("admin")
    user.locale = "en"
    session.commit()
    page = login(user).get("/admin/lossreason/").get_data(as_text=True)
    assert "Lead loss reasons" in page and "Причины проигрыша" not in page


def test_xlsx_export_is_offered(admin_client):
    response = admin_client.get("/admin/work/export/xlsx/")
    assert response.status_code == 200 and response.data[:2] == b"PK"
