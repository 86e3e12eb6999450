"""Catalog views through the test client, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from catalogs import models as cm
from catalogs.registry import CATALOGS

ENDPOINTS = {"appeal_category": "appealcategory", "cancellation_reason": "cancellationreason",
             "contact_goal": "contactgoal", "ignore_reason": "ignorereason", "lead_stage": "leadstage",
             "loss_reason": "lossreason", "message_template": "messagetemplate", "cadence": "cadence", "work": "work"}


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("model", CATALOGS.values(), ids=list(CATALOGS))
def test_every_catalog_lists_its_rows_and_offers_import_and_export(admin_client, session, model):
    endpoint = ENDPOINTS[model.__tablename__]
    page = admin_client.get(f"/admin/{endpoint}/").get_data(as_text=True)
    for row in session.scalars(select(model)):
        assert row.name.replace('"', "&#34;") in page or row.name in page
    assert f"/admin/{endpoint}/import/" in page
    assert admin_client.get(f"/admin/{endpoint}/export/csv/").status_code == 200


@pytest.mark.parametrize("model", CATALOGS.values(), ids=list(CATALOGS))
def test_an_empty_name_is_refused_by_the_field_and_the_typed_values_are_kept(admin_client, session, model):
    endpoint = ENDPOINTS[model.__tablename__]
    before = _count(session, model)
    response = admin_client.post(f"/admin/{endpoint}/new/", data={"name": "   ", "show_in_list": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Введите наименование" in page or "Обязательное поле" in page
    assert _count(session, model) == before


def test_an_unknown_placeholder_is_refused_and_the_text_kept(admin_client, session):
    body = "Здравствуйте, {clent_name}! Ждём вас."
    page = admin_client.post("/admin/messagetemplate/new/",
                             data={"name": "Новый", "channel": "sms", "body": body}).get_data(as_text=True)
    assert "{clent_name}" in page and "Неизвестный" in page
    assert "Ждём вас." in page
    assert session.scalar(select(cm.MessageTemplate).where(cm.MessageTemplate.name == "Новый")) is None


def test_an_email_template_needs_a_subject(admin_client, session):
    page = admin_client.post("/admin/messagetemplate/new/",
                             data={"name": "Письмо", "channel": "email", "body": "{client_name}"}).get_data(as_text=True)
    assert "тем" in page.lower()
    assert session.scalar(select(cm.MessageTemplate).where(cm.MessageTemplate.name == "Письмо")) is None


@pytest.mark.parametrize(("hours", "price"), [("0", "100"), ("abc", "100"), ("1", "-5"), ("", "100")])
def test_works_need_positive_hours_and_a_price(admin_client, session, hours, price):
    response = admin_client.post("/admin/work/new/", data={"name": "Мойка", "standard_hours": hours, "price": price})
    assert response.status_code == 200
    assert session.scalar(select(cm.Work).where(cm.Work.name == "Мойка")) is None


def test_a_valid_work_is_created_at_the_end_of_the_list(admin_client, session):
    assert admin_client.post("/admin/work/new/", data={"name": "Мойка", "standard_hours": "0.5", "price": "800",
                                                       "show_in_list": "y"}).status_code == 302
    work = session.scalar(select(cm.Work).where(cm.Work.name == "Мойка"))
    assert work.sort_order == max(session.scalars(select(cm.Work.sort_order)))


def test_a_cadence_step_without_its_template_is_refused(admin_client, session):
    data = {"name": "Своя", "trigger": "manual", "steps-0-action": "send_template", "steps-0-day_offset": "1",
            "steps-0-hour_offset": "0"}
    page = admin_client.post("/admin/cadence/new/", data=data).get_data(as_text=True)
    assert "Шаг 1" in page
    assert session.scalar(select(cm.Cadence).where(cm.Cadence.name == "Своя")) is None


def test_a_predefined_row_can_be_renamed_but_its_system_rule_is_kept(admin_client, session):
    category = session.scalar(select(cm.AppealCategory).where(cm.AppealCategory.code == "order_status"))
    response = admin_client.post(f"/admin/appealcategory/edit/?id={category.id}",
                                 data={"name": "Статус заказа", "group_name": "Контакт с клиентом",
                                       "auto_rule": "", "show_in_list": "y", "row_version": str(category.version)})
    assert response.status_code == 302
    session.expire_all()
    category = session.get(cm.AppealCategory, category.id)
    assert (category.name, category.auto_rule, category.code) == ("Статус заказа", "order_status", "order_status")


def test_mass_assignment_of_code_and_predefined_is_ignored(admin_client, session):
    admin_client.post("/admin/lossreason/new/", data={"name": "Хитрый", "code": "no_contact", "predefined": "y"})
    row = session.scalar(select(cm.LossReason).where(cm.LossReason.name == "Хитрый"))
    assert row is not None and row.code is None and row.predefined is False


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(admin_client, session):
    reason = session.scalar(select(cm.IgnoreReason).where(cm.IgnoreReason.code == "spam"))
    stale = str(reason.version)
    assert admin_client.post(f"/admin/ignorereason/edit/?id={reason.id}",
                             data={"name": "Спам (первый)", "show_in_list": "y", "row_version": stale}).status_code == 302
    page = admin_client.post(f"/admin/ignorereason/edit/?id={reason.id}",
                             data={"name": "Спам (второй)", "show_in_list": "y", "row_version": stale})
    assert "кто-то" in page.get_data(as_text=True).lower() or "другой" in page.get_data(as_text=True).lower()
    session.expire_all()
    assert session.get(cm.IgnoreReason, reason.id).name == "Спам (первый)"


def test_deleting_a_predefined_row_is_refused_with_a_message(admin_client, session):
    reason = session.scalar(select(cm.CancellationReason).where(cm.CancellationReason.code == "client_unreachable"))
    page = admin_client.post("/admin/cancellationreason/delete/", data={"id": str(reason.id)},
                             follow_redirects=True).get_data(as_text=True)
    assert "нельзя удалить" in page
    assert session.get(cm.CancellationReason, reason.id) is not None


def test_deleting_a_row_in_use_is_refused_also_through_the_bulk_action(admin_client, session):
    stage = cm.LeadStage(name="Своя стадия", outcome="open")
    session.add(cm.Cadence(name="Ц", trigger="manual", steps=[cm.CadenceStep(action="set_stage", stage=stage)]))
    session.commit()
    page = admin_client.post("/admin/leadstage/action/", data={"action": "delete", "rowid": str(stage.id)},
                             follow_redirects=True).get_data(as_text=True)
    assert "используется" in page
    assert session.get(cm.LeadStage, stage.id) is not None


def test_move_and_hide_from_the_list(admin_client, session):
    first, second = session.scalars(select(cm.IgnoreReason).order_by(cm.IgnoreReason.sort_order)).all()[:2]
    assert admin_client.post(f"/admin/ignorereason/move/{first.id}/down/").status_code == 302
    admin_client.post("/admin/ignorereason/action/", data={"action": "hide", "rowid": str(second.id)})
    session.expire_all()
    assert session.get(cm.IgnoreReason, second.id).sort_order < session.get(cm.IgnoreReason, first.id).sort_order
    assert session.get(cm.IgnoreReason, second.id).show_in_list is False


def _import(client, endpoint, text):
    return client.post(f"/admin/{endpoint}/import/", data={"file": (io.BytesIO(text.encode()), "rows.csv")},
                       content_type="multipart/form-data")


def test_an_import_with_one_bad_row_imports_nothing_and_names_the_row(admin_client, session):
    before = _count(session, cm.Work)
    response = _import(admin_client, "work", "name,show_in_list,standard_hours,price\n"
                                             "Развал-схождение,1,1.5,3000\n"
                                             "Балансировка,1,-2,900\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Строка 3" in page
    assert _count(session, cm.Work) == before


def test_a_valid_import_adds_and_updates_rows(admin_client, session):
    spam = session.scalar(select(cm.IgnoreReason).where(cm.IgnoreReason.code == "spam"))
    response = _import(admin_client, "ignorereason", f"id,name,show_in_list,requires_comment\n"
                                                     f"{spam.id},Спам-звонок,1,0\n"
                                                     f",Реклама,0,1\n")
    assert response.status_code == 302
    session.expire_all()
    assert session.get(cm.IgnoreReason, spam.id).name == "Спам-звонок"
    added = session.scalar(select(cm.IgnoreReason).where(cm.IgnoreReason.name == "Реклама"))
    assert added.requires_comment is True and added.show_in_list is False and added.code is None


def test_an_exported_catalog_imports_back_unchanged(admin_client, session):
    exported = admin_client.get("/admin/lossreason/export/csv/").get_data().decode("utf-8-sig")
    assert len(exported.splitlines()[0].split(",")) == 5  # titles in the user's language (tests/admin/test_readable_admin.py)
    assert _import(admin_client, "lossreason", exported).status_code == 302


def test_export_neutralises_spreadsheet_formulas(admin_client, session):
    session.add(cm.LossReason(name="=HYPERLINK(\"http://evil\")", sort_order=1))
    session.commit()
    exported = admin_client.get("/admin/lossreason/export/csv/").get_data(as_text=True)
    assert "'=HYPERLINK" in exported


def test_changes_through_the_views_are_audited_with_the_admin(admin_client, session):
    admin_client.post("/admin/lossreason/new/", data={"name": "Через форму", "show_in_list": "y"})
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.actor.username == "boss" and entry.action == "create"
    assert "Через форму" in admin_client.get("/admin/audit/").get_data(as_text=True)
    assert admin_client.post("/admin/audit/delete/", data={"id": str(entry.id)}).status_code in (302, 405)
    assert session.get(AuditEntry, entry.id) is not None
