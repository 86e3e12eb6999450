"""Catalog lists in the browser: menu, order, hiding, renaming (and its audit), protected and used rows,
field errors on bad input, CSV export."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    field_error,
    flashes,
    list_names,
    list_row,
    open_navbar_menu,
    run_list_action,
    submit_admin_form,
)

pytestmark = pytest.mark.browser

APPEAL_CATEGORIES = [
    "Услуги по ремонту",
    "Запасные части",
    "Продолжение звонка",
    "По статусу ремонта/заказа",
    "Повторное обращение",
    "Прочее",
]


def test_catalog_menu_opens_appeal_categories_in_predefined_order(page, login, screenshot):
    login("admin")

    menu = page.locator("nav a.dropdown-toggle").filter(has_text="Справочники")
    menu.click()
    item = page.locator("nav a.dropdown-item[href='/admin/appealcategory/']")
    expect(item).to_be_visible()
    expect(item).to_have_text("Категории обращений")
    item.click()

    expect(page).to_have_url(re.compile(r"/admin/appealcategory/$"))
    expect(page.locator("table.model-list tbody td.col-name")).to_have_text(APPEAL_CATEGORIES)
    # Every predefined row shows its system code and the lock instead of a delete button.
    expect(page.locator("table.model-list tbody span.badge-code")).to_have_count(6)
    expect(page.locator("table.model-list tbody span.fa-lock")).to_have_count(6)

    screenshot(page, "catalog-list.png")


def test_move_down_swaps_the_first_two_rows(page, login):
    login("admin")
    open_navbar_menu(page, "/admin/ignorereason/")
    before = list_names(page)
    assert before[:2] == ["Прочее", "Ошибочный звонок"]

    with page.expect_navigation():
        page.locator("table.model-list tbody tr").first.locator("button.move-down").click()

    expect(page).to_have_url(re.compile(r"/admin/ignorereason/"))
    expect(page.locator("table.model-list tbody td.col-name")).to_have_text(
        [before[1], before[0], *before[2:]]
    )

    # …and back up again: the order is stored, not just displayed.
    with page.expect_navigation():
        list_row(page, "Прочее").locator("button.move-up").click()
    expect(page.locator("table.model-list tbody td.col-name")).to_have_text(before)


def test_hide_through_the_bulk_action_marks_the_row_hidden(page, login):
    login("admin")
    page.goto("/admin/lossreason/")
    row = list_row(page, "Отложил покупку")
    expect(row.locator("td.col-show_in_list")).to_have_text("да")
    page.on("dialog", lambda dialog: dialog.accept())

    row.locator("input.action-checkbox").check()
    run_list_action(page, "hide")

    expect(flashes(page).filter(has_text="скрыт")).to_be_visible()
    row = list_row(page, "Отложил покупку")
    expect(row.locator("td.col-show_in_list")).to_have_text("скрыта")
    expect(row.locator("span.catalog-row-hidden")).to_have_count(1)
    # Only the selected row changed.
    expect(list_row(page, "Нет контакта").locator("td.col-show_in_list")).to_have_text("да")

    page.goto("/admin/")
    expect(page.locator("#catalog-counts tbody tr").filter(has_text="Причины проигрыша лида").locator("td")).to_have_text(
        ["Причины проигрыша лида", "4", "3"]
    )


def test_renaming_a_predefined_row_is_saved_and_audited(page, login, screenshot):
    login("admin")
    page.goto("/admin/lossreason/")
    row = list_row(page, "Не устроила цена")
    expect(row.locator("span.badge-code")).to_have_text("price")

    with page.expect_navigation():
        row.locator("a[href*='/admin/lossreason/edit/']").click()
    expect(page.locator("#name")).to_have_value("Не устроила цена")
    page.fill("#name", "Не устроила стоимость")
    submit_admin_form(page)

    expect(page).to_have_url(re.compile(r"/admin/lossreason/"))
    expect(list_row(page, "Не устроила цена")).to_have_count(0)
    renamed = list_row(page, "Не устроила стоимость")
    expect(renamed.locator("span.badge-code")).to_have_text("price")  # the system code is kept
    expect(renamed.locator("span.fa-lock")).to_have_count(1)  # still predefined

    open_navbar_menu(page, "/admin/audit/")
    latest = page.locator("table.model-list tbody tr").first
    expect(latest.locator("td.col-entity_label")).to_have_text("Не устроила стоимость")
    expect(latest.locator("td.col-action")).to_have_text("изменение")
    expect(latest.locator("td.col-actor")).to_have_text("Администратор системы")
    change = latest.locator("ul.audit-changes li").filter(has_text="Наименование")
    expect(change.locator("del")).to_have_text("Не устроила цена")
    expect(change.locator("ins")).to_have_text("Не устроила стоимость")

    # Narrow the log to this catalog with the list filter (the seed's own entries fill pages otherwise).
    filters = page.locator(".field-filters")
    page.locator("ul.nav-tabs li.dropdown", has=filters).locator("a.dropdown-toggle").click()
    filters.locator("a.filter").filter(has_text="Таблица").click()
    page.fill("#filter_form input.filter-val", "loss_reason")
    with page.expect_navigation():
        page.click("#filter_form button[type=submit]")
    rows = page.locator("table.model-list tbody tr")
    expect(rows).to_have_count(5)  # four rows created by the seed, one renamed here
    expect(rows.locator("td.col-entity")).to_have_text(["Причины проигрыша лида"] * 5)
    expect(rows.first.locator("ul.audit-changes del")).to_have_text("Не устроила цена")

    screenshot(page, "audit-log.png")


def test_predefined_row_has_no_delete_button(page, login):
    login("admin")
    page.goto("/admin/lossreason/")
    row = list_row(page, "Нет контакта")
    expect(row.locator("span.fa-lock")).to_have_count(1)
    expect(row.locator("form[action$='/delete/']")).to_have_count(0)
    expect(row.locator("a[href*='/edit/']")).to_have_count(1)


def test_deleting_a_template_in_use_is_refused_with_a_hint_to_hide_it(page, login, db_session):
    from sqlalchemy import select

    from catalogs.models import Cadence, CadenceStep, MessageTemplate

    login("admin")
    page.goto("/admin/messagetemplate/new/")
    page.fill("#name", "Поздравление с покупкой")
    page.fill("#body", "{client_name}, поздравляем с покупкой! {dealer_name}")
    submit_admin_form(page)
    expect(list_row(page, "Поздравление с покупкой")).to_have_count(1)

    # A cadence step starts using the new template (arranged directly in the database).
    template = db_session.scalar(select(MessageTemplate).where(MessageTemplate.name == "Поздравление с покупкой"))
    assert template is not None and not template.predefined
    cadence = db_session.scalar(select(Cadence).where(Cadence.code == "qualified_no_meeting"))
    cadence.steps.append(CadenceStep(sort_order=1000, day_offset=5, action="send_template", template=template,
                                     note="Поздравление"))
    db_session.commit()
    template_id = template.id

    page.reload()
    row = list_row(page, "Поздравление с покупкой")
    expect(row.locator("span.fa-lock")).to_have_count(0)
    expect(row.locator("form[action$='/delete/']")).to_have_count(1)  # admin-made rows can be deleted…

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    row.locator("input.action-checkbox").check()
    run_list_action(page, "delete")

    assert dialogs, "the bulk delete asks for confirmation"
    error = flashes(page).filter(has_text="Поздравление с покупкой")
    expect(error).to_have_class(re.compile(r"\balert-danger\b"))
    expect(error).to_contain_text("уже используется, её нельзя удалить")
    expect(error).to_contain_text("скройте её из списков")
    expect(list_row(page, "Поздравление с покупкой")).to_have_count(1)  # …but not while in use

    db_session.expire_all()
    assert db_session.get(MessageTemplate, template_id) is not None


def test_unknown_placeholder_is_reported_next_to_the_body_and_input_is_kept(page, login, screenshot):
    login("admin")
    page.goto("/admin/messagetemplate/")
    with page.expect_navigation():
        page.click("ul.nav-tabs a[href^='/admin/messagetemplate/new/']")
    page.fill("#name", "Приглашение на ТО")
    body = "{clent_name}, приглашаем вас на ТО в {dealer_name}. Тел. {dealer_phone}"
    page.fill("#body", body)
    submit_admin_form(page)

    expect(page).to_have_url(re.compile(r"/admin/messagetemplate/new/"))
    expect(page.locator("#body")).to_have_class(re.compile(r"\bis-invalid\b"))
    message = field_error(page, "body")
    expect(message).to_be_visible()
    expect(message).to_contain_text("Неизвестный параметр {clent_name}")
    expect(message).to_contain_text("{client_name}")  # the allowed ones are listed
    expect(page.locator("#body")).to_have_value(body)
    expect(page.locator("#name")).to_have_value("Приглашение на ТО")
    expect(page.locator("#name")).not_to_have_class(re.compile(r"\bis-invalid\b"))

    screenshot(page, "template-error.png")

    page.goto("/admin/messagetemplate/")
    expect(list_row(page, "Приглашение на ТО")).to_have_count(0)


def test_negative_work_price_is_reported_next_to_the_price(page, login):
    login("admin")
    page.goto("/admin/work/new/")
    page.fill("#name", "Замена свечей зажигания")
    page.fill("#standard_hours", "0.8")
    page.fill("#price", "-100")
    submit_admin_form(page)

    expect(page.locator("#price")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(field_error(page, "price")).to_have_text("Цена не может быть отрицательной.")
    expect(page.locator("#price")).to_have_value("-100")
    expect(field_error(page, "standard_hours")).to_have_count(0)

    page.goto("/admin/work/")
    expect(list_row(page, "Замена свечей зажигания")).to_have_count(0)


def test_csv_export_downloads_titles_in_the_user_language(page, login):
    login("admin")
    page.goto("/admin/lossreason/")
    link = page.locator("a.dropdown-item[href$='/admin/lossreason/export/csv/']")
    page.locator("ul.nav-tabs li.dropdown", has=link).locator("a.dropdown-toggle").click()
    with page.expect_download() as info:
        link.click()
    download = info.value

    assert download.suggested_filename.endswith(".csv")
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Номер записи,Наименование,Показать в списке"), lines[0]  # after the msgids merge
    assert len(lines) == 1 + 4
    assert any("Купил в другом салоне" in line for line in lines[1:])
