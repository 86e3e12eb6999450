"""What a person reads in the admin (issue 13, points 12, 20, 21): exports with titles, formula-safe CSV, string
cells in XLSX; the audit log and the home page in words; local times, money, no «__None», «Add a work»."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.admin.base import neutralise_formula
from app.audit.models import AuditEntry
from catalogs import models as cm
from tests import factories as f

PHONE = "+7 908 494-44-34"
FORMULAS = ('=HYPERLINK("http://evil")', "-2+3", "@SUM(A1)", "+1+cmd")


def _english_admin(make_user, login, session):
    user = make_user("admin", username="boss-en")
    user.locale = "en"
    session.commit()
    return login(user)


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_starting_a_formula_gets_an_apostrophe(value):
    assert neutralise_formula(value) == "'" + value


@pytest.mark.parametrize("value", [PHONE, "+7 (908) 4944434", "Замена масла", 42, Decimal("-5.00")])
def test_phones_text_and_numbers_stay_as_they_are(value):
    assert neutralise_formula(value) == value


def _add_reasons(session):
    for position, name in enumerate((*FORMULAS, PHONE), start=1):
        session.add(cm.LossReason(name=name, sort_order=100 + position))
    session.commit()


def test_csv_export_has_titles_a_bom_and_neutralises_only_formulas(make_user, login, session):
    _add_reasons(session)
    client = _english_admin(make_user, login, session)
    raw = client.get("/admin/lossreason/export/csv/").get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Record ID,Name,Show in list,Order,System code"
    body = "\n".join(lines[1:])
    for formula in FORMULAS:
        assert f"'{formula.replace(chr(34), chr(34) * 2)}" in body
    assert f",{PHONE}," in body and f"'{PHONE}" not in body
    assert ",yes," in body and "True" not in body


def test_csv_export_titles_follow_the_user_language(admin_client):
    header = admin_client.get("/admin/lossreason/export/csv/").get_data().decode("utf-8-sig").splitlines()[0]
    assert "name" not in header.split(",") and "show_in_list" not in header.split(",")


def test_an_export_with_titles_imports_back(admin_client, session):
    exported = admin_client.get("/admin/lossreason/export/csv/").get_data().decode("utf-8-sig")
    response = admin_client.post("/admin/lossreason/import/",
                                 data={"file": (io.BytesIO(exported.encode()), "rows.csv")},
                                 content_type="multipart/form-data")
    assert response.status_code == 302


def test_xlsx_export_writes_strings_as_string_cells_with_titles(make_user, login, session):
    _add_reasons(session)
    client = _english_admin(make_user, login, session)
    book = load_workbook(io.BytesIO(client.get("/admin/lossreason/export/xlsx/").data))
    rows = list(book.active.iter_rows())
    assert [c.value for c in rows[0]] == ["Record ID", "Name", "Show in list", "Order", "System code"]
    names = {row[1].value: row[1] for row in rows[1:]}
    for value in (*FORMULAS, PHONE):
        assert names[value].data_type == "s"  # the text as typed: no apostrophe, never evaluated
    assert isinstance(rows[1][3].value, int)


def test_audit_log_and_home_read_as_words(make_user, login, session, clock):
    session.add(cm.Work(name="Развал-схождение", price=Decimal("46700"), standard_hours=Decimal("1.5"),
                        sort_order=500))
    session.commit()
    client = _english_admin(make_user, login, session)
    for url in ("/admin/audit/", "/admin/"):
        page = client.get(url).get_data(as_text=True)
        assert "46\u00a0700,00\u00a0₽" in page, url
        assert "1,50" in page
        assert "&lt;RegulationSettings" not in page and "pending" not in page
        assert "standard_hours" not in page and "show_in_list" not in page
    home = client.get("/admin/").get_data(as_text=True)
    assert "Works: Развал-схождение" in home


def test_a_stored_sqlalchemy_name_is_replaced_by_a_readable_one(app, session, make_user, login):
    from app.models.regulations import RegulationSettings

    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "regulation_settings"))
    assert entry is not None and entry.entity_label == "Regulation settings" or "<" not in entry.entity_label
    settings = session.scalar(select(RegulationSettings))
    session.add(AuditEntry(at=entry.at, entity="regulation_settings", entity_id=settings.id, action="update",
                           entity_label="<RegulationSettings 1>", changes={"latest_call_time": ["20:00:00", "19:30:00"]}))
    session.commit()
    page = _english_admin(make_user, login, session).get("/admin/audit/").get_data(as_text=True)
    assert "&lt;RegulationSettings 1&gt;" not in page
    assert "20:00" in page and "19:30" in page and "20:00:00" not in page


def test_users_list_shows_local_times(admin_client):
    page = admin_client.get("/admin/user/").get_data(as_text=True)
    assert "+00:00" not in page
    assert "2026" in page  # NOW, in the dealership's dd.mm.yyyy HH:MM


def test_money_in_lists_and_no_blank_choice_shown_as_none(admin_client, session, clock):
    owner = f.client(session, clock)
    f.work_order(session, clock, owner, total="46700", paid="0")
    session.commit()
    page = admin_client.get("/admin/workorder/").get_data(as_text=True)
    assert "46\u00a0700,00\u00a0₽" in page and "46700.00" not in page
    for url in ("/admin/booking/new/", "/admin/workorder/new/", "/admin/cadence/new/",
                f"/admin/cadence/edit/?id={session.scalar(select(cm.Cadence.id))}"):
        form = admin_client.get(url).get_data(as_text=True)
        assert "__None</option>" not in form, url


def test_inline_works_are_added_with_a_phrase_of_their_own(make_user, login, session):
    page = _english_admin(make_user, login, session).get("/admin/booking/new/").get_data(as_text=True)
    assert 'data-inline-add="works">Add a work</a>' in page
    assert "New Work" not in page


def test_the_works_catalog_fills_inline_works_for_any_employee(session, make_user, login):
    session.add(cm.Work(name="Развал-схождение", price=Decimal("3000"), standard_hours=Decimal("1.5"),
                        sort_order=500))
    session.commit()
    work = session.scalar(select(cm.Work).where(cm.Work.name == "Развал-схождение"))
    advisor = login(make_user("service_advisor"))
    works = advisor.get("/admin/work/pick/").get_json()
    assert works[str(work.id)] == {"name": "Развал-схождение", "hours": "1.50", "price": "3000.00"}
    assert advisor.get("/admin/work/").status_code == 403  # the catalog itself stays the admins'
    assert login().get("/admin/work/pick/").status_code == 302


def test_a_favicon_is_served_and_linked(admin_client):
    icon = admin_client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert 'rel="icon"' in admin_client.get("/admin/").get_data(as_text=True)
